import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { importTransfersCsv, parseColumnMap } from '../src/ingest/transfers-csv.ts';
import { createClickHouseStore } from '../src/store/clickhouse/clickhouse-store.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import type { Label, Store } from '../src/store/store.ts';
import {
  clickHouseUnavailable,
  startClickHouseCluster,
} from '../test/helpers/clickhouse-cluster.ts';
import { GENERATED_HEADER } from '../test/helpers/generate-transfers-csv.ts';
import { removeDb } from './duckdb-files.ts';
import type { Benchmark, BenchmarkContext } from './types.ts';

/**
 * Transfers stored. The issue's size is 10 M (`BENCH_TRACE_STORE_EDGES=10000000`); the default is
 * 2 M, so the cluster import (about 50,000 rows a second on 2 shared cores) stays near a minute.
 */
const EDGES = Number(process.env.BENCH_TRACE_STORE_EDGES ?? 2_000_000);
/** Background users per transfer, and exchange hubs (labelled: value stops there). */
const USERS_PER_EDGE = 0.05;
const HUBS = 20;
/** Of the background transfers: users paying hubs, hubs paying users; the rest user to user. */
const TO_HUB = 0.4;
const FROM_HUB = 0.4;
/** The laundering flow: a peel chain of this many hops, each peeling a tenth into an exchange. */
const PEEL_HOPS = 300;
const PEEL_SHARE = 10n;
const STOLEN = 10n ** 24n;
/** Rows per block; a block every 12 s. */
const ROWS_PER_BLOCK = 300;
const START_BLOCK = 17_000_000;
const START_TIME = 1_680_000_000;
const SECONDS_PER_BLOCK = 12;
const MAP = 'from=from,to=to,raw_amount=amount,time=time,tx=tx,block=block,position=position';

/**
 * `count` EVM addresses from `seed`: hex of SHA-256 hashes no one holds a key for (as
 * test/helpers/random-addresses.ts makes them), so no address is a real one.
 */
function evmAddresses(seed: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `0x${createHash('sha256').update(`${seed}:${i}`).digest('hex').slice(0, 40)}`,
  );
}

/** xorshift32: the same file on every run. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

type Generated = { csv: string; seed: string; hubs: string[] };

/**
 * Background traffic among users and exchange hubs, with a peel chain laid through it: the thief's
 * address pays the first hop, each hop sends nine tenths on to a fresh address and a tenth to an
 * exchange hub, one hop every few blocks. Addresses from hashes ({@link evmAddresses}); synthetic
 * transaction hashes.
 */
async function generate(ctx: BenchmarkContext): Promise<Generated> {
  const csv = path.join(ctx.workDir, `trace-store-${EDGES}.csv`);
  const users = evmAddresses('bench-users', Math.max(100, Math.floor(EDGES * USERS_PER_EDGE)));
  const hubs = evmAddresses('bench-hubs', HUBS);
  const flow = evmAddresses('bench-peel', PEEL_HOPS + 2);
  const generated = { csv, seed: flow[0]!, hubs };
  if (fs.existsSync(csv)) return generated;
  ctx.log(`  generating ${EDGES.toLocaleString('en-US')} transfers into ${csv} ...`);
  const random = createRandom(0x5eed);
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)]!;
  const out = fs.createWriteStream(csv);
  const lines: string[] = [`${GENERATED_HEADER}`];
  const blocks = Math.ceil(EDGES / ROWS_PER_BLOCK);
  // The flow's hops, spread over the middle half of the blocks.
  const hopEvery = Math.max(1, Math.floor(blocks / 2 / PEEL_HOPS));
  let held = STOLEN;
  let hop = 0;
  let row = 0;
  for (let b = 0; b < blocks && row < EDGES; b++) {
    const block = START_BLOCK + b;
    const time = START_TIME + b * SECONDS_PER_BLOCK;
    let position = 0;
    const tx = () => `0x${(block * 1000 + position).toString(16).padStart(64, '0')}`;
    const write = (from: string, to: string, amount: bigint) => {
      lines.push(`${block},${time},${tx()},${position},${from},${to},${amount}`);
      position++;
      row++;
    };
    if (b >= blocks / 4 && b % hopEvery === 0 && hop <= PEEL_HOPS) {
      const peel = held / PEEL_SHARE;
      write(flow[hop]!, flow[hop + 1]!, held - peel);
      if (hop > 0) write(flow[hop]!, pick(hubs), peel);
      held -= peel;
      hop++;
    }
    while (position < ROWS_PER_BLOCK && row < EDGES) {
      const r = random();
      const amount = BigInt(Math.floor(random() * 1e12)) * 1_000_003n;
      if (r < TO_HUB) write(pick(users), pick(hubs), amount);
      else if (r < TO_HUB + FROM_HUB) write(pick(hubs), pick(users), amount);
      else write(pick(users), pick(users), amount);
    }
    if (lines.length >= 10_000) {
      if (!out.write(`${lines.join('\n')}\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
      lines.length = 0;
    }
  }
  out.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  );
  return generated;
}

/** The hubs as exchanges, as a label list would name them. */
async function labelHubs(store: Store, hubs: readonly string[]): Promise<void> {
  const labels: Label[] = hubs.map((address, i) => ({
    chain: 'ethereum',
    address,
    entity: `Bench Exchange ${i + 1}`,
    category: 'exchange',
    source: 'bench',
    confidence: 100,
  }));
  await store.write(async (w) => {
    await w.recordLabelImport({
      format: 'bench',
      source: 'bench',
      listName: 'bench hubs',
      listDate: null,
      sha256: null,
    });
    await w.addLabels(labels);
  });
}

/** Runs the CLI; resolves with its output, wall time and peak RSS (GNU time's %M, KB). */
function traceCli(args: string[]): Promise<{ stdout: string; seconds: number; peakMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', '%M', process.execPath, path.resolve('bin/chaintrail.js'), ...args],
      { env: { ...process.env, CHAINTRAIL_NO_REFERENCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const t0 = performance.now();
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0)
        return reject(
          new Error(`chaintrail ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`),
        );
      const kb = Number(stderr.trim().split('\n').pop());
      resolve({ stdout, seconds, peakMb: kb / 1024 });
    });
  });
}

/**
 * A trace over a store of generated transfers (a peel chain through background traffic of users
 * and labelled exchange hubs): from a 2-shard ClickHouse 18.16 cluster, where the trace reads the
 * subgraph it can reach hop by hop, against the same trace from DuckDB's graph index of the whole
 * store (built once and saved, then loaded). Both through the CLI, each in its own process: wall
 * time and peak RSS; the two JSON results must be equal byte for byte.
 */
export const traceStoreBenchmark: Benchmark = {
  id: 'trace-store',
  name: 'trace over a ClickHouse cluster (subgraph) vs DuckDB (whole index)',
  async run(ctx: BenchmarkContext) {
    const missing = clickHouseUnavailable();
    if (missing) return { skipped: missing };
    const { csv, seed, hubs } = await generate(ctx);
    const db = path.join(ctx.workDir, `trace-store-${EDGES}.duckdb`);
    removeDb(db);
    ctx.log('  importing into DuckDB ...');
    const duck = await createDuckDbStore({ path: db });
    await importTransfersCsv({ store: duck, files: [csv], map: parseColumnMap(MAP) });
    await labelHubs(duck, hubs);
    await duck.close();
    const cluster = await startClickHouseCluster({ shards: 2 });
    try {
      ctx.log('  importing into the 2-shard cluster ...');
      const url = cluster.storeUrl('bench_trace');
      const ch = await createClickHouseStore({ location: url });
      await importTransfersCsv({ store: ch, files: [csv], map: parseColumnMap(MAP) });
      await labelHubs(ch, hubs);
      await ch.close();
      const args = [
        'trace',
        seed,
        '--chain',
        'ethereum',
        '--max-hops',
        String(PEEL_HOPS + 1),
        '--json',
      ];
      ctx.log('  tracing ...');
      const built = await traceCli([...args, '--db', db]);
      const loaded = await traceCli([...args, '--db', db]);
      const duckSub = await traceCli([...args, '--db', db, '--graph', 'subgraph']);
      const cluster1 = await traceCli([...args, '--db', url]);
      for (const [name, run] of [
        ['duckdb-subgraph', duckSub],
        ['clickhouse', cluster1],
      ] as const)
        if (run.stdout !== loaded.stdout) {
          const file = path.join(ctx.workDir, `trace-store-${name}.json`);
          fs.writeFileSync(file, run.stdout);
          fs.writeFileSync(path.join(ctx.workDir, 'trace-store-duckdb-index.json'), loaded.stdout);
          throw new Error(`the trace from ${name} differs from DuckDB's whole index (${file})`);
        }
      const endpoints = (JSON.parse(loaded.stdout) as { endpoints: unknown[] }).endpoints.length;
      return {
        reference: {
          label: `DuckDB, the saved whole-store index (peak RSS ${Math.round(loaded.peakMb)} MB)`,
          seconds: loaded.seconds,
        },
        subject: {
          label: `ClickHouse cluster, the subgraph read hop by hop (peak RSS ${Math.round(cluster1.peakMb)} MB)`,
          seconds: cluster1.seconds,
        },
        rows: EDGES,
        unit: 'transfers stored',
        notes: [
          `the same JSON from all three (${endpoints} endpoints of a ${PEEL_HOPS}-hop peel chain)`,
          `DuckDB building its index first: ${cluster1.seconds.toFixed(1)} s vs ${built.seconds.toFixed(1)} s, peak RSS ${Math.round(built.peakMb)} MB`,
          `DuckDB with --graph subgraph: ${duckSub.seconds.toFixed(1)} s, peak RSS ${Math.round(duckSub.peakMb)} MB`,
        ],
      };
    } finally {
      await cluster.stop();
    }
  },
};
