import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createTronHttpClient } from '../src/chains/tron/tron-http-client.ts';
import {
  BLOCKS_PER_LIMIT_NEXT,
  getBlockByLimitNext,
  getNowBlock,
  getTransactionInfoByBlockNum,
} from '../src/chains/tron/wallet-api.ts';
import { createSourceRegistry, openChainSource } from '../src/ingest/sync/registry.ts';
import { syncChain } from '../src/ingest/sync/sync-chain.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import { removeDb } from './duckdb-files.ts';
import type { Benchmark, BenchmarkContext } from './types.ts';
import { envInt } from './env-int.ts';

/** The target: a sync at least 0.7x the rate of the same HTTP calls alone. */
const FETCH_TARGET = 0.7;
const CHAIN = 'tron-test';

/** The test node in a child process (bench/tron-node-process.ts), serving a generated chain. */
async function startNode(blocks: number, txsPerBlock: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'tron-node-process.ts')],
    {
      env: {
        ...process.env,
        BENCH_TRON_NODE_BLOCKS: String(blocks),
        BENCH_TRON_NODE_TXS: String(txsPerBlock),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then((code) => reject(new Error(`the Tron test node process exited (${code})`)));
  });
  const ready = JSON.parse(line) as { url: string; height: number; moves: number };
  return {
    ...ready,
    async stop() {
      child.stdin!.end();
      await exited;
    },
  };
}

/**
 * The bare loop: the calls the sync made, through the same client, with no decoding and no store:
 * `getnowblock`, then per batch of the sync (`ranges`, as its adaptive batches fell)
 * `getblockbylimitnext` of each 100 blocks, all at once, then `gettransactioninfobyblocknum` of
 * every block with transactions, all at once. Returns seconds and the transactions read.
 */
async function fetchOnly(url: string, ranges: readonly (readonly [number, number])[]) {
  const started = performance.now();
  const client = createTronHttpClient({ url });
  await getNowBlock(client);
  let transactions = 0;
  for (const [from, to] of ranges) {
    const calls = [];
    for (let start = from; start <= to; start += BLOCKS_PER_LIMIT_NEXT)
      calls.push(
        getBlockByLimitNext(
          client,
          BigInt(start),
          BigInt(Math.min(to + 1, start + BLOCKS_PER_LIMIT_NEXT)),
        ),
      );
    const blocks = (await Promise.all(calls)).flat();
    const infos = await Promise.all(
      blocks.map((b, i) =>
        (b.transactions?.length ?? 0) === 0
          ? Promise.resolve([])
          : getTransactionInfoByBlockNum(client, BigInt(from + i)),
      ),
    );
    transactions += infos.reduce((s, x) => s + x.length, 0);
  }
  return { seconds: (performance.now() - started) / 1000, transactions };
}

/** One sync of blocks 0..`to` into a fresh on-disk DuckDB, timed, with its batches' ranges. */
async function syncOnce(ctx: BenchmarkContext, url: string, to: number) {
  const dbPath = path.join(ctx.workDir, 'sync-tron.duckdb');
  removeDb(dbPath);
  const store = await createDuckDbStore({ path: dbPath });
  const ranges: [number, number][] = [];
  try {
    const started = performance.now();
    const source = await openChainSource(createSourceRegistry(), CHAIN, { store, url });
    const result = await syncChain({
      store,
      source,
      from: 0n,
      to: BigInt(to),
      onBatch: (p) => ranges.push([Number(p.fromBlock), Number(p.toBlock)]),
    });
    return { seconds: (performance.now() - started) / 1000, result, ranges };
  } finally {
    await store.close();
    removeDb(dbPath);
  }
}

/**
 * A Tron sync (openChainSource + syncChain, as `chaintrail sync --chain tron-test` runs them, into a
 * fresh on-disk DuckDB) against a bare loop of the same HTTP calls through the same client, from
 * the Tron test node in a process of its own (no real Tron node can run here). The chain:
 * BENCH_TRON_BLOCKS blocks of BENCH_TRON_TXS transactions each, 70% TRC-20 transfers, 30% TRX, each
 * with its fee.
 */
export const syncTronBenchmark: Benchmark = {
  id: 'sync-tron',
  name: 'sync from a Tron node (the Tron test node, HTTP API)',
  async run(ctx: BenchmarkContext) {
    const blocks = envInt('BENCH_TRON_BLOCKS', 2_000);
    const txsPerBlock = envInt('BENCH_TRON_TXS', 50);
    ctx.log(`  generating a Tron test chain: ${blocks} blocks x ${txsPerBlock} transactions ...`);
    const node = await startNode(blocks, txsPerBlock);
    try {
      const to = node.height;
      const bare: Awaited<ReturnType<typeof fetchOnly>>[] = [];
      const syncs: Awaited<ReturnType<typeof syncOnce>>[] = [];
      // Each twice, alternating, the best of each counted: the first runs also warm up the JIT.
      for (let run = 1; run <= 2; run++) {
        ctx.log(`  sync of blocks 0-${to} into a fresh DuckDB (${run} of 2) ...`);
        syncs.push(await syncOnce(ctx, node.url, to));
        ctx.log(`  bare loop over blocks 0-${to} (${run} of 2) ...`);
        bare.push(await fetchOnly(node.url, syncs[0]!.ranges));
      }
      const fetched = bare[0]!.seconds <= bare[1]!.seconds ? bare[0]! : bare[1]!;
      const best = syncs[0]!.seconds <= syncs[1]!.seconds ? syncs[0]! : syncs[1]!;
      // A benchmark of a sync that lost data would mean nothing: every movement of the node's record.
      if (best.result.blocks !== to + 1 || best.result.transfers !== node.moves)
        throw new Error(
          `sync stored ${best.result.blocks} blocks and ${best.result.transfers} transfers; the node has ${to + 1} and ${node.moves}`,
        );
      return {
        reference: {
          label: 'bare loop of the same HTTP calls through the same client (best of 2)',
          seconds: fetched.seconds,
        },
        subject: { label: 'chaintrail Tron sync into DuckDB (best of 2)', seconds: best.seconds },
        rows: best.result.transfers,
        unit: 'transfers',
        target: FETCH_TARGET,
        notes: [
          `chain: ${to + 1} blocks, ${fetched.transactions.toLocaleString('en-US')} transactions (70% TRC-20, 30% TRX, each with its fee); batches of ${best.ranges.map(([a, b]) => b - a + 1).join(', ')} blocks`,
          `runs: bare ${bare.map((b) => b.seconds.toFixed(2)).join(' and ')} s, sync ${syncs.map((s) => s.seconds.toFixed(2)).join(' and ')} s`,
        ],
      };
    } finally {
      await node.stop();
    }
  },
};
