import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ETL_TOKEN_TRANSFERS } from '../../test/helpers/etl-transfers.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { importPricesCsv, parsePriceColumnMap } from './prices-csv.ts';

// Every price in these files is test data written by the test, not a market price.

/** A real mainnet token contract (ethereum-etl's test resources), as the file gives it in capitals. */
const TOKEN = ETL_TOKEN_TRANSFERS[0]!.asset;

describe('importPricesCsv', () => {
  const ctx = useTempStore();
  const write = (name: string, lines: string[]) => {
    const file = path.join(ctx.dir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };
  const stored = async (asset = 'native', chain = 'ethereum') =>
    (await ctx.store.listPrices({ chain, asset })).map((p) => [p.day, p.usd, p.source]);

  it("reads CoinGecko's historical export as it is: one price a UTC day, its source the file's name and hash, the gaps", async () => {
    const file = write('eth-usd-max.csv', [
      'snapped_at,price,market_cap,total_volume',
      '2025-02-18 00:00:00 UTC,10.5,1000,10',
      '2025-02-19 00:00:00 UTC,11,1000,10',
      '2025-02-21 00:00:00 UTC,12.25,1000,10',
      '2025-02-27 00:00:00 UTC,1.5e-3,1000,10',
    ]);
    const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const result = await importPricesCsv({ store: ctx.store, file, chain: 'eth', asset: 'ETH' });
    const source = `eth-usd-max.csv sha256:${sha256.slice(0, 12)}`;
    expect(result).toMatchObject({
      chain: 'ethereum',
      asset: 'native',
      source,
      sha256,
      columns: { date: 'snapped_at', usd: 'price' },
      rows: 4,
      days: 4,
      replaced: 0,
      rejected: 0,
      firstDay: '2025-02-18',
      lastDay: '2025-02-27',
      gaps: [
        { after: '2025-02-19', before: '2025-02-21', missingDays: 1, unpricedDays: 0 },
        // 22-26 February: the 21st's price stands for the 22nd to 24th, the 25th and 26th are unpriced.
        { after: '2025-02-21', before: '2025-02-27', missingDays: 5, unpricedDays: 2 },
      ],
    });
    expect(await stored()).toEqual([
      ['2025-02-18', 10.5, source],
      ['2025-02-19', 11, source],
      ['2025-02-21', 12.25, source],
      ['2025-02-27', 0.0015, source],
    ]);
  });

  it('takes ISO times, Unix seconds and milliseconds by their UTC day, headers in any case, --map and --source', async () => {
    const file = write('token.csv', [
      'Date,Open,Close',
      '2025-02-18T23:59:59Z,1,1.01',
      // 01:00 at UTC+2 on the 19th is 23:00 UTC on the 18th: a second price for the 18th.
      '2025-02-19T01:00:00+02:00,1,1.02',
    ]);
    await expect(
      importPricesCsv({ store: ctx.store, file, chain: 'ethereum', asset: TOKEN }),
    ).rejects.toMatchObject({
      code: 'INVALID_ROW',
      message: expect.stringMatching(
        /token\.csv:3: column "Date": a second price for 2025-02-18 \(line 2 has one/,
      ),
    });
    const fixed = write('token.csv', [
      'Date,Open,Close',
      '2025-02-18T23:59:59Z,1,1.01',
      '2025-02-20T01:00:00+02:00,1,1.02', // 2025-02-19T23:00:00Z
      '1740096000,1,1.03', // 2025-02-21T00:00:00Z
      '1740182400000,1,1.04', // 2025-02-22T00:00:00Z
    ]);
    const result = await importPricesCsv({
      store: ctx.store,
      file: fixed,
      chain: 'ethereum',
      asset: `0x${TOKEN.slice(2).toUpperCase()}`,
      source: 'test feed',
    });
    expect(result).toMatchObject({ asset: TOKEN, columns: { date: 'Date', usd: 'Close' } });
    expect(await stored(TOKEN)).toEqual([
      ['2025-02-18', 1.01, 'test feed'],
      ['2025-02-19', 1.02, 'test feed'],
      ['2025-02-21', 1.03, 'test feed'],
      ['2025-02-22', 1.04, 'test feed'],
    ]);
    const mapped = write('mapped.csv', ['When,Px', '2025-03-01,2']);
    await importPricesCsv({
      store: ctx.store,
      file: mapped,
      chain: 'ethereum',
      asset: 'native',
      map: parsePriceColumnMap('date=When,usd=Px'),
    });
    expect((await stored()).map(([day, usd]) => [day, usd])).toEqual([['2025-03-01', 2]]);
  });

  it('refuses a bad row naming file, line and column, writing nothing; --skip-invalid imports the rest and lists the rejects', async () => {
    const good = write('good.csv', ['date,usd', '2025-02-18,1', '2025-02-19,2']);
    const first = await importPricesCsv({
      store: ctx.store,
      file: good,
      chain: 'ethereum',
      asset: 'native',
    });
    const before = await stored();
    const bad = write('bad.csv', [
      'date,usd',
      '2025-02-19,20',
      '2025-02-20,21',
      '2025-02-21,"2,712.34"',
      '2025-02-30,22',
      '20250222,23',
      '2025-02-23,',
      '2025-02-24,-1',
    ]);
    await expect(
      importPricesCsv({ store: ctx.store, file: bad, chain: 'ethereum', asset: 'native' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ROW',
      message: expect.stringMatching(/bad\.csv:4: column "usd": "2,712\.34" is not a price/),
    });
    expect(await stored()).toEqual(before);

    const rejectsPath = path.join(ctx.dir, 'rejects.csv');
    const result = await importPricesCsv({
      store: ctx.store,
      file: bad,
      chain: 'ethereum',
      asset: 'native',
      skipInvalid: true,
      rejectsPath,
    });
    expect(result).toMatchObject({ rows: 7, days: 2, replaced: 1, rejected: 5 });
    const rejected = (
      parse(fs.readFileSync(rejectsPath, 'utf8'), { columns: true }) as {
        file: string;
        line: string;
        reason: string;
      }[]
    ).map((r) => [path.basename(r.file), Number(r.line), r.reason]);
    expect(rejected).toEqual([
      ['bad.csv', 4, expect.stringMatching(/^column "usd": "2,712\.34" is not a price/)],
      [
        'bad.csv',
        5,
        expect.stringMatching(
          /^column "date": "2025-02-30": 2025-02-30 is not a day of the calendar/,
        ),
      ],
      [
        'bad.csv',
        6,
        'column "date": "20250222" is 1970-08-23, before 2009-01-03 (Bitcoin\'s first block): not a date of a price',
      ],
      ['bad.csv', 7, 'column "usd": no price'],
      ['bad.csv', 8, expect.stringMatching(/^column "usd": "-1" is not a price/)],
    ]);
    // The 19th was replaced, price and source; the 18th kept from the first file.
    expect(await stored()).toEqual([
      ['2025-02-18', 1, first.source],
      ['2025-02-19', 20, result.source],
      ['2025-02-20', 21, result.source],
    ]);
  });

  it('says what is wrong with the header, the asset and an empty file', async () => {
    const noPrice = write('no-price.csv', ['Day,Px', '2025-02-18,1']);
    await expect(
      importPricesCsv({ store: ctx.store, file: noPrice, chain: 'ethereum', asset: 'native' }),
    ).rejects.toMatchObject({
      code: 'MISSING_COLUMN',
      message: expect.stringMatching(
        /no-price\.csv:1: no price column \(usd, price, close\): name it with --map usd=COLUMN\nColumns in the file: Day, Px/,
      ),
    });
    await expect(
      importPricesCsv({ store: ctx.store, file: noPrice, chain: 'ethereum', asset: 'USDT' }),
    ).rejects.toMatchObject({
      code: 'BAD_USAGE',
      message: expect.stringMatching(/--asset "USDT"/),
    });
    const header = write('header.csv', ['date,usd']);
    await expect(
      importPricesCsv({ store: ctx.store, file: header, chain: 'ethereum', asset: 'native' }),
    ).rejects.toMatchObject({ code: 'CSV_EMPTY' });
    await expect(
      importPricesCsv({
        store: ctx.store,
        file: path.join(ctx.dir, 'none.csv'),
        chain: 'ethereum',
        asset: 'native',
      }),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(() => parsePriceColumnMap('price=Px')).toThrow(/Unknown field "price"/);
    expect(await stored()).toEqual([]);
  });
});
