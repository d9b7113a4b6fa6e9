import { abortableDelay } from '../../ingest/sync/abortable-delay.ts';
import type { Logger } from 'pino';
import type { EvmSourceOptions } from '../../chains/evm/evm-source.ts';
import { redactUrl } from '../../chains/evm/redact-url.ts';
import { RetryableError } from '../../errors/base.ts';
import { createSourceRegistry, openChainSource } from '../../ingest/sync/registry.ts';
import type { TronSourceOptions } from '../../chains/tron/tron-source.ts';
import { syncChain } from '../../ingest/sync/sync-chain.ts';
import type { Store } from '../../store/store.ts';
import type { AlertHub } from './alert-hub.ts';

/** First wait before the sync is started again after a transient failure (the node went away). */
export const FOLLOW_RESTART_DELAY_MS = 2000;
/** Longest wait between restarts; the wait doubles up to it while the failures go on. */
export const FOLLOW_MAX_RESTART_DELAY_MS = 60_000;

/** One committed and evaluated batch of the follower. */
export type FollowerBatch = {
  chain: string;
  fromBlock: bigint;
  toBlock: bigint;
  /** The node's head (less confirmations) when the batch was fetched. */
  target: bigint;
  /** Transfers the batch stored, as read back. */
  transfers: number;
  /** Alerts the batch fired. */
  alerts: number;
};

/** Input of {@link createFollower}. */
export type CreateFollowerParameters = {
  store: Store;
  alerts: AlertHub;
  logger: Logger;
  /** JSON-RPC endpoint (logged without credentials, path or query). */
  rpcUrl: string;
  chain?: string | undefined;
  /** First block when the store has no checkpoint for the chain. */
  from?: bigint | undefined;
  /** Blocks to stay behind the head: alerts then wait for that many confirmations. */
  confirmations?: number | undefined;
  /** How often to ask the node for a new head (default DEFAULT_POLL_INTERVAL_MS). */
  pollIntervalMs?: number | undefined;
  batchBlocks?: number | undefined;
  /** Trace internal transfers (default true; false for a node without archive state). */
  internal?: boolean | undefined;
  /** TronGrid's API key, for a Tron chain served by TronGrid; never logged. */
  apiKey?: string | undefined;
  /** Called after each batch is committed and evaluated. */
  onBatch?: ((batch: FollowerBatch) => void) | undefined;
};

/** A running monitoring loop. */
export type Follower = {
  /** Stops after the batch in progress (committed and evaluated) and resolves when stopped. */
  stop(): Promise<void>;
  /** Resolves when the loop has stopped; rejects when it failed for good (bad URL, wrong chain, …). */
  done: Promise<void>;
};

/**
 * The monitoring loop: follows a chain's head into the store (its family's source from the source
 * registry, run by syncChain in follow mode) and, after each committed batch, reads the batch's
 * transfers back and has the alert hub evaluate them.
 * Evaluations run one after another in block order while the sync fetches on. Transient failures
 * (the node unreachable after its retries) restart the sync from its checkpoint with backoff;
 * anything else ends the loop and rejects `done`.
 *
 * @example
 * const follower = createFollower({ store, alerts: app.chaintrail.alerts, logger, rpcUrl: 'http://127.0.0.1:8545' });
 * // … later
 * await follower.stop();
 */
export function createFollower(parameters: CreateFollowerParameters): Follower {
  const { store, alerts, logger } = parameters;
  const controller = new AbortController();
  const rpc = redactUrl(parameters.rpcUrl);
  const sources = createSourceRegistry();
  const onWarning = (message: string) => logger.warn({ rpc }, message);
  let evaluations: Promise<void> = Promise.resolve();

  const evaluateBatch = async (
    chain: string,
    fromBlock: bigint,
    toBlock: bigint,
    target: bigint,
  ) => {
    let transfers = 0;
    let fired = 0;
    try {
      // Reading the batch back costs a query; skip it while nothing on the chain is watched.
      if (await alerts.watches(chain)) {
        const batch = await store.listTransfers({ chain, fromBlock, toBlock });
        transfers = batch.length;
        fired = (await alerts.evaluate(batch)).length;
      }
    } catch (err) {
      // The batch is stored; only its alerts are lost. Say exactly which blocks were not checked.
      logger.error(
        { err, chain, fromBlock: String(fromBlock), toBlock: String(toBlock) },
        'alert evaluation of a synced batch failed',
      );
    }
    logger.debug(
      { chain, fromBlock: String(fromBlock), toBlock: String(toBlock), transfers, alerts: fired },
      'follow batch evaluated',
    );
    parameters.onBatch?.({ chain, fromBlock, toBlock, target, transfers, alerts: fired });
  };

  const run = async () => {
    let delayMs = FOLLOW_RESTART_DELAY_MS;
    while (!controller.signal.aborted) {
      try {
        // The chain picks the source: `chain`, else (an EVM node) the node's chain id. Opened at
        // each (re)start, so the node's chain is checked again after it was away.
        const source = await openChainSource(sources, parameters.chain ?? 'evm', {
          store,
          url: parameters.rpcUrl,
          options: {
            ...({ internal: parameters.internal } satisfies EvmSourceOptions),
            ...({ apiKey: parameters.apiKey } satisfies TronSourceOptions),
          },
          onRetry: (r) =>
            logger.warn(
              {
                rpc,
                method: r.method,
                attempt: r.attempt,
                delayMs: Math.round(r.delayMs),
                reason: r.reason,
              },
              'RPC retry',
            ),
          onWarning,
        });
        await syncChain({
          store,
          source,
          from: parameters.from,
          confirmations: parameters.confirmations,
          pollIntervalMs: parameters.pollIntervalMs,
          batchBlocks: parameters.batchBlocks,
          follow: true,
          signal: controller.signal,
          onWarning,
          onBatch: (p) => {
            delayMs = FOLLOW_RESTART_DELAY_MS;
            evaluations = evaluations.then(() =>
              evaluateBatch(p.chain, p.fromBlock, p.toBlock, p.target),
            );
          },
        });
        return;
      } catch (error) {
        if (!(error instanceof RetryableError) || controller.signal.aborted) throw error;
        logger.warn(
          { rpc, err: error, restartInMs: delayMs },
          'follow sync failed; restarting from its checkpoint',
        );
        await abortableDelay(delayMs, controller.signal);
        delayMs = Math.min(FOLLOW_MAX_RESTART_DELAY_MS, delayMs * 2);
      }
    }
  };

  const done = run().finally(() => evaluations);
  // `done` is for callers to await; an unobserved failure must not crash the process meanwhile.
  done.catch(() => undefined);
  return {
    async stop() {
      controller.abort();
      await done.catch(() => undefined);
    },
    done,
  };
}
