import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';

/** Watchlist routes (to be written). */
export function registerWatchlistRoutes(_app: ApiApp, _ctx: ApiContext): void {}
