// `npm run bench`: runs each benchmark and prints it as a ratio against a reference measured in the
// same run (reference time / subject time, so 1.0x means as fast as the reference). Timings never
// belong in `npm test`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importTransfersBenchmark } from './import-transfers.ts';
import type { Benchmark } from './types.ts';

const DEFAULT_ROWS = 5_000_000;
const BENCHMARKS: Benchmark[] = [importTransfersBenchmark];

const rows = Number(process.env.BENCH_ROWS ?? DEFAULT_ROWS);
if (!Number.isSafeInteger(rows) || rows <= 0)
  throw new Error(`BENCH_ROWS must be a positive integer, got ${process.env.BENCH_ROWS}`);
const workDir = path.resolve(process.env.BENCH_DIR ?? '.bench');
fs.mkdirSync(workDir, { recursive: true });
const log = (m: string) => process.stderr.write(`${m}\n`);

log(
  `chaintrail bench: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${rows.toLocaleString('en-US')} rows`,
);
const results: string[][] = [];
for (const b of BENCHMARKS) {
  log(`running ${b.name} ...`);
  const r = await b.run({ rows, workDir, log });
  const ratio = r.reference.seconds / r.subject.seconds;
  results.push([
    b.name,
    `${r.reference.label}: ${r.reference.seconds.toFixed(2)} s`,
    `${r.subject.label}: ${r.subject.seconds.toFixed(2)} s (${Math.round(r.rows / r.subject.seconds).toLocaleString('en-US')} rows/s)`,
    `${ratio.toFixed(2)}x`,
  ]);
}
for (const [name, reference, subject, ratio] of results) {
  console.log(
    `${name}: ${ratio} of the reference\n  reference  ${reference}\n  subject    ${subject}`,
  );
}
