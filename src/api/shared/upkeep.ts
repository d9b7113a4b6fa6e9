import type { Logger } from 'pino';
import type { AppStore } from '../../store/app-store.ts';
import type { KeyRing } from '../auth/api-keys.ts';

/**
 * How often a server reads the API keys again: a key created or revoked by another `serve` process
 * sharing the store (or by `chaintrail keys` on a ClickHouse store) takes effect here within this
 * time. One listing of the keys each time: a few milliseconds for thousands of keys.
 */
export const KEY_RELOAD_INTERVAL_MS = 5_000;
/** The first pruning after a start, plus up to as much again at random (servers started together spread out). */
const FIRST_PRUNE_DELAY_MS = 60_000;
/** How often claims are pruned. */
export const CLAIM_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/**
 * How long claims are kept (a case's versions, fired alerts). Past it, a claim is no longer needed:
 * the alert or version it decided is stored, and every user of claims re-reads what it claimed
 * before writing (see src/store/claim-version.ts).
 */
export const CLAIM_RETENTION_SECONDS = 24 * 60 * 60;

/** Parameters of {@link startSharedStateUpkeep}. */
export type SharedStateUpkeepParameters = {
  store: Pick<AppStore, 'pruneClaims'>;
  keys: Pick<KeyRing, 'reload'>;
  logger: Logger;
  keyReloadIntervalMs?: number | undefined;
  claimPruneIntervalMs?: number | undefined;
};

/**
 * The periodic work of a server whose state other processes may change: reading the keys again and
 * pruning old claims. Failures are logged and tried again at the next tick (the store may be down
 * for a while); timers never keep the process alive. Returns the stop.
 *
 * @example
 * const stop = startSharedStateUpkeep({ store, keys, logger });
 * app.addHook('onClose', async () => stop());
 */
export function startSharedStateUpkeep(parameters: SharedStateUpkeepParameters): () => void {
  const { store, keys, logger } = parameters;
  const every = (ms: number, what: string, fn: () => Promise<unknown>) => {
    let running = false;
    const timer = setInterval(() => {
      // One at a time: a slow store must not pile up reloads.
      if (running) return;
      running = true;
      fn()
        .catch((err: unknown) => logger.warn({ err }, `${what} failed; tried again later`))
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    return timer;
  };
  const prune = async () => {
    const pruned = await store.pruneClaims(CLAIM_RETENTION_SECONDS);
    if (pruned > 0) logger.info({ pruned }, 'claims pruned');
  };
  const timers = [
    every(parameters.keyReloadIntervalMs ?? KEY_RELOAD_INTERVAL_MS, 'reading the API keys', () =>
      keys.reload(),
    ),
    every(parameters.claimPruneIntervalMs ?? CLAIM_PRUNE_INTERVAL_MS, 'pruning claims', prune),
  ];
  // Once soon after the start too: servers restarted more often than the interval still prune.
  const first = setTimeout(
    () => void prune().catch((err: unknown) => logger.warn({ err }, 'pruning claims failed')),
    FIRST_PRUNE_DELAY_MS + Math.floor(Math.random() * FIRST_PRUNE_DELAY_MS),
  );
  first.unref();
  return () => {
    clearTimeout(first);
    for (const t of timers) clearInterval(t);
  };
}
