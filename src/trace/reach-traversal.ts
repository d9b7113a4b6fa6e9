import { type ReachRules, STOP } from './reach-rules.ts';
import { KEY_SPAN } from './reach-sweep.ts';
import type { SlotAdjacency } from './slot-adjacency.ts';

const MAX_U32 = 0xffffffff;
/** Candidate lists of the layers c, c + 1 and c + 2 in a ring: a bridge adds two hops, an edge one. */
const RING = 3;

/**
 * Reachability by an adjacency traversal, hop layer by hop layer: costs the edges of the slots
 * reached (after their arrival), not every edge after the seed as the sweep does.
 *
 * Layer c holds the slots whose earliest arrival over paths of at most c hops is earlier than over
 * c - 1 hops (layer 0 or 1: the seeds' far ends). Such a slot passes value on along its edges at
 * or after that arrival and before its previous one (the later ones were taken at a lower layer
 * already, with fewer hops): a binary search in its time-ordered edge list, so each edge of a
 * reached slot is taken once, at the fewest hops its sender had at the edge's time. That is the
 * sweep's hop (the fewest found in time order), and a slot is reached exactly when the sweep
 * reaches it: a path of edges whose times do not decrease (any order within a second, as the
 * sweep's passes over a second), stopping at labelled services and after `maxHops`.
 *
 * A class for the same reason as ReachSweep: methods compiled once, reused by every trace.
 */
export class ReachTraversal {
  readonly fwd: boolean;
  readonly near: Uint32Array;
  readonly far: Uint32Array;
  readonly time: Uint32Array;
  readonly slotNode: Uint32Array;
  readonly start: Uint32Array;
  readonly list: Uint32Array;
  /** Per slot: how early it was reached so far, KEY_SPAN - key (0: never; no filling needed). */
  readonly arrival: Float64Array;
  /** Per slot: the layer it was first reached at, its fewest hops. */
  readonly hops: Uint32Array;
  /**
   * Per reached slot, the part of its edge list taken so far: forward, from this position to the
   * window's end; backward, from the window's start to this position (edges received before the
   * value left, as time runs backward).
   */
  readonly scanned: Uint32Array;
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
  ) {
    const index = rules.index;
    this.fwd = rules.fwd;
    this.near = rules.near;
    this.far = rules.far;
    this.time = index.time;
    this.slotNode = index.slotNode;
    this.start = adjacency.start;
    this.list = adjacency.edges;
    this.arrival = new Float64Array(index.slotCount);
    this.hops = new Uint32Array(index.slotCount);
    this.scanned = new Uint32Array(index.slotCount);
    for (let i = 0; i < RING; i++) {
      this.candSlots.push([]);
      this.candKeys.push([]);
    }
  }

  /** How early slot `s` was first reached (KEY_SPAN - key; 0: never). */
  earliness(s: number): number {
    return this.arrival[s]!;
  }

  hop(s: number): number {
    return this.hops[s]!;
  }

  key(e: number): number {
    return this.fwd ? this.time[e]! : MAX_U32 - this.time[e]!;
  }

  /** Slot `r` may be reached at key `k` with `layer` hops: kept if earlier than it is so far. */
  offer(layer: number, r: number, k: number): void {
    if (KEY_SPAN - k <= this.arrival[r]!) return;
    this.candSlots[layer % RING]!.push(r);
    this.candKeys[layer % RING]!.push(k);
    this.pending++;
  }

  /**
   * Seeds `edges` (each reaches its far slot: hop 0 at a seed address, else 1) and runs layer
   * after layer; false when it took more than its budget of edges (the result is then incomplete).
   */
  run(edges: readonly number[]): boolean {
    const { far, rules } = this;
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
        if (rules.followOf(r) === STOP) continue;
        if (this.fwd) this.scanForward(r, c + 1);
        else this.scanBackward(r, c + 1);
        if (this.edgesVisited > this.budget) return false;
      }
    }
    return true;
  }

  /** Takes layer `c`'s candidates: the slots they reach earlier than before are its frontier. */
  settle(c: number): void {
    const slots = this.candSlots[c % RING]!;
    const keys = this.candKeys[c % RING]!;
    const { arrival, frontier } = this;
    frontier.length = 0;
    for (let i = 0; i < slots.length; i++) {
      const r = slots[i]!;
      const earliness = KEY_SPAN - keys[i]!;
      const was = arrival[r]!;
      if (earliness <= was) continue;
      if (was === 0) {
        this.reachedSlots.push(r);
        this.hops[r] = c;
        this.scanned[r] = this.fwd ? this.endOf(r) : this.beginOf(r);
      }
      arrival[r] = earliness;
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

  /** Slot `r` sends at hop `h` along its edges from its arrival time up to those taken before. */
  scanForward(r: number, h: number): void {
    const { list, time, far, arrival } = this;
    const t = KEY_SPAN - arrival[r]!;
    let lo = this.start[r]!;
    const end = this.scanned[r]!;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (time[list[mid]!]! < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === end) return;
    this.scanned[r] = lo;
    this.edgesVisited += end - lo;
    if (this.rules.hasConversions || this.rules.hasBridges) {
      for (let i = lo; i < end; i++) this.take(list[i]!, h);
      return;
    }
    // The common case inline: each edge reaches its far slot.
    const slots = this.candSlots[h % RING]!;
    const keys = this.candKeys[h % RING]!;
    for (let i = lo; i < end; i++) {
      const e = list[i]!;
      const d = far[e]!;
      const k = time[e]!;
      if (KEY_SPAN - k > arrival[d]!) {
        slots.push(d);
        keys.push(k);
        this.pending++;
      }
    }
  }

  /** Backward: slot `r` received at hop `h` from the edges up to its arrival (latest time). */
  scanBackward(r: number, h: number): void {
    const { list, time } = this;
    const tMax = MAX_U32 - (KEY_SPAN - this.arrival[r]!);
    const begin = this.scanned[r]!;
    let lo = begin;
    let hi = this.start[r + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (time[list[mid]!]! <= tMax) lo = mid + 1;
      else hi = mid;
    }
    if (lo === begin) return;
    this.scanned[r] = lo;
    this.edgesVisited += lo - begin;
    for (let i = begin; i < lo; i++) this.take(list[i]!, h);
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
