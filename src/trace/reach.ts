import { slotOf } from './graph-index.ts';
import { resolveSeeds, windowEdges } from './seeds.ts';
import { parseThorchainMemo } from './thorchain-memo.ts';
import { STOP_CATEGORIES } from './trace-funds.ts';
import {
  type EndpointLabels,
  type GraphIndex,
  NODE_FEE_SINK,
  type TraceParameters,
} from './types.ts';

const MAX_U32 = 0xffffffff;
/** Above every key: a slot's "earliness" KEY_SPAN - key is positive once reached. */
const KEY_SPAN = MAX_U32 + 1;
const DEFAULT_MAX_HOPS = 10;
/** Per slot: not yet known whether its node stops value, follows it, or stops it. */
const NODE_UNKNOWN = 0;
const NODE_FOLLOW = 1;
const NODE_STOP = 2;
/** A node not reached, in the per-node hop column. */
const NO_HOP = 0xffff;
/** Fewer reached slots than nodeCount / this: per-node hops go in a Map, not a column. */
const FEW_NODES_DIVISOR = 16;

/** Input of {@link traceReach}: a trace's seeds, direction and limits (no policy: no amounts). */
export type TraceReachParameters = Omit<TraceParameters, 'policy' | 'minValue'> & {
  index: GraphIndex;
  /** Labelled services (exchanges, mixers, bridges, …) are reached but pass nothing on. */
  labels?: EndpointLabels | undefined;
  /**
   * Bridge deposit memos by transaction id (THORChain): value entering a bridge whose destination
   * is in the index reaches that destination too (forward).
   */
  bridgeMemos?: ReadonlyMap<number, string> | undefined;
  transferEdge?:
    ((chain: string, txHash: string, position: string) => number | undefined) | undefined;
};

export type TraceReachReturnType = {
  /** Node ids value may have reached (the seed addresses included), in the order first reached. */
  nodes: Uint32Array;
  /** Per reached node, the fewest hops from a seed (same order as `nodes`). */
  hops: Uint16Array;
  edgesVisited: number;
};

/**
 * The sweep's state. A class, not closures made per call: its methods are compiled once and reused
 * by every trace (closures created per call were re-optimised on every call, costing several times
 * the sweep itself on small graphs).
 */
class ReachSweep {
  readonly fwd: boolean;
  readonly maxHops: number;
  readonly near: Uint32Array;
  readonly far: Uint32Array;
  readonly time: Uint32Array;
  readonly slotNode: Uint32Array;
  readonly slotAsset: Uint32Array;
  readonly tx: Uint32Array;
  readonly nodeKind: Uint8Array;
  /**
   * Per slot, side by side: how early it was first reached, KEY_SPAN - key (0: never, so a new
   * array needs no filling; keys are times, forward, or MAX_U32 - time, backward), and hop * 4 +
   * whether its node passes value on.
   */
  readonly state: Float64Array;
  readonly seedNodes: ReadonlySet<number>;
  /** Slots as first reached: the result costs what was reached, not the graph. */
  readonly reachedSlots: number[] = [];
  readonly hasConversions: boolean;
  /** Bridge memos given (forward): a step may reach another chain. */
  readonly hasBridges: boolean;
  edgesVisited = 0;

  constructor(
    readonly index: GraphIndex,
    readonly labels: EndpointLabels | undefined,
    readonly bridgeMemos: ReadonlyMap<number, string> | undefined,
    direction: 'forward' | 'backward',
    maxHops: number,
    seedNodes: ReadonlySet<number>,
  ) {
    this.fwd = direction !== 'backward';
    this.maxHops = maxHops;
    this.near = this.fwd ? index.srcSlot : index.dstSlot;
    this.far = this.fwd ? index.dstSlot : index.srcSlot;
    this.time = index.time;
    this.slotNode = index.slotNode;
    this.slotAsset = index.slotAsset;
    this.tx = index.tx;
    this.nodeKind = index.nodeKind;
    this.state = new Float64Array(index.slotCount * 2);
    this.seedNodes = seedNodes;
    this.hasConversions = index.conversions.size > 0;
    this.hasBridges = this.fwd && bridgeMemos !== undefined && bridgeMemos.size > 0;
  }

  key(e: number): number {
    return this.fwd ? this.time[e]! : MAX_U32 - this.time[e]!;
  }

  /** Whether slot `s`'s node passes value on (looked up once): its state word with that set. */
  resolveFollow(s: number): number {
    const node = this.slotNode[s]!;
    let stop = this.nodeKind[node] === NODE_FEE_SINK;
    if (!stop && !this.seedNodes.has(node) && this.labels) {
      const { chain, address } = this.index.node(node);
      const label = this.labels.lookup(chain, address);
      stop = label !== null && STOP_CATEGORIES.has(label.category);
    }
    const v = (this.state[2 * s + 1]! & ~3) | (stop ? NODE_STOP : NODE_FOLLOW);
    this.state[2 * s + 1] = v;
    return v;
  }

  /** Slot `r` reached at key `k` and hop `h`: true when that is new (earlier, or fewer hops). */
  reach(r: number, k: number, h: number): boolean {
    const state = this.state;
    const o = 2 * r;
    if (KEY_SPAN - k > state[o]!) {
      if (state[o] === 0) this.reachedSlots.push(r);
      state[o] = KEY_SPAN - k;
      state[o + 1] = (h << 2) | (state[o + 1]! & 3);
    } else if (h < state[o + 1]! >> 2) state[o + 1] = (h << 2) | (state[o + 1]! & 3);
    else return false;
    return true;
  }

  /** Value reaching `far[e]` as a swap or wrap input goes on as its output, to its recipient. */
  convert(e: number, h: number): boolean {
    const list = this.index.conversions.get(this.tx[e]!);
    if (!list) return false;
    const a = this.slotAsset[this.far[e]!]!;
    let changed = false;
    for (const c of list) {
      if ((this.fwd ? c.assetIn : c.assetOut) !== a) continue;
      const target = slotOf(
        this.index,
        this.fwd ? c.recipient : c.account,
        this.fwd ? c.assetOut : c.assetIn,
      );
      if (target !== undefined && this.reach(target, this.key(e), h)) changed = true;
    }
    return changed;
  }

  /** Passes value on along edge `e` if its near slot holds some; true when that reached more. */
  step(e: number): boolean {
    const s = this.near[e]!;
    const k = this.key(e);
    // Most edges leave a slot value never reached (0), or reached later.
    if (this.state[2 * s]! < KEY_SPAN - k) return false;
    let v = this.state[2 * s + 1]!;
    if ((v & 3) === NODE_UNKNOWN) v = this.resolveFollow(s);
    if ((v & 3) === NODE_STOP || v >> 2 >= this.maxHops) return false;
    const h = (v >> 2) + 1;
    const r = this.far[e]!;
    let changed = this.reach(r, k, h);
    if (this.hasConversions && this.convert(e, h)) changed = true;
    if (this.hasBridges && this.bridgeOn(e, r, k, h)) changed = true;
    return changed;
  }

  /**
   * Value entering a bridge by `e` whose memo names a destination in the index reaches it (from the
   * deposit's time on: the payout comes later, so this may reach a little more than it did).
   */
  bridgeOn(e: number, r: number, k: number, h: number): boolean {
    const memo = this.bridgeMemos!.get(this.tx[e]!);
    if (memo === undefined) return false;
    const state = this.state[2 * r + 1]!;
    const follow = (state & 3) === NODE_UNKNOWN ? this.resolveFollow(r) & 3 : state & 3;
    if (follow !== NODE_STOP) return false;
    const parsed = parseThorchainMemo(memo);
    if (parsed?.kind !== 'swap') return false;
    const node = this.index.nodeId(parsed.chain, parsed.address);
    const native = this.index.assetId(parsed.chain, 'native');
    if (node === undefined || native === undefined) return false;
    const slot = slotOf(this.index, node, native);
    return slot !== undefined && this.reach(slot, k, h + 1);
  }

  /**
   * Sweeps edges from `k` up to `end` while each is alone in its second (no other edge at its
   * time): no second pass can be needed. Returns the first edge not swept.
   */
  loneForward(k: number, end: number, lo: number, hi: number): number {
    const { time, near, far, state, maxHops } = this;
    for (; k < end; k++) {
      const t = time[k]!;
      if ((k + 1 < hi && time[k + 1] === t) || (k > lo && time[k - 1] === t)) return k;
      // Most edges leave a slot value has not reached (yet): one comparison.
      const s = near[k]!;
      if (state[2 * s]! < KEY_SPAN - t) continue;
      // The common case inline (step's): a follow slot within the hop limit reaching a slot.
      const v = state[2 * s + 1]!;
      if ((v & 3) !== NODE_FOLLOW || v >> 2 >= maxHops || this.hasConversions || this.hasBridges) {
        this.step(k);
        continue;
      }
      const h = (v >> 2) + 1;
      const o = 2 * far[k]!;
      if (KEY_SPAN - t > state[o]!) {
        if (state[o] === 0) this.reachedSlots.push(far[k]!);
        state[o] = KEY_SPAN - t;
        state[o + 1] = (h << 2) | (state[o + 1]! & 3);
      } else if (h < state[o + 1]! >> 2) state[o + 1] = (h << 2) | (state[o + 1]! & 3);
    }
    return k;
  }

  /** As {@link loneForward}, from `k` down to `end` (exclusive), with keys MAX_U32 - time. */
  loneBackward(k: number, end: number, lo: number, hi: number): number {
    const { time, near, state } = this;
    for (; k > end; k--) {
      const t = time[k]!;
      if ((k + 1 < hi && time[k + 1] === t) || (k > lo && time[k - 1] === t)) return k;
      // Key MAX_U32 - t: reached no later means state >= KEY_SPAN - (MAX_U32 - t) = t + 1.
      if (state[2 * near[k]!]! >= t + 1) this.step(k);
    }
    return k;
  }

  /** Sweeps from the first seed's second to the window's end (backward: its start). */
  run(order: readonly number[], lo: number, hi: number): void {
    const { fwd, time, far } = this;
    let nextSeed = 0;
    if (order.length === 0) return;
    let k = order[0]!;
    const t0 = time[k]!;
    // From the start of the first seed's second (forward) or its end (backward).
    if (fwd) while (k > lo && time[k - 1] === t0) k--;
    else while (k + 1 < hi && time[k + 1] === t0) k++;
    while (fwd ? k < hi : k >= lo) {
      // Edges alone in their second, up to the next seed, one after the other: the common case.
      const stop = nextSeed < order.length ? order[nextSeed]! : fwd ? hi : lo - 1;
      const next = fwd
        ? this.loneForward(k, Math.min(hi, stop), lo, hi)
        : this.loneBackward(k, Math.max(lo - 1, stop), lo, hi);
      this.edgesVisited += Math.abs(next - k);
      k = next;
      if (fwd ? k >= hi : k < lo) break;
      let g0 = k;
      let g1 = k + 1;
      if (fwd) while (g1 < hi && time[g1] === time[g0]) g1++;
      else while (g0 > lo && time[g0 - 1] === time[k]) g0--;
      while (nextSeed < order.length && order[nextSeed]! >= g0 && order[nextSeed]! < g1) {
        const e = order[nextSeed++]!;
        const r = far[e]!;
        this.reach(r, this.key(e), this.seedNodes.has(this.slotNode[r]!) ? 0 : 1);
        if (this.hasConversions) this.convert(e, 1);
      }
      this.edgesVisited += g1 - g0;
      if (g1 - g0 === 1) this.step(g0);
      else
        for (let changed = true; changed;) {
          changed = false;
          for (let e = g0; e < g1; e++) if (this.step(e)) changed = true;
          if (changed) this.edgesVisited += g1 - g0;
        }
      k = fwd ? g1 : g0 - 1;
    }
  }
}

/**
 * Where any of the seed's value may have gone (forward) or come from (backward): the addresses a
 * time-respecting path from a seed transfer reaches, per asset, across swaps and wraps, stopping
 * at labelled services and after `maxHops`. This is what the poison policy taints, without the
 * amounts: a watchlist of "the trace's tainted set", or the comparison with a graph database's
 * reachability query. One sweep over the edges in time order; within a second, edges are taken
 * again until nothing more is reached (the order of a second's transfers is not always known).
 * A node's hop is the fewest found in time order (a shorter path found after a node passed value
 * on does not shorten what it reached before).
 *
 * @example
 * const { nodes } = traceReach({ index, seeds: [{ kind: 'tx', chain: 'ethereum', txHash }], direction: 'forward' });
 * nodes.length; // addresses that may hold some of it
 */
export function traceReach(parameters: TraceReachParameters): TraceReachReturnType {
  const { index } = parameters;
  const direction = parameters.direction === 'backward' ? 'backward' : 'forward';
  const { lo, hi } = windowEdges(index, parameters.since ?? 0, parameters.until ?? MAX_U32);
  const seeds = resolveSeeds({
    index,
    seeds: parameters.seeds,
    direction,
    lo,
    hi,
    transferEdge: parameters.transferEdge,
    addressSeeds: 'received',
  });
  const sweep = new ReachSweep(
    index,
    parameters.labels,
    parameters.bridgeMemos,
    direction,
    parameters.maxHops ?? DEFAULT_MAX_HOPS,
    new Set(seeds.nodes),
  );
  sweep.run(direction === 'forward' ? seeds.edges : [...seeds.edges].reverse(), lo, hi);
  // A node's hops: the fewest of its slots'.
  // A Map when few were reached (no column of every node to allocate), else a column.
  const few = sweep.reachedSlots.length < index.nodeCount / FEW_NODES_DIVISOR;
  const nodeHop = few ? null : new Uint16Array(index.nodeCount).fill(NO_HOP);
  const hopOf = new Map<number, number>();
  const found: number[] = [];
  for (const s of sweep.reachedSlots) {
    const node = index.slotNode[s]!;
    const h = sweep.state[2 * s + 1]! >> 2;
    const known = nodeHop ? nodeHop[node]! : (hopOf.get(node) ?? NO_HOP);
    if (known === NO_HOP) found.push(node);
    if (h < known) {
      if (nodeHop) nodeHop[node] = h;
      else hopOf.set(node, h);
    }
  }
  const nodes = Uint32Array.from(found);
  const hops = new Uint16Array(nodes.length);
  for (let i = 0; i < nodes.length; i++)
    hops[i] = nodeHop ? nodeHop[nodes[i]!]! : hopOf.get(nodes[i]!)!;
  return { nodes, hops, edgesVisited: sweep.edgesVisited };
}
