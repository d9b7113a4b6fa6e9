import { UserError } from '../errors/base.ts';
import { parseThorchainMemo } from './thorchain-memo.ts';
import {
  NODE_UTXO_TX,
  type EndpointLabels,
  type GraphIndex,
  type TaintPolicy,
  type TraceEdge,
  type TraceEndpoint,
  type TraceNode,
  type TraceParameters,
  type TraceResult,
} from './types.ts';

/**
 * Taint policies. Each decides which part of an address's outflow carries the tainted value it holds.
 * Value the address held before the window, or received from untraced sources, counts as clean.
 *
 * - poison: any tainted input taints every later output of that asset in full (Anderson, Möser,
 *   Böhme, Clayton & Meiklejohn, "Bitcoin Redemption", 2016, §"poison"). Value multiplies, so its
 *   shares are normalised over everything it reached.
 * - haircut: every output carries the tainted share of the balance at that moment (same paper,
 *   "haircut").
 * - fifo / lifo: the balance is a queue of arrivals (lots); an output spends the oldest (fifo,
 *   the paper's proposal, after Clayton's Case) or the newest (lifo) lots first.
 * - tiho: "taint in, highest out" (Tironsakkul, Maarek, Eross & Just, "Probing the Mystery of
 *   Cryptocurrency Theft: An Investigation into Methods for Cryptocurrency Tainted Coin Tracking",
 *   2019/2020): the tainted value goes to the largest outputs of a transaction first. The paper
 *   defines it for Bitcoin transactions; for an account we apply it to the outputs of each
 *   transaction in turn (so tainted value leaves with the first transactions, largest output first).
 */
export const TAINT_POLICIES: readonly TaintPolicy[] = ['poison', 'haircut', 'fifo', 'lifo', 'tiho'];

/** Label categories at which value stops: a service that can freeze it, or one that hides or moves it. */
const STOP_CATEGORIES = new Set([
  'exchange',
  'hot_wallet',
  'deposit_wallet',
  'mixer',
  'bridge',
  'instant_exchange',
  'otc',
]);
const FREEZABLE = new Set(['exchange', 'hot_wallet', 'deposit_wallet']);

const DEFAULT_MAX_HOPS = 10;
/** Tainted value below this (raw units) is float residue of splitting, not value. */
const TAINT_EPSILON = 1e-6;
/** Conversions chained inside one transaction (router through pools) followed at most. */
const MAX_CONVERSION_DEPTH = 8;
/** Evidence paths kept per endpoint (its largest arrivals). */
const PATHS_PER_ENDPOINT = 3;
const MAX_U32 = 0xffffffff;
const HOP_UNSET = 0xffff;
/** Edge key above every edge's: arrivals in a departure's second are absorbed before it. */
const SAME_SECOND_ALL = MAX_U32 + 1;

/** Input of {@link traceFunds}. */
export type TraceFundsParameters = TraceParameters & {
  index: GraphIndex;
  labels: EndpointLabels;
  /** Bridge memos by transaction id of the index (THORChain `bridge_deposit` events of the store). */
  bridgeMemos?: ReadonlyMap<number, string> | undefined;
  /** Resolves a `transfer` seed's position to an edge id (the index does not keep positions). */
  transferEdge?:
    ((chain: string, txHash: string, position: string) => number | undefined) | undefined;
};

/** fifo/lifo only: arrivals of one (node, asset) in order, amount and tainted part; `head` is the first unspent lot. */
type Lots = { lotAmount: number[]; lotTaint: number[]; head: number };

/** Initial capacity of the (node, asset) state columns; they double as needed. */
const INITIAL_STATE_SLOTS = 1024;

/**
 * Outgoing edges in CSR order. The store's index numbers edges in that order (the list is the
 * identity); an index built another way (test graphs) may carry its own `outEdges` permutation.
 */
const IDENTITY_LISTS = new WeakMap<GraphIndex, Uint32Array>();
function outEdgeList(index: GraphIndex): Uint32Array {
  const own = (index as GraphIndex & { outEdges?: Uint32Array }).outEdges;
  if (own) return own;
  let list = IDENTITY_LISTS.get(index);
  if (!list) {
    list = new Uint32Array(index.edgeCount);
    for (let e = 0; e < list.length; e++) list[e] = e;
    IDENTITY_LISTS.set(index, list);
  }
  return list;
}

/**
 * Traces value forward (where did it go) or backward (where did it come from) through the index,
 * respecting time (value leaves a node only after it arrived) and assigning taint by `policy`.
 * Backward tracing runs the same machinery on the time-reversed graph: an outflow is explained by
 * the inflows before it, as if value flowed back in time; it mirrors forward tracing and is not an
 * exact inverse of it.
 *
 * Memory: per edge 8 bytes of taint and 8 of share (typed arrays), per node 15 bytes of cursors,
 * hop and flags; per reached (node, asset) a small state (and, for fifo/lifo, its lots).
 *
 * @example
 * const result = traceFunds({ index, labels, seeds: [{ kind: 'address', chain: 'ethereum', address }],
 *   direction: 'forward', policy: 'haircut' });
 * result.endpoints[0]; // { category: 'exchange', entity: 'Binance', finding: 'arrived at Binance: freezable', … }
 */
export function traceFunds(parameters: TraceFundsParameters): TraceResult {
  const { index, labels, policy } = parameters;
  if (!TAINT_POLICIES.includes(policy)) {
    throw new UserError(`unknown taint policy "${policy}" (known: ${TAINT_POLICIES.join(', ')})`, {
      code: 'TRACE_BAD_POLICY',
    });
  }
  const fwd = parameters.direction !== 'backward';
  const maxHops = parameters.maxHops ?? DEFAULT_MAX_HOPS;
  const minValue = parameters.minValue ?? 0;
  const since = parameters.since ?? 0;
  const until = parameters.until ?? MAX_U32;
  const fifoLike = policy === 'fifo' || policy === 'lifo';

  const { time, amount, asset, tx, nodeKind } = index;
  // Direction as data: "out" is where value goes next, "far" the node at the other end.
  const oStart = fwd ? index.outStart : index.inStart;
  const outList = outEdgeList(index);
  const oList = fwd ? outList : index.inEdges;
  const iStart = fwd ? index.inStart : index.outStart;
  const iList = fwd ? index.inEdges : outList;
  const far = fwd ? index.dst : index.src;
  const keyT = (e: number) => (fwd ? time[e]! : MAX_U32 - time[e]!);
  const keyI = (e: number) => (fwd ? e : MAX_U32 - e);
  /** The edge at step `k` of a node's list, in trace order (backward walks the lists from the end). */
  const at = (start: Uint32Array, list: Uint32Array, n: number, k: number) =>
    fwd ? list[start[n]! + k]! : list[start[n + 1]! - 1 - k]!;
  const inWindow = (e: number) => time[e]! >= since && time[e]! <= until;
  // Without a window every edge is in it: the hot loops then skip the test.
  const windowed = since > 0 || until < MAX_U32;
  // No conversions (most graphs): no map lookup per delivered edge.
  const hasConversions = index.conversions.size > 0;

  const n = index.nodeCount;
  const edgeTaint = new Float64Array(index.edgeCount);
  const edgeShare = new Float64Array(index.edgeCount);
  /** 1 when an edge's taint went on as another asset (a swap or unwrap): its recipient does not hold it. */
  const edgeConverted = new Uint8Array(index.edgeCount);
  /** Tainted arrivals delivered to a node and not yet absorbed: the node must wake for them. */
  const pendingArrivals = new Uint32Array(n);
  const oCur = new Uint32Array(n);
  const iCur = new Uint32Array(n);
  const nodeHop = new Uint16Array(n).fill(HOP_UNSET);
  const scheduled = new Uint8Array(n);
  /** 0 not looked up, 1 no label, 2 labelled (continue), 3 labelled stop. */
  const labelState = new Uint8Array(n);
  const labelOf = new Map<number, { category: string; entity: string | null }>();
  // Balance of one asset at one node (a "slot"): columns, so the hot loops touch numbers only.
  // A node's slots form a list (firstSlot, slotNext) in the order its assets arrived.
  const firstSlot = new Int32Array(n).fill(-1);
  const registered = new Uint8Array(n);
  let slotCount = 0;
  let slotAsset = new Uint32Array(INITIAL_STATE_SLOTS);
  let slotNext = new Int32Array(INITIAL_STATE_SLOTS);
  let slotBalance = new Float64Array(INITIAL_STATE_SLOTS);
  let slotTaint = new Float64Array(INITIAL_STATE_SLOTS);
  let slotShare = new Float64Array(INITIAL_STATE_SLOTS);
  let slotPoisoned = new Uint8Array(INITIAL_STATE_SLOTS);
  const slotLots: Lots[] = [];
  const isPoison = policy === 'poison';
  const isHaircut = policy === 'haircut';
  const isTiho = policy === 'tiho';
  const isFifo = policy === 'fifo';
  const stateNodes: number[] = [];
  /** Best (largest tainted) arrival per node, for evidence paths. */
  const bestIn = new Int32Array(n).fill(-1);
  const bestInTaint = new Float64Array(n);
  const tracedEdges: number[] = [];
  const edgeHop = new Uint16Array(index.edgeCount);
  let edgesVisited = 0;
  const lost = { limit: 0, dust: 0, conversion: 0, fee: 0 };

  type EndpointAcc = {
    node: number;
    asset: number;
    category: string;
    entity: string | null;
    taint: number;
    share: number;
    destination?: { chain: string; address: string } | undefined;
    arrivals: { edge: number; taint: number }[];
  };
  const endpointAcc = new Map<string, EndpointAcc>();

  const lookupLabel = (node: number) => {
    if (labelState[node] === 0) {
      const { chain, address } = index.node(node);
      const label = labels.lookup(chain, address);
      if (label) {
        labelOf.set(node, label);
        labelState[node] = STOP_CATEGORIES.has(label.category) ? 3 : 2;
      } else labelState[node] = 1;
    }
    return labelState[node]!;
  };

  /** Registers the node as holding state (its balances are settled at the end); returns it. */
  const nodeState = (node: number) => {
    if (!registered[node]) {
      registered[node] = 1;
      stateNodes.push(node);
    }
    return node;
  };
  const growSlots = () => {
    const size = slotAsset.length * 2;
    const grow = <A extends Uint8Array | Uint32Array | Int32Array | Float64Array>(a: A, b: A) => {
      b.set(a);
      return b;
    };
    slotAsset = grow(slotAsset, new Uint32Array(size));
    slotNext = grow(slotNext, new Int32Array(size));
    slotBalance = grow(slotBalance, new Float64Array(size));
    slotTaint = grow(slotTaint, new Float64Array(size));
    slotShare = grow(slotShare, new Float64Array(size));
    slotPoisoned = grow(slotPoisoned, new Uint8Array(size));
  };
  /** The slot of asset `a` at `node`, created (last in its list) on first use. */
  const assetState = (node: number, a: number) => {
    let s = firstSlot[node]!;
    let last = -1;
    while (s >= 0) {
      if (slotAsset[s] === a) return s;
      last = s;
      s = slotNext[s]!;
    }
    if (slotCount === slotAsset.length) growSlots();
    s = slotCount++;
    slotAsset[s] = a;
    slotNext[s] = -1;
    if (fifoLike) slotLots[s] = { lotAmount: [], lotTaint: [], head: 0 };
    if (last < 0) firstSlot[node] = s;
    else slotNext[last] = s;
    return s;
  };
  const tainted = (node: number) => {
    for (let s = firstSlot[node]!; s >= 0; s = slotNext[s]!)
      if (slotPoisoned[s] || slotTaint[s]! > TAINT_EPSILON) return true;
    return false;
  };

  const absorb = (node: number, e: number) => {
    edgesVisited++;
    const s = assetState(node, asset[e]!);
    const a = amount[e]!;
    const converted = edgeConverted[e] === 1;
    const t = converted ? 0 : edgeTaint[e]!;
    if (t > 0 && pendingArrivals[node]! > 0) pendingArrivals[node]!--;
    slotBalance[s]! += a;
    slotTaint[s]! += t;
    if (!converted) slotShare[s]! += edgeShare[e]!;
    if (t > 0 && isPoison) slotPoisoned[s] = 1;
    if (fifoLike) {
      const lots = slotLots[s]!;
      const last = lots.lotAmount.length - 1;
      // Adjacent clean arrivals merge: lots grow with tainted arrivals only.
      if (t === 0 && last >= lots.head && lots.lotTaint[last] === 0) lots.lotAmount[last]! += a;
      else {
        lots.lotAmount.push(a);
        lots.lotTaint.push(t);
      }
    }
  };

  /** Tainted value of an outflow of `a` from `s` under the policy (tiho: see allocateGroup). */
  const spend = (s: number, a: number, tihoTaint: number) => {
    let t = 0;
    if (isPoison) {
      t = slotPoisoned[s] ? a : 0;
      slotBalance[s] = Math.max(slotBalance[s]! - a, 0);
      return t;
    }
    if (isHaircut) {
      // Unknown earlier balance is clean: an outflow larger than the known balance takes all of it.
      const denominator = Math.max(slotBalance[s]!, a);
      t = denominator > 0 ? (a * slotTaint[s]!) / denominator : 0;
    } else if (isTiho) {
      t = tihoTaint;
    } else {
      const lots = slotLots[s]!;
      let rest = a;
      while (rest > 0 && lots.head < lots.lotAmount.length) {
        const i = isFifo ? lots.head : lots.lotAmount.length - 1;
        const lot = lots.lotAmount[i]!;
        const take = Math.min(lot, rest);
        const lotT = lot > 0 ? (lots.lotTaint[i]! * take) / lot : 0;
        t += lotT;
        rest -= take;
        lots.lotAmount[i] = lot - take;
        lots.lotTaint[i] = lots.lotTaint[i]! - lotT;
        if (lots.lotAmount[i]! <= 0) {
          if (isFifo) lots.head++;
          else {
            lots.lotAmount.pop();
            lots.lotTaint.pop();
          }
        }
      }
      if (lots.head === lots.lotAmount.length && lots.head > 0) {
        lots.lotAmount.length = 0;
        lots.lotTaint.length = 0;
        lots.head = 0;
      }
    }
    t = Math.min(t, slotTaint[s]!);
    slotBalance[s] = Math.max(slotBalance[s]! - a, 0);
    return t;
  };

  // Scratch for one group of outflows (one transaction's outputs at one node): no allocation per edge.
  let groupEdges = new Uint32Array(64);
  let groupTaint = new Float64Array(64);
  let groupShare = new Float64Array(64);

  /** Spends the outputs in groupEdges[0..g) from the node's balances; fills groupTaint/groupShare. */
  const allocateGroup = (node: number, g: number) => {
    if (policy === 'tiho' && g > 1) {
      const sorted = Array.from(groupEdges.subarray(0, g)).sort(
        (x, y) => amount[y]! - amount[x]! || x - y,
      );
      groupEdges.set(sorted);
    }
    for (let k = 0; k < g; k++) {
      const e = groupEdges[k]!;
      const s = assetState(node, asset[e]!);
      const a = amount[e]!;
      const taintBefore = slotTaint[s]!;
      const t = spend(s, a, Math.min(a, taintBefore));
      let share = 0;
      if (isPoison) {
        share = taintBefore > 0 ? (t * slotShare[s]!) / taintBefore : 0;
      } else if (t > 0) {
        share = taintBefore > 0 ? (slotShare[s]! * t) / taintBefore : 0;
        slotTaint[s] = taintBefore - t;
        slotShare[s]! -= share;
        if (slotTaint[s]! <= TAINT_EPSILON) {
          slotTaint[s] = 0;
          slotShare[s] = 0;
        }
      }
      groupTaint[k] = t;
      groupShare[k] = share;
      edgesVisited++;
    }
  };

  /** Skips outflows outside the window; the next one's step, or -1. */
  const nextOut = (node: number) => {
    const len = oStart[node + 1]! - oStart[node]!;
    let k = oCur[node]!;
    if (k >= len) return -1;
    // Positions as list indexes: forward walks up from the start, backward down from the end.
    const base = fwd ? oStart[node]! : oStart[node + 1]! - 1;
    let e = oList[fwd ? base + k : base - k]!;
    if (windowed) {
      while (time[e]! < since || time[e]! > until) {
        if (++k >= len) {
          oCur[node] = k;
          return -1;
        }
        e = oList[fwd ? base + k : base - k]!;
      }
      oCur[node] = k;
    }
    return e;
  };
  const before = (e: number, t: number, i: number) => keyT(e) < t || (keyT(e) === t && keyI(e) < i);

  /** Collects the group of outflows starting at `first` (same transaction and time). */
  const collectGroup = (node: number, first: number) => {
    let g = 0;
    const len = oStart[node + 1]! - oStart[node]!;
    let k = oCur[node]!;
    while (k < len) {
      const e = at(oStart, oList, node, k);
      if (tx[e] !== tx[first] || time[e] !== time[first]) break;
      if (g === groupEdges.length) {
        const grown = new Uint32Array(g * 2);
        grown.set(groupEdges);
        groupEdges = grown;
        const gt = new Float64Array(g * 2);
        groupTaint = gt;
        groupShare = new Float64Array(g * 2);
      }
      groupEdges[g++] = e;
      k++;
    }
    oCur[node] = k;
    return g;
  };

  /** Absorbs arrivals before key (t, i) (all of them for a UTXO transaction node). */
  const absorbUntil = (node: number, t: number, i: number, inclusive: boolean) => {
    const len = iStart[node + 1]! - iStart[node]!;
    const base = fwd ? iStart[node]! : iStart[node + 1]! - 1;
    let k = iCur[node]!;
    for (; k < len; k++) {
      const e = iList[fwd ? base + k : base - k]!;
      const te = time[e]!;
      if (windowed && (te < since || te > until)) continue;
      const kt = fwd ? te : MAX_U32 - te;
      const ki = fwd ? e : MAX_U32 - e;
      if (!(kt < t || (kt === t && (ki < i || (inclusive && ki === i))))) break;
      absorb(node, e);
    }
    iCur[node] = k;
  };

  // Min-heap of node wake-ups keyed by (time key, edge key): struct of typed arrays.
  let heapT = new Float64Array(1024);
  let heapI = new Float64Array(1024);
  let heapN = new Uint32Array(1024);
  let heapSize = 0;
  const heapLess = (a: number, b: number) =>
    heapT[a]! < heapT[b]! || (heapT[a] === heapT[b] && heapI[a]! < heapI[b]!);
  const heapSwap = (a: number, b: number) => {
    const t = heapT[a]!;
    heapT[a] = heapT[b]!;
    heapT[b] = t;
    const i = heapI[a]!;
    heapI[a] = heapI[b]!;
    heapI[b] = i;
    const x = heapN[a]!;
    heapN[a] = heapN[b]!;
    heapN[b] = x;
  };
  const heapPush = (t: number, i: number, node: number) => {
    if (heapSize === heapT.length) {
      const grow = <A extends Float64Array | Uint32Array>(arr: A, make: (len: number) => A) => {
        const next = make(arr.length * 2);
        next.set(arr);
        return next;
      };
      heapT = grow(heapT, (l) => new Float64Array(l));
      heapI = grow(heapI, (l) => new Float64Array(l));
      heapN = grow(heapN, (l) => new Uint32Array(l));
    }
    let c = heapSize++;
    heapT[c] = t;
    heapI[c] = i;
    heapN[c] = node;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!heapLess(c, p)) break;
      heapSwap(c, p);
      c = p;
    }
  };
  const heapPop = () => {
    const node = heapN[0]!;
    heapSize--;
    if (heapSize > 0) {
      heapT[0] = heapT[heapSize]!;
      heapI[0] = heapI[heapSize]!;
      heapN[0] = heapN[heapSize]!;
      let p = 0;
      for (;;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < heapSize && heapLess(l, m)) m = l;
        if (r < heapSize && heapLess(r, m)) m = r;
        if (m === p) break;
        heapSwap(m, p);
        p = m;
      }
    }
    return node;
  };

  /** Schedules the node's next outflow group; a UTXO transaction waits for all its inputs. */
  const schedule = (node: number) => {
    if (scheduled[node]) return;
    const o = nextOut(node);
    if (o < 0) return;
    let t = keyT(o);
    let i = keyI(o);
    if (nodeKind[node] === NODE_UTXO_TX) {
      const len = iStart[node + 1]! - iStart[node]!;
      for (let k = len - 1; k >= 0; k--) {
        const e = at(iStart, iList, node, k);
        if (!inWindow(e)) continue;
        if (!before(e, t, i)) {
          t = keyT(e);
          i = keyI(e);
        }
        break;
      }
    }
    scheduled[node] = 1;
    heapPush(t, i, node);
  };

  const addEndpoint = (node: number, e: number, t: number, share: number) => {
    const label = labelOf.get(node)!;
    let destination: { chain: string; address: string } | undefined;
    if (label.category === 'bridge') {
      const memo = parameters.bridgeMemos?.get(tx[e]!);
      const parsed = memo === undefined ? null : parseThorchainMemo(memo);
      if (parsed?.kind === 'swap') destination = { chain: parsed.chain, address: parsed.address };
    }
    const key = `${node}:${asset[e]}:${destination ? `${destination.chain}:${destination.address}` : ''}`;
    let acc = endpointAcc.get(key);
    if (!acc) {
      acc = {
        node,
        asset: asset[e]!,
        category: label.category,
        entity: label.entity,
        taint: 0,
        share: 0,
        destination,
        arrivals: [],
      };
      endpointAcc.set(key, acc);
    }
    acc.taint += t;
    acc.share += share;
    acc.arrivals.push({ edge: e, taint: t });
  };

  /** Takes taint on edge `e` (already decided), and moves it on to the far node. */
  const deliver = (e: number, t: number, share: number, hop: number, depth: number): void => {
    if (edgeTaint[e] === 0) {
      tracedEdges.push(e);
      edgeHop[e] = hop;
    }
    edgeTaint[e]! += t;
    edgeShare[e]! += share;
    const to = far[e]!;
    if (hop < nodeHop[to]!) nodeHop[to] = hop;
    if (t > bestInTaint[to]!) {
      bestInTaint[to] = t;
      bestIn[to] = e;
    }
    if (lookupLabel(to) === 3) {
      addEndpoint(to, e, t, share);
      return;
    }
    const conversions = hasConversions ? index.conversions.get(tx[e]!) : undefined;
    if (conversions) {
      for (const c of conversions) {
        if ((fwd ? c.assetIn : c.assetOut) !== asset[e]) continue;
        const target = fwd ? c.recipient : c.account;
        const targetAsset = fwd ? c.assetOut : c.assetIn;
        const ratio = fwd ? c.amountOut / c.amountIn : c.amountIn / c.amountOut;
        // The converted value reaches `target` by a transfer of the same transaction.
        let out = -1;
        const len = iStart[target + 1]! - iStart[target]!;
        for (let k = 0; k < len; k++) {
          const o = at(iStart, iList, target, k);
          if (o === e || tx[o] !== tx[e] || asset[o] !== targetAsset) continue;
          if (out < 0 || amount[o]! > amount[out]!) out = o;
        }
        if (depth >= MAX_CONVERSION_DEPTH || !Number.isFinite(ratio)) {
          lost.conversion += share;
          return;
        }
        if (out < 0) {
          // No transfer brings the converted value: WETH9 mints on deposit without a Transfer
          // log, so a router that wraps ether holds the WETH it then pays on. Credit it there.
          edgeConverted[e] = 1;
          nodeState(target);
          const held = assetState(target, targetAsset);
          slotBalance[held]! += amount[e]! * ratio;
          retag(held, t * ratio, share);
          schedule(target);
          return;
        }
        // The swap input stays on record as tainted, but its recipient does not hold the value: a
        // pool, or a router that unwraps what it was paid (else the value would count twice).
        edgeConverted[e] = 1;
        deliver(out, t * ratio, share, hop, depth + 1);
        return;
      }
    }
    arrive(to, e, t, share);
  };

  /** Tainted value arrives at a node that holds it: bring the node up to the arrival and schedule it. */
  const arrive = (node: number, e: number, t: number, share: number) => {
    nodeState(node);
    const last = iCur[node]! > 0 ? at(iStart, iList, node, iCur[node]! - 1) : -1;
    if (last >= 0 && !before(last, keyT(e), keyI(e))) {
      // Already past this arrival (a swap whose output was logged before its input): retag the
      // latest clean value held as tainted.
      retag(assetState(node, asset[e]!), t, share);
    } else {
      // First delivery on this edge only: it is absorbed once.
      if (edgeTaint[e] === t) pendingArrivals[node]!++;
      if (!scheduled[node] && nodeKind[node] !== NODE_UTXO_TX) advance(node, keyT(e), keyI(e));
    }
    schedule(node);
  };

  const retag = (s: number, t: number, share: number) => {
    slotTaint[s]! += t;
    slotShare[s]! += share;
    if (isPoison) slotPoisoned[s] = 1;
    if (fifoLike) {
      const lots = slotLots[s]!;
      let rest = t;
      for (let i = lots.lotAmount.length - 1; i >= lots.head && rest > 0; i--) {
        const add = Math.min(lots.lotAmount[i]! - lots.lotTaint[i]!, rest);
        lots.lotTaint[i]! += add;
        rest -= add;
      }
    }
  };

  /** Replays an unscheduled node's flows up to key (t, i) inclusive: its outflows then carry no taint. */
  const advance = (node: number, t: number, i: number) => {
    // Departures in the same second as the arrival may carry it (the order of transfers within a
    // second is not known): only strictly earlier ones are replayed here.
    for (let o = nextOut(node); o >= 0 && keyT(o) < t; o = nextOut(node)) {
      absorbUntil(node, keyT(o), SAME_SECOND_ALL, false);
      const g = collectGroup(node, o);
      allocateGroup(node, g);
      for (let k = 0; k < g; k++) if (groupTaint[k]! > 0) lostTaint(groupShare[k]!);
    }
    absorbUntil(node, t, i, true);
  };
  // Taint left on an unscheduled node's outflow would be a bug in scheduling; count it as lost, not traced.
  const lostTaint = (share: number) => {
    lost.limit += share;
  };

  const wake = (node: number) => {
    scheduled[node] = 0;
    nodeState(node);
    const o = nextOut(node);
    if (o < 0) return;
    if (nodeKind[node] === NODE_UTXO_TX) absorbUntil(node, MAX_U32 + 1, 0, false);
    else absorbUntil(node, keyT(o), SAME_SECOND_ALL, false);
    const g = collectGroup(node, o);
    allocateGroup(node, g);
    const hop = nodeHop[node]! + 1;
    for (let k = 0; k < g; k++) {
      const t = groupTaint[k]!;
      if (t <= TAINT_EPSILON) continue;
      const share = groupShare[k]!;
      if (hop > maxHops) lost.limit += share;
      else if (t < minValue) lost.dust += share;
      else deliver(groupEdges[k]!, t, share, hop, 0);
    }
    // Taint delivered ahead (several seeds) still has to arrive and leave again.
    if (pendingArrivals[node]! > 0 || tainted(node)) schedule(node);
  };

  // --- Seeds -------------------------------------------------------------------------------------
  const seedEdges: number[] = [];
  const seedNodes: number[] = [];
  for (const seed of parameters.seeds) {
    if (seed.kind === 'address') {
      const node = index.nodeId(seed.chain, seed.address);
      if (node === undefined) {
        throw new UserError(`seed address ${seed.chain}:${seed.address} is not in the graph`, {
          code: 'TRACE_SEED_NOT_FOUND',
        });
      }
      seedNodes.push(node);
      nodeHop[node] = 0;
      // Everything it received (forward) or sent (backward) in the window is the traced value.
      const len = iStart[node + 1]! - iStart[node]!;
      for (let k = 0; k < len; k++) {
        const e = at(iStart, iList, node, k);
        // What a swap of its own gave back is the same value again, not more of it.
        if (inWindow(e) && !index.conversions.has(tx[e]!)) seedEdges.push(e);
      }
      continue;
    }
    const txId = index.txId(seed.chain, seed.txHash);
    if (txId === undefined) {
      throw new UserError(`seed transaction ${seed.chain}:${seed.txHash} is not in the graph`, {
        code: 'TRACE_SEED_NOT_FOUND',
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
      seedEdges.push(e);
      continue;
    }
    const txNode = index.nodeId(seed.chain, seed.txHash);
    if (txNode !== undefined && nodeKind[txNode] === NODE_UTXO_TX) {
      const len = oStart[txNode + 1]! - oStart[txNode]!;
      for (let k = 0; k < len; k++) seedEdges.push(at(oStart, oList, txNode, k));
      continue;
    }
    // Account transaction: the transfers whose far end passes nothing on within the transaction
    // (an intermediate hop inside the transaction would count the value twice).
    const inTx: number[] = [];
    for (let e = 0; e < index.edgeCount; e++) if (tx[e] === txId) inTx.push(e);
    const near = fwd ? index.src : index.dst;
    for (const e of inTx) {
      if (!inTx.some((x) => x !== e && near[x] === far[e] && asset[x] === asset[e]))
        seedEdges.push(e);
    }
  }
  seedEdges.sort((a, b) => keyT(a) - keyT(b) || keyI(a) - keyI(b));
  const uniqueSeeds = seedEdges.filter((e, k) => k === 0 || seedEdges[k - 1] !== e);

  const seedValue = new Map<number, number>();
  for (const e of uniqueSeeds)
    seedValue.set(asset[e]!, (seedValue.get(asset[e]!) ?? 0) + amount[e]!);
  // Several seed assets cannot be added without prices: each counts for an equal part of the whole.
  const seedAssets = [...seedValue.keys()].sort((a, b) => a - b);
  const partPerAsset = seedAssets.length > 0 ? 1 / seedAssets.length : 0;
  const seedNodeSet = new Set(seedNodes);
  for (const e of uniqueSeeds) {
    edgeTaint[e] = amount[e]!;
    edgeShare[e] = (amount[e]! / seedValue.get(asset[e]!)!) * partPerAsset;
    tracedEdges.push(e);
    const seedHop = seedNodeSet.has(far[e]!) ? 0 : 1;
    edgeHop[e] = seedHop;
    if (nodeHop[far[e]!]! > seedHop) nodeHop[far[e]!] = seedHop;
    if (amount[e]! > bestInTaint[far[e]!]!) {
      bestInTaint[far[e]!] = amount[e]!;
      bestIn[far[e]!] = e;
    }
  }
  for (const node of seedNodes) {
    nodeState(node);
    labelState[node] = 1; // a seed is traced through, whatever it is labelled
    schedule(node);
  }
  for (const e of uniqueSeeds) {
    const to = far[e]!;
    if (seedNodeSet.has(to)) {
      pendingArrivals[to]!++;
      continue;
    }
    if (lookupLabel(to) === 3) addEndpoint(to, e, amount[e]!, edgeShare[e]!);
    else arrive(to, e, amount[e]!, edgeShare[e]!);
  }

  // --- Main loop: wake nodes in (time, edge) order so every arrival is known before a departure.
  // A node reached in the second of its own departures is scheduled at them (a key that may sort
  // before the current one): they carry what arrived in that second, whatever the edge numbering.
  while (heapSize > 0) wake(heapPop());

  // --- What is still held: arrivals after a node's last departure, then the balances.
  const unspent: { node: number; asset: number; taint: number; share: number }[] = [];
  for (let k = 0; k < stateNodes.length; k++) {
    const node = stateNodes[k]!;
    absorbUntil(node, MAX_U32 + 1, 0, false);
    for (let s = firstSlot[node]!; s >= 0; s = slotNext[s]!) {
      const taint = slotTaint[s]!;
      const held = isPoison ? (slotPoisoned[s] ? slotBalance[s]! : 0) : taint;
      if (held <= TAINT_EPSILON) continue;
      const share = isPoison ? (taint > 0 ? (held * slotShare[s]!) / taint : 0) : slotShare[s]!;
      if (nodeKind[node] === NODE_UTXO_TX) lost.fee += share;
      else unspent.push({ node, asset: slotAsset[s]!, taint: held, share });
    }
  }

  return buildResult();

  function buildResult(): TraceResult {
    // Names are looked up once per node and asset: a result lists many edges between few nodes.
    const names = new Map<number, string>();
    const addresses = new Map<number, string>();
    const assetNames = new Map<number, string>();
    const nodeName = (node: number) => {
      let name = names.get(node);
      if (name === undefined) {
        const { chain, address } = index.node(node);
        name = `${chain}:${address}`;
        names.set(node, name);
      }
      return name;
    };
    const addressOf = (node: number) => {
      let address = addresses.get(node);
      if (address === undefined) {
        address = index.node(node).address;
        addresses.set(node, address);
      }
      return address;
    };
    const assetName = (a: number) => {
      let name = assetNames.get(a);
      if (name === undefined) {
        name = index.assetOf(a).asset;
        assetNames.set(a, name);
      }
      return name;
    };
    const seedEdgeSet = new Set(uniqueSeeds);
    const pathTo = (edge: number) => {
      const path: string[] = [addressOf(far[edge]!)];
      const seen = new Set<number>([far[edge]!]);
      let e = edge;
      while (e >= 0) {
        const from = fwd ? index.src[e]! : index.dst[e]!;
        if (seen.has(from)) break;
        seen.add(from);
        path.push(addressOf(from));
        if (nodeHop[from] === 0 || seedEdgeSet.has(e)) break;
        e = bestIn[from]!;
      }
      return fwd ? path.reverse() : path;
    };

    const endpoints: (TraceEndpoint & { rawShare: number })[] = [];
    for (const acc of endpointAcc.values()) {
      const { chain, address } = index.node(acc.node);
      const name = acc.entity ?? address;
      const finding = FREEZABLE.has(acc.category)
        ? `arrived at ${name}: freezable`
        : acc.category === 'mixer'
          ? `entered ${name}`
          : acc.category === 'bridge'
            ? acc.destination
              ? `bridged to ${acc.destination.chain} ${acc.destination.address}`
              : `entered bridge ${name}`
            : `arrived at ${name} (${acc.category.replace('_', ' ')})`;
      const arrivals = [...acc.arrivals].sort((a, b) => b.taint - a.taint || a.edge - b.edge);
      endpoints.push({
        chain,
        address,
        category: acc.category,
        entity: acc.entity,
        asset: index.assetOf(acc.asset).asset,
        amount: toDecimal(acc.taint),
        share: acc.share,
        rawShare: acc.share,
        finding,
        destination: acc.destination,
        paths: arrivals.slice(0, PATHS_PER_ENDPOINT).map((a) => pathTo(a.edge)),
      });
    }
    for (const u of unspent) {
      const { chain, address } = index.node(u.node);
      const label = lookupLabel(u.node) === 2 ? labelOf.get(u.node)! : null;
      endpoints.push({
        chain,
        address,
        // Backward, value "still held" is where the trace found its origin.
        category: fwd ? 'unspent' : 'origin',
        entity: label?.entity ?? null,
        asset: assetName(u.asset),
        amount: toDecimal(u.taint),
        share: u.share,
        rawShare: u.share,
        finding: fwd ? `still held at ${address}` : `came from ${address}`,
        destination: undefined,
        paths:
          bestIn[u.node]! >= 0 && nodeHop[u.node] !== 0 ? [pathTo(bestIn[u.node]!)] : [[address]],
      });
    }
    const lostTotal = lost.limit + lost.dust + lost.conversion + lost.fee;
    const tracedRaw = endpoints.reduce((s, e) => s + e.rawShare, 0);
    // Poison multiplies value and float splitting drifts: shares are of everything accounted for.
    const total = tracedRaw + lostTotal;
    const norm = total > 0 ? 1 / total : 0;
    for (const e of endpoints) e.share = e.rawShare * norm;
    endpoints.sort(
      (a, b) =>
        b.share - a.share ||
        cmp(a.chain, b.chain) ||
        cmp(a.address, b.address) ||
        cmp(a.asset, b.asset) ||
        cmp(a.destination?.address ?? '', b.destination?.address ?? ''),
    );

    const byCat = new Map<string, { category: string; entity: string | null; share: number }>();
    for (const e of endpoints) {
      const key = `${e.category}\u0000${e.entity ?? ''}`;
      const row = byCat.get(key) ?? { category: e.category, entity: e.entity, share: 0 };
      row.share += e.share;
      byCat.set(key, row);
    }
    const byCategory = [...byCat.values()].sort(
      (a, b) =>
        b.share - a.share || cmp(a.category, b.category) || cmp(a.entity ?? '', b.entity ?? ''),
    );

    const nodeIds: number[] = [];
    const nodeSeen = new Uint8Array(n);
    const addNode = (node: number) => {
      if (!nodeSeen[node]) {
        nodeSeen[node] = 1;
        nodeIds.push(node);
      }
    };
    for (const node of seedNodes) addNode(node);
    const edges: TraceEdge[] = [];
    for (const e of tracedEdges) {
      addNode(index.src[e]!);
      addNode(index.dst[e]!);
      edges.push({
        from: nodeName(index.src[e]!),
        to: nodeName(index.dst[e]!),
        txHash: index.txHash(tx[e]!),
        asset: assetName(asset[e]!),
        amount: toDecimal(amount[e]!),
        tainted: toDecimal(edgeTaint[e]!),
        hop: edgeHop[e]!,
        time: time[e]!,
      });
    }
    const nodes: TraceNode[] = nodeIds.map((node) => {
      const { chain, address } = index.node(node);
      lookupLabel(node);
      const label = labelOf.get(node) ?? null;
      return {
        id: nodeName(node),
        chain,
        address,
        category: label?.category ?? null,
        entity: label?.entity ?? null,
      };
    });

    const {
      index: _index,
      labels: _labels,
      bridgeMemos: _memos,
      transferEdge: _te,
      ...plain
    } = parameters;
    return {
      parameters: plain,
      endpoints: endpoints.map(({ rawShare: _raw, ...e }) => e),
      nodes,
      edges,
      summary: {
        seedValue: seedAssets.map((a) => ({
          ...index.assetOf(a),
          amount: toDecimal(seedValue.get(a)!),
        })),
        traced: tracedRaw * norm,
        untraced: lostTotal * norm,
        byCategory,
        edgesVisited,
      },
    };
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Raw units as an integer decimal string (fractions of a raw unit are float residue). */
function toDecimal(value: number): string {
  const rounded = Math.round(value);
  // A safe integer prints exactly as a number (no BigInt); larger ones need BigInt's exact digits.
  if (Math.abs(rounded) <= Number.MAX_SAFE_INTEGER) return String(rounded === 0 ? 0 : rounded);
  return BigInt(rounded).toString();
}
