import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The prices are test data written here, not market prices.
const dir = makeTempDir();
afterAll(() => dir.cleanup());
const env = { CHAINTRAIL_NO_REFERENCE: '1' };

describe('chaintrail import prices', () => {
  it('prints what it imported (days, range, source, gaps); a bad row is exit 2 with file, line and column, and nothing stored', async () => {
    const db = path.join(dir.path, 'prices.duckdb');
    const file = path.join(dir.path, 'eth-usd-max.csv');
    fs.writeFileSync(
      file,
      [
        'snapped_at,price,market_cap,total_volume',
        '2025-02-18 00:00:00 UTC,10.5,1,1',
        '2025-02-19 00:00:00 UTC,11,1,1',
        '2025-02-25 00:00:00 UTC,12,1,1',
        '',
      ].join('\n'),
    );
    const run = await runCli(
      ['import', 'prices', file, '--chain', 'eth', '--asset', 'ETH', '--db', db],
      { env, cwd: dir.path },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^Imported 3 daily USD prices of ethereum native from eth-usd-max\.csv: 2025-02-18 to 2025-02-25\.\nSource: eth-usd-max\.csv sha256:[0-9a-f]{12} \(columns snapped_at and price\)\.\n1 gap, 5 days without a price \(a day takes the price of one up to 3 days before: transfers on 2 of them stay unpriced\):\n {2}after 2025-02-19, before 2025-02-25: 5 days missing\n$/,
    );

    const bad = path.join(dir.path, 'bad.csv');
    fs.writeFileSync(bad, 'date,usd\n2025-02-18,99\n2025-02-19,n/a\n');
    const refused = await runCli(
      ['import', 'prices', bad, '--chain', 'ethereum', '--asset', 'native', '--db', db],
      { env, cwd: dir.path },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^error \[INVALID_ROW\]: bad\.csv:3: column "usd": "n\/a" is not a price/,
    );
    const store = await createDuckDbStore({ path: db });
    try {
      expect(
        (await store.listPrices({ chain: 'ethereum', asset: 'native' })).map((p) => p.usd),
      ).toEqual([10.5, 11, 12]);
    } finally {
      await store.close();
    }
  });
});
