/**
 * Where traced value ended, in the few groups an incident is told by. The freeze list, the Sankey
 * and the dashboard share them so their figures agree.
 */
export type Bucket = 'exchanges' | 'instant' | 'bridged' | 'mixed' | 'held' | 'other';

/** Categories of the freeze list: services that can freeze a deposit (instant exchanges included). */
export const FREEZE_CATEGORIES: ReadonlySet<string> = new Set([
  'exchange',
  'deposit_wallet',
  'hot_wallet',
  'otc',
  'instant_exchange',
]);

/** Buckets in the order they are shown (charts stack them in this order). */
export const BUCKETS: readonly Bucket[] = [
  'exchanges',
  'instant',
  'bridged',
  'mixed',
  'held',
  'other',
];

export const BUCKET_LABELS: Record<Bucket, string> = {
  exchanges: 'Exchanges',
  instant: 'Instant exchanges',
  bridged: 'Bridged',
  mixed: 'Mixers',
  held: 'Still held',
  other: 'Other',
};

/** The category whose colour stands for a bucket (see `categoryColour`). */
export const BUCKET_CATEGORY: Record<Bucket, string> = {
  exchanges: 'exchange',
  instant: 'instant_exchange',
  bridged: 'bridge',
  mixed: 'mixer',
  held: 'unspent',
  other: 'other',
};

/**
 * The bucket of an endpoint category. Hot wallets and OTC desks count as exchanges: like deposit
 * wallets they belong to a service that can freeze what it received.
 */
export function bucketOf(category: string): Bucket {
  switch (category) {
    case 'exchange':
    case 'deposit_wallet':
    case 'hot_wallet':
    case 'otc':
      return 'exchanges';
    case 'instant_exchange':
      return 'instant';
    case 'bridge':
      return 'bridged';
    case 'mixer':
      return 'mixed';
    case 'unspent':
      return 'held';
    default:
      return 'other';
  }
}

/** `cold_wallet` as `Cold wallet`: a category name for people. */
export function categoryLabel(category: string): string {
  const text = category.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
