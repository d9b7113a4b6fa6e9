import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { importTransfersCsv, parseColumnMap } from '../src/ingest/transfers-csv.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import { generateTransfersCsv } from '../test/helpers/generate-transfers-csv.ts';
import { removeDb } from './duckdb-files.ts';
import type { Benchmark, BenchmarkContext } from './types.ts';

/** The target: chaintrail's validated import at least 0.3x DuckDB's own read_csv. */
const TARGET = 0.3;
const GENERATED_MAP =
  'from=from,to=to,raw_amount=amount,time=time,tx=tx,block=block,position=position';

/**
 * Bulk import of a generated transfers CSV through chaintrail (parse, validate every row, stage,
 * deduplicate, commit) against DuckDB's own `read_csv` of the same file into a plain table: the
 * fastest this store can take the file, with no validation at all.
 */
export const importTransfersBenchmark: Benchmark = {
  id: 'import',
  name: 'import transfers CSV',
  async run(ctx: BenchmarkContext) {
    const csv = path.join(ctx.workDir, `transfers-${ctx.rows}.csv`);
    if (!fs.existsSync(csv)) {
      ctx.log(`generating ${ctx.rows.toLocaleString('en-US')} rows into ${csv} ...`);
      await generateTransfersCsv(csv, ctx.rows);
    }
    const referenceDb = path.join(ctx.workDir, 'reference.duckdb');
    removeDb(referenceDb);
    const instance = await DuckDBInstance.create(referenceDb);
    const connection = await instance.connect();
    const t0 = performance.now();
    await connection.run(
      `CREATE TABLE transfers AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}')`,
    );
    const referenceSeconds = (performance.now() - t0) / 1000;
    connection.closeSync();
    instance.closeSync();
    removeDb(referenceDb);

    const subjectDb = path.join(ctx.workDir, 'chaintrail.duckdb');
    removeDb(subjectDb);
    const store = await createDuckDbStore({ path: subjectDb });
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const t1 = performance.now();
    let result;
    try {
      result = await importTransfersCsv({
        store,
        files: [csv],
        map: parseColumnMap(GENERATED_MAP),
      });
    } finally {
      clearInterval(sampler);
    }
    const subjectSeconds = (performance.now() - t1) / 1000;
    await store.close();
    removeDb(subjectDb);
    if (result.written !== ctx.rows)
      throw new Error(`expected ${ctx.rows} rows written, got ${result.written}`);
    return {
      reference: { label: 'DuckDB read_csv into a plain table', seconds: referenceSeconds },
      subject: { label: 'chaintrail import transfers (validated)', seconds: subjectSeconds },
      rows: ctx.rows,
      target: TARGET,
      notes: [
        `load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(', ')} after the run`,
        `peak RSS of the process during the import ${Math.round(peak / 2 ** 20)} MB (${Math.round((peak - rss0) / 2 ** 20)} MB above its start)`,
      ],
    };
  },
};
