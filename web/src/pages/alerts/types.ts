// Alerts and watchlists as `GET /v1/alerts` and `GET /v1/watchlists` give them (see /docs).

/** An alert: a watched address sent value (`funds_moved`), or sent it to a service (`service_reached`). */
export type Alert = {
  id: string;
  org: string;
  watchlistId: string;
  watchlistName: string;
  kind: 'funds_moved' | 'service_reached';
  chain: string;
  blockNumber: string;
  /** Unix seconds. */
  blockTime: number | null;
  txHash: string;
  position: string;
  from: string;
  to: string | null;
  asset: string;
  /** Raw units, a decimal integer string. */
  amount: string;
  transferKind: string;
  service: { category: string; entity: string | null } | null;
  firedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  delivery: {
    /** `none` (no webhook), `pending`, `delivered` or `dead`. */
    state: string;
    attempts: number;
    lastAttemptAt: string | null;
    lastError: string | null;
    deliveredAt: string | null;
  };
};

export type WatchedAddress = { chain: string; address: string };

export type Watchlist = {
  id: string;
  org: string;
  name: string;
  addresses: WatchedAddress[];
  traceId: string | null;
  traceAddressCount: number;
  webhook: { url: string } | null;
  createdBy: string;
  createdAt: string;
};

/** The body of `POST /v1/watchlists`. */
export type NewWatchlist = {
  name: string;
  addresses?: WatchedAddress[];
  traceId?: string;
  webhook?: { url: string; secret: string };
};
