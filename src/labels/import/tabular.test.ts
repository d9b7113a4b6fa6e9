import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { formatAddress } from '../../model/address.ts';
import type { Label } from '../../store/store.ts';
import { importLabels } from '../import-labels.ts';
import type { LabelSource } from '../importer.ts';
import { importCsvLabels, importJsonLabels, parseLabelMap } from './tabular.ts';

// Etherscan's "Tornado.Cash" label (brianleect/etherscan-labels, MIT) and OFAC's Sep 2024 XBT list:
// real addresses, see test/fixtures/ofac/PROVENANCE.md.
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/ofac');
const TORNADO_CSV = path.join(FIXTURES, 'brianleect-tornado-cash/tornado-cash.csv');
const TORNADO = parse(fs.readFileSync(TORNADO_CSV), { columns: true }) as {
  Address: string;
  'Name Tag': string;
}[];
const XBT = fs
  .readFileSync(path.join(FIXTURES, '0xB10C-2024-09-27/sanctioned_addresses_XBT.txt'), 'utf8')
  .split('\n')
  .filter(Boolean);
const ETHERSCAN_LABEL = 'https://etherscan.io/accounts/label/tornado-cash';

async function readAll(source: LabelSource): Promise<Label[]> {
  const out: Label[] = [];
  for await (const batch of source.batches()) out.push(...batch);
  return out;
}

describe('csv and json label lists', () => {
  const ctx = useTempStore();
  const write = (name: string, text: string) => {
    const file = path.join(ctx.dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('maps columns to fields, with options as constants for the rest', async () => {
    const source = await importCsvLabels(TORNADO_CSV, {
      map: parseLabelMap('address=Address,entity=Name Tag'),
      chain: 'eth',
      category: 'Mixer',
      source: ETHERSCAN_LABEL,
      confidence: 50,
      listDate: '2023-06-01',
    });
    expect(source).toMatchObject({ format: 'csv', listDate: '2023-06-01', closes: null });
    const labels = await readAll(source);
    expect(labels).toHaveLength(TORNADO.length);
    expect(labels[1]).toEqual({
      chain: 'ethereum',
      address: TORNADO[1]!.Address.toLowerCase(),
      entity: TORNADO[1]!['Name Tag'],
      category: 'mixer',
      actor: null,
      country: null,
      source: ETHERSCAN_LABEL,
      confidence: 50,
      sanctionList: null,
      programs: [],
      validFrom: null,
      validTo: null,
    });
  });

  it('reads per-row chain, category, confidence names, programs and dates; a column named like a field needs no map', async () => {
    const rows = [
      'address,chain,type,confidence,programs,valid_from,country',
      `${XBT[0]},btc,sanctioned,authority_data,CYBER2;DPRK3,2022-04-14,kp`,
      `${formatAddress('ethereum', TORNADO[0]!.Address)},ethereum,mixer,service_data,,,`,
    ];
    const labels = await readAll(
      await importCsvLabels(write('mixed.csv', rows.join('\r\n')), {
        map: { category: 'type' },
      }),
    );
    expect(labels).toEqual([
      expect.objectContaining({
        chain: 'bitcoin',
        address: XBT[0], // base58: case kept
        category: 'sanctioned',
        confidence: 60,
        programs: ['CYBER2', 'DPRK3'],
        validFrom: '2022-04-14',
        country: 'KP',
        source: 'mixed.csv',
      }),
      expect.objectContaining({
        chain: 'ethereum',
        address: TORNADO[0]!.Address.toLowerCase(), // EIP-55 input, stored lowercase
        category: 'mixer',
        confidence: 50,
        programs: [],
      }),
    ]);
  });

  it('reads JSON lines and JSON arrays by key mapping', async () => {
    const objects = TORNADO.slice(0, 5).map((r) => ({ addr: r.Address, name: r['Name Tag'] }));
    const options = {
      map: { address: 'addr', entity: 'name' },
      chain: 'ethereum',
      category: 'mixer',
    };
    const fromLines = await readAll(
      await importJsonLabels(
        write('l.jsonl', `${objects.map((o) => JSON.stringify(o)).join('\n')}\n`),
        options,
      ),
    );
    const fromArray = await readAll(
      await importJsonLabels(write('l.json', JSON.stringify(objects, null, 2)), options),
    );
    expect(fromLines).toHaveLength(5);
    expect(fromArray.map((l) => ({ ...l, source: '' }))).toEqual(
      fromLines.map((l) => ({ ...l, source: '' })),
    );
    expect(fromLines[0]).toMatchObject({
      address: objects[0]!.addr.toLowerCase(),
      entity: objects[0]!.name,
      source: 'l.jsonl',
    });
    const arrays = await readAll(
      await importJsonLabels(
        write(
          'p.json',
          JSON.stringify([{ address: XBT[1], programs: ['CYBER2'], confidence: 60 }]),
        ),
        { chain: 'bitcoin', category: 'sanctioned' },
      ),
    );
    expect(arrays[0]).toMatchObject({ address: XBT[1], programs: ['CYBER2'], confidence: 60 });
  });

  const badRows: [string, (lines: string[]) => void, RegExp][] = [
    [
      'a bad EIP-55 checksum',
      (lines) => {
        const [index, address] = lines[3]!.split(',');
        const checksummed = formatAddress('ethereum', address!);
        const i = checksummed.search(/[a-f]/);
        const flipped =
          checksummed.slice(0, i) + checksummed[i]!.toUpperCase() + checksummed.slice(i + 1);
        lines[3] = lines[3]!.replace(`${index},${address}`, `${index},${flipped}`);
      },
      /bad\.csv:4: Invalid ethereum address "0x[0-9a-fA-F]{40}": bad EIP-55 checksum/,
    ],
    [
      'a wrong field count',
      (lines) => void (lines[2] = `${lines[2]},extra`),
      /bad\.csv:3: expected 5 fields, found 6/,
    ],
  ];
  for (const [what, mutate, message] of badRows) {
    it(`fails the whole import on ${what}, naming file:line, and stores nothing`, async () => {
      const lines = fs.readFileSync(TORNADO_CSV, 'utf8').split('\n');
      mutate(lines);
      const file = write('bad.csv', lines.join('\n'));
      await expect(
        importLabels({
          store: ctx.store,
          format: 'csv',
          path: file,
          options: { map: { address: 'Address' }, chain: 'ethereum', category: 'mixer' },
        }),
      ).rejects.toThrow(message);
      expect(await ctx.store.listLabels()).toEqual([]);
      expect(await ctx.store.listLabelImports()).toEqual([]);
    });
  }

  it('names the line of a bad category, confidence, date or JSON record', async () => {
    const csv = (body: string) =>
      importLabels({
        store: ctx.store,
        format: 'csv',
        path: write('c.csv', `address,category,confidence,valid_to\n${body}\n`),
        options: { chain: 'bitcoin' },
      });
    await expect(csv(`${XBT[0]},sanctioned,60,\n${XBT[1]},hacker,60,`)).rejects.toThrow(
      /c\.csv:3: category: unknown category "hacker"/,
    );
    await expect(csv(`${XBT[0]},sanctioned,101,`)).rejects.toThrow(
      /c\.csv:2: confidence: confidence must be 0-100/,
    );
    await expect(csv(`${XBT[0]},sanctioned,60,2025-13-01`)).rejects.toThrow(
      /c\.csv:2: valid_to: expected a date YYYY-MM-DD, got "2025-13-01"/,
    );
    await expect(csv(`${XBT[0]},sanctioned,60,\n0x12,sanctioned,60,`)).rejects.toThrow(
      /c\.csv:3: Invalid bitcoin address "0x12"/,
    );
    const json = write('j.jsonl', `{"address":"${XBT[0]}"}\n{"address": 12\n`);
    await expect(
      importLabels({
        store: ctx.store,
        format: 'json',
        path: json,
        options: { chain: 'bitcoin', category: 'sanctioned' },
      }),
    ).rejects.toThrow(/j\.jsonl:2: invalid JSON/);
    const array = write(
      'a.json',
      JSON.stringify([{ address: XBT[0] }, { address: XBT[1], category: 'x' }]),
    );
    await expect(
      importLabels({
        store: ctx.store,
        format: 'json',
        path: array,
        options: { chain: 'bitcoin' },
      }),
    ).rejects.toThrow(/a\.json\[0\]: no category: map a category column or pass --category/);
    expect(await ctx.store.listLabelImports()).toEqual([]);
  });

  it('rejects a map naming a missing column or an unknown field before reading rows', async () => {
    await expect(
      readAll(
        await importCsvLabels(TORNADO_CSV, { map: { address: 'Adress' }, chain: 'ethereum' }),
      ),
    ).rejects.toThrow(/tornado-cash\.csv:1: no column "Adress" \(mapped to address\)/);
    expect(() => parseLabelMap('addr=Address')).toThrow(/Unknown field "addr" in --map/);
    await expect(importCsvLabels(TORNADO_CSV, { category: 'hackers' })).rejects.toThrow(
      /--category: unknown category "hackers"/,
    );
    await expect(
      readAll(
        await importJsonLabels(write('k.jsonl', `{"address":"${XBT[0]}"}\n`), {
          map: { entity: 'nme' },
          chain: 'bitcoin',
          category: 'sanctioned',
        }),
      ),
    ).rejects.toThrow(/no record has the key\(s\) "nme" named in --map/);
  });
});
