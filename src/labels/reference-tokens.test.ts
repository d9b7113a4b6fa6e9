import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { fileSha256, readReferenceManifest } from './reference.ts';
import { REFERENCE_TOKEN_COLUMNS, readReferenceTokenList } from './reference-tokens.ts';

// The shipped reference set (data/reference, built by `npm run build:reference`).
const REFERENCE = path.resolve(import.meta.dirname, '../../data/reference');
const manifest = readReferenceManifest(REFERENCE);
/** Most bytes the shipped token lists may take: the issue asks for a few hundred KB at most. */
const MAX_TOKEN_LIST_BYTES = 300_000;

function rowsOf(file: string): Record<(typeof REFERENCE_TOKEN_COLUMNS)[number], string>[] {
  return parse(fs.readFileSync(path.join(REFERENCE, file), 'utf8'), { columns: true });
}

describe('the shipped token list', () => {
  it('matches its manifest (sha256, rows), stays small, and names its licence and origin', () => {
    const lists = manifest.tokenLists ?? [];
    expect(lists.length).toBeGreaterThan(0);
    for (const l of lists) {
      const file = path.join(REFERENCE, l.file);
      expect(fileSha256(file), l.file).toBe(l.sha256);
      expect(rowsOf(l.file), l.file).toHaveLength(l.rows);
      expect(fs.statSync(file).size).toBeLessThan(MAX_TOKEN_LIST_BYTES);
      expect(l.licence).toMatch(/ISC|MIT|public domain/i);
      expect(l.origin.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('reads every row as the file says, addresses in their stored form, with source token-list', () => {
    const list = readReferenceTokenList(REFERENCE)!;
    const rows = (manifest.tokenLists ?? []).flatMap((l) => rowsOf(l.file));
    expect(list.size).toBe(new Set(rows.map((r) => `${r.chain}|${r.address.toLowerCase()}`)).size);
    for (const r of rows)
      expect(list.get(r.chain, r.address.toLowerCase()), r.address).toMatchObject({
        symbol: r.symbol,
        decimals: Number(r.decimals),
        source: 'token-list',
      });
  });

  it('refuses a changed file and a bad row, naming file:line', () => {
    const dir = makeTempDir();
    try {
      const l = manifest.tokenLists![0]!;
      const lines = fs.readFileSync(path.join(REFERENCE, l.file), 'utf8').split('\n');
      // Line 4: decimals beyond 255.
      lines[3] = lines[3]!.replace(/^(ethereum,0x[0-9a-fA-F]{40},[^,]+),\d+,/, '$1,300,');
      fs.writeFileSync(path.join(dir.path, l.file), lines.join('\n'));
      const writeManifest = (sha256: string) =>
        fs.writeFileSync(
          path.join(dir.path, 'manifest.json'),
          JSON.stringify({ version: 1, files: [], tokenLists: [{ ...l, sha256 }] }),
        );
      writeManifest(l.sha256);
      expect(() => readReferenceTokenList(dir.path)).toThrow(
        /sha256 [0-9a-f]{64} is not the manifest's/,
      );
      writeManifest(fileSha256(path.join(dir.path, l.file)));
      expect(() => readReferenceTokenList(dir.path)).toThrow(
        new RegExp(`${l.file}:4: decimals "300" is not 0-255`),
      );
    } finally {
      dir.cleanup();
    }
  });
});
