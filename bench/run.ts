// `npm run bench`: runs each benchmark and prints it as a ratio against a reference measured in the
// same run (reference time / subject time, so 1.0x means as fast as the reference). Timings never
// belong in `npm test`. `BENCH_ONLY=sync` (ids, comma-separated) runs only those benchmarks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiBenchmark } from './api.ts';
import { apiServersBenchmark } from './api-servers.ts';
import { clusterBenchmark } from './cluster.ts';
import { importClickHouseBenchmark } from './import-clickhouse.ts';
import { importTransfersBenchmark } from './import-transfers.ts';
import { inferDepositsBenchmark } from './infer-deposits.ts';
import { reportBenchmark } from './report.ts';
import { screenBenchmark } from './screen.ts';
import { syncBenchmark } from './sync.ts';
import { syncBitcoinBenchmark } from './sync-bitcoin.ts';
import { syncTronBenchmark } from './sync-tron.ts';
import { traceBenchmark } from './trace.ts';
import { traceStoreBenchmark } from './trace-store.ts';
import { uiCaseBenchmark } from './ui-case.ts';
import { uiGraphBenchmark } from './ui-graph.ts';
import type { Benchmark } from './types.ts';

const DEFAULT_ROWS = 5_000_000;
const BENCHMARKS: Benchmark[] = [
  importTransfersBenchmark,
  importClickHouseBenchmark,
  syncBenchmark,
  syncBitcoinBenchmark,
  syncTronBenchmark,
  screenBenchmark,
  traceBenchmark,
  traceStoreBenchmark,
  inferDepositsBenchmark,
  clusterBenchmark,
  apiBenchmark,
  apiServersBenchmark,
  uiGraphBenchmark,
  uiCaseBenchmark,
  reportBenchmark,
];

const rows = Number(process.env.BENCH_ROWS ?? DEFAULT_ROWS);
if (!Number.isSafeInteger(rows) || rows <= 0)
  throw new Error(`BENCH_ROWS must be a positive integer, got ${process.env.BENCH_ROWS}`);
const only = process.env.BENCH_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = only?.filter((id) => !BENCHMARKS.some((b) => b.id === id)) ?? [];
if (unknown.length)
  throw new Error(
    `BENCH_ONLY names no benchmark: ${unknown.join(', ')} (known: ${BENCHMARKS.map((b) => b.id).join(', ')})`,
  );
const selected = only?.length ? BENCHMARKS.filter((b) => only.includes(b.id)) : BENCHMARKS;
const workDir = path.resolve(process.env.BENCH_DIR ?? '.bench');
fs.mkdirSync(workDir, { recursive: true });
const log = (m: string) => process.stderr.write(`${m}\n`);

log(
  `chaintrail bench: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${rows.toLocaleString('en-US')} rows (BENCH_ROWS)`,
);
const results: string[] = [];
for (const b of selected) {
  log(`running ${b.id}: ${b.name} ...`);
  const r = await b.run({ rows, workDir, log });
  // A benchmark that cannot run here says why instead of printing numbers it did not measure.
  if ('skipped' in r) {
    results.push(`${b.name}: skipped (${r.skipped})`);
    continue;
  }
  const ratio = r.reference.seconds / r.subject.seconds;
  const verdict =
    r.target === undefined
      ? ''
      : ` (target ${r.target}x: ${ratio >= r.target ? 'met' : 'NOT met'})`;
  results.push(
    [
      `${b.name}: ${ratio.toFixed(2)}x of the reference${verdict}`,
      `  reference  ${r.reference.label}: ${r.reference.seconds.toFixed(2)} s`,
      `  subject    ${r.subject.label}: ${r.subject.seconds.toFixed(2)} s (${Math.round(r.rows / r.subject.seconds).toLocaleString('en-US')} ${r.unit ?? 'rows'}/s)`,
      ...(r.notes ?? []).map((n) => `  ${n}`),
    ].join('\n'),
  );
}
console.log(results.join('\n'));
