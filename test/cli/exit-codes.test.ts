import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_TEMPORARY, EXIT_USAGE } from '../../src/cli/exit-codes.ts';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const dir = makeTempDir();
afterAll(() => dir.cleanup());

describe('CLI exit codes and error lines', () => {
  it('exits 75 (temporary) with error [STORE_LOCKED] while another process holds the database, and 0 once it is free', async () => {
    const db = path.join(dir.path, 'held.duckdb');
    const holder = await createDuckDbStore({ path: db });
    let run;
    try {
      run = await runCli(['stats', '--json', '--db', db], {
        env: { CHAINTRAIL_NO_REFERENCE: '1' },
      });
    } finally {
      await holder.close();
    }
    expect(run.code).toBe(EXIT_TEMPORARY);
    expect(run.stderr).toMatch(/^error \[STORE_LOCKED\]: Database .* is in use by another process/);
    expect(run.stderr).toMatch(/temporary: try again later/);
    const free = await runCli(['stats', '--json', '--db', db]);
    expect(free.code).toBe(0);
  });

  it('names the code of a bad input and exits 2', async () => {
    const run = await runCli([
      'screen',
      '--as-of',
      '2025-13-45',
      '0x098B716B8Aaf21512996dC57EB0615e2383E2f96',
      '--db',
      path.join(dir.path, 'x.duckdb'),
    ]);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toMatch(/^error \[BAD_DATE\]: Invalid date "2025-13-45"/m);
  });
});
