import { assembleGraphIndex, createInterner } from '../../src/trace/graph-index.ts';
import {
  NODE_ACCOUNT,
  NODE_FEE_SINK,
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
  /** The edge's chain (its nodes, asset and tx); default: the graph's. */
  chain?: string | undefined;
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
  /** Node names that are UTXO transaction nodes (NODE_UTXO_TX), on the graph's chain or the one given. */
  utxoTxs?: readonly (string | { chain: string; name: string })[] | undefined;
  /** Node names that are fee sinks (NODE_FEE_SINK): edges to them are gas. */
  feeSinks?: readonly string[] | undefined;
  conversions?: readonly SmallConversion[] | undefined;
  chain?: string | undefined;
};

/**
 * A GraphIndex built from a literal list of edges by the real index's builder core (edges numbered
 * by time, ties in list order). Names are used as addresses (and as tx hashes); assets default to
 * `native`.
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
  const columns = {
    count: m,
    src: new Uint32Array(m),
    dst: new Uint32Array(m),
    asset: new Uint32Array(m),
    amount: new Float64Array(m),
    time: new Uint32Array(m),
    tx: new Uint32Array(m),
  };
  edges.forEach((e, i) => {
    const c = e.chain ?? chain;
    columns.src[i] = nodes.intern(c, e.from);
    columns.dst[i] = nodes.intern(c, e.to);
    columns.asset[i] = assets.intern(c, e.asset ?? 'native');
    columns.amount[i] = e.amount;
    columns.time[i] = e.time;
    columns.tx[i] = txs.intern(c, e.tx ?? `tx${i}`);
  });
  const utxo = (parameters.utxoTxs ?? []).map((u) =>
    typeof u === 'string' ? { chain, name: u } : u,
  );
  for (const u of utxo) nodes.intern(u.chain, u.name);
  for (const name of parameters.feeSinks ?? []) intern(name);
  for (const c of parameters.conversions ?? []) {
    intern(c.account);
    intern(c.recipient);
    internAsset(c.assetIn);
    internAsset(c.assetOut);
    internTx(c.tx);
  }
  const nodeKind = new Uint8Array(nodes.count).fill(NODE_ACCOUNT);
  for (const u of utxo) nodeKind[nodes.intern(u.chain, u.name)] = NODE_UTXO_TX;
  for (const name of parameters.feeSinks ?? []) nodeKind[intern(name)] = NODE_FEE_SINK;

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
  return assembleGraphIndex({
    nodes,
    nodeKind,
    assets,
    txs,
    edges: columns,
    conversions,
    watermark: { cursor: null, generation: 0 },
  });
}
