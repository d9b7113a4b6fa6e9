import { createInterner } from '../../src/trace/graph-index.ts';
import {
  NODE_ACCOUNT,
  NODE_UTXO_TX,
  type Conversion,
  type GraphIndex,
} from '../../src/trace/types.ts';

/** One transfer of a hand-written graph; `tx` defaults to a transaction of its own. */
export type SmallEdge = {
  from: string;
  to: string;
  amount: number;
  time: number;
  asset?: string | undefined;
  tx?: string | undefined;
};

export type SmallConversion = {
  tx: string;
  kind: Conversion['kind'];
  account: string;
  recipient: string;
  assetIn: string;
  amountIn: number;
  assetOut: string;
  amountOut: number;
};

export type SmallGraphParameters = {
  edges: readonly SmallEdge[];
  /** Node names that are UTXO transaction nodes (NODE_UTXO_TX). */
  utxoTxs?: readonly string[] | undefined;
  conversions?: readonly SmallConversion[] | undefined;
  chain?: string | undefined;
};

/**
 * A GraphIndex built from a literal list of edges, with the CSR rules of the real index: edge ids
 * in list order, each node's out and in edges sorted by (time, edge id). Names are used as
 * addresses (and as tx hashes); assets default to `native`.
 *
 * @example
 * const index = smallGraphIndex({ edges: [{ from: 'a', to: 'b', amount: 10, time: 1 }] });
 */
export function smallGraphIndex(parameters: SmallGraphParameters): GraphIndex {
  const chain = parameters.chain ?? 'test';
  // The real index's name tables, so ids are dense and first-seen as there.
  const nodes = createInterner();
  const assets = createInterner();
  const txs = createInterner();
  const intern = (name: string) => nodes.intern(chain, name);
  const internAsset = (name: string) => assets.intern(chain, name);
  const internTx = (name: string) => txs.intern(chain, name);

  const edges = parameters.edges;
  const m = edges.length;
  const src = new Uint32Array(m);
  const dst = new Uint32Array(m);
  const asset = new Uint32Array(m);
  const amount = new Float64Array(m);
  const time = new Uint32Array(m);
  const tx = new Uint32Array(m);
  edges.forEach((e, i) => {
    src[i] = intern(e.from);
    dst[i] = intern(e.to);
    asset[i] = internAsset(e.asset ?? 'native');
    amount[i] = e.amount;
    time[i] = e.time;
    tx[i] = internTx(e.tx ?? `tx${i}`);
  });
  for (const name of parameters.utxoTxs ?? []) intern(name);
  for (const c of parameters.conversions ?? []) {
    intern(c.account);
    intern(c.recipient);
    internAsset(c.assetIn);
    internAsset(c.assetOut);
    internTx(c.tx);
  }
  const n = nodes.count;
  const nodeKind = new Uint8Array(n).fill(NODE_ACCOUNT);
  for (const name of parameters.utxoTxs ?? []) nodeKind[intern(name)] = NODE_UTXO_TX;

  const csr = (ends: Uint32Array) => {
    const start = new Uint32Array(n + 1);
    for (let e = 0; e < m; e++) start[ends[e]! + 1]!++;
    for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
    const list = Array.from({ length: m }, (_, e) => e).sort(
      (a, b) => ends[a]! - ends[b]! || time[a]! - time[b]! || a - b,
    );
    return { start, list: Uint32Array.from(list) };
  };
  const out = csr(src);
  const inn = csr(dst);

  const conversions = new Map<number, Conversion[]>();
  for (const c of parameters.conversions ?? []) {
    const id = internTx(c.tx);
    const list = conversions.get(id) ?? [];
    list.push({
      kind: c.kind,
      account: intern(c.account),
      recipient: intern(c.recipient),
      assetIn: internAsset(c.assetIn),
      amountIn: c.amountIn,
      assetOut: internAsset(c.assetOut),
      amountOut: c.amountOut,
    });
    conversions.set(id, list);
  }

  // Edges here keep their given numbers, so the out-order permutation travels with the index
  // (the store's index numbers edges in out order instead; see traceFunds' outEdgeList).
  const index: GraphIndex & { outEdges: Uint32Array } = {
    nodeCount: n,
    edgeCount: m,
    nodeKind,
    src,
    dst,
    asset,
    amount,
    time,
    tx,
    outStart: out.start,
    outEdges: out.list,
    inStart: inn.start,
    inEdges: inn.list,
    node: (id) => ({ chain, address: nodes.valueOf(id) }),
    nodeId: (c, address) => nodes.idOf(c, address),
    assetOf: (id) => ({ chain, asset: assets.valueOf(id) }),
    assetId: (c, a) => assets.idOf(c, a),
    txHash: (id) => txs.valueOf(id),
    txId: (c, hash) => txs.idOf(c, hash),
    conversions,
    watermark: { transfers: m },
    byteLength: () =>
      [
        src,
        dst,
        asset,
        amount,
        time,
        tx,
        out.start,
        out.list,
        inn.start,
        inn.list,
        nodeKind,
      ].reduce((s, a) => s + a.byteLength, 0),
  };
  return index;
}
