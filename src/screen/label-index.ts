import { INFERRED_LABEL_FORMATS } from '../labels/inferred-labels.ts';
import type { Label, LabelImport, LabelStore } from '../store/store.ts';
import type { LabelRef, ListRef } from './types.ts';

/** The labels of one address that matter on the screening day. */
export type LabelIndexEntry = {
  /** Labels valid on the day, sanctions first, then by category. */
  current: LabelRef[];
  /** Sanctions that ended before the day. */
  formerSanctions: LabelRef[];
};

/** Every label of a store, by chain and canonical address, as of one day. */
export type LabelIndex = {
  asOf: string;
  /** Per chain key, per canonical address; only addresses with current labels or former sanctions. */
  readonly byChain: ReadonlyMap<string, ReadonlyMap<string, LabelIndexEntry>>;
  /** Every label list loaded (the label set), and one entry for labels written without an import. */
  labelSet: ListRef[];
  /** Addresses indexed. */
  size: number;
};

/** Input of {@link createLabelIndex}. */
export type CreateLabelIndexParameters = {
  store: Pick<LabelStore, 'listLabels' | 'listLabelImports'>;
  /** Day (`YYYY-MM-DD`) the labels must be valid on. */
  asOf: string;
};

function toRef(l: Label, inferred: boolean): LabelRef {
  const ref: LabelRef = {
    category: l.category,
    entity: l.entity,
    actor: l.actor ?? null,
    country: l.country ?? null,
    source: l.source,
    confidence: l.confidence,
    sanctionList: l.sanctionList ?? null,
    programs: l.programs ?? [],
    validFrom: l.validFrom ?? null,
    validTo: l.validTo ?? null,
    importId: l.importId ?? null,
  };
  if (inferred) ref.inferred = true;
  return ref;
}

function listRef(i: LabelImport): ListRef {
  return {
    importId: i.id,
    format: i.format,
    listName: i.listName,
    listDate: i.listDate,
    sha256: i.sha256,
    source: i.source,
  };
}

const bySanctionThenCategory = (a: LabelRef, b: LabelRef) =>
  Number(b.sanctionList !== null) - Number(a.sanctionList !== null) ||
  a.category.localeCompare(b.category) ||
  (a.entity ?? '').localeCompare(b.entity ?? '');

/**
 * Loads every label once into memory for screening: lookups are then two `Map.get` calls. A label
 * is current when `validFrom` ≤ `asOf` ≤ `validTo` (open ends allowed); a sanction that ended
 * before `asOf` is kept as a former sanction; other labels are left out.
 *
 * @example
 * const index = await createLabelIndex({ store, asOf: '2025-12-01' });
 * index.byChain.get('ethereum')?.get('0x098b716b8aaf21512996dc57eb0615e2383e2f96')?.current;
 */
export async function createLabelIndex(
  parameters: CreateLabelIndexParameters,
): Promise<LabelIndex> {
  const { store, asOf } = parameters;
  const byChain = new Map<string, Map<string, LabelIndexEntry>>();
  let size = 0;
  let withoutImport = false;
  const imports = await store.listLabelImports();
  const inferredImports = new Set(
    imports.filter((i) => INFERRED_LABEL_FORMATS.has(i.format)).map((i) => i.id),
  );
  // Dates are `YYYY-MM-DD`, so string order is date order.
  for (const label of await store.listLabels()) {
    const from = label.validFrom ?? null;
    const to = label.validTo ?? null;
    if (from !== null && from > asOf) continue;
    const current = to === null || to >= asOf;
    if (!current && !label.sanctionList) continue;
    let chain = byChain.get(label.chain);
    if (!chain) byChain.set(label.chain, (chain = new Map()));
    let entry = chain.get(label.address);
    if (!entry) {
      chain.set(label.address, (entry = { current: [], formerSanctions: [] }));
      size++;
    }
    const inferred = label.importId != null && inferredImports.has(label.importId);
    // An inference is never a sanction, whatever it carries.
    if (inferred && !current) continue;
    (current ? entry.current : entry.formerSanctions).push(toRef(label, inferred));
    if (label.importId === null || label.importId === undefined) withoutImport = true;
  }
  for (const chain of byChain.values())
    for (const entry of chain.values()) entry.current.sort(bySanctionThenCategory);
  const labelSet = imports.map(listRef);
  if (withoutImport)
    labelSet.push({
      importId: null,
      format: null,
      listName: '(labels written without an import record)',
      listDate: null,
      sha256: null,
      source: null,
    });
  return { asOf, byChain, labelSet, size };
}
