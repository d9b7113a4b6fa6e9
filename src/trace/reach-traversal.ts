import { FOLLOW, FOLLOW_UNKNOWN, type ReachRules, STOP } from './reach-rules.ts';
import { FOLLOW_MASK, HOP_SHIFT, REACHED } from './reach-sweep.ts';
import type { SlotAdjacency } from './slot-adjacency.ts';

const MAX_U32 = 0xffffffff;
/** Candidate lists of the layers c, c + 1 and c + 2 in a ring: a bridge adds two hops, an edge one. */
const RING = 3;
/**
 * Per slot, four words side by side (one cache line holds four slots): how early it was reached
 * (MAX_U32 - key: larger is earlier), its state word (the sweep's: 0 never reached, else hop,
 * REACHED and follow bits), how far its edge list was taken, and where the list ends on the
 * other side (forward: its first entry; backward: past its last), copied from the adjacency on
 * first reach so a scan touches one cache line of state.
 */
export const STRIDE = 4;
const EARLY = 0;
const WORD = 1;
const SCANNED = 2;
const BOUND = 3;
/**
 * A slot with more edges left than this is binary-searched for how many it will take before it
 * takes them: the traversal gives up before a hub's edges, not after.
 */
const LONG_LIST = 64;

/**
 * Reachability by an adjacency traversal, hop layer by hop layer: costs the edges of the slots
 * reached (after their arrival), not every edge after the seed as the sweep does.
 *
 * Layer c holds the slots whose earliest arrival over paths of at most c hops is earlier than over
 * c - 1 hops (layer 0 or 1: the seeds' far ends). Such a slot passes value on along its edges at
 * or after that arrival and before its previous one (the later ones were taken at a lower layer
 * already, with fewer hops), so each edge of a reached slot is taken once, at the fewest hops its
 * sender had at the edge's time. That is the sweep's hop (the fewest found in time order), and a
 * slot is reached exactly when the sweep reaches it: by a path of edges whose times do not
 * decrease (any order within a second, as the sweep's passes over a second), stopping at labelled
 * services and after `maxHops`.
 *
 * A class for the same reason as ReachSweep: methods compiled once, reused by every trace.
 */
export class ReachTraversal {
  readonly fwd: boolean;
  readonly far: Uint32Array;
  readonly time: Uint32Array;
  readonly slotNode: Uint32Array;
  readonly start: Uint32Array;
  readonly list: Uint32Array;
  readonly timeFar: Uint32Array;
  /** STRIDE words per slot (see there); all 0 for a slot never reached: no filling needed. */
  readonly state: Uint32Array;
  readonly reachedSlots: number[] = [];
  readonly candSlots: number[][] = [];
  readonly candKeys: number[][] = [];
  readonly frontier: number[] = [];
  pending = 0;
  /** Edges taken: each edge of a reached slot after its arrival, once. */
  edgesVisited = 0;

  constructor(
    readonly rules: ReachRules,
    adjacency: SlotAdjacency,
    readonly maxHops: number,
    readonly lo: number,
    readonly hi: number,
    /** Edges the traversal may take before it gives up (the sweep is cheaper then). */
    readonly budget: number,
    /** `slotCount * STRIDE` zeros to work in (see {@link clear}), or a new array. */
    state?: Uint32Array,
  ) {
    const index = rules.index;
    this.fwd = rules.fwd;
    this.far = rules.far;
    this.time = index.time;
    this.slotNode = index.slotNode;
    this.start = adjacency.start;
    this.list = adjacency.edges;
    this.timeFar = adjacency.timeFar;
    this.state = state ?? new Uint32Array(index.slotCount * STRIDE);
    for (let i = 0; i < RING; i++) {
      this.candSlots.push([]);
      this.candKeys.push([]);
    }
  }

  /** Zeroes what the traversal wrote (its reached slots' words): the state can be used again. */
  clear(): Uint32Array {
    for (const s of this.reachedSlots) this.state.fill(0, STRIDE * s, STRIDE * s + STRIDE);
    return this.state;
  }

  /** The key the `i`-th reached slot was first reached at (forward: a time; backward: MAX_U32 - time). */
  keyOf(i: number): number {
    return MAX_U32 - this.state[STRIDE * this.reachedSlots[i]! + EARLY]!;
  }

  hop(s: number): number {
    return this.state[STRIDE * s + WORD]! >>> HOP_SHIFT;
  }

  key(e: number): number {
    return this.fwd ? this.time[e]! : MAX_U32 - this.time[e]!;
  }

  /** Slot `r` may be reached at key `k` with `layer` hops: kept if earlier than it is so far. */
  offer(layer: number, r: number, k: number): void {
    const o = STRIDE * r;
    if (this.state[o + WORD] !== 0 && MAX_U32 - k <= this.state[o + EARLY]!) return;
    this.candSlots[layer % RING]!.push(r);
    this.candKeys[layer % RING]!.push(k);
    this.pending++;
  }

  /**
   * Seeds `edges` (each reaches its far slot: hop 0 at a seed address, else 1) and runs layer
   * after layer; false when it took more than its budget of edges (the result is then incomplete).
   */
  run(edges: readonly number[]): boolean {
    const { far, rules, state } = this;
    for (const e of edges) {
      const r = far[e]!;
      const k = this.key(e);
      this.offer(rules.seedNodes.has(this.slotNode[r]!) ? 0 : 1, r, k);
      if (rules.hasConversions) for (const t of rules.conversionTargets(e)) this.offer(1, t, k);
    }
    for (let c = 0; this.pending > 0; c++) {
      this.settle(c);
      if (c >= this.maxHops) continue;
      for (const r of this.frontier) {
        const o = STRIDE * r + WORD;
        let v = state[o]!;
        if ((v & FOLLOW_MASK) === FOLLOW_UNKNOWN) state[o] = v |= rules.followOf(r);
        if ((v & FOLLOW_MASK) === STOP) continue;
        if (!(this.fwd ? this.scanForward(r, c + 1) : this.scanBackward(r, c + 1))) return false;
      }
    }
    return true;
  }

  /** Takes layer `c`'s candidates: the slots they reach earlier than before are its frontier. */
  settle(c: number): void {
    const slots = this.candSlots[c % RING]!;
    const keys = this.candKeys[c % RING]!;
    const { state, frontier } = this;
    frontier.length = 0;
    for (let i = 0; i < slots.length; i++) {
      const r = slots[i]!;
      const o = STRIDE * r;
      const early = MAX_U32 - keys[i]!;
      if (state[o + WORD] === 0) {
        this.reachedSlots.push(r);
        state[o + WORD] = (c << HOP_SHIFT) | REACHED | (this.rules.allFollow ? FOLLOW : 0);
        state[o + SCANNED] = this.fwd ? this.endOf(r) : this.beginOf(r);
        state[o + BOUND] = this.fwd ? this.start[r]! : this.start[r + 1]!;
      } else if (early <= state[o + EARLY]!) continue;
      state[o + EARLY] = early;
      frontier.push(r);
    }
    this.pending -= slots.length;
    slots.length = 0;
    keys.length = 0;
  }

  /** Forward: the end of slot `r`'s edges in the window (ids below hi). */
  endOf(r: number): number {
    let lo = this.start[r]!;
    let hi = this.start[r + 1]!;
    if (this.hi >= this.time.length) return hi;
    const list = this.list;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]! < this.hi) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Backward: the start of slot `r`'s edges in the window (ids from lo). */
  beginOf(r: number): number {
    let lo = this.start[r]!;
    let hi = this.start[r + 1]!;
    if (this.lo === 0) return lo;
    const list = this.list;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]! < this.lo) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Slot `r` sends at hop `h` along its edges from its arrival time up to those taken before: from
   * the last of those down (a linear scan costs what it takes, where a binary search would cost
   * dependent loads for every reached slot). False, taking none, when they would exceed the budget.
   */
  scanForward(r: number, h: number): boolean {
    const { list, timeFar, state } = this;
    const o = STRIDE * r;
    const t = MAX_U32 - state[o + EARLY]!;
    const end = state[o + SCANNED]!;
    let first = state[o + BOUND]!;
    if (end - first > LONG_LIST) {
      let hi = end;
      while (first < hi) {
        const mid = (first + hi) >>> 1;
        if (timeFar[2 * mid]! < t) first = mid + 1;
        else hi = mid;
      }
      if (this.edgesVisited + (end - first) > this.budget) return false;
    }
    let i = end;
    if (this.rules.hasConversions || this.rules.hasBridges) {
      while (i > first && timeFar[2 * (i - 1)]! >= t) this.take(list[--i]!, h);
    } else {
      // The common case inline: each edge reaches its far slot.
      const slots = this.candSlots[h % RING]!;
      const keys = this.candKeys[h % RING]!;
      while (i > first) {
        const k = timeFar[2 * (i - 1)]!;
        if (k < t) break;
        i--;
        const d = timeFar[2 * i + 1]!;
        if (state[STRIDE * d + WORD] === 0 || MAX_U32 - k > state[STRIDE * d + EARLY]!) {
          slots.push(d);
          keys.push(k);
          this.pending++;
        }
      }
    }
    state[o + SCANNED] = i;
    this.edgesVisited += end - i;
    return this.edgesVisited <= this.budget;
  }

  /** Backward: slot `r` received at hop `h` from the edges up to its arrival (its latest time). */
  scanBackward(r: number, h: number): boolean {
    const { list, timeFar, state } = this;
    const o = STRIDE * r;
    const tMax = state[o + EARLY]!;
    const begin = state[o + SCANNED]!;
    let last = state[o + BOUND]!;
    if (last - begin > LONG_LIST) {
      let lo = begin;
      while (lo < last) {
        const mid = (lo + last) >>> 1;
        if (timeFar[2 * mid]! <= tMax) lo = mid + 1;
        else last = mid;
      }
      if (this.edgesVisited + (last - begin) > this.budget) return false;
    }
    let i = begin;
    while (i < last && timeFar[2 * i]! <= tMax) this.take(list[i++]!, h);
    state[o + SCANNED] = i;
    this.edgesVisited += i - begin;
    return this.edgesVisited <= this.budget;
  }

  /** Edge `e` passes value on at hop `h`: to its far slot, a conversion's output, a bridge's destination. */
  take(e: number, h: number): void {
    const rules = this.rules;
    const k = this.key(e);
    this.offer(h, this.far[e]!, k);
    if (rules.hasConversions) for (const t of rules.conversionTargets(e)) this.offer(h, t, k);
    if (rules.hasBridges) {
      const target = rules.bridgeTarget(e);
      if (target >= 0) this.offer(h + 1, target, k);
    }
  }
}
