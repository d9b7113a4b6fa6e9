import {
  SHARE,
  SLOT_STRIDE,
  type SlotState,
  type Spent,
  TAINT,
  type TaintRule,
} from '../sweep/slot-state.ts';

/**
 * Poison: any tainted input taints every later output of that asset in full (Anderson, Möser,
 * Böhme, Clayton & Meiklejohn, "Bitcoin Redemption", 2016, §"poison"). A poisoned slot stays
 * poisoned: its taint never goes down, so value multiplies and shares are normalised over everything
 * it reached (see build-result.ts).
 *
 * @example
 * state.rule = new PoisonRule(state);
 */
export class PoisonRule implements TaintRule {
  readonly multiplies = true;
  readonly tracksClean = false;
  constructor(private readonly state: SlotState) {}

  absorbClean(): void {}
  beforeTaintedArrival(): void {}

  spend(s: number, a: number, _e: number, out: Spent): void {
    const st = this.state.st;
    const taintBefore = st[SLOT_STRIDE * s + TAINT]!;
    out.t = a;
    out.sh = taintBefore > 0 ? (a * st[SLOT_STRIDE * s + SHARE]!) / taintBefore : 0;
    this.state.pay(s, a);
  }

  beginGroup(): void {}
  endGroup(): void {}

  /** Everything the slot still holds is poisoned. */
  held(s: number): number {
    return this.state.bal[s]!;
  }

  /** The slot's share per unit of taint, for what it holds. */
  heldShare(s: number, held: number): number {
    const st = this.state.st;
    const taint = st[SLOT_STRIDE * s + TAINT]!;
    return taint > 0 ? (held * st[SLOT_STRIDE * s + SHARE]!) / taint : 0;
  }

  clear(): void {}
}
