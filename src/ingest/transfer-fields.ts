// Apart from transfers-csv.ts, which loads the address codecs (viem), so that
// `chaintrail --help` shows them without loading those.

/** Fields a transfers CSV can map; `amount` is in whole units (scaled by decimals), `raw_amount` in raw integer units. */
export const TRANSFER_FIELDS = [
  'from',
  'to',
  'amount',
  'raw_amount',
  'tx',
  'block',
  'time',
  'position',
  'asset',
] as const;
/** A field `--map` can name. */
export type TransferField = (typeof TRANSFER_FIELDS)[number];
