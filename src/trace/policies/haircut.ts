import { SHARE, SLOT_STRIDE, type SlotState, type Spent, TAINT } from '../sweep/slot-state.ts';
import { ConservingRule } from './conserving-rule.ts';

/**
 * Haircut: every payment carries the tainted share of the balance at that moment (Anderson, Möser,
 * Böhme, Clayton & Meiklejohn, "Bitcoin Redemption", 2016, "haircut").
 *
 * A payment larger than the balance the index knows of:
 * - **tokens and native coins**: raw units are conserved, so the excess is value the address held
 *   before the window or got from transfers the data lacks; that value is taken as clean, and as
 *   small as it can be (just the excess), so the payment carries all the taint left and no more.
 *   Taint is never created.
 * - **value-denominated assets** (`unit:USD`, e.g. a block explorer's "value in USD" column): each
 *   amount is the value at transfer time, so an address routinely sends more than it received (the
 *   coins it holds rose in price, or it swapped into them). The excess is the same holding, valued
 *   higher: the payment carries the tainted fraction of the holding of its whole amount, and that
 *   fraction stays with the address for later payments beyond its known balance, until value
 *   arrives again (then the fraction is that of the new holding). Taint is not conserved in value
 *   terms: endpoint amounts are the value that arrived there, and shares are normalised over
 *   everything the trace accounted for (build-result.ts).
 *
 * @example
 * state.rule = new HaircutRule(state, isValueAsset);
 */
export class HaircutRule extends ConservingRule {
  /**
   * Per slot of a value-denominated asset, once it paid more than it held: the tainted fraction of
   * its holding and the share of the seed per unit of taint, kept for later such payments.
   */
  private readonly ratio: Float64Array | null;

  /**
   * @param valueSlot - per slot, 1 when its asset is value-denominated (null: none is)
   */
  constructor(
    state: SlotState,
    private readonly valueSlot: Uint8Array | null,
  ) {
    super(state);
    this.ratio = valueSlot ? new Float64Array(valueSlot.length * 2) : null;
  }

  override beforeTaintedArrival(s: number): void {
    // New value: the fraction kept from an earlier overdraft no longer describes the holding.
    if (this.ratio !== null) this.ratio[2 * s] = 0;
  }

  spend(s: number, a: number, _e: number, out: Spent): void {
    const state = this.state;
    const st = state.st;
    const taintBefore = st[SLOT_STRIDE * s + TAINT]!;
    const b = state.bal[s]!;
    if (this.ratio !== null && this.valueSlot![s] === 1 && a > b) {
      this.spendBeyond(s, a, b, out);
      return;
    }
    // Unknown earlier balance is clean: a payment larger than the known balance takes all of it.
    const denominator = b > a ? b : a;
    state.take(s, a, denominator > 0 ? (a * taintBefore) / denominator : 0, out);
  }

  /** A value-denominated slot pays `a`, more than the `b` it is known to hold. */
  private spendBeyond(s: number, a: number, b: number, out: Spent): void {
    const state = this.state;
    const st = state.st;
    const ratio = this.ratio!;
    const o = SLOT_STRIDE * s;
    const taint = st[o + TAINT]!;
    let fraction: number;
    let sharePerTaint: number;
    if (b > 0) {
      fraction = taint / b;
      sharePerTaint = taint > 0 ? st[o + SHARE]! / taint : 0;
    } else {
      fraction = ratio[2 * s]!;
      sharePerTaint = ratio[2 * s + 1]!;
    }
    const t = fraction * a;
    out.t = t;
    out.sh = sharePerTaint * t;
    ratio[2 * s] = fraction;
    ratio[2 * s + 1] = sharePerTaint;
    st[o + TAINT] = 0;
    st[o + SHARE] = 0;
    state.bal[s] = 0;
    // The slot stays tainted (its flag set) while the fraction lasts: later payments carry it.
    if (fraction <= 0) state.clearIfSpent(s);
  }

  override clear(s: number): void {
    if (this.ratio !== null) this.ratio[2 * s] = 0;
  }
}
