import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { getAddressCodec } from '../model/address.ts';
import { createDuckDbStore } from '../store/duckdb/duckdb-store.ts';
import type { Store, StoreWriter, TransfersCsvLoaded } from '../store/store.ts';
import { parseEtlJsonLine } from './etl/map-rows.ts';
import { InvalidRowError } from './import-session.ts';
import { importTransfersCsv, parseColumnMap } from './transfers-csv.ts';

const SAMPLE = path.resolve(
  import.meta.dirname,
  '../../test/fixtures/ethereum-etl/test_stream/blocks_17173049_17173050/expected_token_transfers.json',
);
const EXPLORER_MAP = parseColumnMap(
  'from=From,to=To,raw_amount=Value,time=Timestamp,tx=Tx_hash,block=Block,position=LogIndex,asset=Token',
);

/** The real token transfers of block 17173049 rewritten as an explorer-style CSV (checksum-free, mixed column order). */
function writeExplorerCsv(file: string): {
  token: string;
  from: string;
  to: string;
  value: string;
  tx: string;
  log: string;
  block: string;
}[] {
  const rows = fs
    .readFileSync(SAMPLE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(parseEtlJsonLine)
    .map((r) => ({
      token: String(r.token_address),
      from: String(r.from_address),
      to: String(r.to_address),
      value: String(r.value),
      tx: String(r.transaction_hash),
      log: String(r.log_index),
      block: String(r.block_number),
      time: String(r.block_timestamp),
    }));
  fs.writeFileSync(
    file,
    [
      'Tx_hash,Block,Timestamp,From,To,Token,Value,LogIndex',
      ...rows.map(
        (r) => `${r.tx},${r.block},${r.time},${r.from},${r.to},${r.token},${r.value},${r.log}`,
      ),
    ].join('\n'),
  );
  return rows;
}

describe('importTransfersCsv', () => {
  const ctx = useTempStore();

  it('imports real token transfers by column mapping, exactly', async () => {
    const file = path.join(ctx.dir, 'explorer.csv');
    const rows = writeExplorerCsv(file);
    const result = await importTransfersCsv({ store: ctx.store, files: [file], map: EXPLORER_MAP });
    expect(result).toMatchObject({ rows: 291, written: 291, duplicates: 0, rejected: 0 });
    const stored = await ctx.store.listTransfers();
    const key = (t: { tx: string; log: string }) => `${t.tx}:${t.log}`;
    expect(
      new Map(
        stored.map((t) => [
          `${t.txHash}:${t.position}`,
          [t.from, t.to, t.asset, t.amount.toString(), t.blockNumber.toString(), t.kind],
        ]),
      ),
    ).toEqual(
      new Map(rows.map((r) => [key(r), [r.from, r.to, r.token, r.value, r.block, 'token']])),
    );
    expect(stored[0]!.blockTime).toBe(1683029999);
  });

  it('scales whole-unit amounts exactly and keeps repeated identical rows of one transaction apart', async () => {
    // Shape of the MFTracer ground truth (values in USD with float text); rows from ethereum-etl's block 483920.
    const file = path.join(ctx.dir, 'usd.csv');
    fs.writeFileSync(
      file,
      [
        'Timestamp,Block,Tx_hash,From,From_label,To,To_label,Value_in_USD',
        '2015-11-10 08:36:15,483920,0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8,0x1b63142628311395ceafeea5667e7c9026c862ca,,0xac4df82fe37ea2187bc8c011a23d743b4f39019a,"label, with comma",347.55300000000005',
        '2015-11-10 08:36:15,483920,0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8,0x1b63142628311395ceafeea5667e7c9026c862ca,,0xac4df82fe37ea2187bc8c011a23d743b4f39019a,,347.55300000000005',
        '2015-11-10 08:36:15,483920,0xcea6f89720cc1d2f46cc7a935463ae0b99dd5fad9c91bb7357de5421511cee49,0x9b22a80d5c7b3374a05b446081f97d0a34079e7f,,0x66f183060253cfbe45beff1e6e7ebbe318c81e56,,200000.0',
      ].join('\n'),
    );
    const map = parseColumnMap(
      'from=From,to=To,amount=Value_in_USD,time=Timestamp,tx=Tx_hash,block=Block',
    );
    const first = await importTransfersCsv({ store: ctx.store, files: [file], map, asset: 'USD' });
    expect(first).toMatchObject({ rows: 3, written: 3 });
    const again = await importTransfersCsv({ store: ctx.store, files: [file], map, asset: 'USD' });
    expect(again).toMatchObject({ written: 0, duplicates: 3 });
    const stats = await ctx.store.getStats();
    expect(stats.assets).toEqual([
      expect.objectContaining({
        asset: 'unit:USD',
        symbol: 'USD',
        decimals: 18,
        transfers: 3,
        amount: 2n * 347_553_000_000_000_050_000n + 200_000n * 10n ** 18n,
      }),
    ]);
    expect((await ctx.store.listTransfers())[0]!.blockTime).toBe(
      Date.UTC(2015, 10, 10, 8, 36, 15) / 1000,
    );
  });

  it('rounds values (--asset USD --decimals 6) to the micro-dollar, half to even, but never token units', async () => {
    const file = path.join(ctx.dir, 'usd6.csv');
    const row = (value: string, tx: string) =>
      `2015-11-10 08:36:15,483920,${tx},0x1b63142628311395ceafeea5667e7c9026c862ca,,0xac4df82fe37ea2187bc8c011a23d743b4f39019a,,${value}`;
    fs.writeFileSync(
      file,
      [
        'Timestamp,Block,Tx_hash,From,From_label,To,To_label,Value_in_USD',
        // Float text of the MFTracer data; an exact half rounds to the even neighbour.
        row('75996.79987999999', `0x${'1'.repeat(64)}`),
        row('0.0000005', `0x${'2'.repeat(64)}`),
        row('0.0000015', `0x${'3'.repeat(64)}`),
        row('12.5', `0x${'4'.repeat(64)}`),
      ].join('\n'),
    );
    const map = parseColumnMap(
      'from=From,to=To,amount=Value_in_USD,time=Timestamp,tx=Tx_hash,block=Block',
    );
    const result = await importTransfersCsv({
      store: ctx.store,
      files: [file],
      map,
      asset: 'USD',
      decimals: 6,
    });
    expect(result).toMatchObject({ written: 4, rounded: 3 });
    const amounts = (await ctx.store.listTransfers())
      .map((t) => t.amount)
      .sort((a, b) => (a < b ? -1 : 1));
    expect(amounts).toEqual([0n, 2n, 12_500_000n, 75_996_799_880n]);
    // A token's amounts are exact units: too many decimals is an error, not a rounding.
    await expect(
      importTransfersCsv({ store: ctx.store, files: [file], map, asset: 'native', decimals: 6 }),
    ).rejects.toThrow(/usd6\.csv:2: .*more than 6 decimal places/);
  });

  it('fails on the first bad row with file:line and writes nothing', async () => {
    const file = path.join(ctx.dir, 'explorer.csv');
    writeExplorerCsv(file);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    // A real EIP-55 address with one letter's case flipped: the checksum no longer matches.
    lines[120] = lines[120]!.replace(
      /,0x[0-9a-f]{40},/,
      ',0x47666FaB8bd0Ac7003bce3f5C3585383F09486E2,',
    );
    fs.writeFileSync(file, lines.join('\n'));
    const error = await importTransfersCsv({
      store: ctx.store,
      files: [file],
      map: EXPLORER_MAP,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRowError);
    expect((error as InvalidRowError).message).toMatch(
      /explorer\.csv:121: Invalid ethereum address .*checksum/,
    );
    expect(await ctx.store.listTransfers()).toEqual([]);
    expect((await ctx.store.getStats()).chains).toEqual([]);
  });

  it('with skipInvalid imports the valid rows and writes the rejects file', async () => {
    const file = path.join(ctx.dir, 'explorer.csv');
    writeExplorerCsv(file);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[5] = lines[5]!.replace(/,\d+,(\d+)$/, ',12.5,$1');
    lines[9] = `${lines[9]},extra`;
    fs.writeFileSync(file, lines.join('\n'));
    const rejectsPath = path.join(ctx.dir, 'rejects.csv');
    const result = await importTransfersCsv({
      store: ctx.store,
      files: [file],
      map: EXPLORER_MAP,
      skipInvalid: true,
      rejectsPath,
    });
    expect(result).toMatchObject({ rows: 291, written: 289, rejected: 2, rejectsPath });
    const rejects = parse(fs.readFileSync(rejectsPath), { columns: true }) as {
      line: string;
      reason: string;
    }[];
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      ['6', expect.stringMatching(/Invalid amount "12.5"/)],
      ['10', 'expected 8 fields, found 9'],
    ]);
  });

  it('explains missing columns and bad mappings', async () => {
    const file = path.join(ctx.dir, 'explorer.csv');
    writeExplorerCsv(file);
    await expect(
      importTransfersCsv({
        store: ctx.store,
        files: [file],
        map: { ...EXPLORER_MAP, from: 'Sender' },
      }),
    ).rejects.toMatchObject({
      code: 'MISSING_COLUMN',
      message: expect.stringMatching(/no column "Sender".*\n.*Tx_hash, Block/),
    });
    expect(() => parseColumnMap('sender=From')).toThrow(/Unknown field "sender"/);
    await expect(
      importTransfersCsv({
        store: ctx.store,
        files: [file],
        map: { from: 'From', to: 'To', tx: 'Tx_hash', block: 'Block' },
      }),
    ).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await expect(
      importTransfersCsv({
        store: ctx.store,
        files: [path.join(ctx.dir, 'nope.csv')],
        map: EXPLORER_MAP,
      }),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

/**
 * `store` with its writers' loadTransfersCsv watched (what each call answered, or 'failed') or, with
 * `rowByRow`, taken away: the import then validates every row in JavaScript, as before the store
 * could read files itself.
 */
function watchLoads(
  store: Store,
  rowByRow = false,
): { store: Store; loads: (TransfersCsvLoaded | 'failed')[]; normalized: string[] } {
  const loads: (TransfersCsvLoaded | 'failed')[] = [];
  /** Every address the store asked the codec about. */
  const normalized: string[] = [];
  const write: Store['write'] = (fn) =>
    store.write((writer) =>
      fn(
        new Proxy(writer, {
          get(target, key, receiver) {
            if (key !== 'loadTransfersCsv') return Reflect.get(target, key, receiver);
            if (rowByRow) return undefined;
            const load: StoreWriter['loadTransfersCsv'] = async (l) => {
              try {
                const r = await target.loadTransfersCsv!({
                  ...l,
                  normalizeAddress: (text) => (normalized.push(text), l.normalizeAddress(text)),
                });
                loads.push(r);
                return r;
              } catch (error) {
                loads.push('failed');
                throw error;
              }
            };
            return load;
          },
        }),
      ),
    );
  return {
    loads,
    normalized,
    store: new Proxy(store, {
      get: (target, key) => (key === 'write' ? write : Reflect.get(target, key, target)),
    }),
  };
}

/** Stored transfers in a stable order, as comparable rows. */
async function storedRows(store: Store): Promise<string[]> {
  return (await store.listTransfers())
    .map((t) =>
      [
        t.chain,
        t.blockNumber,
        t.blockTime,
        t.txHash,
        t.position,
        t.from,
        t.to,
        t.asset,
        t.amount,
        t.kind,
      ].join('|'),
    )
    .sort();
}

describe('importTransfersCsv read by the store (DuckDB)', () => {
  const ctx = useTempStore();

  /** Imports `file` into ctx's store (read by the store) and into a second store row by row. */
  async function importBothWays(
    file: string,
    options: Partial<Parameters<typeof importTransfersCsv>[0]> & {
      map: Parameters<typeof importTransfersCsv>[0]['map'];
    },
  ) {
    const watched = watchLoads(ctx.store);
    const byStore = await importTransfersCsv({ ...options, store: watched.store, files: [file] });
    const other = await createDuckDbStore({ path: path.join(ctx.dir, 'row-by-row.duckdb') });
    try {
      const rowByRow = await importTransfersCsv({
        ...options,
        store: watchLoads(other, true).store,
        files: [file],
      });
      return {
        byStore,
        rowByRow,
        loads: watched.loads,
        normalized: watched.normalized,
        same: [await storedRows(ctx.store), await storedRows(other)],
      };
    } finally {
      await other.close();
    }
  }

  it('stores what the row-by-row path stores, from every form the store converts itself', async () => {
    const file = path.join(ctx.dir, 'forms.csv');
    const rows = writeExplorerCsv(file);
    const codec = getAddressCodec('ethereum');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const edit = (i: number, column: number, value: string) => {
      const f = lines[i]!.split(',');
      f[column] = value;
      lines[i] = f.join(',');
    };
    // Columns: Tx_hash,Block,Timestamp,From,To,Token,Value,LogIndex.
    edit(1, 3, codec.display(rows[0]!.from)); // EIP-55 mixed case
    edit(2, 4, rows[1]!.to.toUpperCase().replace('0X', '0x')); // all uppercase: no checksum
    edit(4, 2, '2023-05-02 12:19:59');
    edit(5, 2, '2023-05-02T12:19:59Z');
    edit(6, 2, '1683029999123'); // milliseconds
    edit(7, 2, ''); // no time: the block's, none stored here
    edit(8, 5, 'native');
    edit(9, 5, codec.display(rows[8]!.token));
    fs.writeFileSync(file, lines.join('\n'));
    const { byStore, rowByRow, loads, normalized, same } = await importBothWays(file, {
      map: EXPLORER_MAP,
    });
    expect(loads).toEqual([{ records: 291, taken: true }]);
    // Only the two addresses not lowercase went to the codec (the checksum checked in JavaScript).
    expect(normalized.sort()).toEqual(
      [codec.display(rows[0]!.from), rows[1]!.to.toUpperCase().replace('0X', '0x')].sort(),
    );
    expect(byStore).toEqual(rowByRow);
    expect(byStore).toMatchObject({ rows: 291, written: 291 });
    expect(same[0]).toEqual(same[1]);
    // Imported again, every row is a duplicate.
    const again = await importTransfersCsv({ store: ctx.store, files: [file], map: EXPLORER_MAP });
    expect(again).toMatchObject({ rows: 291, written: 0, duplicates: 291 });
  });

  it('normalizes Bitcoin addresses by the codec, once per distinct address, and refuses a bad checksum', async () => {
    const codec = getAddressCodec('bitcoin');
    const addresses = [
      '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa',
      'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6',
      'BC1QA5WKGAEW2DKV56KFVJ49J0AV5NML45X9EK9HZ6', // bech32 in capitals: stored lowercase
      '3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC',
    ];
    expect(addresses.every((a) => codec.isValid(a))).toBe(true);
    const file = path.join(ctx.dir, 'bitcoin.csv');
    const row = (n: number) =>
      [
        `${String(n % 10).repeat(64)}`,
        String(800_000 + n),
        String(1_690_000_000 + n),
        addresses[n % 4],
        addresses[(n + 1) % 4],
        String(n * 1000),
        `out:${n}`,
      ].join(',');
    const lines = ['tx,block,time,from,to,sats,n', ...Array.from({ length: 40 }, (_, n) => row(n))];
    fs.writeFileSync(file, lines.join('\n'));
    const map = parseColumnMap(
      'tx=tx,block=block,time=time,from=from,to=to,raw_amount=sats,position=n',
    );
    const { byStore, rowByRow, loads, normalized, same } = await importBothWays(file, {
      map,
      chain: 'bitcoin',
    });
    expect(loads).toEqual([{ records: 40, taken: true }]);
    // 80 addresses in the file, 4 distinct texts: each asked once.
    expect(normalized.sort()).toEqual([...addresses].sort());
    expect(byStore).toEqual(rowByRow);
    expect(same[0]).toEqual(same[1]);
    expect(new Set((await ctx.store.listTransfers()).map((t) => t.from))).toEqual(
      new Set([addresses[0], addresses[1], addresses[3]]),
    );

    // One character changed: the Base58Check checksum fails, found at its line.
    lines[7] = lines[7]!.replace(addresses[2]!, '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb');
    const bad = path.join(ctx.dir, 'bitcoin-bad.csv');
    fs.writeFileSync(bad, lines.join('\n'));
    const watched = watchLoads(ctx.store);
    await expect(
      importTransfersCsv({ store: watched.store, files: [bad], map, chain: 'bitcoin' }),
    ).rejects.toThrow(
      /bitcoin-bad\.csv:8: Invalid bitcoin address "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"/,
    );
    expect(watched.loads).toEqual([expect.objectContaining({ taken: false })]);
  });

  it('scales whole units and leaves values it would have to round to the row-by-row path', async () => {
    const file = path.join(ctx.dir, 'values.csv');
    const tx = (n: number) => `0x${String(n).repeat(64).slice(0, 64)}`;
    const row = (n: number, value: string) =>
      `${tx(n)},483920,1447144575,0x1b63142628311395ceafeea5667e7c9026c862ca,0xac4df82fe37ea2187bc8c011a23d743b4f39019a,${value},${n}`;
    const map = parseColumnMap(
      'tx=Tx,block=Block,time=Time,from=From,to=To,amount=Value,position=N',
    );
    const header = 'Tx,Block,Time,From,To,Value,N';
    fs.writeFileSync(
      file,
      [header, row(1, '12.5'), row(2, '3'), row(3, '0.000001'), row(4, '7.')].join('\n'),
    );
    const exact = await importBothWays(file, { map, asset: 'USD', decimals: 6 });
    expect(exact.loads).toEqual([{ records: 4, taken: true }]);
    expect(exact.byStore).toEqual(exact.rowByRow);
    expect(exact.same[0]).toEqual(exact.same[1]);
    expect(
      (await ctx.store.listTransfers()).map((t) => t.amount).sort((a, b) => (a < b ? -1 : 1)),
    ).toEqual([1n, 3_000_000n, 7_000_000n, 12_500_000n]);

    const rounding = path.join(ctx.dir, 'rounding.csv');
    fs.writeFileSync(rounding, [header, row(5, '75996.79987999999'), row(6, '1')].join('\n'));
    const watched = watchLoads(ctx.store);
    const result = await importTransfersCsv({
      store: watched.store,
      files: [rounding],
      map,
      asset: 'USD',
      decimals: 6,
    });
    expect(watched.loads).toEqual([expect.objectContaining({ taken: false })]);
    expect(result).toMatchObject({ rows: 2, written: 2, rounded: 1 });
  });

  it('leaves leading zeros and uppercase hashes (valid, not plain for SQL) to the row-by-row path', async () => {
    const file = path.join(ctx.dir, 'zeros.csv');
    writeExplorerCsv(file);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[10] = lines[10]!.replace(/,(\d{8}),/, ',000$1,');
    lines[11] = lines[11]!.replace(/^0x[0-9a-f]{64}/, (tx) => tx.toUpperCase()); // 0X, uppercase
    fs.writeFileSync(file, lines.join('\n'));
    const { byStore, rowByRow, loads, same } = await importBothWays(file, { map: EXPLORER_MAP });
    expect(lines[10]).toMatch(/,000\d{8},/);
    expect(loads).toEqual([expect.objectContaining({ taken: false })]);
    expect(byStore).toEqual(rowByRow);
    expect(byStore).toMatchObject({ rows: 291, written: 291 });
    expect(same[0]).toEqual(same[1]);
  });

  it.each([
    [
      'a block past 2^64 - 1',
      1,
      '18446744073709551616',
      /:41: Invalid block number "18446744073709551616"/,
    ],
    ['a fractional raw amount', 6, '12.5', /:41: Invalid amount "12.5"/],
    ['a short tx hash', 0, '0x1234', /:41: Invalid ethereum transaction hash "0x1234"/],
    ['an impossible day', 2, '2025-02-30 00:00:00', /:41: Invalid time "2025-02-30 00:00:00"/],
    [
      'an address with a bad checksum',
      4,
      '0x47666FaB8bd0Ac7003bce3f5C3585383F09486E2',
      /:41: Invalid ethereum address .*checksum/,
    ],
    ['an empty position', 7, '', /:41: Empty position/],
  ])(
    'reports %s found in SQL at its line and writes nothing',
    async (_, column, value, message) => {
      const file = path.join(ctx.dir, 'bad.csv');
      writeExplorerCsv(file);
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      const f = lines[40]!.split(',');
      f[column] = value;
      lines[40] = f.join(',');
      fs.writeFileSync(file, lines.join('\n'));
      const watched = watchLoads(ctx.store);
      const error = await importTransfersCsv({
        store: watched.store,
        files: [file],
        map: EXPLORER_MAP,
      }).catch((e: unknown) => e);
      expect(watched.loads).toEqual([expect.objectContaining({ taken: false })]);
      expect(error).toBeInstanceOf(InvalidRowError);
      expect((error as Error).message).toMatch(message);
      expect(await ctx.store.listTransfers()).toEqual([]);
      expect((await ctx.store.getStats()).chains).toEqual([]);
    },
  );

  it('reports a record of another width, or a stray quote, as the row-by-row reader does', async () => {
    const file = path.join(ctx.dir, 'ragged.csv');
    writeExplorerCsv(file);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[100] = `${lines[100]},extra`;
    fs.writeFileSync(file, lines.join('\n'));
    const watched = watchLoads(ctx.store);
    await expect(
      importTransfersCsv({ store: watched.store, files: [file], map: EXPLORER_MAP }),
    ).rejects.toThrow(/ragged\.csv:101: expected 8 fields, found 9/);
    // DuckDB's reader refused the record.
    expect(watched.loads).toEqual(['failed']);

    lines[100] = lines[100]!.replace(/,extra$/, '').replace(/,(\d+)$/, ',"$1"x');
    fs.writeFileSync(file, lines.join('\n'));
    const quoted = watchLoads(ctx.store);
    await expect(
      importTransfersCsv({ store: quoted.store, files: [file], map: EXPLORER_MAP }),
    ).rejects.toMatchObject({
      code: 'CSV_SYNTAX',
      message: expect.stringMatching(/ragged\.csv:101:/),
    });
    // Not even offered to the store: its reader would have read the record otherwise.
    expect(quoted.loads).toEqual([]);
    expect(await ctx.store.listTransfers()).toEqual([]);
  });

  it('reads several files in one write, quoted fields too, and counts the rows repeated across them', async () => {
    const a = path.join(ctx.dir, 'a.csv');
    const b = path.join(ctx.dir, 'b.csv');
    writeExplorerCsv(a);
    const lines = fs.readFileSync(a, 'utf8').split('\n');
    // b.csv: the same rows with their values quoted (as explorers export them).
    fs.writeFileSync(
      b,
      lines.map((l, i) => (i === 0 ? l : l.replace(/,(\d+),(\d+)$/, ',"$1","$2"'))).join('\n'),
    );
    const watched = watchLoads(ctx.store);
    const result = await importTransfersCsv({
      store: watched.store,
      files: [b, a],
      map: EXPLORER_MAP,
    });
    expect(result).toMatchObject({ rows: 582, written: 291, duplicates: 291 });
    expect(watched.loads).toEqual([
      { records: 291, taken: true },
      { records: 291, taken: true },
    ]);
  });
});
