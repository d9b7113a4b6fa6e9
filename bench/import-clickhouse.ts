import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { importTransfersCsv, parseColumnMap } from '../src/ingest/transfers-csv.ts';
import { createClickHouseStore } from '../src/store/clickhouse/clickhouse-store.ts';
import {
  clickHouseUnavailable,
  startClickHouseCluster,
} from '../test/helpers/clickhouse-cluster.ts';
import { generateTransfersCsv } from '../test/helpers/generate-transfers-csv.ts';
import type { Benchmark, BenchmarkContext } from './types.ts';

const GENERATED_MAP =
  'from=from,to=to,raw_amount=amount,time=time,tx=tx,block=block,position=position';
/** The target: chaintrail's import at least half the rate of ClickHouse's own client. */
const TARGET = 0.5;

/** Runs clickhouse-client with `query`, the file on its standard input; resolves when it exits 0. */
function clickhouseClient(port: number, query: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Settings as the client's options: 18.16 takes no SETTINGS clause in an INSERT.
    const child = spawn(
      'clickhouse-client',
      ['--port', String(port), '--insert_distributed_sync', '1', '--query', query],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    // A client that stops reading (an error) closes its input: its exit code and message tell why.
    child.stdin.on('error', () => undefined);
    fs.createReadStream(file).pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`clickhouse-client exited ${code}: ${stderr}`)),
    );
  });
}

/**
 * Bulk import of the generated transfers CSV into a 2-shard ClickHouse 18.16 cluster (Debian's
 * package, started here): `chaintrail import transfers` (parse and validate every row in
 * JavaScript, streamed as TabSeparated text into scratch tables that the shards attach at the end)
 * against ClickHouse's own `clickhouse-client` inserting the same file as CSV (native protocol,
 * parsed by the server, no validation) into a Distributed table of the file's columns.
 */
export const importClickHouseBenchmark: Benchmark = {
  id: 'import-clickhouse',
  name: 'import transfers CSV into a 2-shard ClickHouse cluster',
  async run(ctx: BenchmarkContext) {
    const missing = clickHouseUnavailable();
    if (missing) throw new Error(`not run: ${missing}`);
    const csv = path.join(ctx.workDir, `transfers-${ctx.rows}.csv`);
    if (!fs.existsSync(csv)) {
      ctx.log(`  generating ${ctx.rows.toLocaleString('en-US')} rows into ${csv} ...`);
      await generateTransfersCsv(csv, ctx.rows);
    }
    const cluster = await startClickHouseCluster({ shards: 2 });
    try {
      const tcp = cluster.tcpPorts[0]!;
      const run = async (sql: string) => {
        for (const shard of cluster.shards) {
          const r = await fetch(shard, { method: 'POST', body: sql });
          if (!r.ok) throw new Error(await r.text());
        }
      };
      await run('CREATE DATABASE IF NOT EXISTS ref');
      await run(
        'CREATE TABLE ref.transfers_local (block UInt64, time UInt32, tx String, position String, from_address String, to_address String, amount String) ENGINE = MergeTree ORDER BY (tx, position)',
      );
      await run(
        `CREATE TABLE ref.transfers AS ref.transfers_local ENGINE = Distributed(${cluster.cluster}, ref, transfers_local, cityHash64(tx))`,
      );
      ctx.log('  clickhouse-client INSERT ... FORMAT CSVWithNames ...');
      const t0 = performance.now();
      await clickhouseClient(tcp, 'INSERT INTO ref.transfers FORMAT CSVWithNames', csv);
      const referenceSeconds = (performance.now() - t0) / 1000;

      ctx.log('  chaintrail import transfers --db clickhouse://… ...');
      const store = await createClickHouseStore({ location: cluster.storeUrl('chaintrail') });
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
      const t1 = performance.now();
      try {
        const result = await importTransfersCsv({
          store,
          files: [csv],
          map: parseColumnMap(GENERATED_MAP),
        });
        if (result.written !== ctx.rows)
          throw new Error(`expected ${ctx.rows} rows written, got ${result.written}`);
      } finally {
        clearInterval(sampler);
      }
      const subjectSeconds = (performance.now() - t1) / 1000;
      const stored = (await store.getStats()).chains.reduce((n, c) => n + c.transfers, 0);
      await store.close();
      if (stored !== ctx.rows) throw new Error(`expected ${ctx.rows} rows stored, got ${stored}`);
      return {
        reference: {
          label: 'clickhouse-client INSERT FORMAT CSV into a Distributed table',
          seconds: referenceSeconds,
        },
        subject: {
          label: 'chaintrail import transfers (validated) into the cluster',
          seconds: subjectSeconds,
        },
        rows: ctx.rows,
        target: TARGET,
        notes: [
          `every row read back: ${stored.toLocaleString('en-US')} transfers in the cluster (FINAL)`,
          `process RSS grew by at most ${Math.round((peak - rss0) / 2 ** 20)} MB during the import`,
        ],
      };
    } finally {
      await cluster.stop();
    }
  },
};
