import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanPlainCsv } from './plain-csv.ts';
import { readCsv } from './read-csv.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaintrail-plain-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Texts and whether DuckDB's strict reader and readCsv read them alike (see isPlainCsv). */
const CASES: [string, boolean][] = [
  ['a,b\n1,2\n', true],
  ['a,b\r\n1,2\r\n', true],
  ['\ufeffa,b\n1,2', true],
  ['\ufeff"a",b\n1,2', true],
  ['a,b\n"1,5","x ""y"" z"\n', true],
  ['a,b\n"1\n2",3\n', true],
  ['a,b\n"",""\n', true],
  ['a,b\n1,"2"', true],
  ['a,b\n1,"2"\r\n3,4', true],
  ['a,b\n\n1,2\n\n', true],
  ['a,b\r\n\r\n1,2\r\n\r\n3,"4\r\n\r\n"\r\n', true],
  ['\n\na,b\n1,2', true],
  ['a,b', true],
  ['', true],
  // readCsv refuses these; DuckDB reads the first two (as `2` and `2"x`).
  ['a,b\n1, "2"\n', false],
  ['a,b\n1,2"x\n', false],
  ['a,b\n1,"2"x\n', false],
  ['a,b\n1,"2\n', false],
  // A lone carriage return ends a line for DuckDB only.
  ['a,b\r1,2\r', false],
  ['a,b\n1,2\r3,4\n', false],
  ['a,b\n"1\r",2\n', false],
];

describe('scanPlainCsv', () => {
  it.each(CASES)('%j: %s', async (text, plain) => {
    const file = path.join(dir, 'case.csv');
    fs.writeFileSync(file, text);
    const scan = scanPlainCsv(file);
    expect(scan.plain).toBe(plain);
    if (plain) {
      // As many records as readCsv reads after the header.
      let records = -1;
      for await (const batch of readCsv({ path: file })) records += batch.length;
      expect(scan.records).toBe(Math.max(0, records));
    }
    // Any byte may fall on a read's last place: every buffer size says the same.
    for (let bytes = 2; bytes <= text.length + 1; bytes++) {
      const small = scanPlainCsv(file, bytes);
      expect(small.plain).toBe(plain);
      if (plain) expect(small.records).toBe(scan.records);
    }
  });

  it('says no only where readCsv fails or splits lines DuckDB would not', async () => {
    // The refused texts that are still RFC 4180 text for readCsv: it reads them without error, but
    // not as DuckDB does (a lone carriage return is no line end for it).
    for (const [text, plain] of CASES) {
      const file = path.join(dir, 'read.csv');
      fs.writeFileSync(file, text);
      const read = async () => {
        for await (const batch of readCsv({ path: file })) void batch;
      };
      if (plain) await expect(read()).resolves.toBeUndefined();
      else if (!text.includes('\r'))
        await expect(read()).rejects.toMatchObject({ code: 'CSV_SYNTAX' });
    }
  });
});
