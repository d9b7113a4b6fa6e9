import { SLOT_STRIDE, type SlotState, type Spent, TAINT } from '../sweep/slot-state.ts';
import { ConservingRule } from './conserving-rule.ts';

/**
 * TIHO, "taint in, highest out" (Tironsakkul, Maarek, Eross & Just, "Probing the Mystery of
 * Cryptocurrency Theft: An Investigation into Methods for Cryptocurrency Tainted Coin Tracking",
 * 2019/2020): the tainted value goes to the largest outputs of a transaction first. The paper
 * defines it for Bitcoin transactions; for an account it applies to the outputs of each transaction
 * in turn (so tainted value leaves with the first transactions, largest output first). Outside a
 * group of same-second transfers, a payment takes as much taint as it can carry.
 *
 * @example
 * state.rule = new TihoRule(state, { amount, tx, near });
 */
export class TihoRule extends ConservingRule {
  /** This group's allotment: edge -> taint, for tainted senders' outputs. */
  private edges = new Uint32Array(0);
  private alloc = new Float64Array(0);
  private count = 0;

  constructor(
    state: SlotState,
    private readonly graph: { amount: Float64Array; tx: Uint32Array; near: Uint32Array },
  ) {
    super(state);
  }

  spend(s: number, a: number, e: number, out: Spent): void {
    const allotted = this.count > 0 ? this.allotted(e) : -1;
    const taint = this.state.st[SLOT_STRIDE * s + TAINT]!;
    this.state.take(s, a, allotted >= 0 ? allotted : Math.min(a, taint), out);
  }

  private allotted(e: number): number {
    for (let k = 0; k < this.count; k++) if (this.edges[k] === e) return this.alloc[k]!;
    return -1;
  }

  /** Each tainted sender's outputs of one transaction in this group, largest first, take its taint. */
  override beginGroup(g0: number, g1: number): void {
    const { amount, tx, near } = this.graph;
    const bySender = new Map<string, number[]>();
    for (let e = g0; e < g1; e++) {
      const s = near[e]!;
      if (!this.state.isTainted(s)) continue;
      const key = `${s}:${tx[e]}`;
      const list = bySender.get(key);
      if (list) list.push(e);
      else bySender.set(key, [e]);
    }
    let total = 0;
    for (const list of bySender.values()) total += list.length;
    this.edges = new Uint32Array(total);
    this.alloc = new Float64Array(total);
    this.count = 0;
    for (const list of bySender.values()) {
      list.sort((x, y) => amount[y]! - amount[x]! || x - y);
      let rest = this.state.st[SLOT_STRIDE * near[list[0]!]! + TAINT]!;
      for (const e of list) {
        const t = Math.min(amount[e]!, rest);
        rest -= t;
        this.edges[this.count] = e;
        this.alloc[this.count++] = t;
      }
    }
  }

  override endGroup(): void {
    this.count = 0;
  }
}
