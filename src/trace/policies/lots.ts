import type { SlotState, Spent } from '../sweep/slot-state.ts';
import { ConservingRule } from './conserving-rule.ts';

/** Arrivals at one slot in order, amount and tainted part; `head` is the first unspent lot. */
type Lots = { amount: number[]; taint: number[]; head: number };

/**
 * FIFO / LIFO: the balance is a queue of arrivals (lots); a payment spends the oldest (fifo, the
 * proposal of Anderson et al., "Bitcoin Redemption", 2016, after Clayton's Case) or the newest
 * (lifo) lots first. What a slot held before taint first reached it is one clean lot. Adjacent
 * clean arrivals merge, so lots grow with tainted arrivals only. Taint is conserved: a payment
 * beyond the lots is clean (unknown earlier balance).
 *
 * Memory: per tainted slot, its lots.
 *
 * @example
 * state.rule = new LotsRule(state, 'fifo');
 */
export class LotsRule extends ConservingRule {
  override readonly tracksClean = true;
  private readonly lotsOf: (Lots | undefined)[];
  private readonly fifo: boolean;

  constructor(state: SlotState, order: 'fifo' | 'lifo') {
    super(state);
    this.fifo = order === 'fifo';
    this.lotsOf = new Array<Lots | undefined>(state.bal.length);
  }

  override absorbClean(s: number, a: number): void {
    this.state.bal[s]! += a;
    const lots = this.lotsOf[s];
    if (!lots) return;
    const last = lots.amount.length - 1;
    if (last >= lots.head && lots.taint[last] === 0) lots.amount[last]! += a;
    else {
      lots.amount.push(a);
      lots.taint.push(0);
    }
  }

  override beforeTaintedArrival(s: number, a: number, t: number): void {
    const bal = this.state.bal;
    let lots = this.lotsOf[s];
    if (!lots) {
      // What the slot held before is one clean lot, spent first (fifo) or last (lifo).
      lots = { amount: bal[s]! > 0 ? [bal[s]!] : [], taint: bal[s]! > 0 ? [0] : [], head: 0 };
      this.lotsOf[s] = lots;
    }
    if (a > 0) {
      lots.amount.push(a);
      lots.taint.push(t);
      return;
    }
    // Value held already (a swap whose output was swept before its input): the newest clean lots take it.
    let rest = t;
    for (let i = lots.amount.length - 1; i >= lots.head && rest > 0; i--) {
      const add = Math.min(lots.amount[i]! - lots.taint[i]!, rest);
      lots.taint[i]! += add;
      rest -= add;
    }
  }

  spend(s: number, a: number, _e: number, out: Spent): void {
    const lots = this.lotsOf[s]!;
    let t = 0;
    let rest = a;
    while (rest > 0 && lots.head < lots.amount.length) {
      const i = this.fifo ? lots.head : lots.amount.length - 1;
      const lot = lots.amount[i]!;
      const take = Math.min(lot, rest);
      const lotT = lot > 0 ? (lots.taint[i]! * take) / lot : 0;
      t += lotT;
      rest -= take;
      lots.amount[i] = lot - take;
      lots.taint[i] = lots.taint[i]! - lotT;
      if (lots.amount[i]! <= 0) {
        if (this.fifo) lots.head++;
        else {
          lots.amount.pop();
          lots.taint.pop();
        }
      }
    }
    this.state.take(s, a, t, out);
  }

  override clear(s: number): void {
    this.lotsOf[s] = undefined;
  }
}
