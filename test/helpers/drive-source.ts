import type { ChainSource } from '../../src/ingest/sync/chain-sync.ts';
import type { Store } from '../../src/store/store.ts';

/**
 * Syncs `from..to` from a source into a store the way the generic sync loop does
 * (src/ingest/sync/: fetch a batch, decode it once earlier batches are committed, write its rows
 * and checkpoint in one transaction), without its follow mode, reorg handling or progress. A
 * test-only stand-in until the shared loop (src/ingest/sync/sync-chain.ts) can drive any family's
 * source. Returns the number of transfers decoded.
 *
 * @example
 * await driveSource(source, store, 50001n, 50002n, 1);
 */
export async function driveSource(
  source: ChainSource,
  store: Store,
  from: bigint,
  to: bigint,
  batchBlocks = 50,
): Promise<number> {
  let transfers = 0;
  for (let lo = from; lo <= to; lo += BigInt(batchBlocks)) {
    const hi = lo + BigInt(batchBlocks) - 1n < to ? lo + BigInt(batchBlocks) - 1n : to;
    const fetched = await source.fetchBlocks(lo, hi);
    const decoded = await source.decode(fetched);
    transfers += decoded.transfers.length;
    const last = fetched.headers[fetched.headers.length - 1]!;
    await store.write(async (w) => {
      await w.putBlocks(decoded.blocks);
      await w.appendTransfers(decoded.transfers);
      await w.appendEvents(decoded.events);
      await w.putAssets(decoded.assets);
      await w.setCheckpoint({
        chain: source.chain.key,
        stream: source.stream,
        blockNumber: hi,
        blockHash: last.hash,
      });
    });
  }
  return transfers;
}
