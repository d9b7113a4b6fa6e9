/** Elements a union-find holds before its arrays first grow. */
const INITIAL_CAPACITY = 1024;

/** An array of `n` zeros (small integers: V8 keeps them unboxed, 8 bytes each, untraced). */
export function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/**
 * Disjoint sets over dense element ids 0…n-1, in two arrays: each element's parent, and beside it
 * in one interleaved array its set's weight (how many addresses it stands for: an element may stand
 * for a whole stored cluster) and `fields` numbers of the caller's (kept right for roots: a union
 * leaves the merged root's to the caller). `find` halves paths as it walks (every other node then
 * points to its grandparent), `union` hangs the lighter tree under the heavier, so both take
 * near-constant amortised time. One element's numbers share a cache line: with millions of elements
 * a union is bound by the memory reads it makes, and separate arrays made it several.
 */
export type UnionFind = {
  /** Elements added. */
  readonly count: number;
  /** Adds an element in a set of its own, of `weight` (default 1); returns its id. */
  add(weight?: number): number;
  /** Makes room for `n` elements in all (one allocation instead of doubling as they come). */
  reserve(n: number): void;
  /** The root of `x`'s set. */
  find(x: number): number;
  /**
   * Joins the sets of roots `a` and `b` (both must be roots; `a !== b`) and returns the new root:
   * the heavier of the two (`a` on a tie), whose weight becomes their sum.
   */
  unionRoots(a: number, b: number): number;
  /** The weight of root `x`'s set. */
  weight(x: number): number;
  /** The caller's field `k` (0-based) of element `x`, and setting it. */
  field(x: number, k: number): number;
  setField(x: number, k: number, value: number): void;
};

/**
 * Creates an empty union-find that grows as elements are added, with `fields` numbers per element
 * for the caller.
 *
 * @example
 * const sets = createUnionFind();
 * const a = sets.add(), b = sets.add();
 * sets.unionRoots(sets.find(a), sets.find(b));
 * sets.find(a) === sets.find(b); // true
 */
export function createUnionFind(capacity = INITIAL_CAPACITY, fields = 0): UnionFind {
  const stride = 1 + fields;
  // Plain arrays of small integers, not typed arrays: both are flat numbers the collector does not
  // trace, but a typed array's memory is external to V8's heap, and every 64 MB of it allocated
  // since the last collection makes V8 mark the whole heap (external memory pressure): at 10 M
  // inputs in one step (4.5 M elements reserved) that marking cost more CPU than the unions. A
  // number past 2^31 (a weight of billions of addresses) turns the array into doubles: exact still.
  let parent = zeros(Math.max(1, capacity));
  let data = zeros(parent.length * stride);
  let count = 0;
  const grow = (atLeast = 0) => {
    const n = Math.max(parent.length * 2, atLeast);
    parent = parent.concat(zeros(n - parent.length));
    data = data.concat(zeros(n * stride - data.length));
  };
  return {
    get count() {
      return count;
    },
    reserve(n) {
      if (n > parent.length) grow(n);
    },
    add(w = 1) {
      if (count === parent.length) grow();
      parent[count] = count;
      data[count * stride] = w;
      return count++;
    },
    find(x) {
      // Path halving: one pass, no recursion, no stack however deep the tree.
      let p = parent[x]!;
      while (p !== x) {
        const g = parent[p]!;
        parent[x] = g;
        x = g;
        p = parent[x]!;
      }
      return x;
    },
    unionRoots(a, b) {
      // No destructuring: this runs once per joined input.
      if (data[a * stride]! < data[b * stride]!) {
        const t = a;
        a = b;
        b = t;
      }
      parent[b] = a;
      data[a * stride]! += data[b * stride]!;
      return a;
    },
    weight: (x) => data[x * stride]!,
    field: (x, k) => data[x * stride + 1 + k]!,
    setField(x, k, value) {
      data[x * stride + 1 + k] = value;
    },
  };
}
