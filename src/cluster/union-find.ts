/** Elements a union-find holds before its arrays first grow. */
const INITIAL_CAPACITY = 1024;

/**
 * Disjoint sets over dense element ids 0…n-1, in typed arrays: each element's parent and each root's
 * weight (how many addresses its set stands for: an element may stand for a whole stored cluster).
 * `find` halves paths as it walks (every other node then points to its grandparent), `union` hangs
 * the lighter tree under the heavier, so both take near-constant amortised time, and memory is 8
 * bytes per element (parent, weight), nothing per union.
 */
export type UnionFind = {
  /** Elements added. */
  readonly count: number;
  /** Adds an element in a set of its own, of `weight` (default 1); returns its id. */
  add(weight?: number): number;
  /** The root of `x`'s set. */
  find(x: number): number;
  /**
   * Joins the sets of roots `a` and `b` (both must be roots; `a !== b`) and returns the new root:
   * the heavier of the two (`a` on a tie), whose weight becomes their sum.
   */
  unionRoots(a: number, b: number): number;
  /** The weight of root `x`'s set. */
  weight(x: number): number;
};

/**
 * Creates an empty union-find that grows as elements are added.
 *
 * @example
 * const sets = createUnionFind();
 * const a = sets.add(), b = sets.add();
 * sets.unionRoots(sets.find(a), sets.find(b));
 * sets.find(a) === sets.find(b); // true
 */
export function createUnionFind(capacity = INITIAL_CAPACITY): UnionFind {
  let parent = new Int32Array(Math.max(1, capacity));
  // Float64: a weight is a count of addresses, which a stored cluster may hold billions of.
  let weight = new Float64Array(parent.length);
  let count = 0;
  const grow = () => {
    const p = new Int32Array(parent.length * 2);
    p.set(parent);
    parent = p;
    const w = new Float64Array(p.length);
    w.set(weight);
    weight = w;
  };
  return {
    get count() {
      return count;
    },
    add(w = 1) {
      if (count === parent.length) grow();
      parent[count] = count;
      weight[count] = w;
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
      if (weight[a]! < weight[b]!) {
        const t = a;
        a = b;
        b = t;
      }
      parent[b] = a;
      weight[a]! += weight[b]!;
      return a;
    },
    weight: (x) => weight[x]!,
  };
}
