// Alerts and watchlists as `GET /v1/alerts` and `GET /v1/watchlists` give them (see /docs).

export type { Alert, Watchlist } from '../../api/types.ts';

export type WatchedAddress = { chain: string; address: string };

/** The body of `POST /v1/watchlists`. */
export type NewWatchlist = {
  name: string;
  addresses?: WatchedAddress[];
  traceId?: string;
  webhook?: { url: string; secret: string };
};
