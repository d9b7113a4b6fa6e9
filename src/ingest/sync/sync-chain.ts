import { UserError } from '../../errors/base.ts';
import type { Store } from '../../store/store.ts';
import { abortableDelay } from './abortable-delay.ts';
import type { ChainSource, FetchedBlocks } from './chain-sync.ts';
import { ReorgTooDeepError, UnstableChainError } from './errors.ts';

/** Blocks fetched and committed together: one atomic write, one checkpoint. */
export const DEFAULT_SYNC_BATCH_BLOCKS = 50;
/** How often `follow` asks the node for a new head. */
export const DEFAULT_POLL_INTERVAL_MS = 1000;
/** How far back a reorganisation is followed before giving up. */
export const REORG_SEARCH_DEPTH = 128;

/** One committed batch, for progress bars, logs and the alert follower. */
export type SyncBatchProgress = {
  chain: string;
  fromBlock: bigint;
  toBlock: bigint;
  /** The newest block the sync is heading for: the node's head less the confirmations, or `to`. */
  target: bigint;
  /** Transfers stored so far by this run. */
  transfers: number;
};

export type SyncChainParameters<Raw = unknown> = {
  store: Store;
  /** The chain's node, opened by its family's factory (see `openChainSource`). */
  source: ChainSource<Raw>;
  /** First block when there is no checkpoint (default 0). */
  from?: bigint | undefined;
  /** Last block (default: the node's latest). */
  to?: bigint | undefined;
  batchBlocks?: number | undefined;
  /** Blocks to stay behind the head (default 0). */
  confirmations?: number | undefined;
  /** Keep polling for new blocks after catching up, until `signal` aborts. */
  follow?: boolean | undefined;
  /** How often to poll for new heads in follow mode. */
  pollIntervalMs?: number | undefined;
  /** Stops the sync between two batches (each batch is committed or not at all). */
  signal?: AbortSignal | undefined;
  onBatch?: ((progress: SyncBatchProgress) => void) | undefined;
  onWarning?: ((message: string) => void) | undefined;
};

export type SyncChainReturnType = {
  /** Chain reorganisations rolled back. */
  reorgs: number;
  chain: string;
  fromBlock: bigint | null;
  toBlock: bigint | null;
  blocks: number;
  transfers: number;
  events: number;
};

/**
 * Syncs a chain from its source into the store, from the checkpoint of `source.stream` (or `from`)
 * up to `to` (default: the head less `confirmations`), then with `follow` polls for new heads until
 * `signal` aborts. What a block holds is the source's business (`fetchBlocks`, `decode`); this loop
 * owns the rest:
 *
 * - each batch (its blocks, transfers, events, assets and the checkpoint) is one atomic
 *   `store.write`, so a killed sync resumes from its last checkpoint with nothing lost or doubled;
 * - the next batch is fetched while the current one is decoded and written, but `decode` runs only
 *   once the previous batch is committed, so a source may read what earlier batches stored;
 * - a reorganisation (the stored tip's hash differs from the node's, or a batch's first parent is
 *   not the stored tip) rolls the store back to the newest stored block the node still has, up to
 *   {@link REORG_SEARCH_DEPTH} blocks back ({@link ReorgTooDeepError} beyond, changing nothing);
 * - in follow mode a chain still reorganising while a batch is fetched ({@link UnstableChainError})
 *   is retried at the next poll; a bounded sync stops with it.
 *
 * @example
 * const source = await openChainSource(createSourceRegistry(), 'evm', { store, url: 'http://127.0.0.1:8545' });
 * const result = await syncChain({ store, source, confirmations: 2 });
 */
export async function syncChain<Raw>(
  parameters: SyncChainParameters<Raw>,
): Promise<SyncChainReturnType> {
  const { store, source } = parameters;
  const chain = source.chain;
  const warn = parameters.onWarning ?? (() => undefined);
  const confirmations = BigInt(parameters.confirmations ?? 0);
  /** The newest block to sync now: the head less the confirmations, never past `to`. */
  const currentTarget = async (): Promise<bigint> => {
    const head = (await source.head()) - confirmations;
    return parameters.to !== undefined && parameters.to < head ? parameters.to : head;
  };
  let target = await currentTarget();
  const checkpoint = await store.getCheckpoint(chain.key, source.stream);
  let next = checkpoint ? checkpoint.blockNumber + 1n : (parameters.from ?? 0n);
  if (
    !checkpoint &&
    parameters.from !== undefined &&
    parameters.from > target &&
    !parameters.follow
  ) {
    throw new UserError(
      `--from ${parameters.from} is above the node's head (${target + confirmations}${confirmations ? `, ${confirmations} confirmations` : ''})`,
      {
        code: 'FROM_ABOVE_HEAD',
      },
    );
  }
  // Invariant: `expectedParent` is the hash of the stored tip (block `next - 1`), null when nothing
  // is stored below `next`; every batch committed must start with a block whose parent it is.
  let expectedParent = checkpoint?.blockHash ?? null;
  const batch = BigInt(parameters.batchBlocks ?? DEFAULT_SYNC_BATCH_BLOCKS);
  const result: SyncChainReturnType = {
    chain: chain.key,
    fromBlock: next <= target ? next : null,
    toBlock: null,
    blocks: 0,
    transfers: 0,
    events: 0,
    reorgs: 0,
  };

  /**
   * The newest stored block at or below `from` that the node still has, found by comparing hashes
   * downwards. Below the first synced block nothing is stored, so the fork is taken to be there.
   */
  const findForkPoint = async (from: bigint): Promise<{ number: bigint; hash: string | null }> => {
    for (let k = from; k >= 0n && from - k < BigInt(REORG_SEARCH_DEPTH); k--) {
      const [stored] = await store.getBlocks(chain.key, [k]);
      if (!stored) return { number: k, hash: null };
      if ((await source.blockHash(k)) === stored.hash) return { number: k, hash: stored.hash };
    }
    throw new ReorgTooDeepError(from + 1n, REORG_SEARCH_DEPTH);
  };

  /** Rolls the store back to the newest block the node still has, and continues from there. */
  const rollBack = async () => {
    const fork = await findForkPoint(next - 1n);
    // The rows above the fork and the checkpoint move together: a sync killed here resumes either
    // from the old tip (and finds the same fork again) or from the fork point.
    await store.write(async (w) => {
      await w.deleteFromBlock(chain.key, fork.number + 1n);
      await w.setCheckpoint({
        chain: chain.key,
        stream: source.stream,
        blockNumber: fork.number,
        blockHash: fork.hash,
      });
    });
    parameters.onWarning?.(
      `chain reorganisation: rolled back blocks ${fork.number + 1n}-${next - 1n}`,
    );
    result.reorgs++;
    next = fork.number + 1n;
    // This run now (re)writes the blocks from the fork on: its summary starts there at the latest.
    if (result.fromBlock === null || next < result.fromBlock) result.fromBlock = next;
    expectedParent = fork.hash;
  };

  for (;;) {
    // The head may sit on a different branch at or below our tip: a reorganisation to a chain no
    // longer than ours brings no new block whose parent would reveal it, so compare the stored tip.
    if (expectedParent !== null && next - 1n <= target + confirmations) {
      if ((await source.blockHash(next - 1n)) !== expectedParent) await rollBack();
    }
    // One batch ahead: the next batch is fetched while this one is decoded and written. It is used
    // only if it starts where this one ends; if it failed, or no longer links to the stored tip
    // (fetched before a reorganisation), it is fetched again rather than trusted.
    let ahead: { from: bigint; batch: Promise<FetchedBlocks<Raw> | null> } | null = null;
    try {
      while (next <= target && !parameters.signal?.aborted) {
        const last = next + batch - 1n < target ? next + batch - 1n : target;
        const links = (f: FetchedBlocks<Raw>) =>
          expectedParent === null || f.headers[0]!.parentHash === expectedParent;
        const early = ahead !== null && ahead.from === next ? await ahead.batch : null;
        ahead = null;
        const fetched =
          early !== null && early.headers.length === Number(last - next + 1n) && links(early)
            ? early
            : await source.fetchBlocks(next, last);
        const followFrom = last + 1n;
        if (followFrom <= target) {
          const followTo = followFrom + batch - 1n < target ? followFrom + batch - 1n : target;
          ahead = {
            from: followFrom,
            batch: source.fetchBlocks(followFrom, followTo).catch(() => null),
          };
        }
        // Invariant: the first block's parent is the checkpoint block; if not, the stored tip was orphaned.
        if (!links(fetched)) {
          await rollBack();
          continue;
        }
        // Only now, with every earlier batch committed: a source may read what they stored.
        const decoded = await source.decode(fetched);
        const tip = fetched.headers[fetched.headers.length - 1]!;
        await store.write(async (w) => {
          await w.putBlocks(decoded.blocks);
          await w.appendTransfers(decoded.transfers);
          await w.appendEvents(decoded.events);
          await w.putAssets(decoded.assets);
          await w.setCheckpoint({
            chain: chain.key,
            stream: source.stream,
            blockNumber: last,
            blockHash: tip.hash,
          });
        });
        expectedParent = tip.hash;
        source.committed?.(decoded);
        result.blocks += fetched.headers.length;
        result.transfers += decoded.transfers.length;
        result.events += decoded.events.length;
        result.toBlock = last;
        parameters.onBatch?.({
          chain: chain.key,
          fromBlock: next,
          toBlock: last,
          target,
          transfers: result.transfers,
        });
        next = last + 1n;
      }
    } catch (error) {
      // While following the head, a chain that keeps reorganising during a fetch is a moment, not
      // an end: wait for the next poll and compare the stored tip again. A bounded sync stops.
      if (!(error instanceof UnstableChainError) || !parameters.follow) throw error;
      warn(`${error.shortMessage}; trying again at the next poll`);
    }
    const done = parameters.to !== undefined && next > parameters.to;
    if (!parameters.follow || done || parameters.signal?.aborted) break;
    await abortableDelay(parameters.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, parameters.signal);
    if (parameters.signal?.aborted) break;
    target = await currentTarget();
  }
  return result;
}
