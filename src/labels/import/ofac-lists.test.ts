import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { importLabels } from '../import-labels.ts';
import { importOfacLists } from './ofac-lists.ts';

// Per-asset lists (ETH, XBT) extracted from the SDN list of Sep 2024 (0xB10C) and of 2025-11-19
// (brave-intl), and Etherscan's Tornado Cash label: test/fixtures/ofac/PROVENANCE.md.
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/ofac');
const SEP_2024 = path.join(FIXTURES, '0xB10C-2024-09-27');
const NOV_2025 = path.join(FIXTURES, 'brave-intl-2025-12-04');
const NOV_2025_DATE = '2025-11-19';

/** The addresses of a folder's lists, read independently of the importer (EVM hex is case-free). */
function addressesOf(folder: string): Set<string> {
  const out = new Set<string>();
  for (const name of fs.readdirSync(folder)) {
    for (const line of fs.readFileSync(path.join(folder, name), 'utf8').split('\n')) {
      const a = line.trim();
      if (a) out.add(a.startsWith('0x') ? a.toLowerCase() : a);
    }
  }
  return out;
}

const difference = (a: Set<string>, b: Set<string>) => new Set([...a].filter((x) => !b.has(x)));

describe('importOfacLists', () => {
  const ctx = useTempStore();

  it('labels every listed address as an OFAC SDN sanction without entity, original case kept', async () => {
    const source = await importOfacLists(SEP_2024, { listDate: '2024-09-27' });
    expect(source).toMatchObject({
      listName: 'OFAC SDN',
      listDate: '2024-09-27',
      closes: 'OFAC SDN',
    });
    const labels = [];
    for await (const batch of source.batches()) labels.push(...batch);
    const xbt = fs.readFileSync(path.join(SEP_2024, 'sanctioned_addresses_XBT.txt'), 'utf8');
    const firstBase58 = xbt.split('\n').find((l) => /^[13]/.test(l))!;
    expect(labels).toContainEqual({
      chain: 'bitcoin',
      address: firstBase58,
      entity: null,
      category: 'sanctioned',
      source: 'https://sanctionslist.ofac.treas.gov/',
      confidence: 60,
      sanctionList: 'OFAC SDN',
      programs: [],
      validFrom: null,
      validTo: null,
    });
    expect(
      labels.filter((l) => l.chain === 'ethereum').every((l) => /^0x[0-9a-f]{40}$/.test(l.address)),
    ).toBe(true);
    expect(new Set(labels.map((l) => l.address))).toEqual(addressesOf(SEP_2024));
  });

  it('needs a valid --list-date and a folder of lists', async () => {
    await expect(importOfacLists(SEP_2024, {})).rejects.toThrow(/needs --list-date/);
    await expect(importOfacLists(SEP_2024, { listDate: '2024-02-30' })).rejects.toThrow(
      /expected a date YYYY-MM-DD, got "2024-02-30"/,
    );
    await expect(importOfacLists(FIXTURES, { listDate: '2024-09-27' })).rejects.toThrow(
      /no sanctioned_addresses_<ASSET>\.txt files/,
    );
  });

  it('a newer list closes what it no longer has (Tornado Cash, delisted in 2025), which stays queryable before that day', async () => {
    const old = addressesOf(SEP_2024);
    const current = addressesOf(NOV_2025);
    const delisted = difference(old, current);
    const added = difference(current, old);
    const tornado = new Set(
      (
        parse(fs.readFileSync(path.join(FIXTURES, 'brianleect-tornado-cash/tornado-cash.csv')), {
          columns: true,
        }) as { Address: string }[]
      ).map((r) => r.Address.toLowerCase()),
    );
    const delistedTornado = [...delisted].filter((a) => tornado.has(a));
    expect(delistedTornado.length).toBeGreaterThan(10);

    const first = await importLabels({
      store: ctx.store,
      format: 'ofac-lists',
      path: SEP_2024,
      options: { listDate: '2024-09-27' },
    });
    expect(first).toMatchObject({ labelsWritten: old.size, labelsClosed: 0 });
    const second = await importLabels({
      store: ctx.store,
      format: 'ofac-lists',
      path: NOV_2025,
      options: { listDate: NOV_2025_DATE },
    });
    expect(second).toMatchObject({
      labelsWritten: added.size,
      labelsClosed: delisted.size,
      closedDelisted: true,
    });

    for (const address of delistedTornado) {
      expect(await ctx.store.getLabels('ethereum', address)).toEqual([
        expect.objectContaining({
          sanctionList: 'OFAC SDN',
          validFrom: null,
          validTo: NOV_2025_DATE,
        }),
      ]);
    }
    const open = await ctx.store.listLabels({ sanctionList: 'OFAC SDN', open: true });
    expect(open).toHaveLength(current.size);
    // validFrom is unknown (null), so every label counts as valid before; the delisted ones end on the list date.
    const addressesOn = async (day: string) =>
      new Set(
        (await ctx.store.listLabels({ sanctionList: 'OFAC SDN', validOn: day })).map(
          (l) => l.address,
        ),
      );
    expect(await addressesOn('2025-01-01')).toEqual(new Set([...old, ...current]));
    expect(await addressesOn('2025-11-20')).toEqual(current);
    const closed = (await ctx.store.listLabels({ sanctionList: 'OFAC SDN' })).filter(
      (l) => l.validTo !== null,
    );
    expect(new Set(closed.map((l) => l.address))).toEqual(delisted);
    expect(
      (await ctx.store.listLabelImports()).map((i) => [i.listDate, i.labels, i.closed]),
    ).toEqual([
      ['2024-09-27', old.size, 0],
      [NOV_2025_DATE, added.size, delisted.size],
    ]);
  });

  it('an older list imported after a newer one closes nothing, and says so', async () => {
    await importLabels({
      store: ctx.store,
      format: 'ofac-lists',
      path: NOV_2025,
      options: { listDate: NOV_2025_DATE },
    });
    const older = await importLabels({
      store: ctx.store,
      format: 'ofac-lists',
      path: SEP_2024,
      options: { listDate: '2024-09-27' },
    });
    expect(older).toMatchObject({ labelsClosed: 0, closedDelisted: false });
    expect(older.warnings).toContain(
      `list date 2024-09-27 is older than the newest OFAC SDN already imported (${NOV_2025_DATE}): ` +
        'nothing closed, and addresses the newer list dropped are labelled open again',
    );
    // What that warning means: the old list's addresses are all open again.
    expect(await ctx.store.listLabels({ open: true })).toHaveLength(
      new Set([...addressesOf(NOV_2025), ...addressesOf(SEP_2024)]).size,
    );
  });
});
