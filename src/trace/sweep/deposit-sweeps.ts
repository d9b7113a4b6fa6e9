import { DEFAULT_MAX_SWEEP_DELAY_SECONDS } from '../infer-deposits.ts';
import type { GraphIndex } from '../types.ts';
import { SWEEP_WATCH, TAINT_EPSILON } from './slot-state.ts';
import { EDGE_SWEEP, type TracedEdges } from './traced-edges.ts';

/** What is still to be matched with the sweeps of one inferred deposit address. */
type Watch = { taint: number; share: number; hop: number; exchange: number; until: number };

/**
 * Inferred deposit addresses value stopped at: the exchange's next sweeps of each (within the
 * inference's delay) are recorded as evidence edges, up to the value that stopped there, so a
 * result shows where the coins went as well as the freezable deposit address.
 *
 * @example
 * sweeps.watch(e, t, sh, hop, exchangeAddress); // then, for each payment of a watched slot: sweeps.note(e)
 */
export class DepositSweeps {
  private readonly watches = new Map<number, Watch>();
  /** The latest time a sweep is looked for (Unix seconds; -1: none): the sweep goes on to it. */
  until = -1;

  constructor(
    private readonly index: GraphIndex,
    private readonly flags: Uint8Array,
    private readonly near: Uint32Array,
    private readonly far: Uint32Array,
    private readonly traced: TracedEdges,
  ) {}

  /** Whether any sweep is still looked for. */
  get watching(): boolean {
    return this.watches.size > 0;
  }

  /** Value `t` (share `sh`, at `hop`) stopped at the inferred deposit address edge `e` reached. */
  watch(e: number, t: number, sh: number, hop: number, exchangeAddress: string): void {
    const { index } = this;
    const r = this.far[e]!;
    const exchange = index.nodeId(index.node(index.slotNode[r]!).chain, exchangeAddress);
    if (exchange === undefined) return;
    const until = index.time[e]! + DEFAULT_MAX_SWEEP_DELAY_SECONDS;
    const w = this.watches.get(r);
    if (w) {
      w.taint += t;
      w.share += sh;
      w.until = Math.max(w.until, until);
    } else this.watches.set(r, { taint: t, share: sh, hop, exchange, until });
    this.flags[r]! |= SWEEP_WATCH;
    if (until > this.until) this.until = until;
  }

  /** A payment `e` of a watched deposit address: a sweep to its exchange is recorded as evidence. */
  note(e: number): void {
    const { index } = this;
    const s = this.near[e]!;
    const w = this.watches.get(s)!;
    const time = index.time[e]!;
    if (time <= w.until && index.slotNode[this.far[e]!] === w.exchange) {
      const move = Math.min(w.taint, index.amount[e]!);
      const moveShare = w.taint > 0 ? (w.share * move) / w.taint : 0;
      this.traced.add(e, move, moveShare, w.hop + 1, EDGE_SWEEP);
      w.taint -= move;
      w.share -= moveShare;
    }
    if (time > w.until || w.taint <= TAINT_EPSILON) {
      this.watches.delete(s);
      this.flags[s]! &= ~SWEEP_WATCH;
    }
  }
}
