import type { Logger } from 'pino';
import type { Store } from '../../store/store.ts';
import type { Metrics } from '../metrics.ts';

/** Evaluates watchlists, stores alerts and delivers them (to be written). */
export type AlertHub = {
  close(): Promise<void>;
};

/**
 * Creates the alert hub.
 *
 * @example
 * const alerts = createAlertHub({ store, logger, metrics });
 */
export function createAlertHub(_parameters: {
  store: Store;
  logger: Logger;
  metrics: Metrics;
}): AlertHub {
  return { close: async () => {} };
}
