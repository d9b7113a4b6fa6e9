import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomAddresses } from '../../../test/helpers/random-addresses.ts';
import { syntheticTxHash } from '../../../test/helpers/screen-fixtures.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { nativeAsset } from '../../model/asset.ts';
import { getChain } from '../../model/chains.ts';
import { callPosition, type Transfer } from '../../model/transfer.ts';
import { createDuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import type { Store } from '../../store/store.ts';
import type { ChainSource, DecodedBatch, SourceBlockHeader } from './chain-sync.ts';
import { UnstableChainError } from './errors.ts';
import {
  MAX_ADAPTIVE_BATCH_BLOCKS,
  nextBatchBlocks,
  REORG_SEARCH_DEPTH,
  splitBatch,
  syncChain,
  TARGET_BATCH_TRANSFERS,
} from './sync-chain.ts';

const CHAIN = getChain('anvil');
const STREAM = 'memory-sync';
/** Block 0's parent: nothing. */
const NO_PARENT = `0x${'0'.repeat(64)}`;
/** Seeded addresses no one holds a key for (see random-addresses.ts). */
const ADDRESSES = randomAddresses('sync-chain.test', 4)
  .filter((a) => a.form === 'evm lowercase')
  .map((a) => a.address);

/** One block of the in-memory chain: its header and the one transfer it holds. */
type MemoryBlock = { header: SourceBlockHeader; transfer: Transfer };

/**
 * Blocks `from`..`to` of a branch named `name`, the first one a child of `parent`. Hashes are
 * SHA-256 of the branch and height, so two branches differ at every height.
 */
function branch(name: string, from: number, to: number, parent: string): MemoryBlock[] {
  const blocks: MemoryBlock[] = [];
  for (let n = from; n <= to; n++) {
    const hash = syntheticTxHash(`${name}:${n}`);
    const number = BigInt(n);
    blocks.push({
      header: { number, hash, parentHash: blocks.at(-1)?.header.hash ?? parent, time: 1000 + n },
      transfer: {
        chain: CHAIN.key,
        blockNumber: number,
        blockTime: 1000 + n,
        txHash: syntheticTxHash(`${name}:${n}:tx`),
        position: callPosition([]),
        from: ADDRESSES[n % ADDRESSES.length]!,
        to: ADDRESSES[(n + 1) % ADDRESSES.length]!,
        asset: 'native',
        amount: BigInt(n + 1),
        kind: 'native',
      },
    });
  }
  return blocks;
}

/** Replaces the chain's blocks from `from` on with those of a new branch, up to `to`. */
function reorganise(chain: MemoryBlock[], name: string, from: number, to: number): void {
  chain.splice(from, chain.length - from, ...branch(name, from, to, chain[from - 1]!.header.hash));
}

type MemorySourceHooks = {
  /** Called as a batch is decoded, before its rows are returned. */
  onDecode?: (from: bigint) => void;
  /** Thrown by `fetchBlocks` when it returns non-null for the batch's first block. */
  fetchFails?: (from: bigint) => Error | null;
  /** The source decodes while the batch before is written (see ChainSource.decodesAhead). */
  decodesAhead?: boolean;
};

/**
 * A chain's node held in memory, as a family's source would see it: `chain` may be rewritten
 * between calls to simulate a reorganisation. It records the order of its fetches and decodes, and
 * each decode reads the store's checkpoint to count the decodes that came before the previous
 * batch was committed.
 */
function memorySource(store: Store, chain: MemoryBlock[], hooks: MemorySourceHooks = {}) {
  const log: string[] = [];
  let decodesBeforeCommit = 0;
  let lastCommitted: bigint | null = null;
  const source: ChainSource<MemoryBlock[]> = {
    chain: CHAIN,
    stream: STREAM,
    decodesAhead: hooks.decodesAhead,
    head: async () => BigInt(chain.length - 1),
    blockHash: async (number) => chain[Number(number)]?.header.hash ?? null,
    async fetchBlocks(from, to) {
      log.push(`fetch ${from}-${to}`);
      const failure = hooks.fetchFails?.(from);
      if (failure) throw failure;
      const raw = chain.slice(Number(from), Number(to) + 1);
      return { headers: raw.map((b) => b.header), raw };
    },
    async decode(fetched) {
      const from = fetched.headers[0]!.number;
      log.push(`decode ${from}-${fetched.headers.at(-1)!.number}`);
      // Every earlier batch must be in the store: its checkpoint is the block before this batch.
      const checkpoint = await store.getCheckpoint(CHAIN.key, STREAM);
      if (checkpoint !== null && checkpoint.blockNumber !== from - 1n) decodesBeforeCommit++;
      if (lastCommitted !== null && lastCommitted < from - 1n) decodesBeforeCommit++;
      hooks.onDecode?.(from);
      return {
        blocks: fetched.raw.map((b) => ({ chain: CHAIN.key, ...b.header })),
        transfers: fetched.raw.map((b) => b.transfer),
        events: [],
        assets: [nativeAsset(CHAIN)],
      };
    },
    committed(decoded: DecodedBatch) {
      lastCommitted = decoded.blocks.at(-1)!.number;
    },
  };
  return {
    source,
    log,
    get decodesBeforeCommit() {
      return decodesBeforeCommit;
    },
  };
}

/** The store's blocks 0..`to` as [number, hash], and its transfers' hashes. */
async function stored(store: Store, to: number) {
  const numbers = Array.from({ length: to + 1 }, (_, n) => BigInt(n));
  return {
    blocks: (await store.getBlocks(CHAIN.key, numbers)).map((b) => [b.number, b.hash]),
    txHashes: (await store.listTransfers({ chain: CHAIN.key })).map((t) => t.txHash).sort(),
  };
}

/** What the store should hold after syncing all of `chain`. */
function expected(chain: MemoryBlock[]) {
  return {
    blocks: chain.map((b) => [b.header.number, b.header.hash]),
    txHashes: chain.map((b) => b.transfer.txHash).sort(),
  };
}

describe('nextBatchBlocks (adaptive batches)', () => {
  it('aims at the target transfers a batch, grows at most fourfold, shrinks at once, within bounds', () => {
    // Mainnet-sized blocks (15,000 transfers each): one block a batch.
    expect(nextBatchBlocks(50, 50 * 15_000)).toBe(1);
    // 400 transfers a block: the target's worth of blocks.
    expect(nextBatchBlocks(50, 50 * 400)).toBe(TARGET_BATCH_TRANSFERS / 400);
    expect(nextBatchBlocks(10, 10 * 1_000)).toBe(TARGET_BATCH_TRANSFERS / 1_000);
    // Near-empty blocks: fourfold growth, then the cap.
    expect(nextBatchBlocks(50, 50)).toBe(200);
    expect(nextBatchBlocks(50, 0)).toBe(200);
    expect(nextBatchBlocks(800, 800)).toBe(MAX_ADAPTIVE_BATCH_BLOCKS);
    expect(nextBatchBlocks(1, 10 * TARGET_BATCH_TRANSFERS)).toBe(1);
  });
});

describe('splitBatch (writes of a dense batch)', () => {
  it('writes a batch over the target in runs of whole blocks of at most the target each (a larger block alone), assets with the first', () => {
    const T = TARGET_BATCH_TRANSFERS;
    const headers = branch('a', 0, 4, NO_PARENT).map((b) => b.header);
    const rows = (number: bigint, n: number) =>
      Array.from({ length: n }, () => ({ blockNumber: number }) as Transfer);
    const decoded: DecodedBatch = {
      blocks: headers.map((h) => ({ chain: CHAIN.key, ...h })),
      // Per block, with its block row and one event: T - 12 transfers, 20, 5, T + 5 (more than a
      // part), 1.
      transfers: [T - 12, 20, 5, T + 5, 1].flatMap((n, i) => rows(BigInt(i), n)),
      events: headers.map((h) => ({ blockNumber: h.number }) as DecodedBatch['events'][number]),
      assets: [nativeAsset(CHAIN)],
    };
    const parts = splitBatch(decoded, headers);
    expect(parts.map((p) => p.to)).toEqual([headers[0], headers[2], headers[3], headers[4]]);
    expect(parts.map((p) => p.blocks.map((b) => b.number))).toEqual([[0n], [1n, 2n], [3n], [4n]]);
    expect(parts.map((p) => p.transfers.length)).toEqual([T - 12, 25, T + 5, 1]);
    expect(parts.map((p) => p.events.length)).toEqual([1, 2, 1, 1]);
    expect(parts.map((p) => p.assets.length)).toEqual([1, 0, 0, 0]);
    // At the target or under (blocks and events counted): the batch as it is, one write.
    const small = { ...decoded, transfers: decoded.transfers.slice(0, T - 10) };
    expect(splitBatch(small, headers)).toEqual([{ ...small, to: headers[4] }]);
  });
});

describe('syncChain with an in-memory chain', () => {
  const ctx = useTempStore();

  it('without a batch size, grows batches of small blocks toward the target, using each batch fetched ahead as it was fetched', async () => {
    const chain = branch('a', 0, 399, NO_PARENT);
    const memory = memorySource(ctx.store, chain);
    const batches: [bigint, bigint][] = [];
    await syncChain({
      store: ctx.store,
      source: memory.source,
      onBatch: (p) => batches.push([p.fromBlock, p.toBlock]),
    });
    // One transfer a block: 50 blocks (and 50 fetched ahead), then four times as many each batch.
    expect(batches).toEqual([
      [0n, 49n],
      [50n, 99n],
      [100n, 299n],
      [300n, 399n],
    ]);
    // No range was fetched twice: each fetch ahead became the next batch.
    expect(memory.log.filter((l) => l.startsWith('fetch'))).toEqual([
      'fetch 0-49',
      'fetch 50-99',
      'fetch 100-299',
      'fetch 300-399',
    ]);
    expect(await stored(ctx.store, 399)).toEqual(expected(chain));
  });

  it('commits each batch with its checkpoint, fetches one batch ahead, and decodes a batch only once the one before is committed', async () => {
    const chain = branch('a', 0, 9, NO_PARENT);
    const memory = memorySource(ctx.store, chain);
    const batches: [bigint, bigint][] = [];
    const result = await syncChain({
      store: ctx.store,
      source: memory.source,
      batchBlocks: 3,
      onBatch: (p) => batches.push([p.fromBlock, p.toBlock]),
    });
    // Each fetch ahead is started before the batch before it is decoded; each decode comes after
    // the commit of the batch before it.
    expect(memory.log).toEqual([
      'fetch 0-2',
      'fetch 3-5',
      'decode 0-2',
      'fetch 6-8',
      'decode 3-5',
      'fetch 9-9',
      'decode 6-8',
      'decode 9-9',
    ]);
    expect(memory.decodesBeforeCommit).toBe(0);
    expect(batches).toEqual([
      [0n, 2n],
      [3n, 5n],
      [6n, 8n],
      [9n, 9n],
    ]);
    expect(result).toEqual({
      chain: CHAIN.key,
      fromBlock: 0n,
      toBlock: 9n,
      blocks: 10,
      transfers: 10,
      events: 0,
      reorgs: 0,
    });
    expect(await ctx.store.getCheckpoint(CHAIN.key, STREAM)).toMatchObject({
      blockNumber: 9n,
      blockHash: chain[9]!.header.hash,
    });
    expect(await stored(ctx.store, 9)).toEqual(expected(chain));

    // New blocks: the next run starts after the checkpoint and stores each row once.
    chain.push(...branch('a', 10, 12, chain[9]!.header.hash));
    const again = await syncChain({ store: ctx.store, source: memory.source, batchBlocks: 3 });
    expect(again).toMatchObject({ fromBlock: 10n, toBlock: 12n, blocks: 3 });
    expect(await stored(ctx.store, 12)).toEqual(expected(chain));
    expect(memory.decodesBeforeCommit).toBe(0);
  });

  it('rolls back to the fork point when the node has another block at the stored tip (a branch no longer than ours)', async () => {
    const chain = branch('a', 0, 9, NO_PARENT);
    const memory = memorySource(ctx.store, chain);
    await syncChain({ store: ctx.store, source: memory.source, batchBlocks: 4 });
    const orphaned = chain.slice(7).map((b) => b.transfer.txHash);
    reorganise(chain, 'b', 7, 9);
    const warnings: string[] = [];
    const result = await syncChain({
      store: ctx.store,
      source: memory.source,
      batchBlocks: 4,
      onWarning: (m) => warnings.push(m),
    });
    expect(result).toMatchObject({ reorgs: 1, fromBlock: 7n, toBlock: 9n, blocks: 3 });
    expect(warnings).toEqual(['chain reorganisation: rolled back blocks 7-9']);
    const now = await stored(ctx.store, 9);
    expect(now).toEqual(expected(chain));
    for (const hash of orphaned) expect(now.txHashes).not.toContain(hash);
  });

  it('rolls back when a batch no longer links to the stored tip (the chain reorganised during the sync, after a batch was fetched ahead)', async () => {
    const chain = branch('a', 0, 11, NO_PARENT);
    const memory = memorySource(ctx.store, chain, {
      // While blocks 2-3 are decoded, 4-5 are already fetched: the node then replaces 3-11.
      onDecode: (from) => {
        if (from === 2n && chain[3]!.header.hash === syntheticTxHash('a:3'))
          reorganise(chain, 'b', 3, 11);
      },
    });
    const warnings: string[] = [];
    const result = await syncChain({
      store: ctx.store,
      source: memory.source,
      batchBlocks: 2,
      onWarning: (m) => warnings.push(m),
    });
    // Blocks 4-5 fetched before the reorganisation still linked to a:3 and were stored; blocks
    // 6-7 of the new branch did not link to them, so the store went back to block 2.
    expect(warnings).toEqual(['chain reorganisation: rolled back blocks 3-5']);
    expect(result).toMatchObject({ reorgs: 1, toBlock: 11n });
    expect(await stored(ctx.store, 11)).toEqual(expected(chain));
    expect(memory.decodesBeforeCommit).toBe(0);
  });

  it(`refuses a reorganisation deeper than ${REORG_SEARCH_DEPTH} blocks and changes nothing`, async () => {
    const chain = branch('a', 0, REORG_SEARCH_DEPTH + 1, NO_PARENT);
    const memory = memorySource(ctx.store, chain);
    await syncChain({ store: ctx.store, source: memory.source });
    const before = await stored(ctx.store, REORG_SEARCH_DEPTH + 1);
    const checkpoint = await ctx.store.getCheckpoint(CHAIN.key, STREAM);
    // Every block from 1 on differs: the newest REORG_SEARCH_DEPTH stored blocks all mismatch.
    reorganise(chain, 'b', 1, REORG_SEARCH_DEPTH + 1);
    await expect(syncChain({ store: ctx.store, source: memory.source })).rejects.toMatchObject({
      code: 'REORG_TOO_DEEP',
    });
    expect(await stored(ctx.store, REORG_SEARCH_DEPTH + 1)).toEqual(before);
    expect(await ctx.store.getCheckpoint(CHAIN.key, STREAM)).toEqual(checkpoint);
  });

  it('decodes a source that decodes ahead while the batch before is written, one batch ahead at most; a failure then leaves the last commit', async () => {
    const chain = branch('a', 0, 9, NO_PARENT);
    // The write of blocks 0-2 finishes only once blocks 3-5 are being decoded: without the
    // overlap this sync would wait for ever (the guard below ends it).
    let decodingNext!: () => void;
    const next = new Promise<void>((resolve) => (decodingNext = resolve));
    const behind: bigint[] = [];
    const memory = memorySource(ctx.store, chain, {
      decodesAhead: true,
      onDecode: (from) => {
        if (from === 3n) decodingNext();
        if (from === 6n) throw new Error('the node went away while blocks 6-8 were decoded');
      },
    });
    const decode = memory.source.decode.bind(memory.source);
    memory.source.decode = async (fetched) => {
      const checkpoint = await ctx.store.getCheckpoint(CHAIN.key, STREAM);
      behind.push(fetched.headers[0]!.number - 1n - (checkpoint?.blockNumber ?? -1n));
      return decode(fetched);
    };
    const store = new Proxy(ctx.store, {
      get(target, property) {
        if (property !== 'write') return Reflect.get(target, property, target);
        return async (...args: Parameters<Store['write']>) => {
          const summary = await target.write(...args);
          await Promise.race([
            next,
            new Promise((_, reject) =>
              setTimeout(
                () => reject(new Error('blocks 3-5 were not decoded during the write')),
                10_000,
              ),
            ),
          ]);
          return summary;
        };
      },
    });
    await expect(syncChain({ store, source: memory.source, batchBlocks: 3 })).rejects.toThrow(
      /the node went away/,
    );
    // Never more than the one batch being written between a decode and the stored tip.
    expect(behind.every((b) => b === 0n || b === 3n)).toBe(true);
    expect(behind).toContain(3n);
    // The batch written while 6-8 failed to decode was committed: the store ends at block 5.
    expect(await ctx.store.getCheckpoint(CHAIN.key, STREAM)).toMatchObject({ blockNumber: 5n });
    expect(await stored(ctx.store, 9)).toEqual(expected(chain.slice(0, 6)));
  });

  it('leaves the store at its last checkpoint when the source throws mid-batch, and resumes with nothing lost or doubled', async () => {
    const chain = branch('a', 0, 9, NO_PARENT);
    const failing = memorySource(ctx.store, chain, {
      onDecode: (from) => {
        if (from === 6n) throw new Error('the node went away while blocks 6-8 were decoded');
      },
    });
    await expect(
      syncChain({ store: ctx.store, source: failing.source, batchBlocks: 3 }),
    ).rejects.toThrow(/the node went away/);
    expect(await ctx.store.getCheckpoint(CHAIN.key, STREAM)).toMatchObject({
      blockNumber: 5n,
      blockHash: chain[5]!.header.hash,
    });
    expect(await stored(ctx.store, 9)).toEqual(expected(chain.slice(0, 6)));

    const resumed = await syncChain({
      store: ctx.store,
      source: memorySource(ctx.store, chain).source,
      batchBlocks: 3,
    });
    expect(resumed).toMatchObject({ fromBlock: 6n, toBlock: 9n, blocks: 4 });
    // Row for row what one uninterrupted sync stores.
    const direct = await createDuckDbStore({ path: path.join(ctx.dir, 'direct.duckdb') });
    try {
      await syncChain({ store: direct, source: memorySource(direct, chain).source });
      expect(await ctx.store.listTransfers()).toEqual(await direct.listTransfers());
      expect(await stored(ctx.store, 9)).toEqual(await stored(direct, 9));
    } finally {
      await direct.close();
    }
  });

  it('in follow mode takes an unstable chain as a warning and tries again at the next poll; a bounded sync stops with it', async () => {
    const chain = branch('a', 0, 5, NO_PARENT);
    let unstable = 1;
    const hooks: MemorySourceHooks = {
      fetchFails: (from) => (unstable-- > 0 ? new UnstableChainError(from) : null),
    };
    await expect(
      syncChain({ store: ctx.store, source: memorySource(ctx.store, chain, hooks).source }),
    ).rejects.toMatchObject({ code: 'CHAIN_UNSTABLE' });
    expect(await ctx.store.getCheckpoint(CHAIN.key, STREAM)).toBeNull();

    unstable = 1;
    const controller = new AbortController();
    const warnings: string[] = [];
    const result = await syncChain({
      store: ctx.store,
      source: memorySource(ctx.store, chain, hooks).source,
      follow: true,
      pollIntervalMs: 1,
      batchBlocks: 2,
      signal: controller.signal,
      onWarning: (m) => warnings.push(m),
      onBatch: (p) => {
        // Caught up: the node gets three more blocks, which the next polls must bring in.
        if (p.toBlock === 5n) chain.push(...branch('a', 6, 8, chain[5]!.header.hash));
        if (p.toBlock === 8n) controller.abort();
      },
    });
    expect(warnings).toEqual([
      'Blocks from 0 kept changing while they were fetched; trying again at the next poll',
    ]);
    expect(result).toMatchObject({ toBlock: 8n, blocks: 9, reorgs: 0 });
    expect(await stored(ctx.store, 8)).toEqual(expected(chain));
  });

  it('stays the given confirmations behind the head, and refuses --from above the head', async () => {
    const chain = branch('a', 0, 9, NO_PARENT);
    const { source } = memorySource(ctx.store, chain);
    await expect(syncChain({ store: ctx.store, source, from: 12n })).rejects.toMatchObject({
      code: 'FROM_ABOVE_HEAD',
      message: "--from 12 is above the node's head (9)",
    });
    const result = await syncChain({ store: ctx.store, source, confirmations: 2 });
    expect(result).toMatchObject({ fromBlock: 0n, toBlock: 7n });
    expect(await ctx.store.getCheckpoint(CHAIN.key, STREAM)).toMatchObject({ blockNumber: 7n });
  });
});
