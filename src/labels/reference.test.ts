import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { normalizeAddress } from '../model/address.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import {
  fileSha256,
  loadReferenceLabels,
  REFERENCE_COLUMNS,
  REFERENCE_FORMAT,
  readReferenceManifest,
} from './reference.ts';

// The shipped reference set (data/reference, built by `npm run build:reference`).
const REFERENCE = path.resolve(import.meta.dirname, '../../data/reference');
const manifest = readReferenceManifest(REFERENCE);

/** Rows of a shipped file, read independently of the loader. */
function rowsOf(file: string): Record<(typeof REFERENCE_COLUMNS)[number], string>[] {
  return parse(fs.readFileSync(path.join(REFERENCE, file), 'utf8'), { columns: true });
}

function entry(prefix: string) {
  const found = manifest.files.find((f) => f.file.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix}* file in the manifest`);
  return found;
}

describe('the shipped reference set', () => {
  it("matches its manifest: each file's sha256 and row count", () => {
    expect(manifest.files.length).toBeGreaterThanOrEqual(7);
    for (const f of manifest.files) {
      expect(fileSha256(path.join(REFERENCE, f.file)), f.file).toBe(f.sha256);
      expect(rowsOf(f.file), f.file).toHaveLength(f.rows);
      expect(f.rows, f.file).toBeLessThanOrEqual(f.sourceRows);
    }
  });
});

describe('loadReferenceLabels', () => {
  const ctx = useTempStore();

  it('loads every file in one write each (written + duplicates = rows), recorded with list name, date and sha256; a second load adds nothing', async () => {
    const first = await loadReferenceLabels({ store: ctx.store, dir: REFERENCE });
    expect(first.loaded).toBe(manifest.files.length);
    for (const f of manifest.files) {
      const loaded = first.files.find((x) => x.file === f.file)!;
      expect(loaded.loaded, f.file).toBe(true);
      expect(loaded.labelsWritten + loaded.labelsDuplicate, f.file).toBe(f.rows);
    }
    const imports = await ctx.store.listLabelImports();
    expect(
      imports.map(({ format, listName, listDate, sha256, labels }) => ({
        format,
        listName,
        listDate,
        sha256,
        labels,
      })),
    ).toEqual(
      manifest.files.map((f) => ({
        format: REFERENCE_FORMAT,
        listName: f.name,
        listDate: f.listDate,
        sha256: f.sha256,
        labels: first.files.find((x) => x.file === f.file)!.labelsWritten,
      })),
    );
    const labels = (await ctx.store.getStats()).labels;
    expect(labels).toBe(first.labelsWritten);

    const second = await loadReferenceLabels({ store: ctx.store, dir: REFERENCE });
    expect(second.loaded).toBe(0);
    expect(second.labelsWritten).toBe(0);
    expect((await ctx.store.getStats()).labels).toBe(labels);
    expect(await ctx.store.listLabelImports()).toEqual(imports);
  });

  it("has the FBI PSA's Bybit addresses as theft by lazarus-group (KP), not as sanctions", async () => {
    await loadReferenceLabels({ store: ctx.store, dir: REFERENCE });
    const fbi = entry('fbi-psa');
    const rows = rowsOf(fbi.file);
    expect(rows).toHaveLength(51);
    for (const row of rows) {
      const labels = await ctx.store.getLabels(
        'ethereum',
        normalizeAddress('ethereum', row.address),
      );
      const label = labels.find((l) => l.source === 'https://www.ic3.gov/PSA/2025/PSA250226');
      expect(label, row.address).toMatchObject({
        category: 'theft',
        actor: 'lazarus-group',
        country: 'KP',
        entity: 'TraderTraitor',
        sanctionList: null,
      });
    }
  });

  it('has every address of the shipped OFAC file under sanctions list OFAC SDN with its entity and programs', async () => {
    const result = await loadReferenceLabels({ store: ctx.store, dir: REFERENCE });
    const ofac = entry('ofac-sdn');
    const expected = new Set(
      rowsOf(ofac.file).map(
        (r) =>
          `${r.chain}|${normalizeAddress(r.chain, r.address)}|${r.entity}|${r.programs}|${r.sanction_list}`,
      ),
    );
    const stored = await ctx.store.listLabels({ sanctionList: 'OFAC SDN' });
    expect(
      new Set(
        stored.map(
          (l) => `${l.chain}|${l.address}|${l.entity}|${l.programs!.join(';')}|${l.sanctionList}`,
        ),
      ),
    ).toEqual(expected);
    expect(stored).toHaveLength(result.files.find((f) => f.file === ofac.file)!.labelsWritten);
    for (const l of stored) expect(l.category).toBe('sanctioned');
    // Base58 addresses keep their case (a lowercased one would not even be valid).
    expect(stored.some((l) => l.chain === 'bitcoin' && /[A-Z]/.test(l.address))).toBe(true);
  });

  it('refuses a file whose bytes differ from the manifest, and one with a bad row (file:line), writing nothing of it', async () => {
    const dir = path.join(ctx.dir, 'reference');
    fs.mkdirSync(dir);
    const fbi = entry('fbi-psa');
    const text = fs.readFileSync(path.join(REFERENCE, fbi.file), 'utf8');
    const lines = text.split('\n');
    // Line 3: the second address loses its last character.
    lines[2] = lines[2]!.replace(/^(ethereum,0x[0-9a-fA-F]{39})[0-9a-fA-F]/, '$1');
    const bad = lines.join('\n');
    fs.writeFileSync(path.join(dir, fbi.file), bad);
    const writeManifest = (sha256: string) =>
      fs.writeFileSync(
        path.join(dir, 'manifest.json'),
        JSON.stringify({ version: 1, files: [{ ...fbi, sha256 }] }),
      );
    writeManifest(fbi.sha256);
    await expect(loadReferenceLabels({ store: ctx.store, dir })).rejects.toThrow(
      /fbi-psa-2025-02-26-bybit\.csv: sha256 [0-9a-f]{64} is not the manifest's/,
    );
    writeManifest(fileSha256(path.join(dir, fbi.file)));
    await expect(loadReferenceLabels({ store: ctx.store, dir })).rejects.toThrow(
      /fbi-psa-2025-02-26-bybit\.csv:3: Invalid ethereum address .*expected 0x followed by 40 hex/,
    );
    expect(await ctx.store.listLabels()).toEqual([]);
    expect(await ctx.store.listLabelImports()).toEqual([]);
  });
});
