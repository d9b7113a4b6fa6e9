import { FOLLOW, FOLLOW_UNKNOWN, type ReachRules, STOP } from './reach-rules.ts';

const MAX_U32 = 0xffffffff;
/** A slot's state word: 0 never reached; else hop << HOP_SHIFT | REACHED | its follow bits. */
export const REACHED = 4;
export const FOLLOW_MASK = 3;
export const HOP_SHIFT = 3;
/** Room for this many reached slots at first (doubled as needed). */
const INITIAL_REACHED = 1024;

/**
 * Reachability by one sweep over the edges in time order (backward: in reverse) from the first
 * seed's second to the window's end; within a second, edges are taken again until nothing more is
 * reached (the order of a second's transfers is not always known). Costs every edge after the
 * first seed, whatever is reached.
 *
 * Every slot is reached at the sweep's current key (keys only grow), so "reached no later than
 * this edge" is "reached": a slot's state is one word (hop and flags), 4 bytes a slot, and the
 * sweep's scattered reads stay in cache: the first version, with the arrival (a double) beside
 * the hop and a follow byte (17 bytes a slot), was 1.6, 2.5 and 3.5 times slower on the
 * benchmark's first 100 k and 1 M and all 3 M transfers (CPU time, fresh arrays for both).
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
  /** Per slot: 0 (never reached: a new array needs no filling), or hop, REACHED and follow bits. */
  readonly state: Uint32Array;
  /** The flags of a slot reached first: REACHED, and FOLLOW when every slot follows. */
  readonly fresh: number;
  /**
   * Slots as first reached, and the key they were reached at (`count` of them): what was reached,
   * in key order. Typed arrays grown by doubling: pushing to arrays of numbers cost a sixth of the
   * sweep on 1 M transfers reaching 80,000 slots.
   */
  slots = new Uint32Array(INITIAL_REACHED);
  keys = new Uint32Array(INITIAL_REACHED);
  count = 0;
  /** Edges swept, counting a second's edges once per pass over them. */
  edgesVisited = 0;

  constructor(
    readonly rules: ReachRules,
    readonly maxHops: number,
    /** `slotCount` zeros to work in (see {@link clear}), or a new array. */
    state?: Uint32Array,
  ) {
    const index = rules.index;
    this.fwd = rules.fwd;
    this.near = rules.near;
    this.far = rules.far;
    this.time = index.time;
    this.slotNode = index.slotNode;
    this.state = state ?? new Uint32Array(index.slotCount);
    this.fresh = REACHED | (rules.allFollow ? FOLLOW : FOLLOW_UNKNOWN);
  }

  /** Zeroes what the sweep wrote (its reached slots' words): the state can be used again. */
  clear(): Uint32Array {
    for (let i = 0; i < this.count; i++) this.state[this.slots[i]!] = 0;
    return this.state;
  }

  /** The key the `i`-th reached slot was first reached at (forward: a time; backward: MAX_U32 - time). */
  keyOf(i: number): number {
    return this.keys[i]!;
  }

  /** The slots reached, in the order first reached. */
  get reachedSlots(): Uint32Array {
    return this.slots.subarray(0, this.count);
  }

  /** Slot `r` first reached at key `k`: listed. */
  add(r: number, k: number): void {
    if (this.count === this.slots.length) {
      const slots = new Uint32Array(this.count * 2);
      slots.set(this.slots);
      this.slots = slots;
      const keys = new Uint32Array(this.count * 2);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.slots[this.count] = r;
    this.keys[this.count++] = k;
  }

  hop(s: number): number {
    return this.state[s]! >>> HOP_SHIFT;
  }

  key(e: number): number {
    return this.fwd ? this.time[e]! : MAX_U32 - this.time[e]!;
  }

  /** Slot `r` reached at key `k` (the current one) and hop `h`: true when new, or fewer hops. */
  reach(r: number, k: number, h: number): boolean {
    const w = this.state[r]!;
    if (w === 0) {
      this.add(r, k);
      this.state[r] = (h << HOP_SHIFT) | this.fresh;
    } else if (h < w >>> HOP_SHIFT)
      this.state[r] = (h << HOP_SHIFT) | (w & (REACHED | FOLLOW_MASK));
    else return false;
    return true;
  }

  /** Slot `s`'s state word with its follow bits looked up. */
  resolve(s: number): number {
    const v = (this.state[s]! & ~FOLLOW_MASK) | this.rules.followOf(s);
    this.state[s] = v;
    return v;
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
    let v = this.state[s]!;
    // Most edges leave a slot value never reached.
    if (v === 0) return false;
    if ((v & FOLLOW_MASK) === FOLLOW_UNKNOWN) v = this.resolve(s);
    if ((v & FOLLOW_MASK) === STOP || v >>> HOP_SHIFT >= this.maxHops) return false;
    const h = (v >>> HOP_SHIFT) + 1;
    const k = this.key(e);
    let changed = this.reach(this.far[e]!, k, h);
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
    const { time, near, far, state, maxHops, fresh } = this;
    const { hasConversions, hasBridges } = this.rules;
    // Past the first edge, the one before is known to be alone in its second (else the loop
    // would have stopped there): only the next needs comparing.
    if (k < end && k > lo && time[k - 1] === time[k]) return k;
    for (; k < end; k++) {
      const t = time[k]!;
      if (k + 1 < hi && time[k + 1] === t) return k;
      // Most edges leave a slot value has not reached (yet): one comparison.
      const v = state[near[k]!]!;
      if (v === 0) continue;
      // The common case inline (step's): a follow slot within the hop limit reaching a slot.
      if (
        (v & FOLLOW_MASK) !== FOLLOW ||
        v >>> HOP_SHIFT >= maxHops ||
        hasConversions ||
        hasBridges
      ) {
        this.step(k);
        continue;
      }
      const h = (v >>> HOP_SHIFT) + 1;
      const r = far[k]!;
      const w = state[r]!;
      if (w === 0) {
        this.add(r, t);
        state[r] = (h << HOP_SHIFT) | fresh;
      } else if (h < w >>> HOP_SHIFT) state[r] = (h << HOP_SHIFT) | (w & (REACHED | FOLLOW_MASK));
    }
    return k;
  }

  /** As {@link loneForward}, from `k` down to `end` (exclusive), with keys MAX_U32 - time. */
  loneBackward(k: number, end: number, lo: number, hi: number): number {
    const { time, near, state } = this;
    if (k > end && k + 1 < hi && time[k + 1] === time[k]) return k;
    for (; k > end; k--) {
      const t = time[k]!;
      if (k > lo && time[k - 1] === t) return k;
      if (state[near[k]!] !== 0) this.step(k);
    }
    return k;
  }

  /**
   * Sweeps from the first seed's second to the window's end (backward: its start). `order`: the
   * seed edges in sweep order; a seed's far slot starts at hop 0 when its node is a seed address.
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
