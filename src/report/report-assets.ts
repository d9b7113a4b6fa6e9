import { getChain } from '../model/chains.ts';
import { traceAmountToBigInt } from '../trace/raw-amount.ts';
import type { ReportAmount } from './types.ts';

/** Symbol and decimals of an asset, when known. */
export type AssetInfo = { symbol: string | null; decimals: number | null };

/** Looks up an asset's symbol and decimals (from the store's asset metadata, else the chain's native coin). */
export type AssetLookup = (chain: string, asset: string) => AssetInfo;

/**
 * An asset lookup over the store's asset rows: tokens by their metadata, a chain's native coin by
 * the chain registry (src/model/chains.ts) when the store has no row for it. Unknown: nulls, and the
 * report shows raw units.
 *
 * @example
 * const lookup = assetLookup(await store.listAssets());
 * lookup('ethereum', 'native'); // { symbol: 'ETH', decimals: 18 }
 */
export function assetLookup(
  rows: readonly { chain: string; asset: string; symbol: string | null; decimals: number | null }[],
): AssetLookup {
  const known = new Map(rows.map((r) => [`${r.chain}\u0000${r.asset}`, r]));
  return (chain, asset) => {
    const row = known.get(`${chain}\u0000${asset}`);
    if (row && row.symbol !== null && row.decimals !== null)
      return { symbol: row.symbol, decimals: row.decimals };
    if (asset === 'native') {
      try {
        const c = getChain(chain);
        return { symbol: c.nativeSymbol, decimals: c.nativeDecimals };
      } catch {
        // A chain the registry does not know: its coin stays in raw units.
      }
    }
    return { symbol: null, decimals: null };
  };
}

/**
 * A report amount of raw units (a bigint, or a trace's decimal string made from a double, rounded to
 * the nearest unit as everywhere else: src/trace/raw-amount.ts).
 *
 * @example
 * reportAmount(lookup, 'anvil', 'native', 10n ** 18n); // { raw: '1000000000000000000', symbol: 'ETH', … }
 */
export function reportAmount(
  assets: AssetLookup,
  chain: string,
  asset: string,
  raw: bigint | string,
): ReportAmount {
  const value = typeof raw === 'bigint' ? raw : traceAmountToBigInt(raw);
  const info = assets(chain, asset);
  return { chain, asset, raw: value.toString(), symbol: info.symbol, decimals: info.decimals };
}

/**
 * Sums amounts per chain and asset exactly, in first-seen order.
 *
 * @example
 * sumAmounts(lookup, [{ chain: 'anvil', asset: 'native', raw: 1n }, …]);
 */
export function sumAmounts(
  assets: AssetLookup,
  items: Iterable<{ chain: string; asset: string; raw: bigint }>,
): ReportAmount[] {
  const sums = new Map<string, { chain: string; asset: string; raw: bigint }>();
  for (const item of items) {
    const key = `${item.chain}\u0000${item.asset}`;
    const row = sums.get(key);
    if (row) row.raw += item.raw;
    else sums.set(key, { ...item });
  }
  return [...sums.values()].map((s) => reportAmount(assets, s.chain, s.asset, s.raw));
}
