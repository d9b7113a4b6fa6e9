import path from 'node:path';
import { createRpcClient } from '../src/chains/evm/rpc-client.ts';
import { DEFAULT_SYNC_BATCH_BLOCKS, syncEvm } from '../src/ingest/sync/sync-evm.ts';
import type { TransferKind } from '../src/model/transfer.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import { removeDb } from './duckdb-files.ts';
import { type BenchChain, startBenchChain } from './evm-chain.ts';
import { runPonder } from './ponder.ts';
import type { Benchmark, BenchmarkContext } from './types.ts';
import { envInt } from './env-int.ts';

/** The issue's targets: sync at least 0.7x the raw fetch rate, and at least 2x Ponder's events/s. */
const FETCH_TARGET = 0.7;
const PONDER_TARGET = 2;
/**
 * Empty blocks mined after the traffic: Ponder indexes blocks deeper than 30 (its finality depth
 * for chain ids it does not know, such as anvil's 31337) in its backfill and the rest block by block
 * in its live sync; with these, every Transfer is historical for it as for chaintrail.
 */
const PONDER_FINALITY_BLOCKS = 30;
/** RPC URLs (all the same anvil) for the Ponder run with its rate limit lifted. */
const PONDER_BACKENDS = 10;

const hex = (n: bigint) => `0x${n.toString(16)}`;

type FetchTiming = {
  seconds: number;
  /** Waiting for blocks and receipts, and for traces (the two overlap). */
  blocksAndReceipts: number;
  traces: number;
};

/**
 * The raw fetch rate: the JSON-RPC calls `syncEvm` makes for blocks 0..`to` into an empty database,
 * in the same order, batches and concurrency, through the same client, every result discarded:
 * `eth_chainId` (its startup probe), `eth_blockNumber`, then per batch the blocks with their
 * transactions, the block receipts and the `trace_block` traces together, after one `trace_block`
 * probe (the tracing method the sync picks on anvil).
 */
async function fetchOnly(
  url: string,
  to: bigint,
  batchBlocks: number,
  concurrency: number | undefined,
): Promise<FetchTiming> {
  const started = performance.now();
  const timing = { seconds: 0, blocksAndReceipts: 0, traces: 0 };
  const timed = async (phase: 'blocksAndReceipts' | 'traces', work: Promise<unknown>) => {
    const t = performance.now();
    await work;
    timing[phase] += (performance.now() - t) / 1000;
  };
  await createRpcClient({ url, maxRetries: 2 }).request('eth_chainId', []);
  const client = createRpcClient({ url, concurrency });
  await client.request('eth_blockNumber', []);
  await client.request('trace_block', [hex(0n)]);
  for (let next = 0n; next <= to; next += BigInt(batchBlocks)) {
    const numbers: string[] = [];
    for (let n = next; n <= to && n < next + BigInt(batchBlocks); n++) numbers.push(hex(n));
    await Promise.all([
      timed(
        'blocksAndReceipts',
        Promise.all([
          Promise.all(numbers.map((h) => client.request('eth_getBlockByNumber', [h, true]))),
          Promise.all(numbers.map((h) => client.request('eth_getBlockReceipts', [h]))),
        ]),
      ),
      timed('traces', Promise.all(numbers.map((h) => client.request('trace_block', [h])))),
    ]);
  }
  timing.seconds = (performance.now() - started) / 1000;
  return timing;
}

const rate = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString('en-US');

/**
 * Ponder indexing the chain's ERC-20 Transfer events from the same anvil, as shipped (one RPC URL)
 * and with its rate limit lifted (PONDER_BACKENDS URLs), against chaintrail's token transfers/s
 * and all transfers/s: lines for the notes, or the exact reason Ponder could not run.
 */
async function comparePonder(
  ctx: BenchmarkContext,
  chain: BenchChain,
  syncSeconds: number,
  transfers: number,
): Promise<string[]> {
  const notes: string[] = [];
  const ratios: string[][] = [];
  const variants = [
    { backends: 1, label: 'as configured by default' },
    {
      backends: PONDER_BACKENDS,
      label: `rate limit lifted (anvil given as ${PONDER_BACKENDS} RPC URLs; Ponder starts each at 20 requests/s)`,
    },
  ];
  for (const { backends, label } of variants) {
    ctx.log(`  Ponder indexing the token's Transfer events, ${label} ...`);
    const ponder = await runPonder({
      workDir: ctx.workDir,
      rpcUrl: chain.anvil.url,
      backends,
      token: chain.token,
      fromBlock: 0n,
      toBlock: chain.head,
      expectedEvents: chain.tokenTransfers,
      log: ctx.log,
    });
    if (!ponder.ok) {
      notes.push(`Ponder could not run: ${ponder.reason}`);
      break;
    }
    const ponderRate = ponder.events / ponder.seconds;
    notes.push(
      `Ponder ${ponder.version} (PGlite), ${label}: ${ponder.events} Transfer events in ${ponder.seconds.toFixed(2)} s from start to caught up (${ponder.startupSeconds.toFixed(2)} s of it starting) = ${rate(ponder.events, ponder.seconds)} events/s`,
    );
    ratios.push([
      (chain.tokenTransfers / syncSeconds / ponderRate).toFixed(2),
      (transfers / syncSeconds / ponderRate).toFixed(2),
    ]);
  }
  if (ratios.length) {
    const verdict = (i: 0 | 1) => {
      const min = Math.min(...ratios.map((r) => Number(r[i])));
      return `${ratios.map((r) => `${r[i]}x`).join(' / ')} (target ${PONDER_TARGET}x: ${min >= PONDER_TARGET ? 'met' : 'NOT met'})`;
    };
    notes.push(
      `vs Ponder (${ratios.length > 1 ? 'default / limit lifted' : 'default'}): chaintrail token transfers/s ${rate(chain.tokenTransfers, syncSeconds)} = ${verdict(0)}; all transfers/s ${rate(transfers, syncSeconds)} = ${verdict(1)}`,
    );
  }
  return notes;
}

/**
 * `chaintrail sync` (syncEvm into a fresh on-disk DuckDB) against a bare loop fetching the same
 * JSON-RPC data from the same anvil: what processing and storing cost on top of fetching. The chain
 * is built by bench/evm-chain.ts (BENCH_SYNC_BLOCKS blocks of BENCH_SYNC_TXS transactions among
 * BENCH_SYNC_ACCOUNTS accounts). Then Ponder indexes the chain's ERC-20 Transfer events from the same
 * anvil, for events/s against an established indexer (BENCH_PONDER=0 skips it).
 */
export const syncBenchmark: Benchmark = {
  id: 'sync',
  name: 'sync from an EVM node (anvil)',
  async run(ctx: BenchmarkContext) {
    const shape = {
      blocks: envInt('BENCH_SYNC_BLOCKS', 500),
      txsPerBlock: envInt('BENCH_SYNC_TXS', 20),
      accounts: envInt('BENCH_SYNC_ACCOUNTS', 50),
      emptyBlocksAfter: PONDER_FINALITY_BLOCKS,
    };
    const batchBlocks = envInt('BENCH_SYNC_BATCH', DEFAULT_SYNC_BATCH_BLOCKS);
    const concurrency = process.env.BENCH_SYNC_CONCURRENCY
      ? envInt('BENCH_SYNC_CONCURRENCY', 1)
      : undefined;
    ctx.log(
      `  populating anvil: ${shape.blocks} blocks x ${shape.txsPerBlock} txs, ${shape.accounts} accounts ...`,
    );
    const chain: BenchChain = await startBenchChain(shape, ctx.log);
    try {
      const url = chain.anvil.url;
      const blocks = Number(chain.head) + 1;
      // The raw fetch before and after the sync; the faster one is the reference.
      ctx.log(`  raw fetch of blocks 0-${chain.head} ...`);
      const fetchBefore = await fetchOnly(url, chain.head, batchBlocks, concurrency);
      ctx.log(`  syncEvm of blocks 0-${chain.head} into a fresh DuckDB ...`);
      const dbPath = path.join(ctx.workDir, 'sync.duckdb');
      removeDb(dbPath);
      const store = await createDuckDbStore({ path: dbPath });
      let syncSeconds: number;
      let result: Awaited<ReturnType<typeof syncEvm>>;
      const byKind = new Map<TransferKind, number>();
      try {
        const started = performance.now();
        result = await syncEvm({ store, rpcUrl: url, to: chain.head, batchBlocks, concurrency });
        syncSeconds = (performance.now() - started) / 1000;
        for (const a of (await store.getStats()).assets)
          byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + a.transfers);
      } finally {
        await store.close();
        removeDb(dbPath);
      }
      ctx.log(`  raw fetch again ...`);
      const fetchAfter = await fetchOnly(url, chain.head, batchBlocks, concurrency);
      const fetched = fetchBefore.seconds <= fetchAfter.seconds ? fetchBefore : fetchAfter;
      const fetchSeconds = fetched.seconds;

      // A benchmark of a sync that lost data would mean nothing: check what every transaction made.
      const expected: [TransferKind, number][] = [
        ['token', chain.tokenTransfers],
        ['native', chain.txs.eth + chain.txs.split],
        ['internal', 2 * chain.txs.split],
      ];
      for (const [kind, count] of expected)
        if (byKind.get(kind) !== count)
          throw new Error(
            `sync stored ${byKind.get(kind) ?? 0} ${kind} transfers, expected ${count}`,
          );
      if (result.blocks !== blocks)
        throw new Error(`sync stored ${result.blocks} blocks, expected ${blocks}`);
      const txCount = chain.txs.setup + chain.txs.eth + chain.txs.token + chain.txs.split;
      const notes = [
        `chain: ${blocks} blocks (${shape.blocks} of ${shape.txsPerBlock} txs, ${PONDER_FINALITY_BLOCKS} empty at the end), ${txCount.toLocaleString('en-US')} txs (${chain.txs.eth} ETH, ${chain.txs.token} token, ${chain.txs.split} splitter, ${chain.txs.setup} setup), ${shape.accounts} accounts; batch ${batchBlocks} blocks, concurrency ${concurrency ?? 'default'}`,
        `stored: ${result.transfers.toLocaleString('en-US')} transfers (${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')})`,
        `blocks/s: sync ${rate(blocks, syncSeconds)}, raw fetch ${rate(blocks, fetchSeconds)} (raw fetch runs: ${fetchBefore.seconds.toFixed(2)} s before the sync, ${fetchAfter.seconds.toFixed(2)} s after)`,
        `raw fetch time: ${fetched.blocksAndReceipts.toFixed(2)} s blocks and receipts, ${fetched.traces.toFixed(2)} s trace_block (overlapping); the sync spends ${(syncSeconds - fetchSeconds).toFixed(2)} s more than the fetch`,
      ];

      if (process.env.BENCH_PONDER === '0') notes.push('Ponder: skipped (BENCH_PONDER=0)');
      else notes.push(...(await comparePonder(ctx, chain, syncSeconds, result.transfers)));
      return {
        reference: {
          label: `raw fetch (same JSON-RPC calls, results discarded; best of 2)`,
          seconds: fetchSeconds,
        },
        subject: { label: 'chaintrail syncEvm into DuckDB', seconds: syncSeconds },
        rows: result.transfers,
        unit: 'transfers',
        target: FETCH_TARGET,
        notes,
      };
    } finally {
      await chain.anvil.stop();
    }
  },
};
