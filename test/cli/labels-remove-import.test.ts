import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// GraphSense's Ronin bridge TagPack (test/fixtures/tagpacks/PROVENANCE.md): its first address is
// Lazarus's Ronin exploiter; the pack calls it `exploiter`-category theft. A pack uploaded as public
// before uploads became private is such an import; only the operator can remove it.
const PACK = path.resolve(import.meta.dirname, '../fixtures/tagpacks/packs/ronin_bridge.yaml');
const ADDRESS = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';

const dir = makeTempDir();
afterAll(() => dir.cleanup());
const env = { CHAINTRAIL_NO_REFERENCE: '1' };

describe('chaintrail labels remove-import', () => {
  it('deletes a label import and its labels with --yes only, audited; an unknown id is exit 2', async () => {
    const db = path.join(dir.path, 'remove.duckdb');
    const imported = await runCli(['labels', 'import', 'tagpack', PACK, '--db', db, '--json'], {
      env,
    });
    expect(imported.code, imported.stderr).toBe(0);
    const imports = async () =>
      JSON.parse((await runCli(['labels', 'imports', '--json', '--db', db], { env })).stdout) as {
        id: number;
        format: string;
      }[];
    const [pack] = await imports();
    expect(pack).toMatchObject({ format: 'tagpack' });
    const labelsOf = async () =>
      JSON.parse((await runCli(['labels', 'show', ADDRESS, '--json', '--db', db], { env })).stdout);
    const before = await labelsOf();
    expect(JSON.stringify(before)).toMatch(/ronin/i);

    const dry = await runCli(['labels', 'remove-import', String(pack!.id), '--db', db], { env });
    expect(dry.code).toBe(2);
    expect(dry.stderr).toMatch(/^error \[BAD_USAGE\]: Would delete label import #\d+ tagpack/);
    expect(await labelsOf()).toEqual(before);

    const removed = await runCli(
      ['labels', 'remove-import', String(pack!.id), '--yes', '--json', '--db', db],
      { env },
    );
    expect(removed.code, removed.stderr).toBe(0);
    const { labelsRemoved } = JSON.parse(removed.stdout) as { labelsRemoved: number };
    expect(labelsRemoved).toBeGreaterThan(0);
    expect(await imports()).toEqual([]);
    expect(JSON.stringify(await labelsOf())).not.toMatch(/ronin/i);

    const store = await createDuckDbStore({ path: db });
    try {
      expect(await store.listAudit()).toEqual([
        expect.objectContaining({
          actor: 'cli',
          action: 'labels.remove-import',
          target: String(pack!.id),
          detail: expect.objectContaining({ format: 'tagpack', labelsRemoved }),
        }),
      ]);
    } finally {
      await store.close();
    }

    const again = await runCli(['labels', 'remove-import', String(pack!.id), '--yes', '--db', db], {
      env,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error \[NOT_FOUND\]: No label import #\d+/);
  });
});
