import { isValueDenominated } from '../../model/asset.ts';
import { slotOf } from '../graph-index.ts';
import type { TraceFundsParameters } from '../trace-funds.ts';
import { createTaintRule } from '../policies/create-rule.ts';
import { byAssetName, weighSeedAssets } from '../seed-value.ts';
import { resolveSeeds, windowEdges } from '../seeds.ts';
import { type GraphIndex, NODE_UTXO_TX } from '../types.ts';
import { BridgeRelay, BridgeReturn } from './bridges.ts';
import { DepositSweeps } from './deposit-sweeps.ts';
import { sameService } from './same-service.ts';
import { SeedSources } from './seed-sources.ts';
import { EndpointSet } from './endpoints.ts';
import { LABEL_FEE, LABEL_STOP, type NodeLabel, NodeLabels } from './node-labels.ts';
import { coinJoinLabeller } from '../coinjoin-nodes.ts';
import {
  BRIDGE_IN,
  HOP,
  SOURCE,
  HOP_UNSET,
  SHARE,
  SLOT_STRIDE,
  SlotState,
  type Spent,
  SWEEP_WATCH,
  TAINT,
  TAINT_EPSILON,
  TAINTED,
  type TaintRule,
} from './slot-state.ts';
import { TracedEdges } from './traced-edges.ts';

export const DEFAULT_MAX_HOPS = 10;
const MAX_U32 = 0xffffffff;
/** Tainted value still held that rounds to 0 raw units is not reported as an endpoint. */
const MIN_HELD = 0.5;
/** A departure is covered by a balance this close to it (float residue of earlier splits). */
const COVER_TOLERANCE = 1e-9;
/** Conversions chained inside one transaction onto transfers already swept, followed at most. */
const MAX_CONVERSION_DEPTH = 8;
/** Hand-offs between addresses of one service inside one transaction, followed at most. */
const MAX_HANDOFF_DEPTH = 8;

/** Per slot, 1 when its asset is value-denominated (`unit:USD`); null when no asset of the index is. */
function valueSlots(index: GraphIndex): Uint8Array | null {
  let assets = 0;
  for (let s = 0; s < index.slotCount; s++)
    if (index.slotAsset[s]! >= assets) assets = index.slotAsset[s]! + 1;
  const byAsset = new Uint8Array(assets);
  let any = false;
  for (let a = 0; a < assets; a++)
    if (isValueDenominated(index.assetOf(a).asset)) {
      byAsset[a] = 1;
      any = true;
    }
  if (!any) return null;
  const slots = new Uint8Array(index.slotCount);
  for (let s = 0; s < index.slotCount; s++) slots[s] = byAsset[index.slotAsset[s]!]!;
  return slots;
}

/** What a sweep is asked: the trace's parameters, the index and what the store adds to it. */
export type TaintSweepParameters = TraceFundsParameters & {
  /** Label categories at which value stops (STOP_CATEGORIES). */
  stopCategories: ReadonlySet<string>;
};

/** Value the sweep could not follow to an endpoint, as shares of the seed, by cause. */
export type Lost = { limit: number; dust: number; conversion: number; fee: number };

/** Tainted value still held when the sweep ended (slot -1: converted value with no slot of its own). */
export type Held = { slot: number; node: number; asset: number; taint: number; share: number };

/**
 * One trace's sweep over the index: follows value forward (where did it go) or backward (where did
 * it come from), respecting time (value leaves a node only after it arrived) and assigning taint by
 * the policy's rule (src/trace/policies).
 *
 * How: one pass over the edges in time order (backward: in reverse), keeping a balance per slot
 * (asset at a node) from the start of the window, so each node's clean balance is known when taint
 * reaches it. An edge carries the taint its sender's policy assigns to it. Transfers of the same
 * second are taken in store order, except that a departure its sender cannot cover yet waits for
 * that second's arrivals (a UTXO transaction's outputs wait for all its inputs): the order of
 * transfers within a second is often unknown, and a pass-through must not be paid from clean value.
 * Backward tracing runs the same sweep on the time-reversed graph: an outflow is explained by the
 * inflows before it; it mirrors forward tracing and is not an exact inverse of it.
 *
 * A class, not closures made per call: its methods are compiled once and reused by every trace.
 *
 * Memory: per slot 57 bytes (balance, a flag byte, 32 bytes of taint state, evidence edge, and the
 * group scratch), per node 2; per traced edge 22; per tainted fifo/lifo slot its lots.
 *
 * @example
 * const sweep = new TaintSweep({ index, labels, seeds, direction: 'forward', policy: 'haircut', stopCategories });
 * sweep.run();
 */
export class TaintSweep {
  readonly index: GraphIndex;
  readonly fwd: boolean;
  readonly maxHops: number;
  readonly minValue: number;
  /** Direction as data: value leaves the "near" slot of an edge and reaches the "far" one. */
  readonly near: Uint32Array;
  readonly far: Uint32Array;
  readonly amount: Float64Array;
  readonly time: Uint32Array;
  readonly tx: Uint32Array;
  readonly nodeKind: Uint8Array;
  readonly slotNode: Uint32Array;
  readonly slotAsset: Uint32Array;
  readonly hasConversions: boolean;
  readonly hasUtxo: boolean;
  /** The window as an edge range [lo, hi): edges are in time order. */
  readonly lo: number;
  readonly hi: number;

  readonly state: SlotState;
  readonly bal: Float64Array;
  readonly flags: Uint8Array;
  readonly st: Float64Array;
  readonly rule: TaintRule;
  private readonly tracksClean: boolean;
  readonly labels: NodeLabels;
  readonly traced = new TracedEdges();
  readonly endpoints: EndpointSet;
  readonly bridges: BridgeRelay;
  readonly returns: BridgeReturn;
  readonly lost: Lost = { limit: 0, dust: 0, conversion: 0, fee: 0 };
  /** Converted value credited to a slot the index does not have (no transfer of it ever): held there. */
  readonly heldElsewhere = new Map<string, Held>();
  /**
   * Slots still holding taint at the end (filled by {@link run}; their amounts and shares are the
   * rule's `held` and `heldShare`): numbers, not objects, so a trace reaching many addresses
   * allocates nothing per address here. Converted value with no slot of its own is `heldElsewhere`.
   */
  readonly heldSlots: number[] = [];
  edgesVisited = 0;
  private readonly spent: Spent = { t: 0, sh: 0 };
  /** The exchanges' sweeps of inferred deposit addresses value stopped at, shown as evidence. */
  readonly depositSweeps: DepositSweeps;
  /** Taint moved along a service's hand-off edge so far (edge id -> taint): its room is its amount. */
  private readonly handedOn = new Map<number, number>();

  // --- Seeds.
  /** Seed edges in id order, and the seed addresses' nodes. */
  readonly seedEdges: number[];
  readonly seedNodes: number[];
  /** Per node: 1 for a seed address. */
  readonly seedNode: Uint8Array;
  /** Seed value per asset id (raw units) and each asset's part of the seed. */
  readonly seedValue = new Map<number, number>();
  readonly seedAssets: number[];
  readonly valuedIn: number | null;
  private readonly seedShare = new Map<number, number>();
  /** Address seeds: their slots that pay in the window, each standing for all it passes on. */
  readonly sources: SeedSources;
  /** Seeds in sweep order; `nextSeed` is the first not yet swept. */
  private readonly seedOrder: number[];
  private nextSeed = 0;

  // --- The group being swept: transfers of one second, edges g0..g1-1. Group-relative scratch
  // (index e - g0) holds taint handed to an edge by a conversion, whether the edge was swept, and
  // its record; departures waiting for cover queue per slot.
  private g0 = 0;
  private g1 = 0;
  private grouped = false;
  private groupHasSeed = false;
  private scratchSize = 0;
  private extraT = new Float64Array(0);
  private extraShare = new Float64Array(0);
  private extraHop = new Uint16Array(0);
  private swept = new Uint8Array(0);
  private recOf = new Int32Array(0);
  private queueNext = new Int32Array(0);
  // Per-slot queues and counts of the groups: allocated when the first group with taint comes.
  private queueHead = new Int32Array(0);
  private queueTail = new Int32Array(0);
  private readonly queuedSlots: number[] = [];
  private readonly deferred: number[] = [];
  /** Arrivals of this group at a slot not yet swept, in all and from one transaction (`slot|tx`). */
  private pendingIn = new Uint32Array(0);
  private readonly pendingInTx = new Map<string, number>();

  constructor(readonly parameters: TaintSweepParameters) {
    const index = parameters.index;
    this.index = index;
    this.fwd = parameters.direction !== 'backward';
    this.maxHops = parameters.maxHops ?? DEFAULT_MAX_HOPS;
    this.minValue = parameters.minValue ?? 0;
    this.near = this.fwd ? index.srcSlot : index.dstSlot;
    this.far = this.fwd ? index.dstSlot : index.srcSlot;
    this.amount = index.amount;
    this.time = index.time;
    this.tx = index.tx;
    this.nodeKind = index.nodeKind;
    this.slotNode = index.slotNode;
    this.slotAsset = index.slotAsset;
    this.hasConversions = index.conversions.size > 0;
    let hasUtxo = false;
    for (let i = 0; i < index.nodeCount && !hasUtxo; i++)
      hasUtxo = index.nodeKind[i] === NODE_UTXO_TX;
    this.hasUtxo = hasUtxo;
    const { lo, hi } = windowEdges(index, parameters.since ?? 0, parameters.until ?? MAX_U32);
    this.lo = lo;
    this.hi = hi;

    this.state = new SlotState(index.slotCount);
    this.bal = this.state.bal;
    this.flags = this.state.flags;
    this.st = this.state.st;
    this.rule = createTaintRule({
      policy: parameters.policy,
      state: this.state,
      graph: { amount: index.amount, tx: index.tx, near: this.near },
      valueSlot: valueSlots(index),
    });
    this.tracksClean = this.rule.tracksClean;
    this.labels = new NodeLabels(
      index,
      parameters.labels,
      parameters.stopCategories,
      parameters.throughCoinJoins ? undefined : coinJoinLabeller(index),
    );
    this.endpoints = new EndpointSet(parameters.bridgeMemos);
    this.bridges = new BridgeRelay(
      index,
      this.flags,
      parameters.bridgeMemos,
      this.far,
      this.near,
      parameters.bridgeOutMemos,
    );
    this.depositSweeps = new DepositSweeps(index, this.flags, this.near, this.far, this.traced);
    this.returns = new BridgeReturn(
      index,
      parameters.bridgeOutMemos,
      parameters.bridgeVaults,
      (node) =>
        this.labels.state(node) === LABEL_STOP && this.labels.get(node)?.category === 'bridge',
    );

    const resolved = resolveSeeds({
      index,
      seeds: parameters.seeds,
      direction: this.fwd ? 'forward' : 'backward',
      lo,
      hi,
      transferEdge: parameters.transferEdge,
    });
    this.seedEdges = resolved.edges;
    this.seedNodes = resolved.nodes;
    this.seedNode = new Uint8Array(index.nodeCount);
    for (const node of this.seedNodes) this.seedNode[node] = 1;
    this.sources = new SeedSources(
      {
        index,
        fwd: this.fwd,
        near: this.near,
        far: this.far,
        flags: this.flags,
        seedNode: this.seedNode,
        isFee: (r) => this.labels.state(this.slotNode[r]!) === LABEL_FEE,
        lo,
        hi,
      },
      resolved.sources,
    );
    for (const [a, paid] of this.sources.paidByAsset()) this.seedValue.set(a, paid);
    // A seed transfer into an address seed that passes it on (the theft transaction, with the thief's
    // address as a seed too) is inside the seed: its value is counted once, in what the address pays.
    const inside = (e: number) => (this.flags[this.far[e]!]! & SOURCE) !== 0;
    for (const e of this.seedEdges) {
      if (inside(e)) continue;
      const a = this.slotAsset[this.far[e]!]!;
      this.seedValue.set(a, (this.seedValue.get(a) ?? 0) + this.amount[e]!);
    }
    // Several seed assets are valued in one of them at the index's swap rates (else equal parts).
    this.seedAssets = [...this.seedValue.keys()].sort(byAssetName(index));
    const weights = weighSeedAssets(index, this.seedValue);
    this.valuedIn = weights.valuedIn;
    // A seed is traced through, whatever it is labelled.
    for (const node of this.seedNodes) this.labels.follow(node);
    for (const e of this.seedEdges) {
      const a = this.slotAsset[this.far[e]!]!;
      this.seedShare.set(
        e,
        inside(e) ? 0 : (this.amount[e]! / this.seedValue.get(a)!) * weights.parts.get(a)!,
      );
    }
    this.sources.setShares(this.seedValue, weights.parts);
    this.seedOrder = this.fwd ? this.seedEdges : [...this.seedEdges].reverse();
  }

  /** Runs the sweep to its end, then collects what is still held. */
  run(): void {
    const { fwd, lo, hi, time, near, far, flags, seedOrder } = this;
    // Policies that weigh taint against balances start at the window's start (the balances must be
    // known); TIHO only needs them from the first seed on.
    let k: number;
    if (seedOrder.length === 0 && this.sources.lastEdge < 0) k = fwd ? hi : lo - 1;
    else if (this.parameters.policy === 'tiho' && this.sources.lastEdge < 0) k = seedOrder[0]!;
    else k = fwd ? lo : hi - 1;
    // Start at the edge of the first group: its start (forward) or its end (backward).
    if (fwd) while (k > lo && time[k - 1] === time[k]) k--;
    else while (k >= lo && k + 1 < hi && time[k + 1] === time[k]) k++;
    // Until the first seed no taint can move: only balances, in a tight loop.
    const live = this.firstLiveEdge();
    if (live >= 0 && (fwd ? live > k : live < k)) {
      let start = live;
      if (fwd) while (start > lo && time[start - 1] === time[start]) start--;
      else while (start + 1 < hi && time[start + 1] === time[start]) start++;
      this.balancesOnly(k, start);
      k = start;
    }
    while (fwd ? k < hi : k >= lo) {
      if (
        this.state.taintedSlots === 0 &&
        this.bridges.pending === 0 &&
        this.returns.pending === 0 &&
        this.nextSeed === seedOrder.length &&
        this.sources.passed(k) &&
        (!this.depositSweeps.watching || time[k]! > this.depositSweeps.until)
      )
        break;
      // The group: the transfers of k's second, g0..g1-1.
      let g0 = k;
      let g1 = k + 1;
      if (fwd) while (g1 < hi && time[g1] === time[g0]) g1++;
      else while (g0 > lo && time[g0 - 1] === time[k]) g0--;
      this.g0 = g0;
      this.g1 = g1;
      if (g1 - g0 > 1) {
        if (this.groupIsLive()) this.sweepGroup();
        else this.sweepCleanGroup();
      } else if (
        (flags[near[k]!]! & (TAINTED | SOURCE | SWEEP_WATCH)) !== 0 ||
        (this.nextSeed < seedOrder.length && seedOrder[this.nextSeed] === k) ||
        (this.bridges.pending > 0 && (flags[far[k]!]! & BRIDGE_IN) !== 0) ||
        (this.returns.pending > 0 && this.returns.has(k))
      )
        this.sweep(k);
      else this.sweepClean(k);
      k = fwd ? g1 : g0 - 1;
    }
    // Deposits whose destination never received: they end at the bridge.
    for (const d of this.bridges.unpaid())
      this.addEndpoint(this.bridges.bridgeOf(d, this.slotNode), d.edge, d.taint, d.share);
    this.collectHeld();
  }

  /** The first edge, in sweep order, a seed moves value by (-1: none). */
  private firstLiveEdge(): number {
    const seed = this.seedOrder.length > 0 ? this.seedOrder[0]! : -1;
    const source = this.sources.firstEdge;
    if (seed < 0) return source;
    if (source < 0) return seed;
    return this.fwd ? Math.min(seed, source) : Math.max(seed, source);
  }

  /**
   * Sweeps the edges from `from` up to (not including) `to`, in sweep order, where no taint can
   * move yet: balances only, a second's arrivals before its departures (as sweepCleanGroup). `to`
   * starts a group. One tight loop: about half the edges of a trace from the middle of the data.
   */
  private balancesOnly(from: number, to: number): void {
    const { near, far, amount, time, bal, fwd } = this;
    const step = fwd ? 1 : -1;
    this.edgesVisited += fwd ? to - from : from - to;
    let e = from;
    while (e !== to) {
      const t = time[e]!;
      let end = e + step;
      if (end !== to && time[end] === t) {
        while (end !== to && time[end] === t) end += step;
        for (let x = e; x !== end; x += step) bal[far[x]!]! += amount[x]!;
        for (let x = e; x !== end; x += step) {
          const s = near[x]!;
          const a = amount[x]!;
          const b = bal[s]!;
          bal[s] = b > a ? b - a : 0;
        }
      } else {
        const s = near[e]!;
        const a = amount[e]!;
        const b = bal[s]!;
        bal[s] = b > a ? b - a : 0;
        bal[far[e]!]! += a;
      }
      e = end;
    }
  }

  /** What is still held: tainted balances (a UTXO transaction's leftover is its fee). */
  private collectHeld(): void {
    const { rule, slotNode } = this;
    const slotCount = this.index.slotCount;
    for (let s = 0; s < slotCount; s++) {
      if (!this.state.isTainted(s)) continue;
      const held = rule.held(s);
      // Less than half a raw unit prints as 0: residue of splitting, not a place value is held.
      if (held < MIN_HELD) {
        if (held > TAINT_EPSILON && !rule.multiplies)
          this.lost.dust += this.st[SLOT_STRIDE * s + SHARE]!;
        continue;
      }
      if (this.nodeKind[slotNode[s]!] === NODE_UTXO_TX) this.lost.fee += rule.heldShare(s, held);
      else this.heldSlots.push(s);
    }
  }

  /** Clean value `a` arrives at slot `s`. */
  private absorbClean(s: number, a: number): void {
    if (this.tracksClean) this.rule.absorbClean(s, a);
    else this.bal[s]! += a;
  }

  private addEndpoint(
    node: number,
    e: number,
    t: number,
    sh: number,
    label: NodeLabel | null = null,
    via: readonly number[] = [],
  ): void {
    const l = label ?? this.labels.get(node)!;
    const bridgedFrom =
      !this.fwd && l.category === 'bridge' ? this.returns.inboundOf(e)?.from : undefined;
    this.endpoints.add(
      node,
      l,
      e,
      this.slotAsset[this.far[e]!]!,
      this.tx[e]!,
      t,
      sh,
      via,
      bridgedFrom,
    );
  }

  /**
   * Tainted value `t` stops at the service that edge `e` reached. A service's address that hands the
   * value on, in the same transaction and asset, to another address of the same service (a bridge's
   * inbox paying its bridge contract, a THORChain router paying the vault its `Deposit` names) has
   * not kept it: the endpoint is the service, at the address the value rested at when the
   * transaction ended, with the addresses it passed listed (`via`). Forward only: backward, the
   * first address of the service met is where the explanation stops.
   */
  private stopAt(
    e: number,
    t: number,
    sh: number,
    hop: number,
    inherited: NodeLabel | null,
    depth: number,
    via: readonly number[] = [],
  ): void {
    const { far, near, tx, amount, slotNode } = this;
    const x = slotNode[far[e]!]!;
    const label = inherited ?? this.labels.get(x)!;
    let moved = false;
    if (this.fwd && this.grouped && depth < MAX_HANDOFF_DEPTH) {
      for (let o = this.g0; o < this.g1 && t > TAINT_EPSILON; o++) {
        if (o === e || tx[o] !== tx[e] || near[o] !== far[e]) continue;
        const y = slotNode[far[o]!]!;
        const yLabel =
          y === x
            ? undefined
            : sameService(
                { labels: this.labels, index: this.index, vaults: this.parameters.bridgeVaults },
                label,
                y,
                tx[e]!,
              );
        if (yLabel === undefined) continue;
        const carried = this.handedOn.get(o) ?? 0;
        const move = Math.min(t, amount[o]! - carried);
        if (move <= TAINT_EPSILON) continue;
        const moveShare = (sh * move) / t;
        t -= move;
        sh -= moveShare;
        this.handedOn.set(o, carried + move);
        moved = true;
        this.addToRecord(o - this.g0, o, move, moveShare, hop + 1);
        this.state.noteArrival(far[o]!, o, move);
        this.stopAt(o, move, moveShare, hop + 1, yLabel ?? label, depth + 1, [...via, x]);
      }
    }
    if (!moved || t > TAINT_EPSILON) {
      this.addEndpoint(x, e, t, sh, label, via);
      if (this.fwd && label.inferred)
        this.depositSweeps.watch(e, t, sh, hop, label.inferred.exchangeAddress);
    }
  }

  private ensureScratch(size: number): void {
    if (size <= this.scratchSize) return;
    const n = Math.max(size, this.scratchSize * 2, 64);
    this.scratchSize = n;
    this.extraT = new Float64Array(n);
    this.extraShare = new Float64Array(n);
    this.extraHop = new Uint16Array(n).fill(HOP_UNSET);
    this.swept = new Uint8Array(n);
    this.recOf = new Int32Array(n).fill(-1);
    this.queueNext = new Int32Array(n).fill(-1);
  }

  /**
   * Where converted value goes: the conversion of edge `e`'s asset in its transaction, and the
   * transfer of the same transaction that brings the converted value to its recipient (-1: none).
   */
  private conversionOf(e: number) {
    const list = this.index.conversions.get(this.tx[e]!);
    if (!list) return null;
    const { fwd, far, tx, slotNode, slotAsset, amount } = this;
    const a = slotAsset[far[e]!]!;
    for (const c of list) {
      if ((fwd ? c.assetIn : c.assetOut) !== a) continue;
      const target = fwd ? c.recipient : c.account;
      const targetAsset = fwd ? c.assetOut : c.assetIn;
      const ratio = fwd ? c.amountOut / c.amountIn : c.amountIn / c.amountOut;
      let out = -1;
      if (this.grouped) {
        for (let o = this.g0; o < this.g1; o++) {
          if (o === e || tx[o] !== tx[e]) continue;
          const f = far[o]!;
          if (slotNode[f] !== target || slotAsset[f] !== targetAsset) continue;
          if (out < 0 || amount[o]! > amount[out]!) out = o;
        }
      }
      return { target, targetAsset, ratio, out };
    }
    return null;
  }

  private labelOfSlot(r: number): number {
    return this.labels.ofSlot(r, this.flags, this.slotNode);
  }

  /** Adds taint to an edge already recorded (record `i`), or records it. */
  private addToRecord(k: number, o: number, t: number, sh: number, hop: number): void {
    const i = this.recOf[k]!;
    if (i >= 0) {
      this.traced.taint[i]! += t;
      this.traced.share[i]! += sh;
    } else this.recOf[k] = this.traced.add(o, t, sh, hop);
  }

  /**
   * Tainted value `t` (share `sh`, at `hop`) reaches the far slot of edge `e`: an endpoint, a
   * conversion into another asset, or the slot's balance. `a` of value arrives with it (0: it was
   * already credited, clean, when the edge was swept).
   */
  private deliver(e: number, a: number, t: number, sh: number, hop: number, depth: number): void {
    const r = this.far[e]!;
    const label = this.labelOfSlot(r);
    if (label === LABEL_FEE) {
      this.lost.fee += sh;
      this.bal[r]! += a;
      return;
    }
    if ((this.flags[r]! & SOURCE) !== 0) {
      // Back at an address seed: its own payments already carry this value.
      this.absorbClean(r, a);
      return;
    }
    this.state.noteArrival(r, e, t);
    if (label === LABEL_STOP) {
      this.bal[r]! += a;
      // Across a bridge to a chain the index holds: forward to the destination's first arrival,
      // backward from a payout to the inbound deposit it answers.
      const bridge = this.labels.get(this.slotNode[r]!)?.category === 'bridge';
      const bridged =
        bridge &&
        (this.fwd
          ? this.bridges.depart(e, t, sh, hop)
          : this.returns.arrive(e, t, sh, hop, this.lo));
      if (!bridged) this.stopAt(e, t, sh, hop, null, 0);
      return;
    }
    const c = this.hasConversions ? this.conversionOf(e) : null;
    if (c) {
      // The input stays on record as tainted, but its recipient (a pool, or a router that unwraps
      // what it was paid) does not hold the value: it goes on as the converted asset.
      this.absorbClean(r, a);
      if (!Number.isFinite(c.ratio) || depth >= MAX_CONVERSION_DEPTH) {
        this.lost.conversion += sh;
        return;
      }
      const ct = t * c.ratio;
      if (c.out >= 0) {
        const k = c.out - this.g0;
        // The converted value's path goes back through the input.
        this.state.noteArrival(this.near[c.out]!, e, t);
        if (!this.swept[k]) {
          this.extraT[k]! += ct;
          this.extraShare[k]! += sh;
          if (hop < this.extraHop[k]!) this.extraHop[k] = hop;
          return;
        }
        // Already swept (the output was logged before the input): its recipient holds the value.
        this.addToRecord(k, c.out, ct, sh, hop);
        this.deliver(c.out, 0, ct, sh, hop, depth + 1);
        return;
      }
      // No transfer brings the converted value: WETH9 mints on deposit without a Transfer log, so
      // a router that wraps ether holds the WETH it then pays on. Credit it there.
      const held = slotOf(this.index, c.target, c.targetAsset);
      if (held === undefined) {
        const key = `${c.target}:${c.targetAsset}`;
        const h = this.heldElsewhere.get(key) ?? {
          slot: -1,
          node: c.target,
          asset: c.targetAsset,
          taint: 0,
          share: 0,
        };
        h.taint += ct;
        h.share += sh;
        this.heldElsewhere.set(key, h);
        return;
      }
      this.state.noteArrival(held, e, t);
      this.state.absorbTainted(held, this.amount[e]! * c.ratio, ct, sh, hop);
      if (this.grouped) this.passOn(held, e, hop, depth);
      return;
    }
    this.state.absorbTainted(r, a, t, sh, hop);
    // Value that arrived earlier in this transaction and is tainted only now (its conversion's
    // input was logged after it) may have left again in the transaction: follow it.
    if (a === 0 && this.grouped) this.passOn(r, e, hop, depth);
  }

  /**
   * Moves taint just found at slot `r` on along the departures from `r` of the same transaction
   * already swept (value that passed through `r` within the transaction, e.g. a router unwrapping
   * WETH and paying the ether on, whose internal transfers are stored before the token logs that
   * taint them), as far as each departure has room for it.
   */
  private passOn(r: number, e: number, hop: number, depth: number): void {
    if (depth >= MAX_CONVERSION_DEPTH) return;
    const { st, near, tx, amount, g0, g1 } = this;
    const o0 = SLOT_STRIDE * r;
    for (let o = g0; o < g1 && st[o0 + TAINT]! > TAINT_EPSILON; o++) {
      const k = o - g0;
      if (o === e || !this.swept[k] || near[o] !== r || tx[o] !== tx[e]) continue;
      const carried = this.recOf[k]! >= 0 ? this.traced.taint[this.recOf[k]!]! : 0;
      const move = Math.min(st[o0 + TAINT]!, amount[o]! - carried);
      if (move <= TAINT_EPSILON) continue;
      const moveShare = (st[o0 + SHARE]! * move) / st[o0 + TAINT]!;
      st[o0 + TAINT]! -= move;
      st[o0 + SHARE]! -= moveShare;
      this.state.clearIfSpent(r);
      this.addToRecord(k, o, move, moveShare, hop + 1);
      this.deliver(o, 0, move, moveShare, hop + 1, depth + 1);
    }
  }

  /** Sweeps edge `e`: its sender pays it, its taint (policy, seed, conversion) goes to its recipient. */
  private sweep(e: number): void {
    const { near, far, amount, st } = this;
    const s = near[e]!;
    if ((this.flags[s]! & SWEEP_WATCH) !== 0) this.depositSweeps.note(e);
    if ((this.flags[s]! & SOURCE) !== 0) {
      this.sweepSource(e);
      return;
    }
    this.edgesVisited++;
    const a = amount[e]!;
    let t = 0;
    let sh = 0;
    let hop = HOP_UNSET;
    if (this.state.isTainted(s)) {
      this.rule.spend(s, a, e, this.spent);
      t = this.spent.t;
      sh = this.spent.sh;
      if (t > 0) hop = st[SLOT_STRIDE * s + HOP]! + 1;
    } else this.state.pay(s, a);
    // Within a group edges may be swept out of order: look the seed up (the group end moves nextSeed).
    const isSeed = this.grouped
      ? this.groupHasSeed && this.seedShare.has(e)
      : this.nextSeed < this.seedOrder.length &&
        this.seedOrder[this.nextSeed] === e &&
        ++this.nextSeed > 0;
    if (isSeed) {
      // A seed transfer is tainted in full; what its sender's policy gave it is part of that.
      t = a;
      sh += this.seedShare.get(e)!;
      hop = this.seedNode[this.slotNode[far[e]!]!] ? 0 : 1;
    }
    let k = -1;
    if (this.grouped) {
      k = e - this.g0;
      this.swept[k] = 1;
      if (this.extraT[k]! > 0) {
        t += this.extraT[k]!;
        sh += this.extraShare[k]!;
        if (this.extraHop[k]! < hop) hop = this.extraHop[k]!;
      }
    }
    const r = far[e]!;
    if (this.bridges.pending > 0 && (this.flags[r]! & BRIDGE_IN) !== 0) {
      // The bridge's payout of the deposit (by its memo, else the first arrival after) is the
      // bridged value.
      const arrived = this.bridges.take(r, this.time[e]!, this.fwd, this.index.tx[e]!);
      if (arrived) {
        t = a;
        sh += arrived.share;
        if (arrived.hop + 1 < hop) hop = arrived.hop + 1;
        this.state.noteArrival(near[e]!, arrived.edge, arrived.taint);
      }
    }
    if (this.returns.pending > 0 && this.returns.has(e)) {
      // A deposit a bridge's payout answered, backward: the payout's tainted fraction of it.
      const owed = this.returns.take(e)!;
      t += owed.fraction * a;
      if (t > a) t = a;
      sh += owed.share;
      if (owed.hop + 1 < hop) hop = owed.hop + 1;
      this.state.noteArrival(near[e]!, owed.arrival, owed.fraction * a);
    }
    if (t <= TAINT_EPSILON) {
      this.absorbClean(r, a);
      return;
    }
    if (hop > this.maxHops) {
      this.lost.limit += sh;
      this.absorbClean(r, a);
      return;
    }
    if (t < this.minValue) {
      this.lost.dust += sh;
      this.absorbClean(r, a);
      return;
    }
    // Gas paid with tainted value is spent: counted, not listed as a traced edge of every hop.
    if (this.labelOfSlot(r) === LABEL_FEE) {
      this.lost.fee += sh;
      this.absorbClean(r, a);
      return;
    }
    const rec = this.traced.add(e, t, sh, hop);
    if (k >= 0) this.recOf[k] = rec;
    this.deliver(e, a, t, sh, hop, 0);
  }

  /**
   * Sweeps a payment of an address seed: the seed's value in full (a payment to another seed
   * address is value moving within the seed: tainted, hop 0, no share of its own; gas is not the
   * seed's value).
   */
  private sweepSource(e: number): void {
    this.edgesVisited++;
    const s = this.near[e]!;
    const r = this.far[e]!;
    const a = this.amount[e]!;
    this.state.pay(s, a);
    if (this.grouped) this.swept[e - this.g0] = 1;
    if (this.labelOfSlot(r) === LABEL_FEE) {
      this.absorbClean(r, a);
      return;
    }
    const internal = this.sources.withinSeed(e);
    const sh = internal ? 0 : this.sources.shareOf(s, a);
    const hop = internal ? 0 : 1;
    if (hop > this.maxHops) {
      this.lost.limit += sh;
      this.absorbClean(r, a);
      return;
    }
    if (a < this.minValue) {
      this.lost.dust += sh;
      this.absorbClean(r, a);
      return;
    }
    const rec = this.traced.add(e, a, sh, hop);
    if (this.grouped) this.recOf[e - this.g0] = rec;
    this.deliver(e, a, a, sh, hop, 0);
  }

  /** Sweeps edge `e` from a clean sender that is no seed (most edges): balances only. */
  private sweepClean(e: number): void {
    this.edgesVisited++;
    const a = this.amount[e]!;
    const s = this.near[e]!;
    const b = this.bal[s]!;
    this.bal[s] = b > a ? b - a : 0;
    if (this.tracksClean) this.rule.absorbClean(this.far[e]!, a);
    else this.bal[this.far[e]!]! += a;
  }

  /** Whether taint can move in the group g0..g1-1: a seed in it, or a tainted sender. */
  private groupIsLive(): boolean {
    const { g0, g1, seedOrder, nextSeed, flags, near, far } = this;
    if (nextSeed < seedOrder.length && seedOrder[nextSeed]! >= g0 && seedOrder[nextSeed]! < g1)
      return true;
    for (let e = g0; e < g1; e++) {
      if ((flags[near[e]!]! & (TAINTED | SOURCE | SWEEP_WATCH)) !== 0) return true;
      if (this.bridges.pending > 0 && (flags[far[e]!]! & BRIDGE_IN) !== 0) return true;
      if (this.returns.pending > 0 && this.returns.has(e)) return true;
    }
    return false;
  }

  /**
   * A group no taint moves in: balances only, its arrivals before its departures (the order of a
   * second's transfers is not always known; this way a balance does not depend on it).
   */
  private sweepCleanGroup(): void {
    const { g0, g1, near, far, amount, bal } = this;
    this.edgesVisited += g1 - g0;
    for (let e = g0; e < g1; e++) {
      if (this.tracksClean) this.rule.absorbClean(far[e]!, amount[e]!);
      else bal[far[e]!]! += amount[e]!;
    }
    for (let e = g0; e < g1; e++) {
      const s = near[e]!;
      const a = amount[e]!;
      bal[s] = bal[s]! > a ? bal[s]! - a : 0;
    }
  }

  /**
   * Whether departure `e` waits for arrivals of this second at its sender: a UTXO transaction for
   * all its inputs; an account while its balance does not cover it, or while its own transaction
   * still brings it value (a pass-through pays on what it received). Nothing more arriving: it pays
   * now, and unknown earlier balance counts as clean.
   */
  private waits(e: number): boolean {
    const s = this.near[e]!;
    if (this.pendingIn[s] === 0) return false;
    if (this.hasUtxo && this.nodeKind[this.slotNode[s]!] === NODE_UTXO_TX) return true;
    if (this.bal[s]! < this.amount[e]! * (1 - COVER_TOLERANCE)) return true;
    return (this.pendingInTx.get(`${s}|${this.tx[e]}`) ?? 0) > 0;
  }

  private enqueue(e: number): void {
    const s = this.near[e]!;
    const k = e - this.g0;
    if (this.queueHead[s] === -1) {
      this.queueHead[s] = e;
      this.queuedSlots.push(s);
    } else this.queueNext[this.queueTail[s]! - this.g0] = e;
    this.queueTail[s] = e;
    this.queueNext[k] = -1;
    this.deferred.push(e);
  }

  /** Sweeps `e` and then whatever waited at its recipient and is now covered. */
  private runEdge(e: number): void {
    this.sweep(e);
    const r = this.far[e]!;
    this.pendingIn[r]!--;
    const key = `${r}|${this.tx[e]}`;
    this.pendingInTx.set(key, this.pendingInTx.get(key)! - 1);
    let head = this.queueHead[r]!;
    while (head !== -1 && !this.waits(head)) {
      this.queueHead[r] = this.queueNext[head - this.g0]!;
      this.runEdge(head);
      head = this.queueHead[r]!;
    }
  }

  private force(e: number): void {
    this.queueHead[this.near[e]!] = this.queueNext[e - this.g0]!;
    this.runEdge(e);
  }

  private sweepGroup(): void {
    const { g0, g1, far, tx, fwd } = this;
    const size = g1 - g0;
    this.ensureScratch(size);
    if (this.pendingIn.length === 0) {
      const slotCount = this.index.slotCount;
      this.queueHead = new Int32Array(slotCount).fill(-1);
      this.queueTail = new Int32Array(slotCount).fill(-1);
      this.pendingIn = new Uint32Array(slotCount);
    }
    this.grouped = true;
    const inGroup = (e: number) => e >= g0 && e < g1;
    this.groupHasSeed =
      this.nextSeed < this.seedOrder.length && inGroup(this.seedOrder[this.nextSeed]!);
    for (let e = g0; e < g1; e++) {
      const r = far[e]!;
      this.pendingIn[r]!++;
      const key = `${r}|${tx[e]}`;
      this.pendingInTx.set(key, (this.pendingInTx.get(key) ?? 0) + 1);
    }
    this.rule.beginGroup(g0, g1);
    for (let i = 0; i < size; i++) {
      const e = fwd ? g0 + i : g1 - 1 - i;
      if (this.swept[e - g0]) continue;
      if (this.queueHead[this.near[e]!] !== -1 || this.waits(e)) this.enqueue(e);
      else this.runEdge(e);
    }
    // What still waits is paid as far as the sender can (unknown earlier balance is clean), in
    // order; a UTXO transaction's outputs still wait for inputs so paid (unless in a cycle).
    for (let progress = true; progress;) {
      progress = false;
      for (const e of this.deferred) {
        if (this.swept[e - g0]) continue;
        const s = this.near[e]!;
        if (
          this.hasUtxo &&
          this.nodeKind[this.slotNode[s]!] === NODE_UTXO_TX &&
          this.pendingIn[s]! > 0
        )
          continue;
        this.force(e);
        progress = true;
      }
    }
    for (const e of this.deferred) if (!this.swept[e - g0]) this.force(e);
    for (const s of this.queuedSlots) this.queueHead[s] = -1;
    this.queuedSlots.length = 0;
    this.deferred.length = 0;
    this.extraT.fill(0, 0, size);
    this.extraShare.fill(0, 0, size);
    this.extraHop.fill(HOP_UNSET, 0, size);
    this.swept.fill(0, 0, size);
    this.recOf.fill(-1, 0, size);
    for (let e = g0; e < g1; e++) this.pendingIn[far[e]!] = 0;
    this.pendingInTx.clear();
    this.rule.endGroup();
    this.grouped = false;
    while (this.nextSeed < this.seedOrder.length && inGroup(this.seedOrder[this.nextSeed]!))
      this.nextSeed++;
  }
}
