import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../errors/base.ts';
import type { Label, Store } from '../../store/store.ts';
import { makeTempDir } from '../../../test/helpers/temp-dir.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import type { LabelSource } from '../importer.ts';
import { importTagpack, TAGPACK_FORMAT } from './tagpack.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/tagpacks');
const PACKS = path.join(FIXTURES, 'packs');
const pack = (name: string) => path.join(PACKS, name);

// Real addresses of the fixture packs (lazarus.yaml, ronin_bridge.yaml, exchange-wallets-bybit.yaml).
const LAZARUS_BTC = '134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak';
const RONIN_EXPLOITER = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
const RONIN_EXPLOITER_4 = '0x29fC9B71492ec63696Cf9cd56e9832A42B0dCED0';
const BYBIT_BECH32 = 'bc1q2qqqt87kh33s0er58akh7v9cwjgd83z5smh9rp';

async function labelsOf(source: LabelSource): Promise<Label[]> {
  const out: Label[] = [];
  for await (const batch of source.batches()) out.push(...batch);
  return out;
}

/** 1-based line of the first line of `file` containing `needle`. */
function lineOf(file: string, needle: string): number {
  return (
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1
  );
}

/** What an importer's caller does: read, then one atomic write. */
async function importInto(store: Store, input: string) {
  const source = await importTagpack(input, {});
  return store.write(async (w) => {
    await w.recordLabelImport({
      format: source.format,
      source: input,
      listName: source.listName,
      listDate: source.listDate,
      sha256: null,
    });
    for await (const batch of source.batches()) await w.addLabels(batch);
  });
}

const temp = { dir: null as ReturnType<typeof makeTempDir> | null };
afterEach(() => temp.dir?.cleanup());
function write(files: Record<string, string>): string {
  temp.dir = makeTempDir();
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(temp.dir.path, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return temp.dir.path;
}

describe('importTagpack on real GraphSense packs', () => {
  it('reads lazarus.yaml: header fields on every tag, abuse sanction -> sanctioned, actor resolved from the ActorPack', async () => {
    const source = await importTagpack(pack('lazarus.yaml'), {});
    expect(source).toMatchObject({
      format: TAGPACK_FORMAT,
      listName: 'OFAC Tagpack',
      listDate: '2022-04-15',
      closes: null,
      warnings: [],
    });
    const labels = await labelsOf(source);
    const text = fs.readFileSync(pack('lazarus.yaml'), 'utf8');
    expect(labels).toHaveLength(text.match(/^- address:/gm)!.length);
    for (const l of labels)
      expect(l).toMatchObject({
        category: 'sanctioned',
        entity: 'Lazarus Group', // the actor's name, not the pack's "Lazarus group"
        actor: 'lazarus-group',
        country: null, // the ActorPack gives Lazarus no jurisdiction
        confidence: 60, // authority_data
        source:
          'https://www.treasury.gov/resource-center/sanctions/OFAC-Enforcement/Pages/20200302.aspx',
        sanctionList: null,
      });
    expect(labels.map((l) => l.chain).sort()).toEqual([
      ...Array<string>(20).fill('bitcoin'),
      'ethereum',
    ]);
    expect(labels.find((l) => l.chain === 'ethereum')!.address).toBe(RONIN_EXPLOITER.toLowerCase());
    expect(labels[0]!.address).toBe(LAZARUS_BTC);
  });

  it('reads exchange-wallets-bybit.yaml: a tag overriding the header source, bech32 lowercased, no country for a multi-jurisdiction actor', async () => {
    const labels = await labelsOf(await importTagpack(pack('exchange-wallets-bybit.yaml'), {}));
    expect(labels).toHaveLength(8);
    expect(new Set(labels.map((l) => `${l.category}|${l.entity}|${l.actor}|${l.country}`))).toEqual(
      new Set(['exchange|Bybit|bybit|null']),
    );
    const overridden = labels.find((l) => l.address === '1GrwDkr33gT6LuumniYjKEGjTLhsL5kmqC')!;
    expect(overridden.source).toBe('https://www.bybithelp.com/bybitHC_Article?id=000001880');
    expect(labels.filter((l) => l.source !== overridden.source)).toHaveLength(7);
    expect(labels.map((l) => l.address)).toContain(BYBIT_BECH32);
  });

  it('reads hydra.yaml: category market -> darknet, country from the actor with one jurisdiction', async () => {
    const labels = await labelsOf(await importTagpack(pack('hydra.yaml'), {}));
    expect(labels).toHaveLength(117);
    for (const l of labels)
      expect(l).toMatchObject({
        category: 'darknet',
        entity: 'Hydra Market',
        actor: 'hydra-market',
        country: 'RU',
      });
  });

  it('reads ronin_bridge.yaml: entity from each tag label when there is no actor', async () => {
    const labels = await labelsOf(await importTagpack(pack('ronin_bridge.yaml'), {}));
    expect(labels.find((l) => l.address === RONIN_EXPLOITER_4.toLowerCase())).toMatchObject({
      entity: 'Ronin bridge exploiter 4',
      category: 'theft', // abuse service_hack
      actor: null,
      confidence: 50, // service_data
    });
  });

  it('skips the two invalid addresses of plustoken.yaml and names their file:line and tag', async () => {
    const file = pack('plustoken.yaml');
    const source = await importTagpack(file, {});
    const labels = await labelsOf(source);
    const tags = fs.readFileSync(file, 'utf8').match(/^- address:/gm)!.length;
    expect(labels).toHaveLength(tags - 2);
    expect(source.warnings).toHaveLength(1);
    const warning = source.warnings[0]!;
    expect(warning).toMatch(/^skipped 2 tags with an invalid address: /);
    expect(warning).toContain(
      `${file}:${lineOf(file, '1MFgcyJ7ZNSknbTBRaih6zWDE6V1A64tRYs')}: tag 1: Invalid bitcoin address "1MFgcyJ7ZNSknbTBRaih6zWDE6V1A64tRYs": bad base58check checksum`,
    );
    expect(warning).toContain(
      `${file}:${lineOf(file, '14bwh6gmvol5ntwbvxqjkjdtzv4y5ebtvm')}: tag 11: Invalid bitcoin address`,
    );
    for (const l of labels)
      expect(l).toMatchObject({ category: 'scam', entity: 'Plus Token Scam' });
  });

  it('reads a folder of packs as one list named after the folder and dated by the newest lastmod', async () => {
    const names = fs.readdirSync(PACKS).filter((f) => f.endsWith('.yaml'));
    let expected = 0;
    const dates: string[] = [];
    for (const name of names) {
      const one = await importTagpack(pack(name), {});
      expected += (await labelsOf(one)).length;
      dates.push(one.listDate!);
    }
    const all = await importTagpack(PACKS, {});
    expect(all.listName).toBe('packs');
    expect(all.listDate).toBe(dates.sort().at(-1));
    expect(await labelsOf(all)).toHaveLength(expected);
  });
});

describe('importTagpack on written packs', () => {
  it('lets every tag inherit the header and override any field', async () => {
    const dir = write({
      'pack.yaml': `title: Inheritance
creator: chaintrail tests
description: header fields every tag inherits
lastmod: 2024-05-01
label: Header label
source: https://example.org/header
currency: BTC
category: exchange
confidence: service_data
tags:
- address: ${LAZARUS_BTC}
- address: '${RONIN_EXPLOITER_4}'
  network: ETH
  label: Own label
  source: https://example.org/own
  abuse: service_hack
  confidence: authority_data
`,
    });
    const labels = await labelsOf(await importTagpack(path.join(dir, 'pack.yaml'), {}));
    expect(labels).toEqual([
      expect.objectContaining({
        chain: 'bitcoin',
        address: LAZARUS_BTC,
        entity: 'Header label',
        category: 'exchange',
        source: 'https://example.org/header',
        confidence: 50,
      }),
      expect.objectContaining({
        chain: 'ethereum',
        address: RONIN_EXPLOITER_4.toLowerCase(),
        entity: 'Own label',
        category: 'theft', // an illicit abuse wins over the inherited category
        source: 'https://example.org/own',
        confidence: 60,
      }),
    ]);
  });

  it('applies `header: !include` relative to the pack (its fields win, as in tagpack-tool), nested includes relative to their own file', async () => {
    const dir = write({
      'shared/header.yaml': `creator: chaintrail tests
source: https://example.org/shared
confidence: forensic
abuse: ransomware
currency: !include ../more/currency.yaml
`,
      'more/currency.yaml': 'BTC\n',
      'packs/ransom.yaml': `title: Included
source: https://example.org/pack
header: !include ../shared/header.yaml
tags:
- address: ${LAZARUS_BTC}
  label: Ransom
- address: '${RONIN_EXPLOITER_4}'
  currency: ETH
`,
    });
    const labels = await labelsOf(await importTagpack(path.join(dir, 'packs/ransom.yaml'), {}));
    expect(labels).toEqual([
      expect.objectContaining({
        chain: 'bitcoin',
        entity: 'Ransom',
        category: 'ransomware',
        confidence: 50,
        source: 'https://example.org/shared',
      }),
      expect.objectContaining({
        chain: 'ethereum',
        entity: null,
        category: 'ransomware',
        source: 'https://example.org/shared',
      }),
    ]);
  });

  it('fails on an !include of a missing file and on an include cycle', async () => {
    const dir = write({
      'missing.yaml': `title: x\nheader: !include nothere.yaml\ntags: []\n`,
      'a.yaml': `title: a\nheader: !include b.yaml\ntags: []\n`,
      'b.yaml': `other: !include a.yaml\n`,
    });
    await expect(importTagpack(path.join(dir, 'missing.yaml'), {})).rejects.toThrow(
      /missing\.yaml: !include nothere\.yaml: no such file/,
    );
    await expect(importTagpack(path.join(dir, 'a.yaml'), {})).rejects.toThrow(
      /b\.yaml: !include a\.yaml includes itself/,
    );
  });

  it('resolves actors with the nearest actors/ folder, keeps unknown ones as given and says so', async () => {
    const dir = write({
      'repo/actors/test.actorpack.yaml': fs.readFileSync(
        path.join(FIXTURES, 'actors/graphsense-excerpt.actorpack.yaml'),
        'utf8',
      ),
      'repo/packs/deep/pack.yaml': `title: Actors
source: https://example.org/actors
currency: BTC
tags:
- address: ${LAZARUS_BTC}
  actor: hydramarket
- address: ${BYBIT_BECH32}
  actor: bybit-eu
- address: 3ETAVt2scYBFkBFksuNDk1i5tDLQ2c4zWR
  actor: nosuchactor
  label: Someone
`,
      'lonely/pack.yaml': `title: No actor pack
source: https://example.org/actors
currency: BTC
actor: lazarusgroup
tags:
- address: ${LAZARUS_BTC}
`,
    });
    const source = await importTagpack(path.join(dir, 'repo/packs/deep/pack.yaml'), {});
    expect(await labelsOf(source)).toEqual([
      expect.objectContaining({
        entity: 'Hydra Market',
        actor: 'hydra-market',
        country: 'RU',
        category: 'darknet', // from the actor's concepts: the tag has neither category nor abuse
      }),
      // An alias resolves to its actor.
      expect.objectContaining({ entity: 'Bybit', actor: 'bybit', category: 'exchange' }),
      expect.objectContaining({ entity: 'Someone', actor: 'nosuchactor', category: 'other' }),
    ]);
    expect(source.warnings).toEqual(['actors not in the ActorPacks, kept as given: nosuchactor 1']);
    const lonely = await importTagpack(path.join(dir, 'lonely/pack.yaml'), {});
    expect(await labelsOf(lonely)).toEqual([
      expect.objectContaining({ actor: 'lazarusgroup', entity: null, country: null }),
    ]);
    expect(lonely.warnings).toEqual([
      expect.stringMatching(
        /^no actors\/\*\.actorpack\.yaml near .*lonely: actor ids kept as given/,
      ),
    ]);
  });

  it('skips and counts tags on networks chaintrail cannot hold and transaction tags', async () => {
    const dir = write({
      'pack.yaml': `title: Networks
source: https://example.org/networks
label: x
tags:
- address: ${LAZARUS_BTC}
  currency: BTC
- address: LTC-address-not-checked
  currency: LTC
- address: also-not-checked
  currency: USDT
- address: LTC-again
  network: LTC
- tx_hash: '0x46deef0f52e3a983b67abf4714448a41dd7ffd6d32d32da69d62081c68ad7882'
  currency: ETH
`,
    });
    const source = await importTagpack(path.join(dir, 'pack.yaml'), {});
    expect(await labelsOf(source)).toHaveLength(1);
    expect(source.warnings).toEqual([
      'skipped 3 tags on networks chaintrail cannot hold (LTC 2, USDT 1)',
      'skipped 1 tag on transactions (tx_hash, no address)',
    ]);
  });

  it('reads chaintrail fields from a tag context and ignores free-text contexts', async () => {
    const dir = write({
      'pack.yaml': `title: Context
source: https://example.org/ctx
currency: ETH
tags:
- address: '${RONIN_EXPLOITER}'
  label: ignored
  category: exchange
  context: '{"chaintrail": {"category": "deposit_wallet", "entity": null, "country": "KP", "sanction_list": "OFAC SDN", "programs": ["DPRK3", "CYBER2"], "valid_from": "2022-04-14", "valid_to": "2025-03-21"}}'
- address: '${RONIN_EXPLOITER_4}'
  label: Plain
  context: not json at all
`,
    });
    expect(await labelsOf(await importTagpack(path.join(dir, 'pack.yaml'), {}))).toEqual([
      expect.objectContaining({
        category: 'deposit_wallet',
        entity: null,
        country: 'KP',
        sanctionList: 'OFAC SDN',
        programs: ['DPRK3', 'CYBER2'],
        validFrom: '2022-04-14',
        validTo: '2025-03-21',
      }),
      expect.objectContaining({ entity: 'Plain', category: 'other', sanctionList: null }),
    ]);
  });
});

describe('importTagpack errors', () => {
  const store = useTempStore();

  it('fails a folder with one malformed pack with file:line, and nothing is imported', async () => {
    const dir = write({
      'good.yaml': fs.readFileSync(pack('ronin_bridge.yaml'), 'utf8'),
      'nested/bad.yaml': `title: Bad
source: https://example.org/bad
tags:
- address: '${RONIN_EXPLOITER}'
   currency: ETH
`,
    });
    const error = await importInto(store.store, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('TAGPACK_BAD_YAML');
    expect((error as Error).message).toMatch(
      new RegExp(`^${path.join(dir, 'nested/bad.yaml')}:5: malformed YAML: `),
    );
    expect(await store.store.listLabels()).toEqual([]);
    expect(await store.store.listLabelImports()).toEqual([]);
    // The good pack alone imports.
    expect(await importInto(store.store, path.join(dir, 'good.yaml'))).toMatchObject({
      labelsWritten: 6,
    });
  });

  it('names file, line and tag for a tag without address, an unknown confidence, no source, no network', async () => {
    const cases: [string, RegExp][] = [
      [
        `title: t\nsource: s\ncurrency: BTC\ntags:\n- address: ${LAZARUS_BTC}\n- label: no address\n`,
        /pack\.yaml:6: tag 2: no address/,
      ],
      [
        `title: t\nsource: s\ncurrency: BTC\ntags:\n- address: ${LAZARUS_BTC}\n  confidence: very_sure\n`,
        /pack\.yaml:5: tag 1: confidence must be 0-100 or one of/,
      ],
      [
        `title: t\ncurrency: BTC\ntags:\n- address: ${LAZARUS_BTC}\n`,
        /pack\.yaml:4: tag 1: no source/,
      ],
      [
        `title: t\nsource: s\ntags:\n- address: ${LAZARUS_BTC}\n`,
        /pack\.yaml:4: tag 1: no network/,
      ],
      [`title: t\nsource: s\n`, /pack\.yaml: not a TagPack \(no "tags" list\)/],
      [
        `title: t\ntitle: again\ntags: []\n`,
        /pack\.yaml:2: malformed YAML: Map keys must be unique/,
      ],
    ];
    for (const [text, expected] of cases) {
      const dir = write({ 'pack.yaml': text });
      await expect(importTagpack(path.join(dir, 'pack.yaml'), {})).rejects.toThrow(expected);
      temp.dir?.cleanup();
    }
  });
});
