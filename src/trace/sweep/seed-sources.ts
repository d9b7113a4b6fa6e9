import type { GraphIndex } from '../types.ts';
import { SOURCE } from './slot-state.ts';

/** What {@link SeedSources} needs of the sweep: the index in the sweep's direction, and its window. */
export type SeedSourcesContext = {
  index: GraphIndex;
  fwd: boolean;
  near: Uint32Array;
  far: Uint32Array;
  flags: Uint8Array;
  /** Per node: 1 for a seed address. */
  seedNode: Uint8Array;
  /** Whether slot `r`'s node is the fee sink (its payments are gas). */
  isFee: (r: number) => boolean;
  lo: number;
  hi: number;
};

/**
 * Address seeds: the slots (an asset at a seed address) that pay in the window. Each stands for
 * everything it passes on in the window, whether it held it at the window's start or received it
 * (or, with value-denominated amounts, it rose in value): every payment of a source is the seed's
 * value, in full. What it still holds at the end is not passed on, so not part of the seed. Gas is
 * not the seed's value, and value moving within the seed (to another seed address, or into a swap
 * whose output comes back to one) is counted once, in what it pays on.
 *
 * @example
 * const sources = new SeedSources(ctx, resolved.sources);
 * sources.paidByAsset(); // seed value per asset id
 */
export class SeedSources {
  /** Per source slot, in `slots` order: value paid out to others in the window. */
  readonly paid: Float64Array;
  /** The first and last edge a source pays by (in sweep order; -1: none). */
  readonly firstEdge: number = -1;
  readonly lastEdge: number = -1;
  /** Share of the seed per raw unit a source pays, by asset id (set by {@link setShares}). */
  private readonly shares = new Map<number, number>();

  constructor(
    private readonly ctx: SeedSourcesContext,
    readonly slots: readonly number[],
  ) {
    this.paid = new Float64Array(slots.length);
    if (slots.length === 0) return;
    const { near, flags, fwd, lo, hi, index } = ctx;
    const position = new Map<number, number>();
    slots.forEach((s, i) => {
      flags[s]! |= SOURCE;
      position.set(s, i);
    });
    let first = -1;
    let last = -1;
    for (let i = fwd ? lo : hi - 1; fwd ? i < hi : i >= lo; fwd ? i++ : i--) {
      const s = near[i]!;
      if ((flags[s]! & SOURCE) === 0) continue;
      if (first < 0) first = i;
      if (this.withinSeed(i) || ctx.isFee(ctx.far[i]!)) continue;
      this.paid[position.get(s)!]! += index.amount[i]!;
      last = i;
    }
    this.firstEdge = first;
    this.lastEdge = last;
  }

  /** What the sources pay others, per asset id (only assets they pay any of). */
  paidByAsset(): Map<number, number> {
    const byAsset = new Map<number, number>();
    this.slots.forEach((s, i) => {
      const a = this.ctx.index.slotAsset[s]!;
      if (this.paid[i]! > 0) byAsset.set(a, (byAsset.get(a) ?? 0) + this.paid[i]!);
    });
    return byAsset;
  }

  /** Sets each asset's share of the seed per raw unit: its part over the seed's value in it. */
  setShares(seedValue: ReadonlyMap<number, number>, parts: ReadonlyMap<number, number>): void {
    for (const s of this.slots) {
      const a = this.ctx.index.slotAsset[s]!;
      const value = seedValue.get(a) ?? 0;
      this.shares.set(a, value > 0 ? parts.get(a)! / value : 0);
    }
  }

  /** Share of the seed a payment of `amount` by source slot `s` carries. */
  shareOf(s: number, amount: number): number {
    return amount * this.shares.get(this.ctx.index.slotAsset[s]!)!;
  }

  /**
   * Whether a payment of a source stays with the seed: to another seed address, or into a swap or
   * wrap whose converted value comes back to a seed address (the same value, in another asset,
   * which its payments from that asset's slot carry on).
   */
  withinSeed(e: number): boolean {
    const { index, far, flags, fwd, seedNode } = this.ctx;
    if ((flags[far[e]!]! & SOURCE) !== 0) return true;
    const list = index.conversions.get(index.tx[e]!);
    if (!list) return false;
    const a = index.slotAsset[far[e]!]!;
    for (const c of list)
      if ((fwd ? c.assetIn : c.assetOut) === a && seedNode[fwd ? c.recipient : c.account])
        return true;
    return false;
  }

  /** Whether the sweep, at edge `k`, has passed the last payment of a source. */
  passed(k: number): boolean {
    return this.lastEdge < 0 || (this.ctx.fwd ? k > this.lastEdge : k < this.lastEdge);
  }
}
