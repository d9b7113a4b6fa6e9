import { INFERRED_LABEL_FORMATS } from '../labels/inferred-labels.ts';
import type { Label, LabelImport, OwnerLabel } from '../store/store.ts';

/**
 * Who a cluster's public labels say owns it: the kinds of owner (an exchange, a mixer…) and the
 * owners' names. Only labels without an organisation count (the `labels` table): one organisation's
 * private labels never change the clustering every organisation shares.
 */
export type Owners = {
  kinds: ReadonlySet<string>;
  /** Entity names, normalised (lowercase letters and digits only). */
  entities: ReadonlySet<string>;
  /** Some of the labels, for reports (at most {@link REPORTED_LABELS}). */
  labels: readonly OwnerLabel[];
};

/** Labels kept per cluster for a refused merge's report. */
const REPORTED_LABELS = 5;
/** Shortest normalised name that matches as the start of a longer one (`garantex` in `garantexeuropeou`). */
const MIN_NAME_PREFIX = 4;

/**
 * The kind of owner each category names. An exchange's hot, cold and deposit wallets are one kind:
 * an exchange's consolidations spend its deposit addresses together with its hot wallet. Categories
 * that say what befell an address rather than who runs it (sanctioned, frozen, other) name no kind:
 * a sanctioned exchange is still an exchange; its name tells owners apart.
 */
const KIND_OF_CATEGORY: Readonly<Record<string, string | null>> = {
  exchange: 'exchange',
  hot_wallet: 'exchange',
  cold_wallet: 'exchange',
  deposit_wallet: 'exchange',
  sanctioned: null,
  frozen: null,
  other: null,
};

const kindOf = (category: string): string | null =>
  category in KIND_OF_CATEGORY ? KIND_OF_CATEGORY[category]! : category;

const normalise = (entity: string) => entity.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The owners of each publicly labelled address of a chain: its open labels, inferences left out
 * (an inferred deposit address is itself a guess, not a list's word).
 *
 * @example
 * const owners = ownersByAddress(await store.listLabels({ chain: 'bitcoin', open: true }), await store.listLabelImports());
 */
export function ownersByAddress(
  labels: readonly Label[],
  imports: readonly LabelImport[],
): Map<string, Owners> {
  const inferred = new Set(
    imports.filter((i) => INFERRED_LABEL_FORMATS.has(i.format)).map((i) => i.id),
  );
  const grouped = new Map<string, Label[]>();
  for (const l of labels) {
    if (l.validTo != null || (l.importId != null && inferred.has(l.importId))) continue;
    const list = grouped.get(l.address);
    if (list) list.push(l);
    else grouped.set(l.address, [l]);
  }
  const owners = new Map<string, Owners>();
  for (const [address, list] of grouped) {
    const kinds = new Set<string>();
    const entities = new Set<string>();
    for (const l of list) {
      const kind = kindOf(l.category);
      if (kind !== null) kinds.add(kind);
      if (l.entity) entities.add(normalise(l.entity));
    }
    entities.delete('');
    owners.set(address, {
      kinds,
      entities,
      labels: list
        .slice(0, REPORTED_LABELS)
        .map((l) => ({ category: l.category, entity: l.entity, address })),
    });
  }
  return owners;
}

function sameName(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a)
    for (const y of b) {
      if (x === y) return true;
      const [short, long] = x.length <= y.length ? [x, y] : [y, x];
      if (short.length >= MIN_NAME_PREFIX && long.startsWith(short)) return true;
    }
  return false;
}

/**
 * True when joining two labelled clusters would join two owners: their labels share no owner name
 * while both name one (Binance and Kraken), or, with a side unnamed, share no kind of owner (an
 * exchange and a mixer). One name may be the start of the other (`Garantex`, `GARANTEX EUROPE OU`).
 *
 * @example
 * ownersConflict(exchangeOwners, mixerOwners); // true: the build refuses the merge
 */
export function ownersConflict(a: Owners, b: Owners): boolean {
  if (a.entities.size > 0 && b.entities.size > 0) return !sameName(a.entities, b.entities);
  if (a.kinds.size === 0 || b.kinds.size === 0) return false;
  for (const k of a.kinds) if (b.kinds.has(k)) return false;
  return true;
}

/** The owners of two clusters joined. */
export function mergeOwners(a: Owners, b: Owners): Owners {
  return {
    kinds: new Set([...a.kinds, ...b.kinds]),
    entities: new Set([...a.entities, ...b.entities]),
    labels: [...a.labels, ...b.labels].slice(0, REPORTED_LABELS),
  };
}
