import { INFERRED_DEPOSITS_FORMAT } from '../labels/inferred-labels.ts';
import type { Label, LabelStore, Store } from '../store/store.ts';
import { openGraphIndex } from './graph-index-file.ts';
import type { GraphIndexSource } from './graph-index.ts';
import {
  type InferDepositAddressesParameters,
  type InferredDeposit,
  inferDepositAddresses,
} from './infer-deposits.ts';
import type { EndpointLabels } from './types.ts';

export { INFERRED_DEPOSITS_FORMAT };
/** The import's list name and source in the label import log. */
const INFERRED_DEPOSITS_LIST = 'inferred exchange deposit addresses';
const INFERRED_DEPOSITS_SOURCE = 'chaintrail labels infer-deposits';
const SECONDS_PER_DAY = 86_400;

/**
 * Categories whose label decides an address's class for the inference: an exchange address (to
 * sweep to) when it has one of them, else any other label makes it "labelled".
 */
const EXCHANGE_FIRST = new Set(['exchange', 'hot_wallet']);

/**
 * The `source` of an inferred deposit label: that it is inferred, by which heuristic, and from
 * which sweep (its largest): the transaction, the labelled address it swept to.
 *
 * @example
 * inferredDepositSource(deposit);
 * // 'inferred deposit address (chaintrail, heuristic of Victor, FC 2020): swept to 0xabc… in 0xdef…'
 */
export function inferredDepositSource(deposit: InferredDeposit): string {
  const sweep = deposit.sweeps[0]!;
  return `inferred deposit address (chaintrail, heuristic of Victor, FC 2020): swept to ${deposit.exchangeAddress} in ${sweep.txHash}`;
}

/**
 * The store's open labels as the inference's lookup, without earlier inferences (format
 * {@link INFERRED_DEPOSITS_FORMAT}): a rerun judges every address afresh, and a real label that
 * arrived since wins. An address with an exchange or hot-wallet label answers that one.
 *
 * @example
 * const labels = await labelsWithoutInferences(store);
 */
export async function labelsWithoutInferences(
  store: Pick<LabelStore, 'listLabels' | 'listLabelImports'>,
): Promise<EndpointLabels> {
  const inferred = new Set(
    (await store.listLabelImports())
      .filter((i) => i.format === INFERRED_DEPOSITS_FORMAT)
      .map((i) => i.id),
  );
  const best = new Map<string, { category: string; entity: string | null }>();
  for (const l of await store.listLabels({ open: true })) {
    if (l.importId !== null && l.importId !== undefined && inferred.has(l.importId)) continue;
    const key = `${l.chain}\u0000${l.address}`;
    const current = best.get(key);
    if (!current || (EXCHANGE_FIRST.has(l.category) && !EXCHANGE_FIRST.has(current.category)))
      best.set(key, { category: l.category, entity: l.entity });
  }
  return { lookup: (chain, address) => best.get(`${chain}\u0000${address}`) ?? null };
}

/** The label a deposit inference becomes: `deposit_wallet` of the exchange, never a sanction. */
function toLabel(d: InferredDeposit): Label {
  return {
    chain: d.chain,
    address: d.address,
    entity: d.entity,
    category: 'deposit_wallet',
    source: inferredDepositSource(d),
    confidence: d.confidence,
    sanctionList: null,
    programs: [],
    validFrom: null,
    validTo: null,
  };
}

const labelKey = (l: Pick<Label, 'chain' | 'address' | 'entity' | 'source' | 'confidence'>) =>
  [l.chain, l.address, l.entity ?? '', l.source, l.confidence ?? ''].join('\u0000');

/** The UTC day before `now`, `YYYY-MM-DD`: a closed inference's last valid day. */
function dayBefore(now: Date): string {
  return new Date(now.getTime() - SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);
}

export type LabelInferredDepositsParameters = Omit<
  InferDepositAddressesParameters,
  'index' | 'labels'
> & {
  /** Reads the graph index's transfers and the labels, writes the inferred labels. */
  store: GraphIndexSource & LabelStore & Pick<Store, 'write' | 'indexLocation'>;
  /** Infer and report, write nothing. */
  dryRun?: boolean | undefined;
  /** The run's time (default now): closed inferences end the day before. */
  now?: Date | undefined;
};

export type LabelInferredDepositsReturnType = {
  deposits: InferredDeposit[];
  /** Labels added, and inferred labels closed (no longer inferred, or changed), by this run. */
  written: number;
  closed: number;
  /** The label import of this run, or null when nothing changed (or a dry run). */
  importId: number | null;
  /** How the graph index was obtained. */
  indexAction: 'loaded' | 'updated' | 'built';
};

/**
 * Infers the store's exchange deposit addresses ({@link inferDepositAddresses}) over its graph
 * index and stores them as one label import (format {@link INFERRED_DEPOSITS_FORMAT}): category
 * `deposit_wallet`, entity the exchange, a source naming the heuristic and the sweep, the
 * inference's confidence. One atomic write; a rerun closes (validTo the day before) the inferred
 * labels no longer inferred or whose evidence or confidence changed, and adds the new ones; other
 * labels are never touched. A rerun that changes nothing writes nothing.
 *
 * @example
 * const { deposits, written, closed } = await labelInferredDeposits({ store });
 */
export async function labelInferredDeposits(
  parameters: LabelInferredDepositsParameters,
): Promise<LabelInferredDepositsReturnType> {
  const { store, dryRun, now, ...tunables } = parameters;
  const { index, action } = await openGraphIndex({ store });
  const labels = await labelsWithoutInferences(store);
  const deposits = inferDepositAddresses({ ...tunables, index, labels });
  const result = { deposits, written: 0, closed: 0, importId: null, indexAction: action };
  if (dryRun) return result;
  const next = deposits.map(toLabel);
  const inferredImports = new Set(
    (await store.listLabelImports())
      .filter((i) => i.format === INFERRED_DEPOSITS_FORMAT)
      .map((i) => i.id),
  );
  const open = (await store.listLabels({ open: true, category: 'deposit_wallet' })).filter(
    (l) => l.importId !== null && l.importId !== undefined && inferredImports.has(l.importId),
  );
  const before = new Set(open.map(labelKey));
  const after = new Set(next.map(labelKey));
  if (before.size === after.size && [...after].every((key) => before.has(key))) return result;
  const day = (now ?? new Date()).toISOString().slice(0, 10);
  const summary = await store.write(async (w) => {
    await w.recordLabelImport({
      format: INFERRED_DEPOSITS_FORMAT,
      source: INFERRED_DEPOSITS_SOURCE,
      listName: INFERRED_DEPOSITS_LIST,
      listDate: day,
      sha256: null,
    });
    await w.closeNotRestaged({
      format: INFERRED_DEPOSITS_FORMAT,
      validTo: dayBefore(now ?? new Date()),
    });
    await w.addLabels(next);
  });
  const imports = await store.listLabelImports();
  return {
    ...result,
    written: summary.labelsWritten,
    closed: summary.labelsClosed,
    importId: imports.at(-1)?.id ?? null,
  };
}
