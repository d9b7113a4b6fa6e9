import { radixOrder } from './radix-order.ts';
import { ReachRules } from './reach-rules.ts';
import { ReachSweep } from './reach-sweep.ts';
import { ReachTraversal } from './reach-traversal.ts';
import { type ResolveSeedsReturnType, resolveSeeds, windowEdges } from './seeds.ts';
import { hasSlotAdjacency, slotAdjacency } from './slot-adjacency.ts';
import {
  type EndpointLabels,
  type GraphIndex,
  NODE_FEE_SINK,
  type TraceParameters,
} from './types.ts';

const MAX_U32 = 0xffffffff;
const DEFAULT_MAX_HOPS = 10;
/** Hops are reported in 16 bits: more than this (a hop limit above it) are reported as this. */
const MAX_HOP = 0xfffe;
/**
 * The adjacency traversal gives up, and the sweep runs, once it would take more than this share
 * of the edges the sweep goes through. Measured on the benchmark graph (300 k-3 M transfers, 56
 * traces, CPU time): per edge taken the traversal costs about 20 times what the sweep costs per
 * edge swept (scattered loads per reached slot and edge, where the sweep streams), so the two
 * break even when the traversal takes 4-5% of the sweep's edges. Giving up at 2% keeps it where
 * it is at least twice as fast, and bounds what a traversal that gives up wasted to about 40% of
 * the sweep (it looks at a busy slot's list length before taking it, so it usually gives up
 * within its first few hops, at a hub, having spent 1-2 ms).
 */
const TRAVERSAL_BUDGET_SHARE = 0.02;

/**
 * Zeroed state arrays of the two engines per index, kept for the next trace (the engines clear
 * what they wrote): a small reach then costs what it reaches, not a fresh array of every slot
 * (16 bytes a slot for the traversal: 1-3 ms per trace on the benchmark's 1-3 M transfers).
 * Taken out while in use, so a trace that throws leaves none half-written behind.
 */
type Pooled = 'sweep' | 'traversal' | 'nodes';
const statePool = new WeakMap<GraphIndex, Partial<Record<Pooled, Uint32Array | Uint16Array>>>();

function takeState<T extends Uint32Array | Uint16Array>(
  index: GraphIndex,
  engine: Pooled,
): T | undefined {
  const pool = statePool.get(index);
  const state = pool?.[engine];
  if (pool) pool[engine] = undefined;
  return state as T | undefined;
}

function giveState(index: GraphIndex, engine: Pooled, state: Uint32Array | Uint16Array): void {
  let pool = statePool.get(index);
  if (!pool) statePool.set(index, (pool = {}));
  pool[engine] = state;
}

/**
 * Whole-index sweeps that cost about as much as building the adjacency: measured on 3 M
 * transfers, a build took 140-250 ms and a sweep of every edge 24-42 ms.
 */
const ADJACENCY_BUILD_SWEEPS = 8;
/** Edges swept per index so far (see {@link adjacencyPaysOff}). */
const sweptSoFar = new WeakMap<GraphIndex, number>();

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
  /**
   * How: `auto` (default) traverses the reached slots' edges, giving up for the sweep once that
   * would cost more, when the index's adjacency is built or its sweeps have paid for building it;
   * `sweep` or `traversal` (which builds the adjacency) forces one: tests and benchmarks compare
   * them. All give the same nodes and hops.
   */
  strategy?: 'auto' | 'sweep' | 'traversal' | undefined;
};

export type TraceReachReturnType = {
  /**
   * Node ids value may have reached: the seed addresses first (hop 0), then the others earliest
   * reached first (forward: by the time value first arrived; backward: by the time it last left),
   * ties by node id.
   */
  nodes: Uint32Array;
  /** Per reached node, the fewest hops from a seed (same order as `nodes`; at most 65,534). */
  hops: Uint16Array;
  /**
   * Edges looked at: the traversal counts each edge of a reached slot after its arrival once; the
   * sweep every edge from the first seed's second on (a second's edges once per pass).
   */
  edgesVisited: number;
  /** Which of the two computed it. */
  strategy: 'sweep' | 'traversal';
};

/** What either engine leaves: the slots reached, each with its arrival and fewest hops. */
type Reached = {
  readonly reachedSlots: ArrayLike<number>;
  /** The key the `i`-th reached slot was first reached at (forward: a time; backward: MAX_U32 - time). */
  keyOf(i: number): number;
  hop(s: number): number;
};

/**
 * Where any of the seed's value may have gone (forward) or come from (backward): the addresses a
 * time-respecting path from a seed transfer reaches, per asset, across swaps and wraps, stopping
 * at labelled services and after `maxHops`. This is what the poison policy taints, without the
 * amounts: a watchlist of "the trace's tainted set", or the comparison with a graph database's
 * reachability query. Within a second, transfers may have happened in any order (the order of a
 * second's transfers is not always known). A node's hop is the fewest found in time order (a
 * shorter path found after a node passed value on does not shorten what it reached before).
 *
 * How: an adjacency traversal over the reached slots' edges (ReachTraversal), which costs what is
 * reached; when that grows past a share of the edges after the seed, one sweep over those edges
 * (ReachSweep) instead, which costs the same whatever is reached. The traversal needs a per-slot
 * adjacency, built once per index (about 8 whole sweeps' worth): an index is first swept until
 * its sweeps have cost that much (see `strategy`).
 *
 * @example
 * const { nodes } = traceReach({ index, seeds: [{ kind: 'tx', chain: 'ethereum', txHash }], direction: 'forward' });
 * nodes.length; // addresses that may hold some of it
 */
export function traceReach(parameters: TraceReachParameters): TraceReachReturnType {
  const { index } = parameters;
  const direction = parameters.direction === 'backward' ? 'backward' : 'forward';
  const strategy = parameters.strategy ?? 'auto';
  const { lo, hi } = windowEdges(index, parameters.since ?? 0, parameters.until ?? MAX_U32);
  const seeds = resolveSeeds({
    index,
    seeds: parameters.seeds,
    direction,
    lo,
    hi,
    transferEdge: parameters.transferEdge,
  });
  const seedEdges = withSourceEdges(index, direction, seeds, lo, hi);
  const maxHops = parameters.maxHops ?? DEFAULT_MAX_HOPS;
  const seedNodes = new Set(seeds.nodes);
  const rulesOf = () =>
    new ReachRules(index, parameters.labels, parameters.bridgeMemos, direction, seedNodes);
  const traverse =
    strategy === 'traversal' ||
    (strategy === 'auto' && seedEdges.length > 0 && adjacencyPaysOff(index, direction));
  if (traverse) {
    // The edges the sweep would go through: from the first seed to the window's end (backward:
    // from the last seed down to its start).
    const span =
      seedEdges.length === 0
        ? 0
        : direction === 'forward'
          ? hi - seedEdges[0]!
          : seedEdges.at(-1)! - lo + 1;
    const traversal = new ReachTraversal(
      rulesOf(),
      slotAdjacency(index, direction),
      maxHops,
      lo,
      hi,
      strategy === 'traversal' ? Infinity : span * TRAVERSAL_BUDGET_SHARE,
      takeState<Uint32Array>(index, 'traversal'),
    );
    const done = traversal.run(seedEdges);
    const result = done ? withSeedNodes(listNodes(index, traversal, false), seeds.nodes) : null;
    giveState(index, 'traversal', traversal.clear());
    if (result) return { ...result, edgesVisited: traversal.edgesVisited, strategy: 'traversal' };
  }
  const sweep = new ReachSweep(rulesOf(), maxHops, takeState<Uint32Array>(index, 'sweep'));
  sweep.run(direction === 'forward' ? seedEdges : [...seedEdges].reverse(), lo, hi);
  const result = withSeedNodes(listNodes(index, sweep, true), seeds.nodes);
  giveState(index, 'sweep', sweep.clear());
  sweptSoFar.set(index, (sweptSoFar.get(index) ?? 0) + sweep.edgesVisited);
  return { ...result, edgesVisited: sweep.edgesVisited, strategy: 'sweep' };
}

/**
 * The seed edges with, for each address seed, every transfer it pays (forward; backward: is paid)
 * in the window, gas aside: an address seed stands for everything it passes on, as in the trace
 * (`resolveSeeds`' sources), so a victim's wallet that only sends reaches where its value went.
 */
function withSourceEdges(
  index: GraphIndex,
  direction: 'forward' | 'backward',
  seeds: ResolveSeedsReturnType,
  lo: number,
  hi: number,
): number[] {
  if (seeds.sources.length === 0) return seeds.edges;
  const near = direction === 'forward' ? index.srcSlot : index.dstSlot;
  const { slotNode, nodeKind, dstSlot } = index;
  const sources = new Set(seeds.sources);
  const edges = new Set(seeds.edges);
  for (let e = lo; e < hi; e++)
    if (sources.has(near[e]!) && nodeKind[slotNode[dstSlot[e]!]!] !== NODE_FEE_SINK) edges.add(e);
  return [...edges].sort((a, b) => a - b);
}

/**
 * The seed addresses first, at hop 0 (they hold the value from the window's start), then the
 * other reached nodes in their order (a seed reached again through a loop is listed once, first).
 */
function withSeedNodes(
  reached: { nodes: Uint32Array; hops: Uint16Array },
  seedNodes: readonly number[],
): { nodes: Uint32Array; hops: Uint16Array } {
  if (seedNodes.length === 0) return reached;
  const seeds = [...new Set(seedNodes)];
  const isSeed = new Set(seeds);
  const rest = reached.nodes.filter((n) => !isSeed.has(n));
  const nodes = new Uint32Array(seeds.length + rest.length);
  const hops = new Uint16Array(nodes.length);
  nodes.set(seeds);
  nodes.set(rest, seeds.length);
  for (let i = 0, k = seeds.length; i < reached.nodes.length; i++)
    if (!isSeed.has(reached.nodes[i]!)) hops[k++] = reached.hops[i]!;
  return { nodes, hops };
}

/**
 * Whether the traversal may run: its adjacency is built, or the sweeps on this index have gone
 * through as many edges as building it costs (ski rental: an index traced once, as the CLI's is,
 * is never worth the build; one traced again and again soon is).
 */
function adjacencyPaysOff(index: GraphIndex, direction: 'forward' | 'backward'): boolean {
  return (
    hasSlotAdjacency(index, direction) ||
    (sweptSoFar.get(index) ?? 0) >= ADJACENCY_BUILD_SWEEPS * index.edgeCount
  );
}

/** {@link nodesOf} with a pooled per-node column. */
function listNodes(index: GraphIndex, reached: Reached, inOrder: boolean) {
  const column = takeState<Uint16Array>(index, 'nodes') ?? new Uint16Array(index.nodeCount);
  const result = nodesOf(index, reached, inOrder, column);
  giveState(index, 'nodes', column);
  return result;
}

/**
 * The reached nodes, earliest first (ties by id), each with the fewest hops of its slots.
 * `inOrder`: the slots were reached earliest first (the sweep's), so only ties need sorting;
 * otherwise a radix sort by (key, node) orders them. `column`: `nodeCount` zeros to work in, left
 * zeroed (a Map of reached nodes cost twice the sweep itself on the benchmark's 100,000 transfers;
 * 16 bits a node keep more of the column in cache).
 */
function nodesOf(
  index: GraphIndex,
  reached: Reached,
  inOrder: boolean,
  column: Uint16Array,
): { nodes: Uint32Array; hops: Uint16Array } {
  const slots = reached.reachedSlots;
  const n = slots.length;
  const slotNode = index.slotNode;
  // Per node, its fewest hops + 1 (0: not reached); each slot's node, looked up once.
  const ofSlot = new Uint32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const s = slots[i]!;
    const node = slotNode[s]!;
    ofSlot[i] = node;
    const h = Math.min(reached.hop(s), MAX_HOP) + 1;
    const known = column[node]!;
    if (known === 0) count++;
    if (known === 0 || h < known) column[node] = h;
  }
  // Slot indices in order: earliest first, ties by node.
  let order: Uint32Array;
  if (inOrder) {
    order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = 0; i < n;) {
      // A run of one key (a second's) comes in the order the sweep's passes found it.
      const key = reached.keyOf(i);
      let j = i + 1;
      while (j < n && reached.keyOf(j) === key) j++;
      if (j - i > 1) order.subarray(i, j).sort((a, b) => ofSlot[a]! - ofSlot[b]!);
      i = j;
    }
  } else {
    const keys = new Uint32Array(n);
    for (let i = 0; i < n; i++) keys[i] = reached.keyOf(i);
    order = radixOrder(keys, ofSlot);
  }
  // Each node listed where its earliest slot comes, with its fewest hops; its column entry goes
  // back to 0 as it is listed, which also marks it listed.
  const nodes = new Uint32Array(count);
  const hops = new Uint16Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const node = ofSlot[order[i]!]!;
    const v = column[node]!;
    if (v === 0) continue;
    column[node] = 0;
    hops[k] = v - 1;
    nodes[k++] = node;
  }
  return { nodes, hops };
}
