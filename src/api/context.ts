import type { Logger } from 'pino';
import type { Screener } from '../screen/create-screener.ts';
import type { Store } from '../store/store.ts';
import type { AuditLog } from './audit.ts';
import type { KeyRing } from './auth/api-keys.ts';
import type { Metrics } from './metrics.ts';
import type { TraceJobs } from './traces/trace-jobs.ts';
import type { AlertHub } from './alerts/alert-hub.ts';
import type { StreamCounts } from './sse.ts';
import type { RateLimiter } from './auth/rate-limiter.ts';
import type { FollowStatus } from './alerts/follow-status.ts';

/**
 * What every route gets: the store, the loaded screener, the key ring and the job and alert
 * services. Built once per app ({@link buildApp}); routes never open their own resources.
 */
export type ApiContext = {
  store: Store;
  logger: Logger;
  keys: KeyRing;
  screener: Screener;
  metrics: Metrics;
  traces: TraceJobs;
  alerts: AlertHub;
  audit: AuditLog;
  /** Event streams open per API key. */
  streams: StreamCounts;
  /** Addresses x hops screened with `hops` per key, per minute. */
  screenWork: { limiter: RateLimiter; perMinute: number };
  /** The chains this server follows for alerts (none unless `serve --follow`). */
  follow: FollowStatus;
};
