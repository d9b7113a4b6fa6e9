import { FREEZABLE_CATEGORIES } from '../../../../../src/trace/freezable.ts';

/**
 * Where traced value ended, in the few groups an incident is told by. The freeze list, the Sankey
 * and the dashboard share them so their figures agree.
 */
export type Bucket = 'exchanges' | 'instant' | 'bridged' | 'mixed' | 'held' | 'other';

/**
 * Categories of the freeze list: the one definition of freezable (src/trace/freezable.ts), which
 * the trace's summary, the CLI and the API use too. The "exchanges" and "instant" buckets together
 * are exactly these categories.
 */
export const FREEZE_CATEGORIES: ReadonlySet<string> = FREEZABLE_CATEGORIES;

/** Buckets whose value can be frozen (their categories are FREEZE_CATEGORIES). */
export const FREEZABLE_BUCKETS: ReadonlySet<Bucket> = new Set<Bucket>(['exchanges', 'instant']);

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
  exchanges: 'Exchanges (freezable)',
  instant: 'Instant exchanges (freezable)',
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
