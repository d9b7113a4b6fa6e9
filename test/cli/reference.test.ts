import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readReferenceManifest } from '../../src/labels/reference.ts';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// These tests run the real `chaintrail` binary (built by `npm run build`, which `npm test` runs first).
const manifest = readReferenceManifest(path.resolve(import.meta.dirname, '../../data/reference'));
const NOTE =
  /^chaintrail: new database: loaded ([\d,]+) reference labels from (\d+) lists in [\d.]+ s /;
// The first address of the FBI PSA of 2025-02-26 (data/reference/fbi-psa-2025-02-26-bybit.csv).
const FBI_ADDRESS = '0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D';

const dir = makeTempDir();
afterAll(() => dir.cleanup());
const db = (name: string) => path.join(dir.path, `${name}.duckdb`);

async function labelImports(dbPath: string) {
  const store = await createDuckDbStore({ path: dbPath });
  try {
    return await store.listLabelImports();
  } finally {
    await store.close();
  }
}

describe('reference labels in a new database (CLI)', () => {
  it('loads the shipped set into a new database once, with one line on stderr', async () => {
    const first = await runCli(['stats', '--json', '--db', db('new')]);
    expect(first.code, first.stderr).toBe(0);
    const note = NOTE.exec(first.stderr);
    expect(note, first.stderr).not.toBeNull();
    expect(first.stderr.trim().split('\n')).toHaveLength(1);
    expect(Number(note![2])).toBe(manifest.files.length);
    const labels = (JSON.parse(first.stdout) as { labels: number }).labels;
    expect(labels).toBe(Number(note![1]!.replaceAll(',', '')));
    const imports = await labelImports(db('new'));
    expect(imports.map((i) => [i.format, i.sha256])).toEqual(
      manifest.files.map((f) => ['reference', f.sha256]),
    );

    const again = await runCli(['stats', '--json', '--db', db('new')]);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect((JSON.parse(again.stdout) as { labels: number }).labels).toBe(labels);
    expect(await labelImports(db('new'))).toEqual(imports);
  });

  it('shows the FBI attribution of a Bybit laundering address right away', async () => {
    const run = await runCli(['address', FBI_ADDRESS, '--json', '--db', db('address')]);
    expect(run.code, run.stderr).toBe(0);
    const { labels } = JSON.parse(run.stdout) as { labels: Record<string, unknown>[] };
    expect(labels).toContainEqual(
      expect.objectContaining({
        category: 'theft',
        actor: 'lazarus-group',
        country: 'KP',
        source: 'https://www.ic3.gov/PSA/2025/PSA250226',
        sanctionList: null,
      }),
    );
  });

  it('loads nothing with CHAINTRAIL_NO_REFERENCE=1, and loads on the next run without it', async () => {
    const skipped = await runCli(['stats', '--json', '--db', db('opt-out')], {
      env: { CHAINTRAIL_NO_REFERENCE: '1' },
    });
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toBe('');
    expect((JSON.parse(skipped.stdout) as { labels: number }).labels).toBe(0);
    expect(await labelImports(db('opt-out'))).toEqual([]);
    const later = await runCli(['stats', '--json', '--db', db('opt-out')]);
    expect(later.stderr).toMatch(NOTE);
    expect(await labelImports(db('opt-out'))).toHaveLength(manifest.files.length);
  });
});
