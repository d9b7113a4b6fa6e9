// Apart from prices-csv.ts, which loads the CSV parser and the address codecs (viem), so that
// `chaintrail --help` shows them without loading those.

/** Fields a prices CSV can map: the day (a date or a time) and the USD price of one whole unit. */
export const PRICE_FIELDS = ['date', 'usd'] as const;
/** A field `--map` can name. */
export type PriceField = (typeof PRICE_FIELDS)[number];

/**
 * Columns read without `--map`, matched case-insensitively, the first present in this order:
 * common export headers, and CoinGecko's historical data export (`snapped_at,price,market_cap,
 * total_volume`, `snapped_at` such as `2025-02-21 00:00:00 UTC`).
 */
export const DEFAULT_PRICE_COLUMNS: Readonly<Record<PriceField, readonly string[]>> = {
  date: ['date', 'day', 'time', 'timestamp', 'snapped_at'],
  usd: ['usd', 'price', 'close'],
};
