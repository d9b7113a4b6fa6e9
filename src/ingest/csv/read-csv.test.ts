import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/temp-dir.ts';
import { CsvSyntaxError, MAX_RECORD_CHARS, readCsv } from './read-csv.ts';
import { readLines } from './read-lines.ts';

const dir = makeTempDir();
afterAll(() => dir.cleanup());

async function readAll(text: string, highWaterMark?: number) {
  const file = path.join(dir.path, `f${Math.random().toString(36).slice(2)}.csv`);
  fs.writeFileSync(file, text);
  const records: { fields: string[]; line: number }[] = [];
  for await (const batch of readCsv({ path: file, highWaterMark })) records.push(...batch);
  return records;
}

const TRICKY = [
  'a,b,c\n1,2,3\n',
  'a,b\r\n1,2\r\n3,4',
  'a,b\n"x,y",z\n"he said ""hi""",2\n',
  'a,b\n"multi\nline",2\n3,4\n',
  'a,b\n"",""\n,\n',
  'a,b\r\n"q"\r\n1,"2"\r\n',
  '\ufeffa,b\n1,2\n',
  'a\n\n1\n\n2\n',
];

describe('readCsv', () => {
  for (const [i, text] of TRICKY.entries()) {
    it(`matches csv-parse on tricky input #${i} with any buffer size`, async () => {
      const expected = parse(text, {
        relax_column_count: true,
        skip_empty_lines: true,
        bom: true,
      }) as string[][];
      for (const hwm of [1, 2, 3, 7, 1 << 16]) {
        const got = await readAll(text, hwm);
        expect(got.map((r) => r.fields)).toEqual(expected);
      }
    });
  }

  it('reports the line each record starts on, counting newlines inside quotes', async () => {
    const got = await readAll('h1,h2\n"a\nb",1\n\nc,2\n', 4);
    expect(got.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it('rejects an unterminated quote and a quote inside an unquoted field, naming the line', async () => {
    await expect(readAll('a,b\n1,"open\n')).rejects.toThrow(CsvSyntaxError);
    await expect(readAll('a,b\n1,2\n3,x"y\n')).rejects.toThrow(/:3: quote inside unquoted field 2/);
  });
});

describe('readCsv and readLines on a line without end', () => {
  it('refuse a record or line longer than the bound with its place, before holding it whole', async () => {
    {
      const file = path.join(dir.path, 'long.csv');
      // Found once the part held passes the bound: up to one read buffer (1 MiB at most) later.
      fs.writeFileSync(file, `a,b\n1,2\n${'x'.repeat(MAX_RECORD_CHARS + 2 * 1024 * 1024)}\n3,4\n`);
      const records = async () => {
        for await (const _ of readCsv({ path: file })) {
          // read on
        }
      };
      await expect(records()).rejects.toThrow(
        `${file}:3: a record longer than 8,388,608 characters`,
      );
      const lines = async () => {
        for await (const _ of readLines({ path: file })) {
          // read on
        }
      };
      await expect(lines()).rejects.toMatchObject({ code: 'LINE_TOO_LONG' });
      await expect(lines()).rejects.toThrow(`${file}:3: a line longer than 8,388,608 characters`);
    }
  });

  it('readLines keeps line numbers, skips blank lines and takes CRLF and a last line without end', async () => {
    {
      const file = path.join(dir.path, 'lines.json');
      fs.writeFileSync(file, '{"a":1}\r\n\n  \n{"b":2}\n{"c":3}');
      const got: { text: string; line: number }[] = [];
      for await (const batch of readLines({ path: file })) got.push(...batch);
      expect(got).toEqual([
        { text: '{"a":1}', line: 1 },
        { text: '{"b":2}', line: 4 },
        { text: '{"c":3}', line: 5 },
      ]);
    }
  });
});
