import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import type { Label } from '../../store/store.ts';
import { importLabels } from '../import-labels.ts';
import type { LabelSource } from '../importer.ts';
import { importOfacXml } from './ofac-xml.ts';

// A 12-profile excerpt of OFAC's sdn_advanced.xml of 2025-11-19 (see test/fixtures/ofac/PROVENANCE.md).
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/ofac');
const XML = path.join(FIXTURES, 'sdn_advanced_2025-11-19_excerpt.xml');
const XML_TEXT = fs.readFileSync(XML, 'utf8');

async function readAll(source: LabelSource): Promise<Label[]> {
  const out: Label[] = [];
  for await (const batch of source.batches()) out.push(...batch);
  return out;
}

/** Address features counted with regexes, independently of the importer's SAX pass. */
function countAddressFeatures(xml: string): number {
  const types = new Set(
    [...xml.matchAll(/<FeatureType ID="(\d+)"[^>]*>Digital Currency Address - /g)].map((m) => m[1]),
  );
  return [...xml.matchAll(/<Feature ID="\d+" FeatureTypeID="(\d+)">/g)].filter((m) =>
    types.has(m[1]),
  ).length;
}

/** Line (1-based) of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

const byEntity = (labels: Label[], entity: string) => labels.filter((l) => l.entity === entity);

describe('importOfacXml', () => {
  it('reads every digital-currency address with its chain, primary name, programs and the list date', async () => {
    const source = await importOfacXml(XML, {});
    expect(source).toMatchObject({
      format: 'ofac-xml',
      listName: 'OFAC SDN',
      listDate: '2025-11-19',
      closes: 'OFAC SDN',
    });
    const labels = await readAll(source);
    expect(labels).toHaveLength(countAddressFeatures(XML_TEXT));
    expect(labels.length).toBeGreaterThan(100);

    const lazarus = byEntity(labels, 'Lazarus Group');
    expect(lazarus).toHaveLength(8);
    expect(lazarus[0]).toEqual({
      chain: 'ethereum',
      address: '0x098b716b8aaf21512996dc57eb0615e2383e2f96', // listed as 0x098B716B8Aaf…
      entity: 'Lazarus Group',
      category: 'sanctioned',
      source: 'https://sanctionslist.ofac.treas.gov/#profile-27307',
      confidence: 60,
      sanctionList: 'OFAC SDN',
      programs: ['DPRK3'],
      validFrom: null,
      validTo: null,
    });
    // One EVM address listed as ETH, ARB and BSC is labelled on each chain.
    expect(
      byEntity(labels, 'Sim Hyon Sop')
        .map((l) => `${l.chain} ${l.address}`)
        .sort(),
    ).toEqual([
      'arbitrum 0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c',
      'bsc 0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c',
      'ethereum 0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c',
    ]);
    // Case kept where the chain is case-sensitive; USDT on a Bitcoin address is Omni, on Bitcoin.
    const suex = byEntity(labels, 'SUEX OTC, S.R.O.');
    expect(
      suex.filter((l) => l.address === '1LrxsRd7zNuxPJcL5rttnoeJFy1y4AffYY').map((l) => l.chain),
    ).toEqual(['bitcoin', 'bitcoin']); // as XBT and as USDT
    expect(suex.some((l) => l.chain === 'ethereum')).toBe(true);
    expect(byEntity(labels, 'SOUTHFRONT')[0]!.programs).toEqual([
      'CYBER2',
      'ELECTION-EO13848',
      'NPWMD',
    ]);
    expect(byEntity(labels, 'SOUTHFRONT').some((l) => l.address.startsWith('bc1q'))).toBe(true);
    // Chains without a codec keep the address as given.
    const karasavidi = byEntity(labels, 'KARASAVIDI Dmitrii');
    expect(new Set(karasavidi.map((l) => l.chain))).toEqual(
      new Set([
        'bitcoin',
        'ethereum',
        'litecoin',
        'monero',
        'ethereum-classic',
        'zcash',
        'dash',
        'bitcoin-gold',
      ]),
    );
    expect(karasavidi).toContainEqual(
      expect.objectContaining({
        chain: 'monero',
        address: '5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320',
      }),
    );
    expect(byEntity(labels, 'Sokolovski Rolan').map((l) => l.chain)).toEqual(
      expect.arrayContaining(['bnb-beacon', 'solana', 'tron']),
    );
    expect(labels.some((l) => l.source.endsWith('#profile-36'))).toBe(false);
    // The Tron address OFAC lists as XBT goes on Tron, with a warning naming it.
    expect(byEntity(labels, 'Wang Mingming')).toContainEqual(
      expect.objectContaining({ chain: 'tron', address: 'TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq' }),
    );
    expect(source.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `excerpt\\.xml:${lineOf(XML_TEXT, 'TUCsTq7') - 3}: profile 45404 .*TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq .*labelled on tron`,
        ),
      ),
    ]);
  });

  it('reads the .bz2 file the same, streaming it unpacked', async () => {
    const plain = await readAll(await importOfacXml(XML, {}));
    const packed = await importOfacXml(`${XML}.bz2`, {});
    expect(packed.listDate).toBe('2025-11-19');
    expect(await readAll(packed)).toEqual(plain);
  });

  describe('into a store', () => {
    const ctx = useTempStore();

    it('stores each distinct label once, and a second import of the same file adds nothing', async () => {
      const labels = await readAll(await importOfacXml(XML, {}));
      const distinct = new Set(labels.map((l) => `${l.chain} ${l.address} ${l.source}`)).size;
      const first = await importLabels({ store: ctx.store, format: 'ofac-xml', path: XML });
      expect(first).toMatchObject({
        alreadyImported: false,
        listDate: '2025-11-19',
        labelsRead: labels.length,
        labelsWritten: distinct,
        labelsDuplicate: labels.length - distinct,
        labelsClosed: 0,
        closedDelisted: true,
      });
      expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
      const stored = await ctx.store.listLabels();
      expect(stored).toHaveLength(distinct);
      expect(stored.every((l) => l.importId === 1)).toBe(true);

      const again = await importLabels({ store: ctx.store, format: 'ofac-xml', path: XML });
      expect(again).toMatchObject({ alreadyImported: true, labelsRead: 0, labelsWritten: 0 });
      expect(again.warnings[0]).toMatch(/^already imported on \d{4}-\d{2}-\d{2} \(import 1\)$/);
      expect(await ctx.store.listLabels()).toEqual(stored);
      expect(await ctx.store.listLabelImports()).toHaveLength(1);
    });

    const badFile = (name: string, content: string | Buffer) => {
      const file = path.join(ctx.dir, name);
      fs.writeFileSync(file, content);
      return file;
    };
    const expectNothingImported = async () => {
      expect(await ctx.store.listLabels()).toEqual([]);
      expect(await ctx.store.listLabelImports()).toEqual([]);
    };

    it('fails on a truncated file with file, line and column, importing nothing', async () => {
      const cut = XML_TEXT.slice(0, XML_TEXT.indexOf('<SanctionsEntries>') + 500);
      const file = badFile('truncated.xml', cut);
      const error = importLabels({ store: ctx.store, format: 'ofac-xml', path: file });
      await expect(error).rejects.toMatchObject({ code: 'OFAC_XML_INVALID' });
      await expect(error).rejects.toThrow(
        new RegExp(`truncated\\.xml:${cut.split('\n').length}:\\d+: .*unclosed tag`),
      );
      await expectNothingImported();
    });

    it('fails on bad nesting at the line of the bad closing tag, importing nothing', async () => {
      const needle = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96</VersionDetail>';
      const file = badFile('nesting.xml', XML_TEXT.replace(needle, `${needle}</Feature>`));
      const error = importLabels({ store: ctx.store, format: 'ofac-xml', path: file });
      await expect(error).rejects.toThrow(
        new RegExp(
          `nesting\\.xml:${lineOf(XML_TEXT, needle)}:\\d+: malformed XML: unexpected close tag`,
        ),
      );
      await expectNothingImported();
    });

    it('refuses a text node without end, before holding it whole, naming file and line', async () => {
      // The attack seen: a tiny .bz2 unpacking to a 600 MB text node (3.6 GB before it failed).
      const needle = '<SanctionsEntries>';
      const huge = XML_TEXT.replace(needle, `${needle}${'A'.repeat(12 * 1024 * 1024)}`);
      const file = badFile('huge.xml', huge);
      const error = importLabels({ store: ctx.store, format: 'ofac-xml', path: file });
      await expect(error).rejects.toMatchObject({ code: 'OFAC_XML_INVALID' });
      await expect(error).rejects.toThrow(
        new RegExp(
          `huge\\.xml:${lineOf(XML_TEXT, needle)}:\\d+: a text node or tag longer than 4,194,304 characters`,
        ),
      );
      await expectNothingImported();
    });

    it('rejects a file that is not OFAC ADVANCED_XML, and a corrupt .bz2, importing nothing', async () => {
      const other = badFile('other.xml', '<?xml version="1.0"?>\n<sdnList><sdnEntry/></sdnList>\n');
      await expect(
        importLabels({ store: ctx.store, format: 'ofac-xml', path: other }),
      ).rejects.toThrow(
        /other\.xml:2:\d+: not an OFAC sdn_advanced\.xml file \(root element <sdnList>/,
      );
      const packed = fs.readFileSync(`${XML}.bz2`);
      const corrupt = badFile('corrupt.xml.bz2', packed.subarray(0, packed.length / 2));
      await expect(
        importLabels({ store: ctx.store, format: 'ofac-xml', path: corrupt }),
      ).rejects.toThrow(/corrupt\.xml\.bz2: corrupt or truncated bzip2 data/);
      await expectNothingImported();
    });
  });
});
