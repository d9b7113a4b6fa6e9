import {
  SHARE,
  SLOT_STRIDE,
  type SlotState,
  type Spent,
  TAINT,
  type TaintRule,
} from '../sweep/slot-state.ts';

/**
 * What the policies that conserve taint (haircut, fifo/lifo, tiho) share: a slot holds the taint
 * and share of the seed kept in the slot state, and a payment takes part of them. Each policy says
 * which part ({@link spend}) and keeps what else it needs by overriding the hooks.
 *
 * @example
 * class MyRule extends ConservingRule { spend(s, a, e, out) { this.state.take(s, a, 0, out); } }
 */
export abstract class ConservingRule implements TaintRule {
  readonly multiplies: boolean = false;
  readonly tracksClean: boolean = false;

  constructor(protected readonly state: SlotState) {}

  absorbClean(_s: number, _a: number): void {}
  beforeTaintedArrival(_s: number, _a: number, _t: number): void {}
  abstract spend(s: number, a: number, e: number, out: Spent): void;
  beginGroup(_g0: number, _g1: number): void {}
  endGroup(): void {}

  held(s: number): number {
    return this.state.st[SLOT_STRIDE * s + TAINT]!;
  }

  heldShare(s: number, _held?: number): number {
    return this.state.st[SLOT_STRIDE * s + SHARE]!;
  }

  clear(_s: number): void {}
}
