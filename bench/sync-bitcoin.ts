import path from 'node:path';
import { Block } from 'bitcoinjs-lib';
import type { BitcoinSource } from '../src/chains/bitcoin/bitcoin-source.ts';
import { createCoreRpcClient } from '../src/chains/bitcoin/core-rpc-client.ts';
import type { ChainSource } from '../src/ingest/sync/chain-sync.ts';
import { createSourceRegistry, openChainSource } from '../src/ingest/sync/registry.ts';
import { syncChain } from '../src/ingest/sync/sync-chain.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import type { Store } from '../src/store/store.ts';
import { type BenchBitcoinChain, startBenchBitcoinChain } from './bitcoin-chain.ts';
import { removeDb } from './duckdb-files.ts';
import type { Benchmark, BenchmarkContext } from './types.ts';
import { envInt } from './env-int.ts';

/** The target: a sync at least 0.7x the rate of fetching the same blocks. */
const FETCH_TARGET = 0.7;
const CHAIN = 'bitcoin-regtest';

/** `getblock` calls per JSON-RPC batch, as the sync's endpoint sends them (core-endpoint.ts). */
const GETBLOCK_BATCH_CALLS = 10;

/**
 * The bare loop: the calls the sync made for blocks 0..`to`, through the same client, with no
 * store: `getblockcount`, then per batch of the sync (`ranges`, as its adaptive batches fell) one
 * JSON-RPC batch of `getblockhash` and the blocks serialised (`getblock <hash> false`, the form
 * bcoin answers) in JSON-RPC batches of 10, all of a batch at once, each block decoded with
 * bitcoinjs-lib. Returns seconds and the transactions decoded.
 */
async function fetchOnly(
  url: string,
  ranges: readonly (readonly [number, number])[],
): Promise<{ seconds: number; transactions: number }> {
  const started = performance.now();
  const rpc = createCoreRpcClient({ url });
  await rpc.request('getblockcount', []);
  let transactions = 0;
  for (const [from, to] of ranges) {
    const heights: number[] = [];
    for (let h = from; h <= to; h++) heights.push(h);
    const hashes = await rpc.batch(heights.map((h) => ({ method: 'getblockhash', params: [h] })));
    const parts: unknown[][] = [];
    for (let i = 0; i < hashes.length; i += GETBLOCK_BATCH_CALLS)
      parts.push(hashes.slice(i, i + GETBLOCK_BATCH_CALLS));
    const blocks = await Promise.all(
      parts.map((part) =>
        rpc.batch(part.map((hash) => ({ method: 'getblock', params: [hash, false] }))),
      ),
    );
    for (const hex of blocks.flat())
      transactions += Block.fromHex(String(hex)).transactions!.length;
  }
  return { seconds: (performance.now() - started) / 1000, transactions };
}

/** Where a sync's time went: decoding (inputs valued) and writing, which overlap. */
type SyncTiming = { seconds: number; decode: number; write: number };

/** The source with its decodes timed, and the store with its writes timed. */
function timed(source: ChainSource, store: Store, timing: SyncTiming) {
  const decode = source.decode.bind(source);
  const timedSource: ChainSource = {
    ...source,
    async decode(fetched) {
      const t = performance.now();
      try {
        return await decode(fetched);
      } finally {
        timing.decode += (performance.now() - t) / 1000;
      }
    },
  };
  const timedStore = new Proxy(store, {
    get(target, property) {
      if (property !== 'write') return Reflect.get(target, property, target);
      return async (...args: Parameters<Store['write']>) => {
        const t = performance.now();
        try {
          return await target.write(...args);
        } finally {
          timing.write += (performance.now() - t) / 1000;
        }
      };
    },
  });
  return { source: timedSource, store: timedStore };
}

const rate = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString('en-US');

/**
 * One sync of blocks 0..`to` into a fresh on-disk DuckDB (batches adaptive unless `batchBlocks`),
 * timed; returns the batches' ranges too. The store is removed.
 */
async function syncOnce(
  ctx: BenchmarkContext,
  url: string,
  to: number,
  batchBlocks: number | undefined,
) {
  const dbPath = path.join(ctx.workDir, 'sync-bitcoin.duckdb');
  removeDb(dbPath);
  const store = await createDuckDbStore({ path: dbPath });
  const timing: SyncTiming = { seconds: 0, decode: 0, write: 0 };
  const ranges: [number, number][] = [];
  try {
    const started = performance.now();
    const source = (await openChainSource(createSourceRegistry(), CHAIN, {
      store,
      url,
    })) as BitcoinSource;
    const watch = timed(source, store, timing);
    const result = await syncChain({
      store: watch.store,
      source: watch.source,
      to: BigInt(to),
      batchBlocks,
      onBatch: (p) => ranges.push([Number(p.fromBlock), Number(p.toBlock)]),
    });
    timing.seconds = (performance.now() - started) / 1000;
    return { timing, result, inputs: source.inputsFrom, ranges };
  } finally {
    await store.close();
    removeDb(dbPath);
  }
}

/**
 * A Bitcoin sync (openChainSource + syncChain, as `chaintrail sync --chain bitcoin-regtest` runs
 * them, into a fresh on-disk DuckDB) against a bare loop of the same JSON-RPC calls decoding the
 * same blocks with bitcoinjs-lib, from one bcoin regtest node in a process of its own
 * (bench/bitcoin-chain.ts): what valuing inputs, making rows and storing them cost on top of
 * fetching. The chain: the node's 432 start blocks, then BENCH_BTC_BLOCKS blocks of about
 * BENCH_BTC_TXS wallet-to-wallet transactions each (test/helpers/bitcoin-activity.ts: 1-4 inputs,
 * memos, spends of earlier blocks' outputs).
 */
export const syncBitcoinBenchmark: Benchmark = {
  id: 'sync-bitcoin',
  name: 'sync from a Bitcoin node (bcoin, JSON-RPC)',
  async run(ctx: BenchmarkContext) {
    const shape = {
      blocks: envInt('BENCH_BTC_BLOCKS', 200),
      txsPerBlock: envInt('BENCH_BTC_TXS', 20),
    };
    // Adaptive batches, as `chaintrail sync` makes them, unless BENCH_BTC_BATCH fixes a size.
    const batchBlocks = process.env.BENCH_BTC_BATCH ? envInt('BENCH_BTC_BATCH', 1) : undefined;
    ctx.log(
      `  filling a bcoin node: ${shape.blocks} blocks x ${shape.txsPerBlock} txs (a few minutes) ...`,
    );
    const chain: BenchBitcoinChain = await startBenchBitcoinChain(shape, ctx.log);
    try {
      const to = chain.height;
      // Each twice, alternating, the best of each counted: the first runs also warm up the JIT.
      const bare: Awaited<ReturnType<typeof fetchOnly>>[] = [];
      const syncs: Awaited<ReturnType<typeof syncOnce>>[] = [];
      // The sync first: the bare loop fetches the ranges its batches took.
      for (let run = 1; run <= 2; run++) {
        ctx.log(`  sync of blocks 0-${to} into a fresh DuckDB (${run} of 2) ...`);
        syncs.push(await syncOnce(ctx, chain.rpcUrl, to, batchBlocks));
        ctx.log(`  bare loop over blocks 0-${to} (${run} of 2) ...`);
        bare.push(await fetchOnly(chain.rpcUrl, syncs[0]!.ranges));
      }
      const fetched = bare[0]!.seconds <= bare[1]!.seconds ? bare[0]! : bare[1]!;
      const { timing, result, inputs, ranges } =
        syncs[0]!.timing.seconds <= syncs[1]!.timing.seconds ? syncs[0]! : syncs[1]!;

      // A benchmark of a sync that lost data would mean nothing: every block and transaction of
      // the chain, and one fee row per non-coinbase transaction, one row per input and output.
      const blocks = to + 1;
      const { counts } = chain;
      if (result.blocks !== blocks)
        throw new Error(`sync stored ${result.blocks} blocks, expected ${blocks}`);
      const coinbaseOutputs =
        result.transfers - counts.inputs - counts.outputs - counts.transactions;
      if (fetched.transactions !== blocks + counts.transactions || coinbaseOutputs < blocks)
        throw new Error(
          `sync stored ${result.transfers} transfers for ${counts.transactions} transactions with ${counts.inputs} inputs and ${counts.outputs} outputs`,
        );
      return {
        reference: {
          label:
            'bare loop of the same JSON-RPC calls, blocks decoded by bitcoinjs-lib (best of 2)',
          seconds: fetched.seconds,
        },
        subject: {
          label: 'chaintrail Bitcoin sync into DuckDB (best of 2)',
          seconds: timing.seconds,
        },
        rows: result.transfers,
        unit: 'transfers',
        target: FETCH_TARGET,
        notes: [
          `chain: ${blocks} blocks (432 start blocks, ${counts.blocks} of activity), ${fetched.transactions.toLocaleString('en-US')} transactions (${blocks} coinbases, ${counts.transactions.toLocaleString('en-US')} payments: ${counts.inputs.toLocaleString('en-US')} inputs, ${counts.outputs.toLocaleString('en-US')} outputs, ${counts.multiInput} with 2-4 inputs, ${counts.opReturns} OP_RETURNs); ${batchBlocks === undefined ? 'adaptive batches' : 'batches'} of ${ranges.map(([a, b]) => b - a + 1).join(', ')} blocks`,
          `stored: ${result.transfers.toLocaleString('en-US')} transfers, ${result.events} events; inputs valued from the batch ${inputs.batch}, the batch before ${inputs.recent}, the store ${inputs.store}, the node ${inputs.node}`,
          `blocks/s: sync ${rate(blocks, timing.seconds)}, bare loop ${rate(blocks, fetched.seconds)} (runs: bare ${bare.map((b) => b.seconds.toFixed(2)).join(' and ')} s, sync ${syncs.map((x) => x.timing.seconds.toFixed(2)).join(' and ')} s)`,
          `sync time: ${timing.decode.toFixed(2)} s decoding (inputs valued), ${timing.write.toFixed(2)} s writing (a batch is decoded while the one before is written), ${timing.seconds.toFixed(2)} s in all`,
        ],
      };
    } finally {
      await chain.stop();
    }
  },
};
