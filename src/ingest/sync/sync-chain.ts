import { UserError } from '../../errors/base.ts';
import type { Store } from '../../store/store.ts';
import { abortableDelay } from './abortable-delay.ts';
import type { ChainSource, DecodedBatch, FetchedBlocks, SourceBlockHeader } from './chain-sync.ts';
import { ReorgTooDeepError, UnstableChainError } from './errors.ts';

/**
 * Blocks of the first batch when the caller gives no batch size: one atomic write, one checkpoint.
 * Later batches adapt to {@link TARGET_BATCH_TRANSFERS} (see `syncChain`).
 */
export const DEFAULT_SYNC_BATCH_BLOCKS = 50;
/**
 * Transfers an adaptive batch aims at. A write has a fixed cost (scratch tables, the merge's
 * statements, the commit: 60-120 ms measured here) whatever its size, and blocks differ by four
 * orders of magnitude in transfers (regtest and 2010 Bitcoin blocks hold 1-40, a 2024 mainnet block
 * ~15,000): 50-block batches of the Bitcoin sync benchmark's small blocks spent 80% of the sync in
 * those fixed costs, while 50 mainnet blocks make a 750,000-row write. 20,000 keeps a batch within
 * the store's small-write memory path (SMALL_WRITE_ROWS) and its fixed cost under a third of it.
 */
export const TARGET_BATCH_TRANSFERS = 20_000;
/** Most blocks an adaptive batch spans (the blocks of a batch are fetched at once). */
export const MAX_ADAPTIVE_BATCH_BLOCKS = 1_000;
/** Most an adaptive batch grows over the one before (it shrinks at once). */
const BATCH_GROWTH = 4;
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
  /**
   * Blocks per batch, fixed. Without it, batches adapt: the first has
   * {@link DEFAULT_SYNC_BATCH_BLOCKS}, each next one as many as should give about
   * {@link TARGET_BATCH_TRANSFERS} transfers at the last batch's rate (at most
   * {@link BATCH_GROWTH} times the last, at most {@link MAX_ADAPTIVE_BATCH_BLOCKS}).
   */
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

/**
 * The size of an adaptive batch after one of `blocks` blocks that held `transfers` rows (transfers,
 * and the blocks and events a write counts too): as many blocks as should hold
 * {@link TARGET_BATCH_TRANSFERS} at that rate, at least 1, at most
 * {@link BATCH_GROWTH} times `blocks` and {@link MAX_ADAPTIVE_BATCH_BLOCKS}.
 *
 * @example
 * nextBatchBlocks(50, 750_000); // 1: fifty mainnet blocks were far too many
 * nextBatchBlocks(50, 50); // 200: grows four times at most
 */
export function nextBatchBlocks(blocks: number, transfers: number): number {
  const wanted =
    transfers === 0
      ? blocks * BATCH_GROWTH
      : Math.floor((blocks * TARGET_BATCH_TRANSFERS) / transfers);
  return Math.max(1, Math.min(wanted, blocks * BATCH_GROWTH, MAX_ADAPTIVE_BATCH_BLOCKS));
}

/** One atomic write of a decoded batch: its blocks `from`..`to` (see {@link splitBatch}). */
export type BatchPart = DecodedBatch & { to: SourceBlockHeader };

/**
 * A decoded batch as the writes it is stored in: one, or, when it holds more than
 * {@link TARGET_BATCH_TRANSFERS} rows (blocks, transfers and events, as the store counts a small
 * write), consecutive runs of whole blocks of at most that many each (a larger block alone; a
 * block is never split; assets go with the first). An adaptive batch is sized from the
 * batch two before it (the next one is fetched while this one is decoded), so a batch can hold far
 * more than the target where blocks grow dense: 40,000 and 80,000 transfers in the Bitcoin sync
 * benchmark at 100 transactions a block, whose writes then left the store's small-write path
 * (SMALL_WRITE_ROWS) for its bulk one; lowering its memory limit for the merge alone took 2.2 s.
 * Each part is a write with its own checkpoint, so a sync killed between two resumes after the
 * first.
 *
 * @example
 * splitBatch(decoded, fetched.headers); // [decoded with to: the last header] when small
 */
export function splitBatch(
  decoded: DecodedBatch,
  headers: readonly SourceBlockHeader[],
): BatchPart[] {
  const last = headers[headers.length - 1]!;
  // Rows as the store counts them for its small-write path: the blocks, transfers and events.
  const total = decoded.blocks.length + decoded.transfers.length + decoded.events.length;
  if (total <= TARGET_BATCH_TRANSFERS) return [{ ...decoded, to: last }];
  const perBlock = new Map<bigint, number>();
  for (const row of [
    ...decoded.blocks.map((b) => b.number),
    ...decoded.transfers.map((t) => t.blockNumber),
    ...decoded.events.map((e) => e.blockNumber),
  ])
    perBlock.set(row, (perBlock.get(row) ?? 0) + 1);
  // The last header of each part, in order.
  const ends: SourceBlockHeader[] = [];
  let rows = 0;
  for (const [i, h] of headers.entries()) {
    const n = perBlock.get(h.number) ?? 0;
    if (rows > 0 && rows + n > TARGET_BATCH_TRANSFERS) {
      ends.push(headers[i - 1]!);
      rows = 0;
    }
    rows += n;
  }
  ends.push(last);
  let from = headers[0]!.number;
  return ends.map((to, k) => {
    const lo = from;
    const within = (n: bigint) => n >= lo && n <= to.number;
    from = to.number + 1n;
    return {
      blocks: decoded.blocks.filter((b) => within(b.number)),
      transfers: decoded.transfers.filter((t) => within(t.blockNumber)),
      events: decoded.events.filter((e) => within(e.blockNumber)),
      assets: k === 0 ? decoded.assets : [],
      to,
    };
  });
}

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
 *   `store.write` (a batch of more than {@link TARGET_BATCH_TRANSFERS} transfers a few, each of
 *   whole blocks with its own checkpoint: {@link splitBatch}), so a killed sync resumes from its
 *   last checkpoint with nothing lost or doubled;
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
  const adaptive = parameters.batchBlocks === undefined;
  let batch = BigInt(parameters.batchBlocks ?? DEFAULT_SYNC_BATCH_BLOCKS);
  const adapt = (blocks: number, transfers: number) => {
    if (adaptive) batch = BigInt(nextBatchBlocks(blocks, transfers));
  };
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
    // only if it starts where this one ends (its range is then this batch's: an adaptive size
    // changed since it was asked for applies to the batch after); if it failed, or no longer links
    // to the stored tip (fetched before a reorganisation), it is fetched again rather than trusted.
    let ahead: { from: bigint; to: bigint; batch: Promise<FetchedBlocks<Raw> | null> } | null =
      null;
    /**
     * The write of the batch decoded last, with what follows its commit. A source that decodes
     * ahead is decoded while it runs; writes never overlap each other, and every exit waits for it.
     */
    let writing: Promise<void> | null = null;
    /** Waits for the write under way, if any; throws its error. */
    const settle = async () => {
      const w = writing;
      writing = null;
      if (w) await w;
    };
    try {
      while (next <= target && !parameters.signal?.aborted) {
        const last: bigint =
          ahead !== null && ahead.from === next && ahead.to <= target
            ? ahead.to
            : next + batch - 1n < target
              ? next + batch - 1n
              : target;
        const links = (f: FetchedBlocks<Raw>) =>
          expectedParent === null || f.headers[0]!.parentHash === expectedParent;
        const early = ahead !== null && ahead.from === next ? await ahead.batch : null;
        ahead = null;
        const fetched =
          early !== null && early.headers.length === Number(last - next + 1n) && links(early)
            ? early
            : await source.fetchBlocks(next, last);
        const followFrom: bigint = last + 1n;
        if (followFrom <= target) {
          const followTo = followFrom + batch - 1n < target ? followFrom + batch - 1n : target;
          ahead = {
            from: followFrom,
            to: followTo,
            batch: source.fetchBlocks(followFrom, followTo).catch(() => null),
          };
        }
        // Invariant: the first block's parent is the checkpoint block; if not, the stored tip was orphaned.
        if (!links(fetched)) {
          await settle();
          await rollBack();
          continue;
        }
        // Only now, with every earlier batch committed (but the one before, for a source that
        // decodes ahead): a source may read what they stored.
        if (!source.decodesAhead) await settle();
        let decoded: DecodedBatch;
        try {
          decoded = await source.decode(fetched);
        } catch (error) {
          await settle(); // the write's own error, if it failed too, came first
          throw error;
        }
        await settle();
        const tip = fetched.headers[fetched.headers.length - 1]!;
        // The next batch must link to this one, committed or being committed.
        expectedParent = tip.hash;
        // Rows as the store counts a write (blocks and events too): sized on transfers alone, a
        // batch of 200 blocks of 100 transfers each held 20,200 rows and was written as two parts,
        // the second of 2 blocks, its fixed cost for nothing.
        adapt(
          fetched.headers.length,
          decoded.transfers.length + decoded.blocks.length + decoded.events.length,
        );
        const fromBlock = next;
        writing = (async () => {
          for (const part of splitBatch(decoded, fetched.headers)) {
            await store.write(async (w) => {
              await w.putBlocks(part.blocks);
              await w.appendTransfers(part.transfers);
              await w.appendEvents(part.events);
              await w.putAssets(part.assets);
              await w.setCheckpoint({
                chain: chain.key,
                stream: source.stream,
                blockNumber: part.to.number,
                blockHash: part.to.hash,
              });
            });
          }
          source.committed?.(decoded);
          result.blocks += fetched.headers.length;
          result.transfers += decoded.transfers.length;
          result.events += decoded.events.length;
          result.toBlock = last;
          parameters.onBatch?.({
            chain: chain.key,
            fromBlock,
            toBlock: last,
            target,
            transfers: result.transfers,
          });
        })();
        // Its failure is thrown where it is awaited (settle), not reported as unhandled meanwhile.
        writing.catch(() => undefined);
        next = last + 1n;
      }
      await settle();
    } catch (error) {
      await settle();
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
