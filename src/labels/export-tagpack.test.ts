import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Label, Store } from '../store/store.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { exportTagpack } from './export-tagpack.ts';
import {
  GRAPHSENSE_ABUSE_CATEGORIES,
  GRAPHSENSE_CATEGORIES,
  GRAPHSENSE_UNMAPPED_ABUSES,
} from './graphsense.ts';
import { importTagpack } from './import/tagpack.ts';
import { CATEGORIES, type Category } from './taxonomy.ts';

const PACKS = path.resolve(import.meta.dirname, '../../test/fixtures/tagpacks/packs');

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

const withoutImport = (labels: Label[]) => labels.map(({ importId: _, ...rest }) => rest);

/** Exports `from`, imports the pack into `to`, and returns the pack as parsed YAML. */
async function roundTrip(from: Store, to: Store, dir: string) {
  const exported = await exportTagpack({ store: from, title: 'Round trip', lastmod: '2026-01-02' });
  const file = path.join(dir, 'export.yaml');
  fs.writeFileSync(file, exported.yaml);
  await importInto(to, file);
  return { exported, pack: parse(exported.yaml) as Record<string, unknown> & { tags: object[] } };
}

describe('exportTagpack', () => {
  const a = useTempStore();
  const b = useTempStore();

  it('round-trips the real fixture packs: export, then import, gives the same labels', async () => {
    await importInto(a.store, PACKS);
    const before = await a.store.listLabels();
    expect(before.length).toBeGreaterThan(100);
    const { exported, pack } = await roundTrip(a.store, b.store, b.dir);
    expect(exported.tags).toBe(before.length);
    expect(withoutImport(await b.store.listLabels())).toEqual(withoutImport(before));
    // The header carries the pack fields; every tag has an address and what GraphSense requires.
    expect(pack).toMatchObject({
      title: 'Round trip',
      creator: 'chaintrail',
      lastmod: '2026-01-02',
    });
    const inherited = Object.fromEntries(Object.entries(pack).filter(([k]) => k !== 'tags'));
    for (const tag of pack.tags) {
      const full = { ...inherited, ...tag } as Record<string, unknown>;
      for (const field of ['address', 'label', 'source', 'currency', 'network', 'confidence'])
        expect(full[field], `${JSON.stringify(tag)} ${field}`).toBeDefined();
    }
  });

  it('hoists the fields every tag shares into the header, and only those', async () => {
    await importInto(a.store, path.join(PACKS, 'lazarus.yaml'));
    const { exported, pack } = await roundTrip(a.store, b.store, b.dir);
    // All 21 Lazarus labels share source, category, actor and confidence; chains differ (20 BTC, 1 ETH).
    expect(exported.hoisted).toEqual(['label', 'source', 'abuse', 'actor', 'confidence']);
    expect(pack).toMatchObject({
      label: 'Lazarus Group',
      abuse: 'sanction',
      actor: 'lazarus-group',
      confidence: 'authority_data',
    });
    expect(pack.tags[0]).toEqual({
      address: '134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak',
      currency: 'BTC',
      network: 'BTC',
    });
    expect(pack.tags.at(-1)).toEqual({
      address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96', // EIP-55 display form
      currency: 'ETH',
      network: 'ETH',
    });
    expect(withoutImport(await b.store.listLabels())).toEqual(
      withoutImport(await a.store.listLabels()),
    );
  });

  it('round-trips every category, a null entity, country, sanctions list, programs, validity and any chain', async () => {
    // Real addresses: Lazarus BTC and the Ronin exploiter (graphsense lazarus.yaml), a Tron address of
    // OFAC's SDN list (CHEIL CREDIT BANK, sdn_advanced 2025-11-19).
    const addresses: [string, string][] = [
      ['bitcoin', '134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak'],
      ['ethereum', '0x098b716b8aaf21512996dc57eb0615e2383e2f96'],
      ['tron', 'TA3941uFAvmVibSkQ6fMJXxmaSNovX86mz'],
      ['evm:100', '0x098b716b8aaf21512996dc57eb0615e2383e2f96'],
      ['bsc', '0x098b716b8aaf21512996dc57eb0615e2383e2f96'],
    ];
    const categories = Object.keys(CATEGORIES) as Category[];
    const labels: Label[] = categories.map((category, i) => {
      const [chain, address] = addresses[i % addresses.length]!;
      return {
        chain,
        address,
        entity: i % 4 === 0 ? null : `Entity ${i}`,
        category,
        actor: i % 3 === 0 ? 'lazarus-group' : null,
        country: i % 2 === 0 ? 'KP' : null,
        source: `https://example.org/${category}`,
        confidence: [null, 60, 75, 100, 5][i % 5]!,
        sanctionList: category === 'sanctioned' ? 'OFAC SDN' : null,
        programs: category === 'sanctioned' ? ['DPRK3', 'CYBER2'] : [],
        validFrom: i % 3 === 1 ? '2022-04-14' : null,
        validTo: i === 7 ? '2025-03-21' : null,
      };
    });
    await a.store.write((w) => w.addLabels(labels));
    const { pack } = await roundTrip(a.store, b.store, b.dir);
    expect(withoutImport(await b.store.listLabels())).toEqual(
      withoutImport(await a.store.listLabels()),
    );
    // Concepts written are GraphSense's own (current taxonomy), never chaintrail names.
    for (const tag of pack.tags as { category?: string; abuse?: string }[]) {
      if (tag.category) expect(GRAPHSENSE_CATEGORIES).toHaveProperty(tag.category);
      if (tag.abuse)
        expect(
          tag.abuse in GRAPHSENSE_ABUSE_CATEGORIES || GRAPHSENSE_UNMAPPED_ABUSES.has(tag.abuse),
        ).toBe(true);
    }
  });

  it('writes an empty pack when no label matches', async () => {
    const dir = makeTempDir();
    try {
      const exported = await exportTagpack({ store: a.store, filter: { category: 'theft' } });
      expect(exported.tags).toBe(0);
      fs.writeFileSync(path.join(dir.path, 'empty.yaml'), exported.yaml);
      const source = await importTagpack(path.join(dir.path, 'empty.yaml'), {});
      expect(source.listName).toBe('chaintrail labels');
    } finally {
      dir.cleanup();
    }
  });
});
