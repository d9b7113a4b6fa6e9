import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import type { Label } from '../../store/store.ts';
import { importLabels } from '../import-labels.ts';
import type { LabelSource } from '../importer.ts';
import { importOfacCsv } from './ofac-csv.ts';
import { importOfacXml } from './ofac-xml.ts';

// Ten real rows of the legacy SDN.CSV of 2024-05-03 and the sdn_advanced.xml excerpt of 2025-11-19:
// test/fixtures/ofac/PROVENANCE.md.
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/ofac');
const CSV = path.join(FIXTURES, 'sdn-csv-2024-05-03-excerpt.csv');
const CSV_TEXT = fs.readFileSync(CSV, 'latin1');
const XML = path.join(FIXTURES, 'sdn_advanced_2025-11-19_excerpt.xml');

async function readAll(source: LabelSource): Promise<Label[]> {
  const out: Label[] = [];
  for await (const batch of source.batches()) out.push(...batch);
  return out;
}

const lineOfRow = (entNum: string) =>
  CSV_TEXT.split('\n').findIndex((l) => l.startsWith(`${entNum},`)) + 1;

describe('importOfacCsv', () => {
  it('labels the addresses in the Remarks, warns that Remarks are truncated, and closes nothing', async () => {
    const source = await importOfacCsv(CSV, { listDate: '2024-05-03' });
    expect(source).toMatchObject({
      format: 'ofac-csv',
      listName: 'OFAC SDN',
      listDate: '2024-05-03',
      closes: null,
    });
    const labels = await readAll(source);
    const lazarus = labels.filter((l) => l.entity === 'LAZARUS GROUP');
    expect(lazarus).toHaveLength(8);
    expect(lazarus[0]).toEqual({
      chain: 'ethereum',
      address: '0x098b716b8aaf21512996dc57eb0615e2383e2f96',
      entity: 'LAZARUS GROUP',
      category: 'sanctioned',
      source: 'https://sanctionslist.ofac.treas.gov/#profile-27307',
      confidence: 60,
      sanctionList: 'OFAC SDN',
      programs: ['DPRK3'],
      validFrom: null,
      validTo: null,
    });
    expect(labels.filter((l) => l.source.endsWith('#profile-36'))).toEqual([]);
    expect(source.warnings[0]).toMatch(
      /^SDN\.CSV truncates long Remarks .* addresses of long entries are missed/,
    );
    // The last mention of a cut remark is itself cut: skipped, with where and what.
    expect(source.warnings).toContain(
      `${path.relative(process.cwd(), CSV)}:${lineOfRow('36216')}: HYDRA MARKET: skipped XBT address "1B11Ezqg3AXj", cut short by the truncated Remarks`,
    );
    expect(labels.some((l) => l.address.startsWith('1B11Ezqg3AXj'))).toBe(false);
    expect(source.warnings.at(-1)).toMatch(
      /^3 entries with addresses have cut Remarks \(no final period\), e\.g\. LAZARUS GROUP, SUEX OTC, S\.R\.O\., HYDRA MARKET$/,
    );
    expect(labels.find((l) => l.address === 'TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq')?.chain).toBe(
      'tron',
    );
  });

  it('finds, per profile, only addresses the complete XML of 2025 also has, and fewer of them', async () => {
    const csv = await readAll(await importOfacCsv(CSV, {}));
    const xml = await readAll(await importOfacXml(XML, {}));
    const key = (l: Label) => `${l.source} ${l.chain} ${l.address}`;
    const inXml = new Set(xml.map(key));
    const shared = csv.filter((l) => xml.some((x) => x.source === l.source));
    expect(shared.length).toBeGreaterThan(30);
    expect(shared.filter((l) => !inXml.has(key(l)))).toEqual([]);
    const suexCsv = new Set(csv.filter((l) => l.source.endsWith('-33151')).map(key)).size;
    const suexXml = new Set(xml.filter((l) => l.source.endsWith('-33151')).map(key)).size;
    expect(suexCsv).toBeLessThan(suexXml);
  });

  describe('malformed files', () => {
    const ctx = useTempStore();
    const write = (name: string, text: string) => {
      const file = path.join(ctx.dir, name);
      fs.writeFileSync(file, text, 'latin1');
      return file;
    };

    it('fails on a row that is not 12 columns, or a bad quote, naming the line, importing nothing', async () => {
      const lines = CSV_TEXT.split('\r\n');
      const narrow = [...lines];
      narrow[4] = narrow[4]!.split(',').slice(0, 5).join(',');
      await expect(
        importLabels({
          store: ctx.store,
          format: 'ofac-csv',
          path: write('narrow.csv', narrow.join('\r\n')),
        }),
      ).rejects.toThrow(/narrow\.csv:5: expected 12 columns \(SDN\.CSV\), found 5/);
      const unclosed = [...lines];
      unclosed[5] = unclosed[5]!.replace(',"DOB', ',"DOB"x');
      await expect(
        importLabels({
          store: ctx.store,
          format: 'ofac-csv',
          path: write('quote.csv', unclosed.join('\r\n')),
        }),
      ).rejects.toThrow(/quote\.csv:6: malformed CSV: Invalid Closing Quote/);
      expect(await ctx.store.listLabels()).toEqual([]);
      expect(await ctx.store.listLabelImports()).toEqual([]);
    });
  });
});
