import { describe, expect, it } from 'vitest';
import {
  fbiAddresses,
  genesisBitcoinAddress,
  ofacRows,
  plainAddresses,
  transfer,
  writeSampleLabels,
} from '../../test/helpers/screen-fixtures.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { normalizeAddress } from '../model/address.ts';
import type { Transfer } from '../model/transfer.ts';
import { illicitShare } from './illicit-share.ts';

const ETH = 10n ** 18n;
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const ofac = (name: string) => ofacRows().find((r) => r.sdn_primary_name === name)!.address;
const suex = normalizeAddress('ethereum', ofac('SUEX OTC, S.R.O.')); // sanctioned from 2021-09-21
const lazarus = normalizeAddress('ethereum', ofac('Lazarus Group')); // sanctioned, actor lazarus-group
const theft = normalizeAddress('ethereum', fbiAddresses()[0]!); // attribution: theft, lazarus-group
const [x, y, z] = plainAddresses(3) as [string, string, string];
const token = (n: bigint) => ({
  asset: USDT,
  kind: 'token' as const,
  position: 'log:0',
  amount: n,
});

/** Transfers with their expected illicit flag, so the test can add up what the store must. */
const CASES: { t: Transfer; illicit: boolean; categories: string[] }[] = [
  // Before SUEX's label starts (2021-09-21): not illicit.
  {
    t: transfer('u1', x, suex, 0n, { ...token(100_000_000n), day: '2021-09-01' }),
    illicit: false,
    categories: [],
  },
  {
    t: transfer('u2', x, suex, 0n, { ...token(200_000_000n), day: '2021-10-01' }),
    illicit: true,
    categories: ['sanctioned'],
  },
  {
    t: transfer('u3', suex, y, 0n, { ...token(50_000_000n), day: '2021-10-05' }),
    illicit: true,
    categories: ['sanctioned'],
  },
  {
    t: transfer('u4', y, z, 0n, { ...token(650_000_000n), day: '2021-10-07' }),
    illicit: false,
    categories: [],
  },
  {
    t: transfer('e1', theft, x, 3n * ETH, { day: '2025-03-01' }),
    illicit: true,
    categories: ['theft'],
  },
  { t: transfer('e2', x, y, 7n * ETH, { day: '2025-03-01' }), illicit: false, categories: [] },
  // Both sides illicit: counted once in the total, in each category of its own.
  {
    t: transfer('e3', lazarus, theft, 1n * ETH, { day: '2025-03-02' }),
    illicit: true,
    categories: ['sanctioned', 'theft'],
  },
];
/** A gas fee paid by a labelled address: in neither numerator nor denominator. */
const FEE = transfer('e1', theft, null, 5n * 10n ** 15n, {
  day: '2025-03-01',
  kind: 'fee',
  position: 'fee:burn',
});

function expected(asset: string, filter: (t: Transfer) => boolean = () => true) {
  const rows = CASES.filter((c) => c.t.asset === asset && filter(c.t));
  return {
    volume: rows.reduce((s, c) => s + c.t.amount, 0n),
    illicitVolume: rows.filter((c) => c.illicit).reduce((s, c) => s + c.t.amount, 0n),
    transfers: rows.length,
    illicitTransfers: rows.filter((c) => c.illicit).length,
  };
}

describe('illicit share', () => {
  const ctx = useTempStore();

  async function build() {
    await writeSampleLabels(ctx.store);
    // A third list whose labels touch no stored transfer: not part of the label set used.
    await ctx.store.write(async (w) => {
      await w.recordLabelImport({
        format: 'csv',
        source: 'tron.csv',
        listName: 'other',
        listDate: null,
        sha256: null,
      });
      await w.addLabels([
        {
          chain: 'tron',
          address: ofac('GARANTEX EUROPE OU'),
          entity: 'GARANTEX EUROPE OU',
          category: 'sanctioned',
          source: 'https://sanctionslist.ofac.treas.gov/',
          confidence: 60,
          sanctionList: 'OFAC SDN',
        },
      ]);
    });
    await ctx.store.write(async (w) => {
      await w.putAssets([{ chain: 'ethereum', asset: USDT, symbol: 'USDT', decimals: 6 }]);
      await w.appendTransfers([...CASES.map((c) => c.t), FEE]);
    });
  }

  it('gives per asset the share of volume to or from illicit addresses, with exact sums and the imports used', async () => {
    await build();
    const r = await illicitShare({ store: ctx.store });
    expect(r.rows).toEqual(
      [
        {
          chain: 'ethereum',
          asset: USDT,
          symbol: 'USDT',
          decimals: 6,
          period: null,
          group: null,
          ...expected(USDT),
          share: 0.25,
        },
        {
          chain: 'ethereum',
          asset: 'native',
          symbol: 'ETH',
          decimals: 18,
          period: null,
          group: null,
          ...expected('native'),
          share: Number(((4n * 10n ** 12n) / 11n).toString()) / 1e12,
        },
      ].sort((a, b) => a.asset.localeCompare(b.asset)),
    );
    // Independently: 250 of 1,000 USDT; 4 of 11 ETH.
    expect(expected(USDT)).toMatchObject({ volume: 1_000_000_000n, illicitVolume: 250_000_000n });
    expect(expected('native')).toMatchObject({ volume: 11n * ETH, illicitVolume: 4n * ETH });
    expect(r.labelSet.used.map((i) => i.listName)).toEqual(['OFAC SDN', 'FBI PSA I-022625-PSA']);
    expect(r.labelSet).toMatchObject({ imports: 3, usedLabelsWithoutImport: false });
    expect(r.definitions.numerator).toMatch(/valid on the transfer's day/);
    expect(r.definitions.denominator).toMatch(/gas fees/);
  });

  it('filters by asset symbol and splits by month, category and actor', async () => {
    await build();
    const byMonth = await illicitShare({ store: ctx.store, assets: ['usdt'], by: 'month' });
    expect(byMonth.rows.map((r) => [r.period, r.illicitVolume, r.volume, r.share])).toEqual([
      ['2021-09', 0n, 100_000_000n, 0],
      [
        '2021-10',
        250_000_000n,
        900_000_000n,
        Number(((250n * 10n ** 12n) / 900n).toString()) / 1e12,
      ],
    ]);
    const byCategory = await illicitShare({ store: ctx.store, assets: ['native'], by: 'category' });
    const cat = (c: string) =>
      CASES.filter((k) => k.t.asset === 'native' && k.categories.includes(c)).reduce(
        (s, k) => s + k.t.amount,
        0n,
      );
    expect(byCategory.rows.map((r) => [r.group, r.illicitVolume, r.volume])).toEqual([
      [null, 4n * ETH, 11n * ETH],
      ['sanctioned', cat('sanctioned'), 11n * ETH],
      ['theft', cat('theft'), 11n * ETH],
    ]);
    expect([cat('sanctioned'), cat('theft')]).toEqual([1n * ETH, 4n * ETH]);
    const byActor = await illicitShare({ store: ctx.store, by: 'actor' });
    expect(
      byActor.rows.filter((r) => r.group !== null).map((r) => [r.symbol, r.group, r.illicitVolume]),
    ).toEqual(
      [
        ['USDT', '(none)', 250_000_000n],
        ['ETH', 'lazarus-group', 4n * ETH],
      ].sort((a, b) => (a[0] === 'ETH' ? 1 : -1) - (b[0] === 'ETH' ? 1 : -1)),
    );
    await expect(illicitShare({ store: ctx.store, assets: ['DOGE'] })).rejects.toThrow(
      'Unknown asset "DOGE"',
    );
  });

  it('counts a UTXO output when an input of its transaction is labelled, and the transaction once', async () => {
    await writeSampleLabels(ctx.store);
    const sanctionedBtc = ofac('YAN Xiaobing');
    const plain = genesisBitcoinAddress();
    const btc = { chain: 'bitcoin', day: '2020-01-01' };
    await ctx.store.write((w) =>
      w.appendTransfers([
        transfer('b1', sanctionedBtc, null, 5_000n, { ...btc, kind: 'utxo_in', position: 'in:0' }),
        transfer('b1', null, plain, 3_000n, { ...btc, kind: 'utxo_out', position: 'out:0' }),
        transfer('b1', null, sanctionedBtc, 1_900n, {
          ...btc,
          kind: 'utxo_out',
          position: 'out:1',
        }),
        transfer('b2', plain, null, 3_000n, { ...btc, kind: 'utxo_in', position: 'in:0' }),
        transfer('b2', null, plain, 2_900n, { ...btc, kind: 'utxo_out', position: 'out:0' }),
      ]),
    );
    const r = await illicitShare({ store: ctx.store });
    // Outputs only (inputs repeat them): 3,000 + 1,900 + 2,900; b1's two outputs are tainted.
    expect(r.rows).toEqual([
      expect.objectContaining({
        chain: 'bitcoin',
        symbol: 'BTC',
        volume: 7_800n,
        illicitVolume: 4_900n,
        illicitTransfers: 2,
      }),
    ]);
  });
});
