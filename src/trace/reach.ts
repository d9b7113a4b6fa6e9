import { ReachRules } from './reach-rules.ts';
import { ReachSweep } from './reach-sweep.ts';
import { ReachTraversal } from './reach-traversal.ts';
import { resolveSeeds, windowEdges } from './seeds.ts';
import { slotAdjacency } from './slot-adjacency.ts';
import type { EndpointLabels, GraphIndex, TraceParameters } from './types.ts';

const MAX_U32 = 0xffffffff;
const DEFAULT_MAX_HOPS = 10;
/** A node not reached, in the per-node hop column. */
const NO_HOP = 0xffff;
/** Fewer reached slots than nodeCount / this: per-node hops go in a Map, not a column. */
const FEW_NODES_DIVISOR = 16;
/**
 * The adjacency traversal gives up, and the sweep runs, once it has taken this share of the edges
 * the sweep would go through: past it the sweep is cheaper (see README, "What a trace does").
 */
const TRAVERSAL_BUDGET_SHARE = 0.25;
/** Nodes are ordered by arrival then id in one sort of packed keys while ranks fit in these bits. */
const RANK_BITS = 21;

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
   * How: `auto` (default) traverses the reached slots' edges and sweeps instead once that would
   * cost more; `sweep` or `traversal` forces one (tests and benchmarks compare them). All give the
   * same nodes and hops.
   */
  strategy?: 'auto' | 'sweep' | 'traversal' | undefined;
};

export type TraceReachReturnType = {
  /**
   * Node ids value may have reached (the seed addresses included), earliest reached first (forward:
   * by the time value first arrived; backward: by the time it last left), ties by node id.
   */
  nodes: Uint32Array;
  /** Per reached node, the fewest hops from a seed (same order as `nodes`). */
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
  readonly reachedSlots: readonly number[];
  earliness(s: number): number;
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
 * (ReachSweep) instead, which costs the same whatever is reached.
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
  const maxHops = parameters.maxHops ?? DEFAULT_MAX_HOPS;
  const seedNodes = new Set(seeds.nodes);
  const rulesOf = () =>
    new ReachRules(index, parameters.labels, parameters.bridgeMemos, direction, seedNodes);
  if (strategy === 'traversal' || (strategy === 'auto' && seeds.edges.length > 0)) {
    // The edges the sweep would go through: from the first seed to the window's end (backward:
    // from the last seed down to its start).
    const span =
      seeds.edges.length === 0
        ? 0
        : direction === 'forward'
          ? hi - seeds.edges[0]!
          : seeds.edges.at(-1)! - lo + 1;
    const traversal = new ReachTraversal(
      rulesOf(),
      slotAdjacency(index, direction),
      maxHops,
      lo,
      hi,
      strategy === 'traversal' ? Infinity : span * TRAVERSAL_BUDGET_SHARE,
    );
    if (traversal.run(seeds.edges))
      return {
        ...nodesOf(index, traversal, false),
        edgesVisited: traversal.edgesVisited,
        strategy: 'traversal',
      };
  }
  const sweep = new ReachSweep(rulesOf(), maxHops);
  sweep.run(direction === 'forward' ? seeds.edges : [...seeds.edges].reverse(), lo, hi);
  return { ...nodesOf(index, sweep, true), edgesVisited: sweep.edgesVisited, strategy: 'sweep' };
}

/**
 * The reached nodes, earliest first (ties by id), each with the fewest hops of its slots.
 * `inOrder`: the slots were reached earliest first (the sweep's), so only ties need sorting.
 */
function nodesOf(
  index: GraphIndex,
  reached: Reached,
  inOrder: boolean,
): { nodes: Uint32Array; hops: Uint16Array } {
  const slots = reached.reachedSlots;
  // A Map when few were reached (no column of every node to allocate), else a column.
  const few = slots.length < index.nodeCount / FEW_NODES_DIVISOR;
  const nodeHop = few ? null : new Uint16Array(index.nodeCount).fill(NO_HOP);
  const hopOf = new Map<number, number>();
  const found: number[] = [];
  const earliest: number[] = [];
  const at = new Map<number, number>();
  for (const s of slots) {
    const node = index.slotNode[s]!;
    const h = reached.hop(s);
    const known = nodeHop ? nodeHop[node]! : (hopOf.get(node) ?? NO_HOP);
    if (known === NO_HOP) {
      found.push(node);
      earliest.push(reached.earliness(s));
      if (!inOrder) at.set(node, found.length - 1);
    } else if (!inOrder) {
      const i = at.get(node)!;
      if (reached.earliness(s) > earliest[i]!) earliest[i] = reached.earliness(s);
    }
    if (h < known) {
      if (nodeHop) nodeHop[node] = h;
      else hopOf.set(node, h);
    }
  }
  const nodes = Uint32Array.from(found);
  if (inOrder) {
    // Runs of one arrival (a second's) come in the order the sweep's passes found them.
    for (let i = 0; i < nodes.length;) {
      let j = i + 1;
      while (j < nodes.length && earliest[j] === earliest[i]) j++;
      if (j - i > 1) nodes.subarray(i, j).sort();
      i = j;
    }
  } else sortByArrival(nodes, earliest, at);
  const hops = new Uint16Array(nodes.length);
  for (let i = 0; i < nodes.length; i++)
    hops[i] = nodeHop ? nodeHop[nodes[i]!]! : hopOf.get(nodes[i]!)!;
  return { nodes, hops };
}

/**
 * Sorts `nodes` in place by `earliness` (largest first; `at`: a node's index in it), ties by node
 * id: one native sort of the ids, one of (key, rank by id) packed in a double (no comparator calls).
 */
function sortByArrival(
  nodes: Uint32Array,
  earliness: readonly number[],
  at: ReadonlyMap<number, number>,
): void {
  const n = nodes.length;
  if (n < 2) return;
  const ids = nodes.slice().sort();
  if (n >= 2 ** RANK_BITS) {
    const order = ids.slice().sort((a, b) => earliness[at.get(b)!]! - earliness[at.get(a)!]!);
    nodes.set(order);
    return;
  }
  const packed = new Float64Array(n);
  // key = KEY_SPAN - earliness < 2^32 and rank < 2^21: exact in a double.
  for (let rank = 0; rank < n; rank++)
    packed[rank] = (2 ** 32 - earliness[at.get(ids[rank]!)!]!) * 2 ** RANK_BITS + rank;
  packed.sort();
  for (let j = 0; j < n; j++) nodes[j] = ids[packed[j]! % 2 ** RANK_BITS]!;
}
