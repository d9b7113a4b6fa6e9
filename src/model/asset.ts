import type { Chain } from './chains.ts';

/** The `asset` value stored for a chain's native coin (ETH, BTC, TRX). Tokens use their canonical contract address. */
export const NATIVE_ASSET = 'native';

/**
 * Where a token's symbol and decimals came from: its contract (`symbol()` / `decimals()`, asked by the
 * sync), an ethereum-etl `tokens` export, or the shipped token list (`data/reference/`), which only
 * fills in for tokens neither of the others describes.
 */
export type AssetSource = 'chain' | 'export' | 'token-list';

/**
 * A native coin or a token. `asset` is {@link NATIVE_ASSET} or the canonical contract address.
 *
 * @example
 * const usdt: Asset = { chain: 'ethereum', asset: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
 */
export type Asset = {
  chain: string;
  asset: string;
  symbol: string | null;
  name?: string | null | undefined;
  decimals: number | null;
  /** Where the metadata came from; null or absent for native assets and metadata written by code. */
  source?: AssetSource | null | undefined;
};

/**
 * The native asset of a chain.
 *
 * @example
 * nativeAsset(getChain('ethereum')); // { chain: 'ethereum', asset: 'native', symbol: 'ETH', decimals: 18 }
 */
export function nativeAsset(chain: Chain): Asset {
  return {
    chain: chain.key,
    asset: NATIVE_ASSET,
    symbol: chain.nativeSymbol,
    name: chain.name,
    decimals: chain.nativeDecimals,
  };
}

/**
 * Prefix of assets that are reference units of value rather than on-chain assets, e.g. `unit:USD`
 * for a list whose amounts are each transfer's value in US dollars at transfer time (a block
 * explorer's "value in USD" column).
 */
export const UNIT_ASSET_PREFIX = 'unit:';

/**
 * Whether amounts of `asset` are values at transfer time (a reference unit such as `unit:USD`)
 * rather than units of a coin or token: such amounts are not conserved along a path (prices move),
 * which the trace's haircut accounts for (src/trace/policies/haircut.ts).
 *
 * @example
 * isValueDenominated('unit:USD'); // true
 * isValueDenominated('native'); // false
 */
export function isValueDenominated(asset: string): boolean {
  return asset.startsWith(UNIT_ASSET_PREFIX);
}
