import type { ChainEvent } from '../model/events.ts';
import type { ChainStore, TransferColumns } from '../store/store.ts';
import {
  type Conversion,
  FEE_SINK_NAME,
  type GraphIndex,
  NODE_ACCOUNT,
  NODE_FEE_SINK,
  NODE_UTXO_TX,
} from './types.ts';
import { resolveConversion } from './resolve-conversion.ts';

/** Transfers read from the store per batch while building: bounded memory for the columns. */
const SCAN_BATCH_ROWS = 500_000;
/** Initial capacity of growable edge and node arrays (doubled as needed). */
const INITIAL_CAPACITY = 1 << 16;
/** A time of 0 for transfers whose block time the store does not know. */
const UNKNOWN_TIME = 0;
/** Radix sort digit: 16 bits, two passes over a Uint32 key. */
const RADIX_BITS = 16;
const RADIX_SIZE = 1 << RADIX_BITS;

/**
 * Interned strings of one kind (node addresses, assets, tx hashes), each tied to a chain. The key
 * joins chain and value with a separator no address or hash contains.
 */
export type NameTable = {
  readonly count: number;
  chainOf(id: number): string;
  valueOf(id: number): string;
  idOf(chain: string, value: string): number | undefined;
};

/** A name table that can grow (builds and updates). */
export type Interner = NameTable & {
  intern(chain: string, value: string): number;
  /** Chains by index, and the chain index and value of every id: what a file stores. */
  readonly chains: readonly string[];
  readonly chainIndex: () => Uint16Array;
  readonly values: readonly string[];
};

/**
 * Creates a name table that interns `(chain, value)` pairs to dense ids in first-seen order.
 *
 * @example
 * const names = createInterner();
 * names.intern('ethereum', '0xabc…'); // 0
 */
export function createInterner(init?: {
  chains: readonly string[];
  chainIndex: Uint16Array;
  values: string[];
}): Interner {
  const chains: string[] = init ? [...init.chains] : [];
  const chainIds = new Map(chains.map((c, i) => [c, i]));
  let chainIndex = init ? init.chainIndex.slice() : new Uint16Array(INITIAL_CAPACITY);
  const values: string[] = init ? init.values : [];
  // The lookup map is built on first use: a loaded index answers node(id) without paying for it.
  let ids: Map<string, number> | null = null;
  const key = (chainId: number, value: string) => `${chainId}\u0000${value}`;
  const map = () => {
    if (ids) return ids;
    ids = new Map();
    for (let i = 0; i < values.length; i++) ids.set(key(chainIndex[i]!, values[i]!), i);
    return ids;
  };
  return {
    get count() {
      return values.length;
    },
    chains,
    values,
    chainIndex: () => chainIndex.subarray(0, values.length),
    chainOf: (id) => chains[chainIndex[id]!]!,
    valueOf: (id) => values[id]!,
    idOf(chain, value) {
      const c = chainIds.get(chain);
      return c === undefined ? undefined : map().get(key(c, value));
    },
    intern(chain, value) {
      let c = chainIds.get(chain);
      if (c === undefined) {
        c = chains.length;
        chains.push(chain);
        chainIds.set(chain, c);
      }
      const k = key(c, value);
      const m = map();
      const found = m.get(k);
      if (found !== undefined) return found;
      const id = values.length;
      if (id === chainIndex.length) chainIndex = grow(chainIndex, id * 2);
      chainIndex[id] = c;
      values.push(value);
      m.set(k, id);
      return id;
    },
  };
}

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;
function grow<T extends TypedArray>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** Edges as parallel columns, `count` of them used: what the builder core assembles. */
export type EdgeColumns = {
  count: number;
  src: Uint32Array;
  dst: Uint32Array;
  asset: Uint32Array;
  amount: Float64Array;
  time: Uint32Array;
  tx: Uint32Array;
};

/** Growable edge columns (append one edge at a time). */
function createEdgeBuffer(from?: EdgeColumns): EdgeColumns & {
  push(s: number, d: number, a: number, v: number, t: number, x: number): void;
} {
  const capacity = Math.max(INITIAL_CAPACITY, from ? from.count * 2 : 0);
  const buf = {
    count: from?.count ?? 0,
    src: new Uint32Array(capacity),
    dst: new Uint32Array(capacity),
    asset: new Uint32Array(capacity),
    amount: new Float64Array(capacity),
    time: new Uint32Array(capacity),
    tx: new Uint32Array(capacity),
    push(s: number, d: number, a: number, v: number, t: number, x: number) {
      const i = buf.count;
      if (i === buf.src.length) {
        const n = i * 2;
        buf.src = grow(buf.src, n);
        buf.dst = grow(buf.dst, n);
        buf.asset = grow(buf.asset, n);
        buf.amount = grow(buf.amount, n);
        buf.time = grow(buf.time, n);
        buf.tx = grow(buf.tx, n);
      }
      buf.src[i] = s;
      buf.dst[i] = d;
      buf.asset[i] = a;
      buf.amount[i] = v;
      buf.time[i] = t;
      buf.tx[i] = x;
      buf.count = i + 1;
    },
  };
  if (from) {
    const n = from.count;
    buf.src.set(from.src.subarray(0, n));
    buf.dst.set(from.dst.subarray(0, n));
    buf.asset.set(from.asset.subarray(0, n));
    buf.amount.set(from.amount.subarray(0, n));
    buf.time.set(from.time.subarray(0, n));
    buf.tx.set(from.tx.subarray(0, n));
  }
  return buf;
}

/**
 * Stable sort of `ids` by `key[id]` (LSD radix, two 16-bit passes): O(n), no comparisons. Ties
 * keep the order of `ids`.
 */
function radixSortBy(ids: Uint32Array, key: Uint32Array): Uint32Array {
  let a = ids;
  let b: Uint32Array = new Uint32Array(ids.length);
  const counts = new Uint32Array(RADIX_SIZE);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < a.length; i++) counts[(key[a[i]!]! >>> shift) & (RADIX_SIZE - 1)]!++;
    // All keys share this digit: the pass would be a copy.
    if (counts.some((c) => c === a.length)) continue;
    let sum = 0;
    for (let d = 0; d < RADIX_SIZE; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < a.length; i++) {
      const id = a[i]!;
      b[counts[(key[id]! >>> shift) & (RADIX_SIZE - 1)]!++] = id;
    }
    [a, b] = [b, a];
  }
  return a;
}

function isSorted(a: Uint32Array, n: number): boolean {
  for (let i = 1; i < n; i++) if (a[i]! < a[i - 1]!) return false;
  return true;
}

/** The slot table starts at 2^10 entries and is kept at most half full, so probes stay short. */
const SLOT_TABLE_MIN_BITS = 10;

/**
 * Interns (node, asset) pairs to dense slot ids in first-seen order: an open-addressing hash in
 * typed arrays (a Map keyed by node and asset would allocate a string or a heap number per edge).
 */
function createSlotTable() {
  let bits = SLOT_TABLE_MIN_BITS;
  let keyNode = new Uint32Array(1 << bits);
  let keyAsset = new Uint32Array(1 << bits);
  let value = new Int32Array(1 << bits).fill(-1);
  let slotNode = new Uint32Array(1 << (bits - 1));
  let slotAsset = new Uint32Array(1 << (bits - 1));
  let count = 0;
  const hash = (node: number, asset: number) =>
    (Math.imul(node, 0x9e3779b1) ^ Math.imul(asset + 1, 0x85ebca6b)) >>> (32 - bits);
  const place = (node: number, asset: number, id: number) => {
    const mask = (1 << bits) - 1;
    let h = hash(node, asset);
    while (value[h] !== -1) h = (h + 1) & mask;
    keyNode[h] = node;
    keyAsset[h] = asset;
    value[h] = id;
  };
  const rehash = () => {
    bits++;
    keyNode = new Uint32Array(1 << bits);
    keyAsset = new Uint32Array(1 << bits);
    value = new Int32Array(1 << bits).fill(-1);
    slotNode = grow(slotNode, 1 << (bits - 1));
    slotAsset = grow(slotAsset, 1 << (bits - 1));
    for (let s = 0; s < count; s++) place(slotNode[s]!, slotAsset[s]!, s);
  };
  return {
    intern(node: number, asset: number): number {
      const mask = (1 << bits) - 1;
      let h = hash(node, asset);
      for (;;) {
        const v = value[h]!;
        if (v === -1) break;
        if (keyNode[h] === node && keyAsset[h] === asset) return v;
        h = (h + 1) & mask;
      }
      if (count === 1 << (bits - 1)) rehash();
      const id = count++;
      slotNode[id] = node;
      slotAsset[id] = asset;
      place(node, asset, id);
      return id;
    },
    finish: () => ({ slotNode: slotNode.slice(0, count), slotAsset: slotAsset.slice(0, count) }),
  };
}

/** Input of {@link assembleGraphIndex}. */
export type AssembleGraphIndexParameters = {
  nodes: NameTable;
  /** NODE_ACCOUNT or NODE_UTXO_TX per node (at least `nodes.count` long). */
  nodeKind: Uint8Array;
  assets: NameTable;
  txs: NameTable;
  /** Edges in store order; not kept (the index holds sorted copies). */
  edges: EdgeColumns;
  conversions?: ReadonlyMap<number, readonly Conversion[]>;
  watermark?: GraphIndex['watermark'];
};

/**
 * The builder core: numbers edges in time order (stable: ties keep the input order) and interns
 * their (node, asset) slots. Used by {@link buildGraphIndex} and by the benchmark on generated arrays.
 *
 * @example
 * const index = assembleGraphIndex({ nodes, nodeKind, assets, txs, edges });
 */
export function assembleGraphIndex(parameters: AssembleGraphIndexParameters): GraphIndex {
  const { nodes, assets, txs, edges } = parameters;
  const nodeCount = nodes.count;
  const m = edges.count;
  let order: Uint32Array = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  // Stores append by block, so times are nearly always sorted already: skip the radix pass then.
  if (!isSorted(edges.time, m)) order = radixSortBy(order, edges.time);
  const slots = createSlotTable();
  const srcSlot = new Uint32Array(m);
  const dstSlot = new Uint32Array(m);
  const amount = new Float64Array(m);
  const time = new Uint32Array(m);
  const tx = new Uint32Array(m);
  for (let e = 0; e < m; e++) {
    const o = order[e]!;
    const a = edges.asset[o]!;
    srcSlot[e] = slots.intern(edges.src[o]!, a);
    dstSlot[e] = slots.intern(edges.dst[o]!, a);
    amount[e] = edges.amount[o]!;
    time[e] = edges.time[o]!;
    tx[e] = edges.tx[o]!;
  }
  const { slotNode, slotAsset } = slots.finish();
  const nodeKind = parameters.nodeKind.slice(0, nodeCount);
  return createIndex({
    nodes,
    assets,
    txs,
    nodeKind,
    slotNode,
    slotAsset,
    srcSlot,
    dstSlot,
    amount,
    time,
    tx,
    conversions: parameters.conversions ?? new Map(),
    watermark: parameters.watermark ?? { cursor: null, generation: 0 },
  });
}

/** The arrays and tables of an index: what {@link createIndex} wraps and the file stores. */
export type GraphIndexParts = {
  nodes: NameTable;
  assets: NameTable;
  txs: NameTable;
  nodeKind: Uint8Array;
  slotNode: Uint32Array;
  slotAsset: Uint32Array;
  srcSlot: Uint32Array;
  dstSlot: Uint32Array;
  amount: Float64Array;
  time: Uint32Array;
  tx: Uint32Array;
  conversions: ReadonlyMap<number, readonly Conversion[]>;
  watermark: GraphIndex['watermark'];
};

const partsOf = new WeakMap<GraphIndex, GraphIndexParts>();

/** The name tables behind an index (for saving and updating it). */
export function graphIndexParts(index: GraphIndex): GraphIndexParts {
  const parts = partsOf.get(index);
  if (!parts) throw new Error('not an index made by assembleGraphIndex or loadGraphIndex');
  return parts;
}

/**
 * Wraps finished arrays as a {@link GraphIndex}.
 *
 * @example
 * const index = createIndex(parts);
 */
export function createIndex(parts: GraphIndexParts): GraphIndex {
  const { nodes, assets, txs } = parts;
  const arrays = [
    parts.nodeKind,
    parts.slotNode,
    parts.slotAsset,
    parts.srcSlot,
    parts.dstSlot,
    parts.amount,
    parts.time,
    parts.tx,
  ];
  const index: GraphIndex = {
    nodeCount: nodes.count,
    edgeCount: parts.srcSlot.length,
    slotCount: parts.slotNode.length,
    nodeKind: parts.nodeKind,
    slotNode: parts.slotNode,
    slotAsset: parts.slotAsset,
    srcSlot: parts.srcSlot,
    dstSlot: parts.dstSlot,
    amount: parts.amount,
    time: parts.time,
    tx: parts.tx,
    node: (id) => ({ chain: nodes.chainOf(id), address: nodes.valueOf(id) }),
    nodeId: (chain, address) => nodes.idOf(chain, address),
    assetOf: (id) => ({ chain: assets.chainOf(id), asset: assets.valueOf(id) }),
    assetId: (chain, asset) => assets.idOf(chain, asset),
    txHash: (id) => txs.valueOf(id),
    txId: (chain, hash) => txs.idOf(chain, hash),
    conversions: parts.conversions,
    watermark: parts.watermark,
    byteLength: () => arrays.reduce((s, a) => s + a.byteLength, 0),
  };
  partsOf.set(index, parts);
  return index;
}

/** Slot lookup keys: node * ASSET_KEY_SPAN + asset stays below 2^53 for 2^32 nodes. */
const ASSET_KEY_SPAN = 2 ** 21;
/** (node, asset) -> slot maps, built on first use per index: conversions need the rare lookup. */
const slotMaps = new WeakMap<GraphIndex, Map<number, number>>();

/**
 * The slot of `asset` at `node`, if the index has one (a conversion's output may go to a slot no
 * transfer ever touched).
 *
 * @example
 * const slot = slotOf(index, router, weth);
 */
export function slotOf(index: GraphIndex, node: number, asset: number): number | undefined {
  let map = slotMaps.get(index);
  if (!map) {
    map = new Map();
    for (let s = 0; s < index.slotCount; s++)
      map.set(index.slotNode[s]! * ASSET_KEY_SPAN + index.slotAsset[s]!, s);
    slotMaps.set(index, map);
  }
  return map.get(node * ASSET_KEY_SPAN + asset);
}

/**
 * The sending node of edge `e`.
 *
 * @example
 * index.node(edgeSource(index, 0)).address;
 */
export const edgeSource = (index: GraphIndex, e: number): number =>
  index.slotNode[index.srcSlot[e]!]!;
/**
 * The receiving node of edge `e`.
 *
 * @example
 * index.node(edgeTarget(index, 0)).address;
 */
export const edgeTarget = (index: GraphIndex, e: number): number =>
  index.slotNode[index.dstSlot[e]!]!;
/**
 * The interned asset of edge `e`.
 *
 * @example
 * index.assetOf(edgeAsset(index, 0)).asset; // 'native'
 */
export const edgeAsset = (index: GraphIndex, e: number): number =>
  index.slotAsset[index.srcSlot[e]!]!;

/** Builder state that an update continues from: growable tables and the edges in store order. */
type Builder = {
  nodes: Interner;
  assets: Interner;
  txs: Interner;
  nodeKind: Uint8Array;
  edges: ReturnType<typeof createEdgeBuffer>;
};

function addBatch(b: Builder, batch: Omit<TransferColumns, 'cursor'>): void {
  const kindOf = (id: number, kind: number) => {
    if (id >= b.nodeKind.length) b.nodeKind = grow(b.nodeKind, Math.max(id + 1, id * 2));
    if (kind !== NODE_ACCOUNT) b.nodeKind[id] = kind;
    return id;
  };
  for (let i = 0; i < batch.length; i++) {
    const kind = batch.kind[i]!;
    const chain = batch.chain[i]!;
    const from = batch.from[i]!;
    const to = batch.to[i]!;
    const t = batch.time[i]!;
    const time = t < 0 ? UNKNOWN_TIME : t;
    const asset = b.assets.intern(chain, batch.asset[i]!);
    const tx = b.txs.intern(chain, batch.txHash[i]!);
    let s: number;
    let d: number;
    if (kind === 'utxo_in' || kind === 'utxo_out') {
      const address = kind === 'utxo_in' ? from : to;
      if (address === null) continue;
      const a = kindOf(b.nodes.intern(chain, address), NODE_ACCOUNT);
      const txNode = kindOf(b.nodes.intern(chain, utxoTxKey(batch.txHash[i]!)), NODE_UTXO_TX);
      [s, d] = kind === 'utxo_in' ? [a, txNode] : [txNode, a];
    } else if (kind === 'fee') {
      // Gas, tip and burn alike, leaves for the chain's fee sink: value spent, not passed on.
      if (from === null) continue;
      s = kindOf(b.nodes.intern(chain, from), NODE_ACCOUNT);
      d = kindOf(b.nodes.intern(chain, FEE_SINK_NAME), NODE_FEE_SINK);
    } else {
      if (from === null || to === null) continue;
      s = kindOf(b.nodes.intern(chain, from), NODE_ACCOUNT);
      d = kindOf(b.nodes.intern(chain, to), NODE_ACCOUNT);
    }
    b.edges.push(s, d, asset, batch.amount[i]!, time, tx);
  }
}

/**
 * A UTXO transaction's node name: its hash. Addresses of UTXO chains never look like a 64-digit
 * hex hash, so hashes and addresses share the node table without clashing.
 */
function utxoTxKey(hash: string): string {
  return hash;
}

/**
 * Conversions of the store's swap and wrap events (see resolveConversion: a Uniswap `Swap` log names
 * no tokens, the pool's legs in the same transaction say which).
 */
function conversionsOf(
  events: readonly ChainEvent[],
  b: Builder,
  edges: EdgeColumns,
): Map<number, Conversion[]> {
  const swapTxs = new Set<number>();
  for (const e of events) {
    const tx = b.txs.idOf(e.chain, e.txHash);
    if (e.type === 'swap' && tx !== undefined) swapTxs.add(tx);
  }
  // Token edges of swap transactions, by transaction: one pass over the edges.
  const byTx = new Map<number, number[]>();
  for (let e = 0; e < edges.count; e++) {
    const tx = edges.tx[e]!;
    if (!swapTxs.has(tx)) continue;
    let list = byTx.get(tx);
    if (!list) byTx.set(tx, (list = []));
    list.push(e);
  }
  const result = new Map<number, Conversion[]>();
  const add = (tx: number, c: Conversion) => {
    const list = result.get(tx);
    if (list) list.push(c);
    else result.set(tx, [c]);
  };
  const node = (chain: string, address: string | null) => {
    if (address === null) return undefined;
    const id = b.nodes.intern(chain, address);
    if (id >= b.nodeKind.length) b.nodeKind = grow(b.nodeKind, Math.max(id + 1, id * 2));
    return id;
  };
  for (const e of events) {
    const tx = b.txs.intern(e.chain, e.txHash);
    const legs = (e.type === 'swap' ? (byTx.get(tx) ?? []) : []).map((x) => ({
      from: edges.src[x]!,
      to: edges.dst[x]!,
      asset: edges.asset[x]!,
      amount: edges.amount[x]!,
    }));
    const c = resolveConversion(e, legs, {
      node: (address) => node(e.chain, address)!,
      pool: (address) => b.nodes.idOf(e.chain, address),
      asset: (asset) => b.assets.intern(e.chain, asset),
    });
    // Without the pool's token movements the swap cannot be resolved: taint stops as it would at an unknown contract.
    if (c === null) continue;
    add(tx, { ...c, account: c.account ?? 0, recipient: c.recipient ?? 0 });
  }
  return result;
}

/** What of the store an index reads: the transfer scan with its cursor, and the conversion events. */
export type GraphIndexSource = Pick<
  ChainStore,
  'scanTransfers' | 'getTransferCursor' | 'listEvents'
>;

/** Adds the transfers stored after `after` (all when absent) up to the store's current cursor. */
async function scanInto(
  store: GraphIndexSource,
  b: Builder,
  after: string | undefined,
): Promise<GraphIndex['watermark']> {
  // Taken before the scan: a reorg during it changes the generation, so the index is not extended.
  const { cursor, generation } = await store.getTransferCursor();
  for await (const batch of store.scanTransfers({
    after,
    to: cursor,
    batchRows: SCAN_BATCH_ROWS,
  }))
    addBatch(b, batch);
  return { cursor, generation };
}

/** The event types that become conversions of the index, in the order they are read. */
export const CONVERSION_EVENT_TYPES = ['swap', 'wrap', 'unwrap'] as const;

async function finish(
  store: GraphIndexSource,
  b: Builder,
  watermark: GraphIndex['watermark'],
): Promise<GraphIndex> {
  const events: ChainEvent[] = [];
  for (const type of CONVERSION_EVENT_TYPES) events.push(...(await store.listEvents({ type })));
  return finishWith(events, b, watermark);
}

function finishWith(
  events: readonly ChainEvent[],
  b: Builder,
  watermark: GraphIndex['watermark'],
): GraphIndex {
  const conversions = conversionsOf(events, b, b.edges);
  const index = assembleGraphIndex({
    nodes: b.nodes,
    nodeKind: b.nodeKind,
    assets: b.assets,
    txs: b.txs,
    edges: b.edges,
    conversions,
    watermark,
  });
  return index;
}

export type BuildGraphIndexParameters = { store: GraphIndexSource };
export type BuildGraphIndexReturnType = GraphIndex;

/**
 * Builds the trace graph index of every transfer in the store (all chains): gas fees go to a fee
 * sink node per chain, legs without a counterparty are left out; UTXO inputs and outputs meet at a
 * node per transaction; swaps and wraps become conversions.
 *
 * @example
 * const index = await buildGraphIndex({ store });
 * console.log(index.edgeCount, index.byteLength() / index.edgeCount);
 */
export async function buildGraphIndex(
  parameters: BuildGraphIndexParameters,
): Promise<BuildGraphIndexReturnType> {
  const b: Builder = {
    nodes: createInterner(),
    assets: createInterner(),
    txs: createInterner(),
    nodeKind: new Uint8Array(INITIAL_CAPACITY),
    edges: createEdgeBuffer(),
  };
  const watermark = await scanInto(parameters.store, b, undefined);
  return finish(parameters.store, b, watermark);
}

export type BuildGraphIndexFromTransfersParameters = {
  /** Transfers in store order (the order of a scan), in batches. */
  transfers: Iterable<Omit<TransferColumns, 'cursor'>>;
  /**
   * The swap, wrap and unwrap events of their transactions, by type in
   * {@link CONVERSION_EVENT_TYPES}' order, then as the store lists them.
   */
  conversionEvents: readonly ChainEvent[];
};

/**
 * An index of some of the store's transfers (a trace's reachable subgraph, src/trace/subgraph-index.ts),
 * built as {@link buildGraphIndex} builds one of all: given in store order, the edges of the same
 * transfers are numbered in the same relative order. Without a watermark: it is not saved or extended.
 *
 * @example
 * const index = buildGraphIndexFromTransfers({ transfers: [columns], conversionEvents: [] });
 */
export function buildGraphIndexFromTransfers(
  parameters: BuildGraphIndexFromTransfersParameters,
): GraphIndex {
  const b: Builder = {
    nodes: createInterner(),
    assets: createInterner(),
    txs: createInterner(),
    nodeKind: new Uint8Array(INITIAL_CAPACITY),
    edges: createEdgeBuffer(),
  };
  for (const batch of parameters.transfers) addBatch(b, batch);
  return finishWith(parameters.conversionEvents, b, { cursor: null, generation: 0 });
}

export type UpdateGraphIndexParameters = { index: GraphIndex; store: GraphIndexSource };
export type UpdateGraphIndexReturnType = GraphIndex;

/**
 * A new index with the store's transfers after `index.watermark` added (the arrays are rebuilt;
 * conversions are read again): equal to a fresh build. When transfers were removed since (the
 * store's generation changed, a reorg) or the index has no cursor, it is a fresh build.
 *
 * @example
 * index = await updateGraphIndex({ index, store });
 */
export async function updateGraphIndex(
  parameters: UpdateGraphIndexParameters,
): Promise<UpdateGraphIndexReturnType> {
  const { index, store } = parameters;
  const now = await store.getTransferCursor();
  if (index.watermark.cursor === null || index.watermark.generation !== now.generation)
    return buildGraphIndex({ store });
  const parts = graphIndexParts(index);
  const b: Builder = {
    nodes: toInterner(parts.nodes),
    assets: toInterner(parts.assets),
    txs: toInterner(parts.txs),
    nodeKind: grow(parts.nodeKind, Math.max(INITIAL_CAPACITY, parts.nodeKind.length * 2)),
    // The edges are in (time, store order) order: sorting them again with the new ones (later in
    // the store) keeps that order, so ids come out as a fresh build's.
    edges: createEdgeBuffer({
      count: index.edgeCount,
      src: Uint32Array.from(index.srcSlot, (s) => index.slotNode[s]!),
      dst: Uint32Array.from(index.dstSlot, (s) => index.slotNode[s]!),
      asset: Uint32Array.from(index.srcSlot, (s) => index.slotAsset[s]!),
      amount: index.amount,
      time: index.time,
      tx: index.tx,
    }),
  };
  const watermark = await scanInto(store, b, index.watermark.cursor);
  return finish(store, b, watermark);
}

function toInterner(table: NameTable): Interner {
  if ('intern' in table) {
    const t = table as Interner;
    return createInterner({
      chains: t.chains,
      chainIndex: t.chainIndex(),
      values: [...t.values],
    });
  }
  throw new Error('this index was assembled from fixed name tables and cannot be updated');
}
