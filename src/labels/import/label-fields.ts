// Apart from tabular.ts, which loads the CSV reader and the address codecs (viem), so that
// `chaintrail --help` shows them without loading those.

/** Fields a label list can map to its columns (`--map field=column`). */
export const LABEL_FIELDS = [
  'address',
  'chain',
  'category',
  'entity',
  'actor',
  'country',
  'source',
  'confidence',
  'sanction_list',
  'programs',
  'valid_from',
  'valid_to',
] as const;
/** A field `--map` can name. */
export type LabelField = (typeof LABEL_FIELDS)[number];
