import type { Store } from '../store/store.ts';
import { openGraphIndex } from './graph-index-file.ts';
import { traceFunds } from './trace-funds.ts';
import type { EndpointLabels, TraceParameters, TraceResult } from './types.ts';

/**
 * When an address has several labels, the one a trace acts on: the most specific service first
 * (a deposit address says more than "exchange"), then what hides or moves value, then the rest.
 */
const LABEL_PRIORITY = [
  'deposit_wallet',
  'hot_wallet',
  'cold_wallet',
  'exchange',
  'mixer',
  'bridge',
  'instant_exchange',
  'otc',
  'dex',
  'defi',
  'wallet_service',
];

/**
 * The store's open labels as the trace engine's lookup: one category and entity per address.
 *
 * @example
 * const labels = await endpointLabels(store);
 * labels.lookup('ethereum', '0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146'); // { category: 'bridge', entity: 'THORChain' }
 */
export async function endpointLabels(store: Store): Promise<EndpointLabels> {
  const rank = (category: string) => {
    const i = LABEL_PRIORITY.indexOf(category);
    return i < 0 ? LABEL_PRIORITY.length : i;
  };
  const best = new Map<string, { category: string; entity: string | null }>();
  for (const l of await store.listLabels({ open: true })) {
    const key = `${l.chain}|${l.address}`;
    const current = best.get(key);
    if (!current || rank(l.category) < rank(current.category))
      best.set(key, { category: l.category, entity: l.entity });
  }
  return { lookup: (chain, address) => best.get(`${chain}|${address}`) ?? null };
}

export type TraceStoreParameters = TraceParameters & { store: Store };

export type TraceStoreReturnType = {
  result: TraceResult;
  /** How the graph index was obtained: read from its file, updated, or built. */
  indexAction: 'loaded' | 'updated' | 'built';
};

/**
 * Traces funds over a store: opens (or builds) its graph index, takes its labels as endpoints and
 * its THORChain deposits' memos as bridge destinations, and runs {@link traceFunds}.
 *
 * @example
 * const { result } = await traceStore({ store, seeds: [{ kind: 'tx', chain: 'anvil', txHash }], direction: 'forward', policy: 'haircut' });
 */
export async function traceStore(parameters: TraceStoreParameters): Promise<TraceStoreReturnType> {
  const { store, ...trace } = parameters;
  const { index, action } = await openGraphIndex({ store });
  const labels = await endpointLabels(store);
  const bridgeMemos = new Map<number, string>();
  for (const e of await store.listEvents({ type: 'bridge_deposit' })) {
    if (e.type !== 'bridge_deposit' || !e.memo) continue;
    const id = index.txId(e.chain, e.txHash);
    if (id !== undefined) bridgeMemos.set(id, e.memo);
  }
  const result = traceFunds({ ...trace, index, labels, bridgeMemos });
  return { result, indexAction: action };
}
