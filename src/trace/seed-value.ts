import type { GraphIndex } from './types.ts';

/** What {@link weighSeedAssets} found: each seed asset's part of the whole, and in what it was valued. */
export type SeedWeights = {
  /** Asset id -> part of the seed (they add up to 1). */
  parts: Map<number, number>;
  /** The asset every seed asset was valued in; null when they were given equal parts. */
  valuedIn: number | null;
};

/**
 * Orders asset ids by chain, then the chain's native coin first, then by asset: by what they are,
 * not by when the index first saw them, so a trace on a subgraph (src/trace/subgraph-index.ts)
 * lists and values seed assets as one on the whole index does.
 *
 * @example
 * assets.sort(byAssetName(index)); // ethereum native, ethereum 0xa0b8…, ethereum 0xdac1…
 */
export function byAssetName(index: Pick<GraphIndex, 'assetOf'>): (a: number, b: number) => number {
  const key = (id: number) => {
    const { chain, asset } = index.assetOf(id);
    return [chain, asset === 'native' ? 0 : 1, asset] as const;
  };
  return (a, b) => {
    const [c1, n1, x1] = key(a);
    const [c2, n2, x2] = key(b);
    return c1 < c2 ? -1 : c1 > c2 ? 1 : n1 - n2 || (x1 < x2 ? -1 : x1 > x2 ? 1 : 0);
  };
}

/**
 * Parts of a seed made of several assets. Amounts of different assets cannot be added, so each is
 * valued in one of them (the chain's native asset if the seed has it, else its first asset) at the
 * rates of the swaps and wraps in the index (total out over total in, per pair, chained through
 * other assets when needed). When an asset has no such rate, every asset gets an equal part.
 *
 * @example
 * const { parts, valuedIn } = weighSeedAssets(index, new Map([[eth, 4e20], [usdc, 2.5e10]]));
 */
export function weighSeedAssets(
  index: GraphIndex,
  amounts: ReadonlyMap<number, number>,
): SeedWeights {
  const assets = [...amounts.keys()].sort(byAssetName(index));
  const equal = (): SeedWeights => ({
    parts: new Map(assets.map((a) => [a, assets.length > 0 ? 1 / assets.length : 0])),
    valuedIn: null,
  });
  if (assets.length <= 1) return { ...equal(), valuedIn: assets[0] ?? null };
  // Sums of amounts in and out per ordered pair of assets: the pair's rate is out / in.
  const sums = new Map<number, Map<number, { in: number; out: number }>>();
  const add = (from: number, to: number, amountIn: number, amountOut: number) => {
    let row = sums.get(from);
    if (!row) sums.set(from, (row = new Map()));
    const cell = row.get(to) ?? { in: 0, out: 0 };
    cell.in += amountIn;
    cell.out += amountOut;
    row.set(to, cell);
  };
  for (const list of index.conversions.values())
    for (const c of list) {
      if (!(c.amountIn > 0 && c.amountOut > 0)) continue;
      add(c.assetIn, c.assetOut, c.amountIn, c.amountOut);
      add(c.assetOut, c.assetIn, c.amountOut, c.amountIn);
    }
  const native = assets.find((a) => index.assetOf(a).asset === 'native');
  const base = native ?? assets[0]!;
  // value[x]: units of `base` one unit of x is worth, found breadth first from `base`.
  const value = new Map<number, number>([[base, 1]]);
  const queue = [base];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const [other, cell] of sums.get(current) ?? []) {
      if (value.has(other)) continue;
      // `cell` is current -> other: one `other` is worth in/out `current`.
      value.set(other, (cell.in / cell.out) * value.get(current)!);
      queue.push(other);
    }
  }
  if (!assets.every((a) => value.has(a))) return equal();
  const total = assets.reduce((s, a) => s + amounts.get(a)! * value.get(a)!, 0);
  if (!(total > 0)) return equal();
  return {
    parts: new Map(assets.map((a) => [a, (amounts.get(a)! * value.get(a)!) / total])),
    valuedIn: base,
  };
}
