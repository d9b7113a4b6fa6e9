import { UserError } from '../errors/base.ts';
import { type GraphIndex, NODE_FEE_SINK, NODE_UTXO_TX, type TraceSeed } from './types.ts';

const MAX_U32 = 0xffffffff;

/** First edge id in [lo, hi) whose time is at least `t` (times are non-decreasing). */
function firstAtOrAfter(time: Uint32Array, t: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The edges of a time window [since, until] (Unix seconds, inclusive) as an id range [lo, hi):
 * edges are numbered in time order.
 *
 * @example
 * const { lo, hi } = windowEdges(index, since, until);
 */
export function windowEdges(
  index: GraphIndex,
  since = 0,
  until = MAX_U32,
): { lo: number; hi: number } {
  const lo = firstAtOrAfter(index.time, since, 0, index.edgeCount);
  const hi =
    until >= MAX_U32 ? index.edgeCount : firstAtOrAfter(index.time, until + 1, lo, index.edgeCount);
  return { lo, hi };
}

/** Input of {@link resolveSeeds}. */
export type ResolveSeedsParameters = {
  index: GraphIndex;
  seeds: readonly TraceSeed[];
  direction: 'forward' | 'backward';
  /** The window's edges [lo, hi) (see {@link windowEdges}). */
  lo: number;
  hi: number;
  /** Resolves a `transfer` seed's position to an edge id (the index does not keep positions). */
  transferEdge?:
    ((chain: string, txHash: string, position: string) => number | undefined) | undefined;
};

/**
 * Seed edges in id order (each once, no gas), the seed addresses' nodes, and (address seeds as
 * sources) the slots, an asset at a seed address, that pay in the window, in slot order.
 */
export type ResolveSeedsReturnType = { edges: number[]; nodes: number[]; sources: number[] };

/**
 * The transfers a trace starts from. An address: its slots that pay (forward; backward: are paid)
 * in the window, each standing for everything it passes on (`sources`). A UTXO transaction: its outputs (backward: its inputs). An account transaction: its transfers whose far
 * end passes nothing on within it (an intermediate hop inside it would count the value twice). Gas
 * is never a seed.
 *
 * @example
 * const { edges } = resolveSeeds({ index, seeds, direction: 'forward', ...windowEdges(index) });
 */
export function resolveSeeds(parameters: ResolveSeedsParameters): ResolveSeedsReturnType {
  const { index, lo, hi } = parameters;
  const { slotNode, slotAsset, tx, nodeKind } = index;
  const fwd = parameters.direction !== 'backward';
  const near = fwd ? index.srcSlot : index.dstSlot;
  const far = fwd ? index.dstSlot : index.srcSlot;
  const nearNode = (e: number) => slotNode[near[e]!]!;
  const farNode = (e: number) => slotNode[far[e]!]!;
  const edges: number[] = [];
  const nodes: number[] = [];
  for (const seed of parameters.seeds) {
    if (seed.kind === 'address') {
      const node = index.nodeId(seed.chain, seed.address);
      if (node === undefined) {
        throw new UserError(`seed address ${seed.chain}:${seed.address} is not in the graph`, {
          code: 'TRACE_SEED_NOT_FOUND',
        });
      }
      nodes.push(node);
      continue;
    }
    const txId = index.txId(seed.chain, seed.txHash);
    if (txId === undefined) {
      throw new UserError(`seed transaction ${seed.chain}:${seed.txHash} is not in the graph`, {
        code: 'TRACE_SEED_NOT_FOUND',
        // A bare hash reads as Bitcoin's unless --chain says otherwise; Tron's look the same.
        details: seed.txHash.startsWith('0x')
          ? undefined
          : `a hash without 0x is taken as ${seed.chain}'s: give --chain for another chain (tron, tron-test, …)`,
      });
    }
    if (seed.kind === 'transfer') {
      const e = parameters.transferEdge?.(seed.chain, seed.txHash, seed.position);
      if (e === undefined) {
        throw new UserError(
          `seed transfer ${seed.chain}:${seed.txHash}:${seed.position} is not in the graph`,
          { code: 'TRACE_SEED_NOT_FOUND' },
        );
      }
      if (e >= lo && e < hi) edges.push(e);
      continue;
    }
    const inTx: number[] = [];
    for (let e = lo; e < hi; e++) if (tx[e] === txId) inTx.push(e);
    const txNode = index.nodeId(seed.chain, seed.txHash);
    if (txNode !== undefined && nodeKind[txNode] === NODE_UTXO_TX) {
      for (const e of inTx) if (nearNode(e) === txNode) edges.push(e);
      continue;
    }
    // A swap's input is not where the value ends: it goes on as the asset bought (a multi-hop
    // swap's legs would otherwise each count the same value again, in another asset).
    const conversions = index.conversions.get(txId) ?? [];
    // As the sweep converts it: any transfer of the asset a conversion of the transaction takes in.
    const convertedOn = (e: number) =>
      conversions.some((c) => slotAsset[far[e]!] === (fwd ? c.assetIn : c.assetOut));
    for (const e of inTx) {
      const to = farNode(e);
      const a = slotAsset[far[e]!]!;
      if (convertedOn(e)) continue;
      if (!inTx.some((x) => x !== e && nearNode(x) === to && slotAsset[near[x]!] === a))
        edges.push(e);
    }
  }
  const isFee = (e: number) => nodeKind[slotNode[index.dstSlot[e]!]!] === NODE_FEE_SINK;
  const sources = new Set<number>();
  if (nodes.length > 0) {
    const seedNodes = new Set(nodes);
    for (let e = lo; e < hi; e++)
      if (seedNodes.has(nearNode(e)) && !isFee(e)) sources.add(near[e]!);
  }
  return {
    edges: [...new Set(edges)].filter((e) => !isFee(e)).sort((a, b) => a - b),
    nodes,
    sources: [...sources].sort((a, b) => a - b),
  };
}
