import { slotOf } from '../graph-index.ts';
import { parseThorchainMemo } from '../thorchain-memo.ts';
import type { GraphIndex } from '../types.ts';
import { BRIDGE_IN } from './slot-state.ts';

/** Tainted value deposited into a bridge, waiting to be paid out on the destination chain. */
export type BridgeDeposit = {
  time: number;
  edge: number;
  taint: number;
  share: number;
  hop: number;
};

/**
 * Bridges, forward: value sent to another chain the index holds goes on there, at the
 * destination's first arrival after the deposit (THORChain pays out within minutes to hours); a
 * deposit whose destination never receives is an endpoint, "bridged to <chain> <address>".
 *
 * @example
 * if (relay.depart(e, t, sh, hop)) return; // goes on on the other chain
 */
export class BridgeRelay {
  /** Deposits by the destination slot they wait for. */
  private readonly waiting = new Map<number, BridgeDeposit[]>();
  /** Deposits not yet paid out: while any is, the sweep goes on. */
  pending = 0;

  constructor(
    private readonly index: GraphIndex,
    private readonly flags: Uint8Array,
    private readonly memos: ReadonlyMap<number, string> | undefined,
    private readonly far: Uint32Array,
  ) {}

  /**
   * Tainted value `t` (share `sh`, at `hop`) entering a bridge by edge `e`: true when its memo names
   * a destination the index holds, where it will go on.
   */
  depart(e: number, t: number, sh: number, hop: number): boolean {
    const memo = this.memos?.get(this.index.tx[e]!);
    const parsed = memo === undefined ? null : parseThorchainMemo(memo);
    if (parsed?.kind !== 'swap') return false;
    const node = this.index.nodeId(parsed.chain, parsed.address);
    const native = this.index.assetId(parsed.chain, 'native');
    const slot =
      node === undefined || native === undefined ? undefined : slotOf(this.index, node, native);
    if (slot === undefined) return false;
    const list = this.waiting.get(slot) ?? [];
    list.push({ time: this.index.time[e]!, edge: e, taint: t, share: sh, hop });
    this.waiting.set(slot, list);
    this.flags[slot]! |= BRIDGE_IN;
    this.pending++;
    return true;
  }

  /**
   * The deposits an arrival at `slot` at time `t` pays out (made no later than it, forward; no
   * earlier, backward), taken together; null when none is due.
   */
  take(
    slot: number,
    t: number,
    fwd: boolean,
  ): { share: number; taint: number; hop: number; edge: number } | null {
    const list = this.waiting.get(slot)!;
    const due = list.filter((d) => (fwd ? d.time <= t : d.time >= t));
    if (due.length === 0) return null;
    const rest = list.filter((d) => !due.includes(d));
    if (rest.length > 0) this.waiting.set(slot, rest);
    else {
      this.waiting.delete(slot);
      this.flags[slot]! &= ~BRIDGE_IN;
    }
    this.pending -= due.length;
    return {
      share: due.reduce((s, d) => s + d.share, 0),
      taint: due.reduce((s, d) => s + d.taint, 0),
      hop: Math.min(...due.map((d) => d.hop)),
      edge: due[0]!.edge,
    };
  }

  /** Deposits whose destination never received: they end at the bridge. */
  unpaid(): BridgeDeposit[] {
    return [...this.waiting.values()].flat();
  }

  /** The bridge node a deposit entered. */
  bridgeOf(d: BridgeDeposit, slotNode: Uint32Array): number {
    return slotNode[this.far[d.edge]!]!;
  }
}
