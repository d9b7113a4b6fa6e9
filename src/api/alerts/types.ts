import { type Category, ILLICIT_CATEGORIES } from '../../labels/taxonomy.ts';

/** Store document kinds of the alert hub's state. */
export const WATCHLIST_KIND = 'watchlist';
export const ALERT_KIND = 'alert';
export const DEAD_LETTER_KIND = 'alert_dead_letter';

/**
 * Label categories where watched funds "reach a service": value sent there can be cashed out,
 * bridged away or mixed, which is when an investigator must act (ask the exchange to freeze, …).
 */
export const ALERT_SERVICE_CATEGORIES: ReadonlySet<string> = new Set<Category>([
  'exchange',
  'deposit_wallet',
  'hot_wallet',
  'bridge',
  'mixer',
  'instant_exchange',
]);

/**
 * Whether a node of a trace result is worth watching: an unlabelled address or an illicit one. A
 * trace stops at services (an exchange's hot wallet, a DEX router); watching those would alert on
 * all of that service's traffic.
 *
 * @example
 * isWatchableTraceNode({ category: null }); // true
 * isWatchableTraceNode({ category: 'hot_wallet' }); // false
 */
export function isWatchableTraceNode(node: { category: string | null }): boolean {
  return node.category === null || ILLICIT_CATEGORIES.has(node.category as Category);
}

/** An address on a chain, in the chain's canonical form. */
export type ChainAddress = { chain: string; address: string };

/**
 * What a watchlist made from a case watches: the addresses where its trace's value is still held
 * (endpoints `unspent`), or the exchange deposit addresses of its freeze list.
 */
export type CaseWatch = 'still-held' | 'freeze-deposits';

/** The case a watchlist was made from, and what of it it watches. */
export type WatchlistCase = { id: string; name: string; what: CaseWatch };

/** A watchlist as stored (its webhook secret included). */
export type WatchlistRecord = {
  id: string;
  org: string;
  name: string;
  /** Addresses given explicitly. */
  addresses: ChainAddress[];
  /** The trace whose tainted addresses it watches, if any. */
  traceId: string | null;
  /** Those addresses, taken from the trace's result when the watchlist was created. */
  traceAddresses: ChainAddress[];
  webhook: { url: string; secret: string } | null;
  /** The case it was made from (absent on watchlists made before cases made them). */
  case?: WatchlistCase | null | undefined;
  /** The API key that created it. */
  createdBy: string;
  createdAt: string;
  /**
   * How many times it was changed (absent: never), for the claim of each change across `serve`
   * processes (see src/store/claim-version.ts). Not shown by the API.
   */
  revision?: number | undefined;
};

/** A watchlist as the API shows it: never the webhook secret. */
export type WatchlistView = Omit<
  WatchlistRecord,
  'webhook' | 'traceAddresses' | 'case' | 'revision'
> & {
  webhook: { url: string } | null;
  case: WatchlistCase | null;
  traceAddressCount: number;
  /** Only on a single watchlist's read. */
  traceAddresses?: ChainAddress[];
};

/**
 * Why an alert fired: `funds_moved`, a watched address sent value; `service_reached`, it sent it to
 * an exchange, bridge, mixer or instant exchange (see {@link ALERT_SERVICE_CATEGORIES}).
 */
export type AlertKind = 'funds_moved' | 'service_reached';

/** Where a webhook delivery of an alert stands. */
export type AlertDelivery = {
  /** `none` when the watchlist has no webhook; `dead` when it is on the dead-letter list. */
  state: 'none' | 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastAttemptAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
};

/** One alert: one transfer out of one watched address, for one watchlist. */
export type Alert = {
  /** Derived from watchlist, chain, transaction and position: a transfer seen twice alerts once. */
  id: string;
  org: string;
  watchlistId: string;
  watchlistName: string;
  kind: AlertKind;
  chain: string;
  blockNumber: string;
  /** Unix seconds. */
  blockTime: number | null;
  txHash: string;
  position: string;
  /** The watched address. */
  from: string;
  to: string | null;
  asset: string;
  /** Raw units, a decimal integer. */
  amount: string;
  transferKind: string;
  /** The service reached (`service_reached`): its label's category and entity. */
  service: { category: string; entity: string | null } | null;
  firedAt: string;
  acknowledgedAt: string | null;
  /** The API key that acknowledged it. */
  acknowledgedBy: string | null;
  delivery: AlertDelivery;
};

/** A webhook delivery that failed for good: kept until retried successfully. */
export type DeadLetter = {
  /** The alert's id (one dead letter per alert). */
  id: string;
  org: string;
  alertId: string;
  watchlistId: string;
  attempts: number;
  lastError: string;
  /** The last HTTP status, null for network errors. */
  lastStatus: number | null;
  failedAt: string;
};
