import { FOLLOW, type ReachRules, STOP } from './reach-rules.ts';

const MAX_U32 = 0xffffffff;
/** Above every key: a slot's "earliness" KEY_SPAN - key is positive once reached. */
export const KEY_SPAN = MAX_U32 + 1;

/**
 * Reachability by one sweep over the edges in time order (backward: in reverse) from the first
 * seed's second to the window's end; within a second, edges are taken again until nothing more is
 * reached (the order of a second's transfers is not always known). Costs every edge after the
 * first seed, whatever is reached.
 *
 * A class, not closures made per call: its methods are compiled once and reused by every trace
 * (closures created per call were re-optimised on every call, costing several times the sweep
 * itself on small graphs).
 */
export class ReachSweep {
  readonly fwd: boolean;
  readonly near: Uint32Array;
  readonly far: Uint32Array;
  readonly time: Uint32Array;
  readonly slotNode: Uint32Array;
  /**
   * Per slot, side by side: how early it was first reached, KEY_SPAN - key (0: never, so a new
   * array needs no filling; keys are times, forward, or MAX_U32 - time, backward), and its hop.
   */
  readonly state: Float64Array;
  /** Slots as first reached: the result costs what was reached, not the graph. */
  readonly reachedSlots: number[] = [];
  /** Edges swept, counting a second's edges once per pass over them. */
  edgesVisited = 0;

  constructor(
    readonly rules: ReachRules,
    readonly maxHops: number,
  ) {
    const index = rules.index;
    this.fwd = rules.fwd;
    this.near = rules.near;
    this.far = rules.far;
    this.time = index.time;
    this.slotNode = index.slotNode;
    this.state = new Float64Array(index.slotCount * 2);
  }

  /** How early slot `s` was first reached (KEY_SPAN - key; 0: never). */
  earliness(s: number): number {
    return this.state[2 * s]!;
  }

  hop(s: number): number {
    return this.state[2 * s + 1]!;
  }

  key(e: number): number {
    return this.fwd ? this.time[e]! : MAX_U32 - this.time[e]!;
  }

  /** Slot `r` reached at key `k` and hop `h`: true when that is new (earlier, or fewer hops). */
  reach(r: number, k: number, h: number): boolean {
    const state = this.state;
    const o = 2 * r;
    if (KEY_SPAN - k > state[o]!) {
      if (state[o] === 0) this.reachedSlots.push(r);
      state[o] = KEY_SPAN - k;
      state[o + 1] = h;
    } else if (h < state[o + 1]!) state[o + 1] = h;
    else return false;
    return true;
  }

  /** Value reaching `far[e]` as a swap or wrap input goes on as its output, to its recipient. */
  convert(e: number, h: number): boolean {
    let changed = false;
    for (const target of this.rules.conversionTargets(e))
      if (this.reach(target, this.key(e), h)) changed = true;
    return changed;
  }

  /** Passes value on along edge `e` if its near slot holds some; true when that reached more. */
  step(e: number): boolean {
    const s = this.near[e]!;
    const k = this.key(e);
    // Most edges leave a slot value never reached (0), or reached later.
    if (this.state[2 * s]! < KEY_SPAN - k) return false;
    const v = this.state[2 * s + 1]!;
    if (v >= this.maxHops || this.rules.followOf(s) === STOP) return false;
    const h = v + 1;
    const r = this.far[e]!;
    let changed = this.reach(r, k, h);
    if (this.rules.hasConversions && this.convert(e, h)) changed = true;
    if (this.rules.hasBridges) {
      const target = this.rules.bridgeTarget(e);
      if (target >= 0 && this.reach(target, k, h + 1)) changed = true;
    }
    return changed;
  }

  /**
   * Sweeps edges from `k` up to `end` while each is alone in its second (no other edge at its
   * time): no second pass can be needed. Returns the first edge not swept.
   */
  loneForward(k: number, end: number, lo: number, hi: number): number {
    const { time, near, far, state, maxHops } = this;
    const { follow, hasConversions, hasBridges } = this.rules;
    for (; k < end; k++) {
      const t = time[k]!;
      if ((k + 1 < hi && time[k + 1] === t) || (k > lo && time[k - 1] === t)) return k;
      // Most edges leave a slot value has not reached (yet): one comparison.
      const s = near[k]!;
      if (state[2 * s]! < KEY_SPAN - t) continue;
      // The common case inline (step's): a follow slot within the hop limit reaching a slot.
      const v = state[2 * s + 1]!;
      if (follow[s] !== FOLLOW || v >= maxHops || hasConversions || hasBridges) {
        this.step(k);
        continue;
      }
      const h = v + 1;
      const o = 2 * far[k]!;
      if (KEY_SPAN - t > state[o]!) {
        if (state[o] === 0) this.reachedSlots.push(far[k]!);
        state[o] = KEY_SPAN - t;
        state[o + 1] = h;
      } else if (h < state[o + 1]!) state[o + 1] = h;
    }
    return k;
  }

  /** As {@link loneForward}, from `k` down to `end` (exclusive), with keys MAX_U32 - time. */
  loneBackward(k: number, end: number, lo: number, hi: number): number {
    const { time, near, state } = this;
    for (; k > end; k--) {
      const t = time[k]!;
      if ((k + 1 < hi && time[k + 1] === t) || (k > lo && time[k - 1] === t)) return k;
      // Key MAX_U32 - t: reached no later means state >= KEY_SPAN - (MAX_U32 - t) = t + 1.
      if (state[2 * near[k]!]! >= t + 1) this.step(k);
    }
    return k;
  }

  /**
   * Sweeps from the first seed's second to the window's end (backward: its start). `order`: the
   * seed edges in sweep order; a seed's far slot starts at hop 0 when its node is in `seedNodes`.
   */
  run(order: readonly number[], lo: number, hi: number): void {
    const { fwd, time, far } = this;
    const seedNodes = this.rules.seedNodes;
    let nextSeed = 0;
    if (order.length === 0) return;
    let k = order[0]!;
    const t0 = time[k]!;
    // From the start of the first seed's second (forward) or its end (backward).
    if (fwd) while (k > lo && time[k - 1] === t0) k--;
    else while (k + 1 < hi && time[k + 1] === t0) k++;
    while (fwd ? k < hi : k >= lo) {
      // Edges alone in their second, up to the next seed, one after the other: the common case.
      const stop = nextSeed < order.length ? order[nextSeed]! : fwd ? hi : lo - 1;
      const next = fwd
        ? this.loneForward(k, Math.min(hi, stop), lo, hi)
        : this.loneBackward(k, Math.max(lo - 1, stop), lo, hi);
      this.edgesVisited += Math.abs(next - k);
      k = next;
      if (fwd ? k >= hi : k < lo) break;
      let g0 = k;
      let g1 = k + 1;
      if (fwd) while (g1 < hi && time[g1] === time[g0]) g1++;
      else while (g0 > lo && time[g0 - 1] === time[k]) g0--;
      while (nextSeed < order.length && order[nextSeed]! >= g0 && order[nextSeed]! < g1) {
        const e = order[nextSeed++]!;
        const r = far[e]!;
        this.reach(r, this.key(e), seedNodes.has(this.slotNode[r]!) ? 0 : 1);
        if (this.rules.hasConversions) this.convert(e, 1);
      }
      this.edgesVisited += g1 - g0;
      if (g1 - g0 === 1) this.step(g0);
      else
        for (let changed = true; changed;) {
          changed = false;
          for (let e = g0; e < g1; e++) if (this.step(e)) changed = true;
          if (changed) this.edgesVisited += g1 - g0;
        }
      k = fwd ? g1 : g0 - 1;
    }
  }
}
