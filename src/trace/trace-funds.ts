import { UserError } from '../errors/base.ts';
import { slotOf } from './graph-index.ts';
import { weighSeedAssets } from './seed-value.ts';
import { resolveSeeds, windowEdges } from './seeds.ts';
import { parseThorchainMemo } from './thorchain-memo.ts';
import {
  NODE_FEE_SINK,
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
export const STOP_CATEGORIES: ReadonlySet<string> = new Set([
  'exchange',
  'hot_wallet',
  'deposit_wallet',
  'mixer',
  'bridge',
  'instant_exchange',
  'otc',
]);
const FREEZABLE = new Set(['exchange', 'hot_wallet', 'deposit_wallet']);
/** What the trace does at a node, from its label (or kind): follow, stop at an endpoint, spent as gas. */
const LABEL_NONE = 1;
const LABEL_PASS = 2;
const LABEL_STOP = 3;
const LABEL_FEE = 4;

const DEFAULT_MAX_HOPS = 10;
/** Tainted value below this (raw units) is float residue of splitting, not value. */
const TAINT_EPSILON = 1e-6;
/** Tainted value still held that rounds to 0 raw units is not reported as an endpoint. */
const MIN_HELD = 0.5;
/** A departure is covered by a balance this close to it (float residue of earlier splits). */
const COVER_TOLERANCE = 1e-9;
/** Conversions chained inside one transaction onto transfers already swept, followed at most. */
const MAX_CONVERSION_DEPTH = 8;
/** Evidence paths kept per endpoint (its largest arrivals). */
const PATHS_PER_ENDPOINT = 3;
const MAX_U32 = 0xffffffff;
const HOP_UNSET = 0xffff;
/** Taint state of a slot, interleaved in one array: tainted part, share of the seed, hop. */
const SLOT_STRIDE = 4;
const TAINT = 0;
const SHARE = 1;
const HOP = 2;
/** The largest tainted arrival at the slot (its edge is in `bestIn`). */
const BEST = 3;
/** Bit 0 of a slot's flags: it holds taint. */
const TAINTED = 1;
/** Bit 4 of a slot's flags: value bridged to it from another chain is expected (see bridgeIn). */
const BRIDGE_IN = 16;
/** Initial capacity of the traced-edge columns; they double as needed. */
const INITIAL_RECORDS = 1024;

/** Input of {@link traceFunds}. */
export type TraceFundsParameters = TraceParameters & {
  index: GraphIndex;
  labels: EndpointLabels;
  /** Bridge memos by transaction id of the index (THORChain `bridge_deposit` events of the store). */
  bridgeMemos?: ReadonlyMap<number, string> | undefined;
  /** Resolves a `transfer` seed's position to an edge id (the index does not keep positions). */
  transferEdge?:
    ((chain: string, txHash: string, position: string) => number | undefined) | undefined;
  /**
   * Slots (a token at an address) its issuer has frozen (blacklisted) by the end of the window:
   * tainted value still held there is reported as frozen, not merely unspent.
   */
  frozenSlots?: ReadonlySet<number> | undefined;
};

/** fifo/lifo only: arrivals at one slot in order, amount and tainted part; `head` is the first unspent lot. */
type Lots = { amount: number[]; taint: number[]; head: number };

/** A finished sweep: its counts, and the result (built on demand: names, paths and strings). */
export type TraceRun = {
  /** Edges the sweep went through (balances kept from the window's start). */
  edgesVisited: number;
  /** Edges that carried taint. */
  taintedEdges: number;
  result(): TraceResult;
};

/**
 * Traces value forward (where did it go) or backward (where did it come from): {@link sweepTrace}
 * and its result.
 *
 * @example
 * const result = traceFunds({ index, labels, seeds: [{ kind: 'address', chain: 'ethereum', address }],
 *   direction: 'forward', policy: 'haircut' });
 * result.endpoints[0]; // { category: 'exchange', entity: 'Binance', finding: 'arrived at Binance: freezable', … }
 */
export function traceFunds(parameters: TraceFundsParameters): TraceResult {
  return sweepTrace(parameters).result();
}

/**
 * The trace itself: follows value forward (where did it go) or backward (where did it come from) through the index,
 * respecting time (value leaves a node only after it arrived) and assigning taint by `policy`.
 *
 * How: one sweep over the edges in time order (backward: in reverse), keeping a balance per slot
 * (asset at a node) from the start of the window, so each node's clean balance is known when
 * taint reaches it. An edge carries the taint its sender's policy assigns to it. Transfers of the
 * same second are taken in store order, except that a departure its sender cannot cover yet waits
 * for that second's arrivals (a UTXO transaction's outputs wait for all its inputs): the order of
 * transfers within a second is often unknown, and a pass-through must not be paid from clean value.
 * Backward tracing runs the same sweep on the time-reversed graph: an outflow is explained by the
 * inflows before it; it mirrors forward tracing and is not an exact inverse of it.
 *
 * Memory: per slot 57 bytes (balance, a flag byte, 32 bytes of taint state, evidence edge, and
 * the group scratch), per node 2; per traced edge 22; per tainted fifo/lifo slot its lots.
 *
 * @example
 * const run = sweepTrace({ index, labels, seeds, direction: 'forward', policy: 'haircut' });
 * run.taintedEdges; // edges that carried taint
 * const result = run.result();
 */
export function sweepTrace(parameters: TraceFundsParameters): TraceRun {
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
  const isPoison = policy === 'poison';
  const isHaircut = policy === 'haircut';
  const isTiho = policy === 'tiho';
  const isFifo = policy === 'fifo';
  const fifoLike = policy === 'fifo' || policy === 'lifo';

  const { amount, time, tx, nodeKind, slotNode, slotAsset } = index;
  // Direction as data: value leaves the "near" slot of an edge and reaches the "far" one.
  const near = fwd ? index.srcSlot : index.dstSlot;
  const far = fwd ? index.dstSlot : index.srcSlot;
  const slotCount = index.slotCount;
  const n = index.nodeCount;
  const hasConversions = index.conversions.size > 0;
  let hasUtxo = false;
  for (let i = 0; i < n && !hasUtxo; i++) hasUtxo = nodeKind[i] === NODE_UTXO_TX;

  // The window as an edge range [lo, hi): edges are in time order.
  const { lo, hi } = windowEdges(index, since, until);

  // --- Per-slot state: balance, tainted part, share of the seed, hop, poison flag, fifo/lifo lots.
  // The sweep touches two random slots per edge: balances are dense (8 bytes a slot) and a byte
  // says whether a slot is tainted, so an edge between clean slots stays in cache; the taint
  // state (one cache line per slot) is read only for tainted ones.
  const bal = new Float64Array(slotCount);
  /**
   * Per slot, one byte: bit 0 set while it holds taint; bits 1-3 its node's label state (0: not
   * looked up yet). One byte, so a tainted arrival reads both in one cache line.
   */
  const flags = new Uint8Array(slotCount);
  const st = new Float64Array(slotCount * SLOT_STRIDE);
  const lotsOf: (Lots | undefined)[] = fifoLike ? new Array<Lots | undefined>(slotCount) : [];
  /** Slots holding taint now: when none is left and no seed is ahead, the sweep can stop. */
  let taintedSlots = 0;
  // --- Per node: hop, label, best arrival (evidence paths).
  const seedNode = new Uint8Array(n);
  /** 0 not looked up, then LABEL_NONE, LABEL_PASS, LABEL_STOP or LABEL_FEE. */
  const labelState = new Uint8Array(n);
  const labelOf = new Map<number, { category: string; entity: string | null }>();
  /** Per slot: its largest tainted arrival (for evidence paths; its size is in `st`). */
  const bestIn = new Int32Array(slotCount).fill(-1);
  // --- Traced edges, in sweep order: edge, tainted value, share, hop.
  let recEdge = new Uint32Array(INITIAL_RECORDS);
  let recTaint = new Float64Array(INITIAL_RECORDS);
  let recShare = new Float64Array(INITIAL_RECORDS);
  let recHop = new Uint16Array(INITIAL_RECORDS);
  let recCount = 0;
  let edgesVisited = 0;
  const lost = { limit: 0, dust: 0, conversion: 0, fee: 0 };
  /** Converted value credited to a slot the index does not have (no transfer of it ever): held there. */
  const heldElsewhere = new Map<
    string,
    { node: number; asset: number; taint: number; share: number }
  >();

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
        labelState[node] = STOP_CATEGORIES.has(label.category) ? LABEL_STOP : LABEL_PASS;
      } else labelState[node] = nodeKind[node] === NODE_FEE_SINK ? LABEL_FEE : LABEL_NONE;
    }
    return labelState[node]!;
  };

  const record = (e: number, t: number, sh: number, hop: number) => {
    if (recCount === recEdge.length) {
      const size = recCount * 2;
      const grow = <A extends Uint32Array | Float64Array | Uint16Array>(a: A, b: A) => {
        b.set(a);
        return b;
      };
      recEdge = grow(recEdge, new Uint32Array(size));
      recTaint = grow(recTaint, new Float64Array(size));
      recShare = grow(recShare, new Float64Array(size));
      recHop = grow(recHop, new Uint16Array(size));
    }
    recEdge[recCount] = e;
    recTaint[recCount] = t;
    recShare[recCount] = sh;
    recHop[recCount] = hop;
    return recCount++;
  };

  // Poison never lowers a slot's taint: a poisoned slot is one with taint.
  const isTainted = (s: number) => (flags[s]! & TAINTED) !== 0;

  /** Value arrives clean at slot `s`. */
  const absorbClean = (s: number, a: number) => {
    bal[s]! += a;
    if (fifoLike) {
      const lots = lotsOf[s];
      if (lots) {
        const last = lots.amount.length - 1;
        // Adjacent clean arrivals merge: lots grow with tainted arrivals only.
        if (last >= lots.head && lots.taint[last] === 0) lots.amount[last]! += a;
        else {
          lots.amount.push(a);
          lots.taint.push(0);
        }
      }
    }
  };

  /** Marks `t` of slot `s`'s value as tainted; `a` of it arrives now (0: it is already held). */
  const absorbTainted = (s: number, a: number, t: number, sh: number, hop: number) => {
    const o = SLOT_STRIDE * s;
    // A slot's hop: the fewest hops of the taint it holds (reset when it was clean).
    if (!isTainted(s)) {
      taintedSlots++;
      flags[s]! |= TAINTED;
      st[o + HOP] = hop;
    } else if (hop < st[o + HOP]!) st[o + HOP] = hop;
    if (fifoLike) {
      let lots = lotsOf[s];
      if (!lots) {
        // What the slot held before is one clean lot, spent first (fifo) or last (lifo).
        lots = {
          amount: bal[s]! > 0 ? [bal[s]!] : [],
          taint: bal[s]! > 0 ? [0] : [],
          head: 0,
        };
        lotsOf[s] = lots;
      }
      if (a > 0) {
        lots.amount.push(a);
        lots.taint.push(t);
      } else {
        // Value held already (a swap whose output was swept before its input): the newest clean lots take it.
        let rest = t;
        for (let i = lots.amount.length - 1; i >= lots.head && rest > 0; i--) {
          const add = Math.min(lots.amount[i]! - lots.taint[i]!, rest);
          lots.taint[i]! += add;
          rest -= add;
        }
      }
    }
    bal[s]! += a;
    st[SLOT_STRIDE * s + TAINT]! += t;
    st[SLOT_STRIDE * s + SHARE]! += sh;
  };

  // TIHO: per (slot, transaction) the taint each output gets, decided over the whole group.
  let tihoEdges: Uint32Array | null = null;
  let tihoAlloc: Float64Array | null = null;
  let tihoCount = 0;
  const tihoTaint = (e: number) => {
    for (let k = 0; k < tihoCount; k++) if (tihoEdges![k] === e) return tihoAlloc![k]!;
    return -1;
  };

  /** Spends `a` from tainted slot `s` by the policy: [taint, share] of the outflow into spent. */
  const spent = { t: 0, sh: 0 };
  const spend = (s: number, a: number, e: number) => {
    const taintBefore = st[SLOT_STRIDE * s + TAINT]!;
    let t = 0;
    if (isPoison) {
      spent.t = a;
      spent.sh = taintBefore > 0 ? (spent.t * st[SLOT_STRIDE * s + SHARE]!) / taintBefore : 0;
      bal[s] = bal[s]! > a ? bal[s]! - a : 0;
      return;
    }
    if (isHaircut) {
      // Unknown earlier balance is clean: an outflow larger than the known balance takes all of it.
      const denominator = bal[s]! > a ? bal[s]! : a;
      t = denominator > 0 ? (a * taintBefore) / denominator : 0;
    } else if (isTiho) {
      const allotted = tihoCount > 0 ? tihoTaint(e) : -1;
      t = allotted >= 0 ? allotted : Math.min(a, taintBefore);
    } else {
      const lots = lotsOf[s]!;
      let rest = a;
      while (rest > 0 && lots.head < lots.amount.length) {
        const i = isFifo ? lots.head : lots.amount.length - 1;
        const lot = lots.amount[i]!;
        const take = Math.min(lot, rest);
        const lotT = lot > 0 ? (lots.taint[i]! * take) / lot : 0;
        t += lotT;
        rest -= take;
        lots.amount[i] = lot - take;
        lots.taint[i] = lots.taint[i]! - lotT;
        if (lots.amount[i]! <= 0) {
          if (isFifo) lots.head++;
          else {
            lots.amount.pop();
            lots.taint.pop();
          }
        }
      }
    }
    if (t > taintBefore) t = taintBefore;
    const sh = taintBefore > 0 ? (st[SLOT_STRIDE * s + SHARE]! * t) / taintBefore : 0;
    st[SLOT_STRIDE * s + TAINT] = taintBefore - t;
    st[SLOT_STRIDE * s + SHARE]! -= sh;
    bal[s] = bal[s]! > a ? bal[s]! - a : 0;
    if (st[SLOT_STRIDE * s + TAINT]! <= TAINT_EPSILON) {
      // Float residue of splitting: the slot is clean again.
      st[SLOT_STRIDE * s + TAINT] = 0;
      st[SLOT_STRIDE * s + SHARE] = 0;
      if (fifoLike) lotsOf[s] = undefined;
      flags[s]! &= ~TAINTED;
      taintedSlots--;
    }
    spent.t = t;
    spent.sh = sh;
  };

  const addEndpoint = (node: number, e: number, t: number, sh: number) => {
    const label = labelOf.get(node)!;
    let destination: { chain: string; address: string } | undefined;
    if (label.category === 'bridge') {
      const memo = parameters.bridgeMemos?.get(tx[e]!);
      const parsed = memo === undefined ? null : parseThorchainMemo(memo);
      if (parsed?.kind === 'swap') destination = { chain: parsed.chain, address: parsed.address };
    }
    const a = slotAsset[far[e]!]!;
    const key = `${node}:${a}:${destination ? `${destination.chain}:${destination.address}` : ''}`;
    let acc = endpointAcc.get(key);
    if (!acc) {
      acc = {
        node,
        asset: a,
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
    acc.share += sh;
    acc.arrivals.push({ edge: e, taint: t });
  };

  // --- Bridges: value sent to another chain the index holds goes on there, at the destination's
  // first arrival after the deposit (THORChain pays out within minutes to hours); a deposit whose
  // destination never receives is an endpoint, "bridged to <chain> <address>".
  const bridgeIn = new Map<
    number,
    { time: number; edge: number; taint: number; share: number; hop: number }[]
  >();
  let pendingBridges = 0;
  /** Tainted value entering the bridge by edge `e`: true when it will go on on the destination chain. */
  const bridgeOn = (e: number, t: number, sh: number, hop: number) => {
    const label = labelOf.get(slotNode[far[e]!]!);
    if (label?.category !== 'bridge') return false;
    const memo = parameters.bridgeMemos?.get(tx[e]!);
    const parsed = memo === undefined ? null : parseThorchainMemo(memo);
    if (parsed?.kind !== 'swap') return false;
    const node = index.nodeId(parsed.chain, parsed.address);
    const native = index.assetId(parsed.chain, 'native');
    const slot =
      node === undefined || native === undefined ? undefined : slotOf(index, node, native);
    if (slot === undefined) return false;
    const list = bridgeIn.get(slot) ?? [];
    list.push({ time: time[e]!, edge: e, taint: t, share: sh, hop });
    bridgeIn.set(slot, list);
    flags[slot]! |= BRIDGE_IN;
    pendingBridges++;
    return true;
  };
  /** The deposits an arrival at `slot` at `t` pays out (made no later than it), taken together. */
  const takeBridged = (slot: number, t: number) => {
    const list = bridgeIn.get(slot)!;
    const due = list.filter((d) => (fwd ? d.time <= t : d.time >= t));
    if (due.length === 0) return null;
    const rest = list.filter((d) => !due.includes(d));
    if (rest.length > 0) bridgeIn.set(slot, rest);
    else {
      bridgeIn.delete(slot);
      flags[slot]! &= ~BRIDGE_IN;
    }
    pendingBridges -= due.length;
    return {
      share: due.reduce((s, d) => s + d.share, 0),
      taint: due.reduce((s, d) => s + d.taint, 0),
      hop: Math.min(...due.map((d) => d.hop)),
      edge: due[0]!.edge,
    };
  };

  // --- The group being swept: transfers of one second, edges g0..g1-1. Group-relative scratch
  // (index e - g0) holds taint handed to an edge by a conversion, whether the edge was swept, and
  // its record; departures waiting for cover queue per slot.
  let g0 = 0;
  let g1 = 0;
  let grouped = false;
  let groupHasSeed = false;
  let scratchSize = 0;
  let extraT = new Float64Array(0);
  let extraShare = new Float64Array(0);
  let extraHop = new Uint16Array(0);
  let swept = new Uint8Array(0);
  let recOf = new Int32Array(0);
  let queueNext = new Int32Array(0);
  // Per-slot queues and counts of the groups: allocated when the first group with taint comes.
  let queueHead = new Int32Array(0);
  let queueTail = new Int32Array(0);
  const queuedSlots: number[] = [];
  const deferred: number[] = [];
  const ensureScratch = (size: number) => {
    if (size <= scratchSize) return;
    scratchSize = Math.max(size, scratchSize * 2, 64);
    extraT = new Float64Array(scratchSize);
    extraShare = new Float64Array(scratchSize);
    extraHop = new Uint16Array(scratchSize).fill(HOP_UNSET);
    swept = new Uint8Array(scratchSize);
    recOf = new Int32Array(scratchSize).fill(-1);
    queueNext = new Int32Array(scratchSize).fill(-1);
  };

  /**
   * Where converted value goes: the conversion of edge `e`'s asset in its transaction, and the
   * transfer of the same transaction that brings the converted value to its recipient (-1: none).
   */
  const conversionOf = (e: number) => {
    const list = index.conversions.get(tx[e]!);
    if (!list) return null;
    const a = slotAsset[far[e]!]!;
    for (const c of list) {
      if ((fwd ? c.assetIn : c.assetOut) !== a) continue;
      const target = fwd ? c.recipient : c.account;
      const targetAsset = fwd ? c.assetOut : c.assetIn;
      const ratio = fwd ? c.amountOut / c.amountIn : c.amountIn / c.amountOut;
      let out = -1;
      if (grouped) {
        for (let o = g0; o < g1; o++) {
          if (o === e || tx[o] !== tx[e]) continue;
          const f = far[o]!;
          if (slotNode[f] !== target || slotAsset[f] !== targetAsset) continue;
          if (out < 0 || amount[o]! > amount[out]!) out = o;
        }
      }
      return { target, targetAsset, ratio, out };
    }
    return null;
  };

  const labelOfSlot = (r: number) => {
    const label = flags[r]! >> 1;
    if (label !== 0) return label;
    const looked = lookupLabel(slotNode[r]!);
    flags[r]! |= looked << 1;
    return looked;
  };

  /** Keeps the largest tainted arrival at slot `r` as its evidence. */
  const noteArrival = (r: number, e: number, t: number) => {
    if (t > st[SLOT_STRIDE * r + BEST]!) {
      st[SLOT_STRIDE * r + BEST] = t;
      bestIn[r] = e;
    }
  };

  /**
   * Tainted value `t` (share `sh`, at `hop`) reaches the far slot of edge `e`: an endpoint, a
   * conversion into another asset, or the slot's balance. `a` of value arrives with it (0: it was
   * already credited, clean, when the edge was swept).
   */
  const deliver = (e: number, a: number, t: number, sh: number, hop: number, depth: number) => {
    const r = far[e]!;
    const label = labelOfSlot(r);
    if (label === LABEL_FEE) {
      lost.fee += sh;
      bal[r]! += a;
      return;
    }
    noteArrival(r, e, t);
    if (label === LABEL_STOP) {
      bal[r]! += a;
      if (!(fwd && bridgeOn(e, t, sh, hop))) addEndpoint(slotNode[r]!, e, t, sh);
      return;
    }
    const c = hasConversions ? conversionOf(e) : null;
    if (c) {
      // The input stays on record as tainted, but its recipient (a pool, or a router that unwraps
      // what it was paid) does not hold the value: it goes on as the converted asset.
      absorbClean(r, a);
      if (!Number.isFinite(c.ratio) || depth >= MAX_CONVERSION_DEPTH) {
        lost.conversion += sh;
        return;
      }
      const ct = t * c.ratio;
      if (c.out >= 0) {
        const k = c.out - g0;
        // The converted value's path goes back through the input.
        noteArrival(near[c.out]!, e, t);
        if (!swept[k]) {
          extraT[k]! += ct;
          extraShare[k]! += sh;
          if (hop < extraHop[k]!) extraHop[k] = hop;
          return;
        }
        // Already swept (the output was logged before the input): its recipient holds the value.
        if (recOf[k]! >= 0) {
          recTaint[recOf[k]!]! += ct;
          recShare[recOf[k]!]! += sh;
        } else recOf[k] = record(c.out, ct, sh, hop);
        deliver(c.out, 0, ct, sh, hop, depth + 1);
        return;
      }
      // No transfer brings the converted value: WETH9 mints on deposit without a Transfer log, so
      // a router that wraps ether holds the WETH it then pays on. Credit it there.
      const held = slotOf(index, c.target, c.targetAsset);
      if (held === undefined) {
        const key = `${c.target}:${c.targetAsset}`;
        const h = heldElsewhere.get(key) ?? {
          node: c.target,
          asset: c.targetAsset,
          taint: 0,
          share: 0,
        };
        h.taint += ct;
        h.share += sh;
        heldElsewhere.set(key, h);
        return;
      }
      noteArrival(held, e, t);
      absorbTainted(held, amount[e]! * c.ratio, ct, sh, hop);
      if (grouped) passOn(held, e, hop, depth);
      return;
    }
    absorbTainted(r, a, t, sh, hop);
    // Value that arrived earlier in this transaction and is tainted only now (its conversion's
    // input was logged after it) may have left again in the transaction: follow it.
    if (a === 0 && grouped) passOn(r, e, hop, depth);
  };

  /**
   * Moves taint just found at slot `r` on along the departures from `r` of the same transaction
   * already swept (value that passed through `r` within the transaction, e.g. a router unwrapping
   * WETH and paying the ether on, whose internal transfers are stored before the token logs that
   * taint them), as far as each departure has room for it.
   */
  const passOn = (r: number, e: number, hop: number, depth: number) => {
    if (depth >= MAX_CONVERSION_DEPTH) return;
    const o0 = SLOT_STRIDE * r;
    for (let o = g0; o < g1 && st[o0 + TAINT]! > TAINT_EPSILON; o++) {
      const k = o - g0;
      if (o === e || !swept[k] || near[o] !== r || tx[o] !== tx[e]) continue;
      const carried = recOf[k]! >= 0 ? recTaint[recOf[k]!]! : 0;
      const move = Math.min(st[o0 + TAINT]!, amount[o]! - carried);
      if (move <= TAINT_EPSILON) continue;
      const moveShare = (st[o0 + SHARE]! * move) / st[o0 + TAINT]!;
      st[o0 + TAINT]! -= move;
      st[o0 + SHARE]! -= moveShare;
      if (st[o0 + TAINT]! <= TAINT_EPSILON) {
        st[o0 + TAINT] = 0;
        st[o0 + SHARE] = 0;
        if (fifoLike) lotsOf[r] = undefined;
        flags[r]! &= ~TAINTED;
        taintedSlots--;
      }
      if (recOf[k]! >= 0) {
        recTaint[recOf[k]!]! += move;
        recShare[recOf[k]!]! += moveShare;
      } else recOf[k] = record(o, move, moveShare, hop + 1);
      deliver(o, 0, move, moveShare, hop + 1, depth + 1);
    }
  };

  // --- Seeds -------------------------------------------------------------------------------------
  const nearNode = (e: number) => slotNode[near[e]!]!;
  const farNode = (e: number) => slotNode[far[e]!]!;
  const resolved = resolveSeeds({
    index,
    seeds: parameters.seeds,
    direction: fwd ? 'forward' : 'backward',
    lo,
    hi,
    transferEdge: parameters.transferEdge,
  });
  const uniqueSeeds = resolved.edges;
  const seedNodes = resolved.nodes;
  for (const node of seedNodes) seedNode[node] = 1;

  const seedValue = new Map<number, number>();
  for (const e of uniqueSeeds) {
    const a = slotAsset[far[e]!]!;
    seedValue.set(a, (seedValue.get(a) ?? 0) + amount[e]!);
  }
  // Several seed assets are valued in one of them at the index's swap rates (else equal parts).
  const seedAssets = [...seedValue.keys()].sort((a, b) => a - b);
  const weights = weighSeedAssets(index, seedValue);
  for (const node of seedNodes) labelState[node] = LABEL_NONE; // a seed is traced through, whatever it is labelled
  const seedShare = new Map<number, number>();
  for (const e of uniqueSeeds)
    seedShare.set(
      e,
      (amount[e]! / seedValue.get(slotAsset[far[e]!]!)!) * weights.parts.get(slotAsset[far[e]!]!)!,
    );
  /** Seeds in sweep order; `nextSeed` is the first not yet swept. */
  const seedOrder = fwd ? uniqueSeeds : [...uniqueSeeds].reverse();
  let nextSeed = 0;

  /** Sweeps edge `e`: its sender pays it, its taint (policy, seed, conversion) goes to its recipient. */
  const sweep = (e: number) => {
    edgesVisited++;
    const s = near[e]!;
    const a = amount[e]!;
    let t = 0;
    let sh = 0;
    let hop = HOP_UNSET;
    if (isTainted(s)) {
      spend(s, a, e);
      t = spent.t;
      sh = spent.sh;
      if (t > 0) hop = st[SLOT_STRIDE * s + HOP]! + 1;
    } else bal[s] = bal[s]! > a ? bal[s]! - a : 0;
    // Within a group edges may be swept out of order: look the seed up (the group end moves nextSeed).
    const isSeed = grouped
      ? groupHasSeed && seedShare.has(e)
      : nextSeed < seedOrder.length && seedOrder[nextSeed] === e && ++nextSeed > 0;
    if (isSeed) {
      // A seed transfer is tainted in full; what its sender's policy gave it is part of that.
      t = a;
      sh += seedShare.get(e)!;
      hop = seedNode[farNode(e)] ? 0 : 1;
    }
    let k = -1;
    if (grouped) {
      k = e - g0;
      swept[k] = 1;
      if (extraT[k]! > 0) {
        t += extraT[k]!;
        sh += extraShare[k]!;
        if (extraHop[k]! < hop) hop = extraHop[k]!;
      }
    }
    const r = far[e]!;
    if (pendingBridges > 0 && (flags[r]! & BRIDGE_IN) !== 0) {
      // The first arrival at a bridge's destination after the deposit is the bridged value.
      const arrived = takeBridged(r, time[e]!);
      if (arrived) {
        t = a;
        sh += arrived.share;
        if (arrived.hop + 1 < hop) hop = arrived.hop + 1;
        noteArrival(near[e]!, arrived.edge, arrived.taint);
      }
    }
    if (t <= TAINT_EPSILON) {
      absorbClean(r, a);
      return;
    }
    if (hop > maxHops) {
      lost.limit += sh;
      absorbClean(r, a);
      return;
    }
    if (t < minValue) {
      lost.dust += sh;
      absorbClean(r, a);
      return;
    }
    // Gas paid with tainted value is spent: counted, not listed as a traced edge of every hop.
    if (labelOfSlot(r) === LABEL_FEE) {
      lost.fee += sh;
      absorbClean(r, a);
      return;
    }
    const rec = record(e, t, sh, hop);
    if (k >= 0) recOf[k] = rec;
    deliver(e, a, t, sh, hop, 0);
  };

  /** Sweeps edge `e` from a clean sender that is no seed (most edges): balances only. */
  const sweepClean = (e: number) => {
    edgesVisited++;
    const a = amount[e]!;
    const s = near[e]!;
    const b = bal[s]!;
    bal[s] = b > a ? b - a : 0;
    if (fifoLike) absorbClean(far[e]!, a);
    else bal[far[e]!]! += a;
  };

  /** Whether taint can move in the group g0..g1-1: a seed in it, or a tainted sender. */
  const groupIsLive = () => {
    if (nextSeed < seedOrder.length && seedOrder[nextSeed]! >= g0 && seedOrder[nextSeed]! < g1)
      return true;
    for (let e = g0; e < g1; e++) {
      if ((flags[near[e]!]! & TAINTED) !== 0) return true;
      if (pendingBridges > 0 && (flags[far[e]!]! & BRIDGE_IN) !== 0) return true;
    }
    return false;
  };
  /**
   * A group no taint moves in: balances only, its arrivals before its departures (the order of a
   * second's transfers is not always known; this way a balance does not depend on it).
   */
  const sweepCleanGroup = () => {
    edgesVisited += g1 - g0;
    for (let e = g0; e < g1; e++) {
      if (fifoLike) absorbClean(far[e]!, amount[e]!);
      else bal[far[e]!]! += amount[e]!;
    }
    for (let e = g0; e < g1; e++) {
      const s = near[e]!;
      const a = amount[e]!;
      bal[s] = bal[s]! > a ? bal[s]! - a : 0;
    }
  };

  // --- Groups: the transfers of one second, with departures waiting for cover.
  /** Arrivals of this group at a slot not yet swept, in all and from one transaction (`slot|tx`). */
  let pendingIn = new Uint32Array(0);
  const pendingInTx = new Map<string, number>();
  /**
   * Whether departure `e` waits for arrivals of this second at its sender: a UTXO transaction for
   * all its inputs; an account while its balance does not cover it, or while its own transaction
   * still brings it value (a pass-through pays on what it received). Nothing more arriving: it pays
   * now, and unknown earlier balance counts as clean.
   */
  const waits = (e: number) => {
    const s = near[e]!;
    if (pendingIn[s] === 0) return false;
    if (hasUtxo && nodeKind[slotNode[s]!] === NODE_UTXO_TX) return true;
    if (bal[s]! < amount[e]! * (1 - COVER_TOLERANCE)) return true;
    return (pendingInTx.get(`${s}|${tx[e]}`) ?? 0) > 0;
  };
  const enqueue = (e: number) => {
    const s = near[e]!;
    const k = e - g0;
    if (queueHead[s] === -1) {
      queueHead[s] = e;
      queuedSlots.push(s);
    } else queueNext[queueTail[s]! - g0] = e;
    queueTail[s] = e;
    queueNext[k] = -1;
    deferred.push(e);
  };
  /** Sweeps `e` and then whatever waited at its recipient and is now covered. */
  const run = (e: number) => {
    sweep(e);
    const r = far[e]!;
    pendingIn[r]!--;
    const key = `${r}|${tx[e]}`;
    pendingInTx.set(key, pendingInTx.get(key)! - 1);
    let head = queueHead[r]!;
    while (head !== -1 && !waits(head)) {
      queueHead[r] = queueNext[head - g0]!;
      run(head);
      head = queueHead[r]!;
    }
  };
  const sweepGroup = () => {
    const size = g1 - g0;
    ensureScratch(size);
    if (pendingIn.length === 0) {
      queueHead = new Int32Array(slotCount).fill(-1);
      queueTail = new Int32Array(slotCount).fill(-1);
      pendingIn = new Uint32Array(slotCount);
    }
    grouped = true;
    const inGroup = (e: number) => e >= g0 && e < g1;
    groupHasSeed = nextSeed < seedOrder.length && inGroup(seedOrder[nextSeed]!);
    for (let e = g0; e < g1; e++) {
      const r = far[e]!;
      pendingIn[r]!++;
      const key = `${r}|${tx[e]}`;
      pendingInTx.set(key, (pendingInTx.get(key) ?? 0) + 1);
    }
    if (isTiho) allotTiho();
    for (let i = 0; i < size; i++) {
      const e = fwd ? g0 + i : g1 - 1 - i;
      if (swept[e - g0]) continue;
      if (queueHead[near[e]!] !== -1 || waits(e)) enqueue(e);
      else run(e);
    }
    // What still waits is paid as far as the sender can (unknown earlier balance is clean), in
    // order; a UTXO transaction's outputs still wait for inputs so paid (unless in a cycle).
    const force = (e: number) => {
      queueHead[near[e]!] = queueNext[e - g0]!;
      run(e);
    };
    for (let progress = true; progress;) {
      progress = false;
      for (const e of deferred) {
        if (swept[e - g0]) continue;
        const s = near[e]!;
        if (hasUtxo && nodeKind[slotNode[s]!] === NODE_UTXO_TX && pendingIn[s]! > 0) continue;
        force(e);
        progress = true;
      }
    }
    for (const e of deferred) if (!swept[e - g0]) force(e);
    for (const s of queuedSlots) queueHead[s] = -1;
    queuedSlots.length = 0;
    deferred.length = 0;
    extraT.fill(0, 0, size);
    extraShare.fill(0, 0, size);
    extraHop.fill(HOP_UNSET, 0, size);
    swept.fill(0, 0, size);
    recOf.fill(-1, 0, size);
    for (let e = g0; e < g1; e++) pendingIn[far[e]!] = 0;
    pendingInTx.clear();
    tihoCount = 0;
    grouped = false;
    while (nextSeed < seedOrder.length && inGroup(seedOrder[nextSeed]!)) nextSeed++;
  };

  /** TIHO: each tainted sender's outputs of one transaction in this group, largest first, take its taint. */
  const allotTiho = () => {
    const bySender = new Map<string, number[]>();
    for (let e = g0; e < g1; e++) {
      const s = near[e]!;
      if (!isTainted(s)) continue;
      const key = `${s}:${tx[e]}`;
      const list = bySender.get(key);
      if (list) list.push(e);
      else bySender.set(key, [e]);
    }
    let total = 0;
    for (const list of bySender.values()) total += list.length;
    tihoEdges = new Uint32Array(total);
    tihoAlloc = new Float64Array(total);
    tihoCount = 0;
    for (const list of bySender.values()) {
      list.sort((x, y) => amount[y]! - amount[x]! || x - y);
      let rest = st[SLOT_STRIDE * near[list[0]!]! + TAINT]!;
      for (const e of list) {
        const t = Math.min(amount[e]!, rest);
        rest -= t;
        tihoEdges[tihoCount] = e;
        tihoAlloc[tihoCount++] = t;
      }
    }
  };

  // --- The sweep. Policies that weigh taint against balances start at the window's start (the
  // balances must be known); TIHO only needs them from the first seed on.
  let k: number;
  if (seedOrder.length === 0) k = fwd ? hi : lo - 1;
  else if (isTiho) k = seedOrder[0]!;
  else k = fwd ? lo : hi - 1;
  // Start at the edge of the first group: its start (forward) or its end (backward).
  if (fwd) while (k > lo && time[k - 1] === time[k]) k--;
  else while (k >= lo && k + 1 < hi && time[k + 1] === time[k]) k++;
  while (fwd ? k < hi : k >= lo) {
    if (taintedSlots === 0 && pendingBridges === 0 && nextSeed === seedOrder.length) break;
    // The group: the transfers of k's second, g0..g1-1.
    g0 = k;
    g1 = k + 1;
    if (fwd) while (g1 < hi && time[g1] === time[g0]) g1++;
    else while (g0 > lo && time[g0 - 1] === time[k]) g0--;
    if (g1 - g0 > 1) {
      if (groupIsLive()) sweepGroup();
      else sweepCleanGroup();
    } else if (
      (flags[near[k]!]! & TAINTED) !== 0 ||
      seedOrder[nextSeed] === k ||
      (pendingBridges > 0 && (flags[far[k]!]! & BRIDGE_IN) !== 0)
    )
      sweep(k);
    else sweepClean(k);
    k = fwd ? g1 : g0 - 1;
  }

  // Deposits whose destination never received: they end at the bridge.
  for (const list of bridgeIn.values())
    for (const d of list) addEndpoint(slotNode[far[d.edge]!]!, d.edge, d.taint, d.share);

  // --- What is still held: tainted balances (a UTXO transaction's leftover is its fee).
  /** Tainted value still held, per slot (-1: a converted value with no slot of its own). */
  const unspent: { slot: number; node: number; asset: number; taint: number; share: number }[] = [];
  for (let s = 0; s < slotCount; s++) {
    if (!isTainted(s)) continue;
    const held = isPoison ? bal[s]! : st[SLOT_STRIDE * s + TAINT]!;
    // Less than half a raw unit prints as 0: residue of splitting, not a place value is held.
    if (held < MIN_HELD) {
      if (held > TAINT_EPSILON) lost.dust += isPoison ? 0 : st[SLOT_STRIDE * s + SHARE]!;
      continue;
    }
    const sh = isPoison
      ? st[SLOT_STRIDE * s + TAINT]! > 0
        ? (held * st[SLOT_STRIDE * s + SHARE]!) / st[SLOT_STRIDE * s + TAINT]!
        : 0
      : st[SLOT_STRIDE * s + SHARE]!;
    const node = slotNode[s]!;
    if (nodeKind[node] === NODE_UTXO_TX) lost.fee += sh;
    else unspent.push({ slot: s, node, asset: slotAsset[s]!, taint: held, share: sh });
  }
  for (const h of heldElsewhere.values()) unspent.push({ slot: -1, ...h });

  return { edgesVisited, taintedEdges: recCount, result: buildResult };

  function buildResult(): TraceResult {
    // Names are looked up once per node and asset: a result lists many edges between few nodes.
    // Maps, not arrays of nodeCount: a large holey array falls back to slow dictionary elements.
    const memo = (name: (id: number) => string) => {
      const known = new Map<number, string>();
      return (id: number) => {
        let value = known.get(id);
        if (value === undefined) known.set(id, (value = name(id)));
        return value;
      };
    };
    const nodeName = memo((node) => {
      const { chain, address } = index.node(node);
      return `${chain}:${address}`;
    });
    const addressOf = memo((node) => index.node(node).address);
    const assetName = memo((a) => index.assetOf(a).asset);
    const seedEdgeSet = new Set(uniqueSeeds);
    // Nodes on the path being built carry its stamp: a cycle of best arrivals ends the path.
    const onPath = new Uint32Array(n);
    let stamp = 0;
    const pathTo = (edge: number) => {
      stamp++;
      const path: string[] = [addressOf(farNode(edge))];
      onPath[farNode(edge)] = stamp;
      let e = edge;
      while (e >= 0) {
        const from = nearNode(e);
        if (onPath[from] === stamp) break;
        onPath[from] = stamp;
        path.push(addressOf(from));
        if (seedNode[from] || seedEdgeSet.has(e)) break;
        e = bestIn[near[e]!]!;
        // A hop without an edge (value bridged from another chain): name the bridge it left by.
        if (e >= 0 && farNode(e) !== from && onPath[farNode(e)] !== stamp) {
          onPath[farNode(e)] = stamp;
          path.push(addressOf(farNode(e)));
        }
      }
      return fwd ? path.reverse() : path;
    };

    // Shares are raw (of the seed as swept) until normalised below.
    const endpoints: TraceEndpoint[] = [];
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
        finding,
        destination: acc.destination,
        paths: arrivals.slice(0, PATHS_PER_ENDPOINT).map((a) => pathTo(a.edge)),
      });
    }
    for (const u of unspent) {
      const { chain, address } = index.node(u.node);
      const label = lookupLabel(u.node) === LABEL_PASS ? labelOf.get(u.node)! : null;
      // A token balance its issuer froze cannot move: the issuer holds the key to it.
      const frozen = fwd && u.slot >= 0 && parameters.frozenSlots?.has(u.slot) === true;
      endpoints.push({
        chain,
        address,
        // Backward, value "still held" is where the trace found its origin.
        category: frozen ? 'frozen' : fwd ? 'unspent' : 'origin',
        entity: label?.entity ?? null,
        asset: assetName(u.asset),
        amount: toDecimal(u.taint),
        share: u.share,
        finding: frozen
          ? `frozen at ${address} by the issuer of ${assetName(u.asset)}`
          : fwd
            ? `still held at ${address}`
            : `came from ${address}`,
        destination: undefined,
        paths:
          u.slot >= 0 && bestIn[u.slot]! >= 0 && !seedNode[u.node]
            ? [pathTo(bestIn[u.slot]!)]
            : [[address]],
      });
    }
    const lostTotal = lost.limit + lost.dust + lost.conversion + lost.fee;
    const tracedRaw = endpoints.reduce((s, e) => s + e.share, 0);
    // Poison multiplies value and float splitting drifts: shares are of everything accounted for.
    const total = tracedRaw + lostTotal;
    const norm = total > 0 ? 1 / total : 0;
    for (const e of endpoints) e.share *= norm;
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
    const src = (e: number) => slotNode[index.srcSlot[e]!]!;
    const dst = (e: number) => slotNode[index.dstSlot[e]!]!;
    for (let i = 0; i < recCount; i++) {
      const e = recEdge[i]!;
      addNode(src(e));
      addNode(dst(e));
      edges.push({
        from: nodeName(src(e)),
        to: nodeName(dst(e)),
        txHash: index.txHash(tx[e]!),
        asset: assetName(slotAsset[index.srcSlot[e]!]!),
        amount: toDecimal(amount[e]!),
        tainted: toDecimal(recTaint[i]!),
        hop: recHop[i]!,
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
      frozenSlots: _frozen,
      ...plain
    } = parameters;
    return {
      parameters: plain,
      endpoints,
      nodes,
      edges,
      summary: {
        seedValue: seedAssets.map((a) => ({
          ...index.assetOf(a),
          amount: toDecimal(seedValue.get(a)!),
        })),
        valuedIn: weights.valuedIn === null ? null : index.assetOf(weights.valuedIn),
        traced: tracedRaw * norm,
        untraced: lostTotal * norm,
        untracedBy: {
          hopLimit: lost.limit * norm,
          dust: lost.dust * norm,
          conversion: lost.conversion * norm,
          fees: lost.fee * norm,
        },
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
  // Below 1e21 a number prints as plain digits: its shortest round-trip form, so a double that
  // stands for 1234567890123456789 prints 1234567890123456800, claiming no false digits (and 4x
  // faster than BigInt, which above 1e21 is needed to avoid an exponent).
  if (Math.abs(rounded) < 1e21) return String(rounded === 0 ? 0 : rounded);
  return BigInt(rounded).toString();
}
