import type { GraphIndex } from '../types.ts';

/** Taint state of a slot, interleaved in one array: tainted part, share of the seed, hop, best arrival. */
export const SLOT_STRIDE = 4;
export const TAINT = 0;
export const SHARE = 1;
export const HOP = 2;
/** The largest tainted arrival at the slot (its edge is in `bestIn`). */
export const BEST = 3;
/** Bit 0 of a slot's flags: it holds taint. */
export const TAINTED = 1;
/** Bits 1-3 of a slot's flags: its node's label state (see LABEL_* in labels.ts); 0: not looked up. */
export const LABEL_SHIFT = 1;
/** Bit 4 of a slot's flags: value bridged to it from another chain is expected (see bridges.ts). */
export const BRIDGE_IN = 16;
/** Bit 5 of a slot's flags: an address seed's slot: everything it passes on is the seed's value. */
export const SOURCE = 32;
/**
 * Bit 6 of a slot's flags: an inferred exchange deposit address value stopped at: its sweeps to
 * the exchange are watched for, as evidence (see TaintSweep.noteSweep).
 */
export const SWEEP_WATCH = 64;
/** Tainted value below this (raw units) is float residue of splitting, not value. */
export const TAINT_EPSILON = 1e-6;
/** A hop not yet set (group scratch). */
export const HOP_UNSET = 0xffff;

/**
 * What a policy does to a slot's state as value moves: the one interface the sweep calls
 * (src/trace/policies/*). Balances, the tainted part, the share of the seed and the hop live in
 * {@link SlotState}; a policy keeps whatever else it needs (lots, allotments, ratios).
 */
export interface TaintRule {
  /** Keeps per-slot lots: clean arrivals must be told to it (the others only add to the balance). */
  readonly tracksClean: boolean;
  /** Value multiplies (poison): a slot's taint never goes down, and residue is not dust. */
  readonly multiplies: boolean;
  /** Clean value `a` arrives at slot `s` (called only when `tracksClean`). */
  absorbClean(s: number, a: number): void;
  /**
   * Tainted value `t` arrives at slot `s` with `a` of value (0: the value is already held), before
   * the balance and taint are added.
   */
  beforeTaintedArrival(s: number, a: number, t: number): void;
  /**
   * Tainted slot `s` pays `a` by edge `e`: updates balance, taint and share and sets `out.t` (the
   * tainted value the payment carries) and `out.sh` (its share of the seed).
   */
  spend(s: number, a: number, e: number, out: Spent): void;
  /** A group of transfers of one second with taint in it starts (edges g0..g1-1) and ends. */
  beginGroup(g0: number, g1: number): void;
  endGroup(): void;
  /** Tainted value still held at slot `s` when the sweep ends, and its share of the seed. */
  held(s: number): number;
  heldShare(s: number, held: number): number;
  /** Slot `s` holds no taint any more: drop what the policy kept for it. */
  clear(s: number): void;
}

/** Where {@link TaintRule.spend} writes what a payment carries. */
export type Spent = { t: number; sh: number };

/**
 * Per-slot state of a sweep. The sweep touches two random slots per edge: balances are dense (8
 * bytes a slot) and a byte says whether a slot is tainted, so an edge between clean slots stays in
 * cache; the taint state (one cache line per slot) is read only for tainted ones.
 *
 * Memory: per slot 8 (balance) + 1 (flags) + 32 (taint state) + 4 (evidence edge) bytes.
 */
export class SlotState {
  readonly bal: Float64Array;
  /**
   * Per slot, one byte: bit 0 set while it holds taint; bits 1-3 its node's label state; bit 4 a
   * bridge payout expected; bit 5 an address seed. One byte, so a tainted arrival reads all in one
   * cache line.
   */
  readonly flags: Uint8Array;
  readonly st: Float64Array;
  /** Per slot: its largest tainted arrival (for evidence paths; its size is in `st`). */
  readonly bestIn: Int32Array;
  /** Slots holding taint now: when none is left and no seed is ahead, the sweep can stop. */
  taintedSlots = 0;
  rule!: TaintRule;

  constructor(slotCount: number) {
    this.bal = new Float64Array(slotCount);
    this.flags = new Uint8Array(slotCount);
    this.st = new Float64Array(slotCount * SLOT_STRIDE);
    this.bestIn = new Int32Array(slotCount).fill(-1);
  }

  isTainted(s: number): boolean {
    return (this.flags[s]! & TAINTED) !== 0;
  }

  /** Marks `t` of slot `s`'s value as tainted (share `sh`, at `hop`); `a` of it arrives now (0: already held). */
  absorbTainted(s: number, a: number, t: number, sh: number, hop: number): void {
    const o = SLOT_STRIDE * s;
    // A slot's hop: the fewest hops of the taint it holds (reset when it was clean).
    if (!this.isTainted(s)) {
      this.taintedSlots++;
      this.flags[s]! |= TAINTED;
      this.st[o + HOP] = hop;
    } else if (hop < this.st[o + HOP]!) this.st[o + HOP] = hop;
    this.rule.beforeTaintedArrival(s, a, t);
    this.bal[s]! += a;
    this.st[o + TAINT]! += t;
    this.st[o + SHARE]! += sh;
  }

  /** Slot `s`'s taint is float residue of splitting (or none): it is clean again. */
  clearIfSpent(s: number): void {
    const o = SLOT_STRIDE * s;
    if (this.st[o + TAINT]! > TAINT_EPSILON) return;
    this.st[o + TAINT] = 0;
    this.st[o + SHARE] = 0;
    this.rule.clear(s);
    this.flags[s]! &= ~TAINTED;
    this.taintedSlots--;
  }

  /** Pays `a` from slot `s`'s balance: unknown earlier balance counts as clean, so it never goes below 0. */
  pay(s: number, a: number): void {
    const b = this.bal[s]!;
    this.bal[s] = b > a ? b - a : 0;
  }

  /**
   * Takes `t` of slot `s`'s taint with a payment of `a` (conserving taint: never more than it holds)
   * and writes the payment's taint and share into `out`.
   */
  take(s: number, a: number, t: number, out: Spent): void {
    const o = SLOT_STRIDE * s;
    const taintBefore = this.st[o + TAINT]!;
    if (t > taintBefore) t = taintBefore;
    const sh = taintBefore > 0 ? (this.st[o + SHARE]! * t) / taintBefore : 0;
    this.st[o + TAINT] = taintBefore - t;
    this.st[o + SHARE]! -= sh;
    this.pay(s, a);
    this.clearIfSpent(s);
    out.t = t;
    out.sh = sh;
  }

  /** Keeps the largest tainted arrival at slot `r` as its evidence. */
  noteArrival(r: number, e: number, t: number): void {
    if (t > this.st[SLOT_STRIDE * r + BEST]!) {
      this.st[SLOT_STRIDE * r + BEST] = t;
      this.bestIn[r] = e;
    }
  }
}

/** The sweep's view of the index a policy may need (edge amounts, senders, transactions). */
export type SweepEdges = Pick<GraphIndex, 'amount' | 'tx'> & { near: Uint32Array };
