import { edgeAsset, edgeSource, edgeTarget } from '../src/trace/graph-index.ts';
import type { GraphIndex } from '../src/trace/types.ts';

const NEVER = 0xffffffff;

/**
 * Out-edges per node for the bare reachability floors, built outside their timing: a CSR whose
 * entries hold what a step reads side by side (time, receiver, asset), in time order per node.
 */
export type TemporalCsr = { outStart: Uint32Array; entries: Uint32Array };

/** Words per entry of {@link TemporalCsr}: time, receiver, asset. */
const ENTRY = 3;

export function buildTemporalCsr(index: GraphIndex): TemporalCsr {
  const m = index.edgeCount;
  const outStart = new Uint32Array(index.nodeCount + 1);
  for (let e = 0; e < m; e++) outStart[edgeSource(index, e) + 1]!++;
  for (let v = 0; v < index.nodeCount; v++) outStart[v + 1]! += outStart[v]!;
  const next = outStart.slice(0, index.nodeCount);
  const entries = new Uint32Array(ENTRY * m);
  for (let e = 0; e < m; e++) {
    const i = ENTRY * next[edgeSource(index, e)]!++;
    entries[i] = index.time[e]!;
    entries[i + 1] = edgeTarget(index, e);
    entries[i + 2] = edgeAsset(index, e);
  }
  return { outStart, entries };
}

/**
 * Per-node arrays the floors work in, allocated once (as the engine keeps its state between
 * traces) and left as found: each call resets only the nodes it reached.
 */
export type BareWorkspace = {
  arrival: Uint32Array;
  offered: Uint32Array;
  scanned: Uint32Array;
  level: Uint32Array;
};

export function createBareWorkspace(nodeCount: number): BareWorkspace {
  return {
    arrival: new Uint32Array(nodeCount).fill(NEVER),
    offered: new Uint32Array(nodeCount).fill(NEVER),
    scanned: new Uint32Array(nodeCount),
    level: new Uint32Array(nodeCount),
  };
}

/** What a seed is for the floors: the node value arrived at, when, and in which asset. */
export type BareSeed = { node: number; time: number; asset: number };

/**
 * The bare time-respecting floor: from `seed`, level by level up to `maxHops` hops, the nodes
 * reached by transfers of the seed's asset at or after the sender's arrival, not passing through
 * nodes below `stopBelow` (the labelled hubs: reached, never left). A node's arrival at a level is
 * its earliest over paths of that many hops (offered during the level, settled after it), so this
 * reaches exactly what traceReach does with the hubs labelled, without labels looked up, slots,
 * conversions or a result. Returns how many nodes it reached and the edges it looked at.
 */
export function bareTemporalReach(
  csr: TemporalCsr,
  ws: BareWorkspace,
  seed: BareSeed,
  maxHops: number,
  stopBelow: number,
): { reached: number; visits: number } {
  const { outStart, entries } = csr;
  const { arrival, offered, scanned } = ws;
  const reachedNodes = [seed.node];
  arrival[seed.node] = seed.time;
  scanned[seed.node] = outStart[seed.node + 1]!;
  let frontier = [seed.node];
  let visits = 0;
  // The seed's receiver is one hop from the seed, as traceReach counts it.
  for (let hop = 1; frontier.length > 0 && hop < maxHops; hop++) {
    const offers: number[] = [];
    for (const n of frontier) {
      if (n < stopBelow) continue;
      const t = arrival[n]!;
      const first = outStart[n]!;
      const end = scanned[n]!;
      let i = end;
      while (i > first && entries[ENTRY * (i - 1)]! >= t) {
        i--;
        const o = ENTRY * i;
        if (entries[o + 2] !== seed.asset) continue;
        const time = entries[o]!;
        const d = entries[o + 1]!;
        if (time < arrival[d]! && time < offered[d]!) {
          if (offered[d] === NEVER) offers.push(d);
          offered[d] = time;
        }
      }
      visits += end - i;
      scanned[n] = i;
    }
    frontier = [];
    for (const d of offers) {
      if (offered[d]! < arrival[d]!) {
        if (arrival[d] === NEVER) {
          reachedNodes.push(d);
          scanned[d] = outStart[d + 1]!;
        }
        arrival[d] = offered[d]!;
        frontier.push(d);
      }
      offered[d] = NEVER;
    }
  }
  for (const n of reachedNodes) arrival[n] = NEVER;
  return { reached: reachedNodes.length, visits };
}

/**
 * The bare floor with time ignored: a plain BFS from `seed` over transfers of its asset, up to
 * `maxHops` hops, not passing through nodes below `stopBelow`. It reaches more than the trace
 * (value that arrived after a transfer cannot have left by it), so it is not the same reach.
 */
export function bareStaticReach(
  csr: TemporalCsr,
  ws: BareWorkspace,
  seed: BareSeed,
  maxHops: number,
  stopBelow: number,
): { reached: number; visits: number } {
  const { outStart, entries } = csr;
  const { level } = ws;
  // level[n]: hops + 1 (0: not reached).
  const queue = [seed.node];
  level[seed.node] = 2;
  let visits = 0;
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head]!;
    const h = level[n]! - 1;
    if (n < stopBelow || h >= maxHops) continue;
    const end = outStart[n + 1]!;
    visits += end - outStart[n]!;
    for (let i = outStart[n]!; i < end; i++) {
      const o = ENTRY * i;
      const d = entries[o + 1]!;
      if (entries[o + 2] !== seed.asset || level[d] !== 0) continue;
      level[d] = h + 2;
      queue.push(d);
    }
  }
  for (const n of queue) level[n] = 0;
  return { reached: queue.length, visits };
}
