/** Elements a union-find holds before its arrays first grow. */
const INITIAL_CAPACITY = 1024;

/**
 * Disjoint sets over dense element ids 0…n-1, in typed arrays: each element's parent, and beside it
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
  let parent = new Int32Array(Math.max(1, capacity));
  // Float64: a weight is a count of addresses, which a stored cluster may hold billions of.
  let data = new Float64Array(parent.length * stride);
  let count = 0;
  const grow = (atLeast = 0) => {
    const p = new Int32Array(Math.max(parent.length * 2, atLeast));
    p.set(parent);
    parent = p;
    const d = new Float64Array(p.length * stride);
    d.set(data);
    data = d;
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
