import { describe, expect, it } from 'vitest';
import { createUnionFind } from './union-find.ts';

describe('createUnionFind', () => {
  it('joins sets by weight, grows past its capacity, and finds every element’s root after path halving', () => {
    const sets = createUnionFind(2);
    const n = 10_000;
    for (let i = 0; i < n; i++) sets.add(i === 0 ? 5 : 1);
    // A chain 0-1-2-…: each union hangs the lighter set under the heavier.
    for (let i = 1; i < n; i++) sets.unionRoots(sets.find(0), sets.find(i));
    const root = sets.find(0);
    expect(root).toBe(0);
    expect(sets.weight(root)).toBe(5 + n - 1);
    for (let i = 0; i < n; i++) expect(sets.find(i)).toBe(root);
    expect(sets.count).toBe(n);
  });

  it('keeps each element’s fields beside its weight, through growth', () => {
    const sets = createUnionFind(1, 2);
    for (let i = 0; i < 100; i++) {
      const x = sets.add(i + 1);
      sets.setField(x, 0, i * 10);
      sets.setField(x, 1, -i);
    }
    for (let i = 0; i < 100; i++) {
      expect(sets.weight(i)).toBe(i + 1);
      expect(sets.field(i, 0)).toBe(i * 10);
      expect(sets.field(i, 1)).toBe(-i);
    }
    const root = sets.unionRoots(3, 99);
    expect(root).toBe(99);
    expect(sets.weight(root)).toBe(4 + 100);
    expect(sets.field(root, 0)).toBe(990);
  });

  it('keeps weights past 2^31 exact (a stored cluster of billions of addresses)', () => {
    const sets = createUnionFind(2, 1);
    const big = sets.add(3_000_000_000);
    const small = sets.add();
    sets.setField(small, 0, 2 ** 40);
    const root = sets.unionRoots(small, big);
    expect(root).toBe(big);
    expect(sets.weight(root)).toBe(3_000_000_001);
    expect(sets.field(small, 0)).toBe(2 ** 40);
  });

  it('keeps unjoined elements apart', () => {
    const sets = createUnionFind();
    const [a, b, c] = [sets.add(), sets.add(), sets.add()];
    const r = sets.unionRoots(a, b);
    expect(sets.find(a)).toBe(sets.find(b));
    expect(sets.find(c)).toBe(c);
    expect(sets.weight(r)).toBe(2);
  });
});
