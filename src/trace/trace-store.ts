import type { FreezeEvent } from '../model/events.ts';
import type { Store } from '../store/store.ts';
import { INFERRED_LABEL_FORMATS } from '../labels/inferred-labels.ts';
import { openGraphIndex } from './graph-index-file.ts';
import { inferDepositAddresses, withInferredDeposits } from './infer-deposits.ts';
import { slotOf } from './graph-index.ts';
import { type TraceReachParameters, traceReach } from './reach.ts';
import { buildSubgraphIndex, type SubgraphProgress } from './subgraph-index.ts';
import { STOP_CATEGORIES, traceFunds } from './trace-funds.ts';
import {
  type EndpointLabels,
  type GraphIndex,
  NODE_ACCOUNT,
  type TraceParameters,
  type TraceResult,
} from './types.ts';

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
 * The store's open labels as the trace engine's lookup: one category and entity per address
 * (`withoutInferred`: leaving out labels that are inferences, not entries of a list).
 *
 * @example
 * const labels = await endpointLabels(store);
 * labels.lookup('ethereum', '0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146'); // { category: 'bridge', entity: 'THORChain' }
 */
export async function endpointLabels(
  store: Store,
  options: { withoutInferred?: boolean } = {},
): Promise<EndpointLabels> {
  const rank = (category: string) => {
    const i = LABEL_PRIORITY.indexOf(category);
    return i < 0 ? LABEL_PRIORITY.length : i;
  };
  // Labels a rule inferred from the transfers (stored by `labels infer-deposits`): a trace infers
  // afresh from the index it runs on, with the evidence, so it may leave the stored ones out.
  const inferredImports = options.withoutInferred
    ? new Set(
        (await store.listLabelImports())
          .filter((i) => INFERRED_LABEL_FORMATS.has(i.format))
          .map((i) => i.id),
      )
    : new Set<number>();
  const best = new Map<
    string,
    { chain: string; address: string; label: { category: string; entity: string | null } }
  >();
  for (const l of await store.listLabels({ open: true })) {
    if (l.importId !== null && l.importId !== undefined && inferredImports.has(l.importId))
      continue;
    const key = `${l.chain}|${l.address}`;
    const current = best.get(key);
    if (!current || rank(l.category) < rank(current.label.category))
      best.set(key, {
        chain: l.chain,
        address: l.address,
        label: { category: l.category, entity: l.entity },
      });
  }
  return {
    lookup: (chain, address) => best.get(`${chain}|${address}`)?.label ?? null,
    each: (visit) => {
      for (const b of best.values()) visit(b.chain, b.address);
    },
  };
}

/** The steps of {@link traceStore}, in order, for progress reports. */
export type TraceStorePhase = 'index' | 'labels' | 'trace' | 'done';

export type TraceStoreParameters = TraceParameters & {
  store: Store;
  /**
   * Infer exchange deposit addresses from their sweeps to labelled exchanges (src/trace/infer-deposits.ts)
   * and stop at them, naming the deposit address (default true).
   */
  inferDeposits?: boolean | undefined;
  /** Called as each step starts (and with `done` at the end). */
  onPhase?: ((phase: TraceStorePhase) => void) | undefined;
  /** Stops between steps (the sweep itself runs to its end once started). */
  signal?: AbortSignal | undefined;
  /**
   * Where the trace's graph comes from: `index`, the whole store's graph index (saved beside a
   * DuckDB file, built in memory otherwise); `subgraph`, only what the trace can reach, read from the
   * store hop by hop (src/trace/subgraph-index.ts), the same result with memory that grows with it.
   * Default: `index` where the store saves one (`indexLocation`), `subgraph` on a server (ClickHouse).
   */
  graph?: TraceGraph | undefined;
  /** With `graph: 'subgraph'`: called after each round of store reads. */
  onSubgraph?: ((progress: SubgraphProgress) => void) | undefined;
};

/** See {@link TraceStoreParameters.graph}. */
export type TraceGraph = 'index' | 'subgraph';

/** The graph a trace over `store` takes by default. */
export function defaultTraceGraph(store: Pick<Store, 'indexLocation'>): TraceGraph {
  return store.indexLocation === null ? 'subgraph' : 'index';
}

/** Labels at which value stops (STOP_CATEGORIES): a subgraph does not read past them. */
function stopsAt(labels: EndpointLabels): (chain: string, address: string) => boolean {
  return (chain, address) => STOP_CATEGORIES.has(labels.lookup(chain, address)?.category ?? '');
}

/**
 * The graph a trace runs on: the store's whole index, or the subgraph the trace can reach.
 */
async function traceGraphOf(
  parameters: Pick<TraceParameters, 'seeds' | 'direction' | 'since' | 'until' | 'maxHops'> & {
    store: Store;
    graph: TraceGraph;
    labels: EndpointLabels;
    signal?: AbortSignal | undefined;
    onSubgraph?: ((progress: SubgraphProgress) => void) | undefined;
  },
): Promise<{ index: GraphIndex; action: TraceStoreReturnType['indexAction'] }> {
  const { store, graph, labels } = parameters;
  if (graph === 'index') return openGraphIndex({ store });
  const { index } = await buildSubgraphIndex({
    store,
    seeds: parameters.seeds,
    direction: parameters.direction,
    since: parameters.since,
    until: parameters.until,
    maxHops: parameters.maxHops,
    stopsAt: stopsAt(labels),
    signal: parameters.signal,
    onProgress: parameters.onSubgraph,
  });
  return { index, action: 'subgraph' };
}

/** The memos of the store's bridge deposits (THORChain), by transaction id of the index. */
async function bridgeMemosOf(store: Store, index: GraphIndex): Promise<Map<number, string>> {
  return (await bridgeEventsOf(store, index)).memos;
}

/**
 * The store's bridge events (THORChain) by transaction id of the index: the deposits' memos and the
 * vaults they name (the bridge's own addresses the router pays in the same transaction), and the
 * payouts' memos (`OUT:<inbound hash>`).
 */
async function bridgeEventsOf(
  store: Store,
  index: GraphIndex,
): Promise<{
  memos: Map<number, string>;
  vaults: Map<number, string[]>;
  outMemos: Map<number, string>;
}> {
  const memos = new Map<number, string>();
  const vaults = new Map<number, string[]>();
  const outMemos = new Map<number, string>();
  for (const e of await store.listEvents({ type: 'bridge_withdrawal' })) {
    if (e.type !== 'bridge_withdrawal' || !e.memo) continue;
    const id = index.txId(e.chain, e.txHash);
    if (id !== undefined) outMemos.set(id, e.memo);
  }
  for (const e of await store.listEvents({ type: 'bridge_deposit' })) {
    if (e.type !== 'bridge_deposit') continue;
    const id = index.txId(e.chain, e.txHash);
    if (id === undefined) continue;
    if (e.memo) memos.set(id, e.memo);
    if (e.counterparty) vaults.set(id, [...(vaults.get(id) ?? []), e.counterparty]);
  }
  return { memos, vaults, outMemos };
}

/** The index of a `log:<index>` position (freezes are logs), for ordering within a block. */
function logIndexOf(position: string): number {
  const m = /^log:(\d+)$/.exec(position);
  return m ? Number(m[1]) : 0;
}

/**
 * The slots (token, address) frozen by their issuer at `until` (default: the end of the data): the
 * last freeze or unfreeze event of each pair decides.
 */
async function frozenSlotsOf(
  store: Store,
  index: GraphIndex,
  until: number | undefined,
): Promise<Set<number>> {
  const events: FreezeEvent[] = [];
  for (const type of ['freeze', 'unfreeze'] as const)
    for (const e of await store.listEvents({ type }))
      if (e.type === type && (until === undefined || e.blockTime === null || e.blockTime <= until))
        events.push(e);
  events.sort((a, b) =>
    a.blockNumber !== b.blockNumber
      ? a.blockNumber < b.blockNumber
        ? -1
        : 1
      : logIndexOf(a.position) - logIndexOf(b.position),
  );
  const frozen = new Map<string, boolean>();
  for (const e of events) frozen.set(`${e.chain}|${e.contract}|${e.account}`, e.type === 'freeze');
  const slots = new Set<number>();
  for (const [pair, on] of frozen) {
    if (!on) continue;
    const [chain, token, account] = pair.split('|') as [string, string, string];
    const node = index.nodeId(chain, account);
    const asset = index.assetId(chain, token);
    const slot = node === undefined || asset === undefined ? undefined : slotOf(index, node, asset);
    if (slot !== undefined) slots.add(slot);
  }
  return slots;
}

/**
 * Resolves `transfer` seeds (`<tx hash>:<position>`, as `chaintrail address --transfers` lists them)
 * to edges of the index, which keeps no positions: the stored transfer at that position is matched
 * with the index edge of its transaction with the same ends, asset and amount (identical transfers
 * of one transaction in position order). Undefined for a position the store does not have.
 */
async function transferEdgesOf(
  store: Store,
  index: GraphIndex,
  seeds: TraceParameters['seeds'],
): Promise<(chain: string, txHash: string, position: string) => number | undefined> {
  const found = new Map<string, number>();
  for (const seed of seeds) {
    if (seed.kind !== 'transfer') continue;
    const txId = index.txId(seed.chain, seed.txHash);
    if (txId === undefined) continue;
    const transfers = await store.listTransfers({ chain: seed.chain, txHash: seed.txHash });
    const at = transfers.findIndex((t) => t.position === seed.position);
    if (at < 0) continue;
    const t = transfers[at]!;
    const same = (u: (typeof transfers)[number]) =>
      u.from === t.from && u.to === t.to && u.asset === t.asset && u.amount === t.amount;
    const rank = transfers.slice(0, at).filter(same).length;
    const asset = index.assetId(seed.chain, t.asset);
    const from = t.from === null ? undefined : index.nodeId(seed.chain, t.from);
    const to = t.to === null ? undefined : index.nodeId(seed.chain, t.to);
    let k = 0;
    for (let e = 0; e < index.edgeCount; e++) {
      if (index.tx[e] !== txId || index.slotAsset[index.srcSlot[e]!] !== asset) continue;
      if (from !== undefined && index.slotNode[index.srcSlot[e]!] !== from) continue;
      if (to !== undefined && index.slotNode[index.dstSlot[e]!] !== to) continue;
      if (index.amount[e] !== Number(t.amount)) continue;
      if (k++ === rank) {
        found.set(`${seed.chain}|${seed.txHash}|${seed.position}`, e);
        break;
      }
    }
  }
  return (chain, txHash, position) => found.get(`${chain}|${txHash}|${position}`);
}

export type TraceStoreReturnType = {
  result: TraceResult;
  /** How the graph was obtained: the index read from its file, updated, or built; or the subgraph read. */
  indexAction: 'loaded' | 'updated' | 'built' | 'subgraph';
};

/**
 * Traces funds over a store: opens (or builds) its graph index, takes its labels as endpoints and
 * its THORChain deposits' memos as bridge destinations, and runs {@link traceFunds}.
 *
 * @example
 * const { result } = await traceStore({ store, seeds: [{ kind: 'tx', chain: 'anvil', txHash }], direction: 'forward', policy: 'haircut' });
 */
export async function traceStore(parameters: TraceStoreParameters): Promise<TraceStoreReturnType> {
  const {
    store,
    onPhase,
    signal,
    inferDeposits = true,
    graph = defaultTraceGraph(store),
    onSubgraph,
    ...trace
  } = parameters;
  signal?.throwIfAborted();
  onPhase?.('index');
  // The labels of lists, and exchange deposit addresses inferred from their sweeps to them (public
  // label sets name hot wallets, while thieves pay deposit addresses: the freezable ones). Read
  // first: a subgraph stops at the listed services.
  const listed = await endpointLabels(store, { withoutInferred: inferDeposits });
  const { index, action } = await traceGraphOf({
    ...trace,
    store,
    graph,
    labels: listed,
    signal,
    onSubgraph,
  });
  signal?.throwIfAborted();
  onPhase?.('labels');
  const labels = inferDeposits
    ? withInferredDeposits(listed, inferDepositAddresses({ index, labels: listed }))
    : listed;
  const {
    memos: bridgeMemos,
    vaults: bridgeVaults,
    outMemos: bridgeOutMemos,
  } = await bridgeEventsOf(store, index);
  const frozenSlots = await frozenSlotsOf(store, index, trace.until);
  signal?.throwIfAborted();
  onPhase?.('trace');
  const transferEdge = await transferEdgesOf(store, index, trace.seeds);
  const result = traceFunds({
    ...trace,
    transferEdge,
    index,
    labels,
    bridgeMemos,
    bridgeVaults,
    bridgeOutMemos,
    frozenSlots,
  });
  onPhase?.('done');
  return { result, indexAction: action };
}

export type ReachStoreParameters = Omit<
  TraceReachParameters,
  'index' | 'labels' | 'bridgeMemos'
> & {
  store: Store;
  /** As {@link TraceStoreParameters.graph}. */
  graph?: TraceGraph | undefined;
};

/** An address some of the seed's value may have reached, with its fewest hops and its label. */
export type ReachedAddress = {
  chain: string;
  address: string;
  hops: number;
  category: string | null;
  entity: string | null;
};

export type ReachStoreReturnType = {
  addresses: ReachedAddress[];
  edgesVisited: number;
  indexAction: 'loaded' | 'updated' | 'built' | 'subgraph';
};

/**
 * The addresses any of the seeds' value may have reached over a store ({@link traceReach}: what
 * poison taints, without amounts), stopping at its labelled services: a watchlist's "tainted set".
 * Sorted by hops, then chain and address.
 *
 * @example
 * const { addresses } = await reachStore({ store, seeds, direction: 'forward', maxHops: 10 });
 */
export async function reachStore(parameters: ReachStoreParameters): Promise<ReachStoreReturnType> {
  const { store, graph = defaultTraceGraph(store), ...reach } = parameters;
  const labels = await endpointLabels(store);
  const { index, action } = await traceGraphOf({ ...reach, store, graph, labels });
  const bridgeMemos = await bridgeMemosOf(store, index);
  const transferEdge = await transferEdgesOf(store, index, reach.seeds);
  const result = traceReach({ ...reach, transferEdge, index, labels, bridgeMemos });
  const addresses: ReachedAddress[] = [];
  result.nodes.forEach((node, i) => {
    // UTXO transactions and the fee sink are nodes of the index, not addresses.
    if (index.nodeKind[node] !== NODE_ACCOUNT) return;
    const { chain, address } = index.node(node);
    const label = labels.lookup(chain, address);
    addresses.push({
      chain,
      address,
      hops: result.hops[i]!,
      category: label?.category ?? null,
      entity: label?.entity ?? null,
    });
  });
  addresses.sort(
    (a, b) =>
      a.hops - b.hops ||
      (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0) ||
      (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
  );
  return { addresses, edgesVisited: result.edgesVisited, indexAction: action };
}
