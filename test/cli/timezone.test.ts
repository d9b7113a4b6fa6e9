import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// Times are UTC whatever the machine's zone: DuckDB turned Unix seconds into the machine's local
// time when it stored them (to_timestamp(...)::TIMESTAMP), so a machine in Tokyo stored every
// block 9 hours off.
const ETL = path.resolve(import.meta.dirname, '../fixtures/ethereum-etl');
const ENV = { CHAINTRAIL_NO_REFERENCE: '1' };
const dir = makeTempDir();
afterAll(() => dir.cleanup());

describe('time zones', () => {
  it('stores block times alike on a machine in UTC and one in Asia/Tokyo (real ethereum-etl blocks)', async () => {
    const answers: string[] = [];
    for (const tz of ['UTC', 'Asia/Tokyo']) {
      const db = path.join(dir.path, `${tz.replace('/', '-')}.duckdb`);
      const env = { ...ENV, TZ: tz };
      const imported = await runCli(['import', 'etl', ETL, '--db', db], { env });
      expect(imported.code, imported.stderr).toBe(0);
      const stats = await runCli(['stats', '--json', '--db', db], { env });
      expect(stats.code, stats.stderr).toBe(0);
      answers.push(stats.stdout);
    }
    expect(answers[1]).toBe(answers[0]);
  });
});
