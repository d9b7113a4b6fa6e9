import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  fbiAddresses,
  genesisBitcoinAddress,
  ofacRows,
  plainAddresses,
  syntheticTxHash,
  transfer,
  writeSampleLabels,
} from '../../test/helpers/screen-fixtures.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import {
  CASE_MOVES,
  ETH_ACCOUNTS,
  ETH_BAD_FROM,
  ETH_USDC,
  ETH_USDT,
  noonOf,
  TRON_ACCOUNTS,
  TRON_BAD_FROM,
  TRON_USDC,
  TRON_USDT,
} from '../../test/helpers/stablecoin-share-case.ts';
import { TRON_SYNC_STREAM } from '../chains/tron/tron-source.ts';
import { normalizeAddress } from '../model/address.ts';
import type { Transfer } from '../model/transfer.ts';
import { tronAddressOf, tronHex41 } from '../simulate/tron/tron-test-chain.ts';
import type { Store } from '../store/store.ts';
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
      ].sort((a, b) => a.symbol.localeCompare(b.symbol)),
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
      // Per chain, by symbol: ETH before USDT.
      [
        ['ETH', 'lazarus-group', 4n * ETH],
        ['USDT', '(none)', 250_000_000n],
      ],
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

/** First block of each chain's constructed transfers: one block per transfer from there. */
const FIRST_BLOCK = { ethereum: 21_600_000n, tron: 68_900_000n } as const;
/** The Tron sync's checkpoint of the case: a little past its last transfer. */
const TRON_SYNCED_TO = FIRST_BLOCK.tron + 20n;

/**
 * The case of test/helpers/stablecoin-share-case.ts written to the store, with a TRX and an ETH
 * transfer of a labelled address (not of the assets asked for), its two label lists (one per
 * chain) and a Tron sync checkpoint. Returns the two label imports' SHA-256.
 */
async function writeStablecoinCase(store: Store): Promise<{ ethSha: string; tronSha: string }> {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const ethSha = sha('ethereum list');
  const tronSha = sha('tron list');
  const label = (chain: string, address: string, category: string, validFrom: string) => ({
    chain,
    address,
    entity: `case ${chain}`,
    category,
    source: 'constructed',
    confidence: 100,
    validFrom,
  });
  await store.write(async (w) => {
    await w.recordLabelImport({
      format: 'csv',
      source: 'eth-sanctioned.csv',
      listName: 'case ethereum',
      listDate: ETH_BAD_FROM,
      sha256: ethSha,
    });
    await w.addLabels([label('ethereum', ETH_ACCOUNTS.bad, 'sanctioned', ETH_BAD_FROM)]);
  });
  await store.write(async (w) => {
    await w.recordLabelImport({
      format: 'csv',
      source: 'tron-theft.csv',
      listName: 'case tron',
      listDate: TRON_BAD_FROM,
      sha256: tronSha,
    });
    await w.addLabels([label('tron', TRON_ACCOUNTS.bad, 'theft', TRON_BAD_FROM)]);
  });
  const blocks: Record<string, bigint> = { ...FIRST_BLOCK };
  const transfers: Transfer[] = CASE_MOVES.map((mv) => ({
    chain: mv.chain,
    blockNumber: (blocks[mv.chain] = blocks[mv.chain]! + 1n) - 1n,
    blockTime: noonOf(mv.day),
    txHash: syntheticTxHash(mv.name, mv.chain === 'ethereum'),
    position: 'log:0',
    from: mv.from,
    to: mv.to,
    asset: mv.token,
    amount: mv.amount,
    kind: 'token',
  }));
  transfers.push(
    transfer('trx', TRON_ACCOUNTS.bad, TRON_ACCOUNTS.p, 9_000_000n, {
      chain: 'tron',
      day: '2025-02-20',
      blockNumber: blocks.tron!,
    }),
    transfer('eth', ETH_ACCOUNTS.bad, ETH_ACCOUNTS.a, ETH, {
      day: '2025-02-26',
      blockNumber: blocks.ethereum!,
    }),
  );
  await store.write(async (w) => {
    await w.putAssets([
      { chain: 'ethereum', asset: ETH_USDT, symbol: 'USDT', decimals: 6 },
      { chain: 'ethereum', asset: ETH_USDC, symbol: 'USDC', decimals: 6 },
      { chain: 'tron', asset: TRON_USDT, symbol: 'USDT', decimals: 6 },
      { chain: 'tron', asset: TRON_USDC, symbol: 'USDC', decimals: 6 },
    ]);
    await w.appendTransfers(transfers);
    await w.setCheckpoint({
      chain: 'tron',
      stream: TRON_SYNC_STREAM,
      blockNumber: TRON_SYNCED_TO,
      blockHash: null,
    });
  });
  return { ethSha, tronSha };
}

/** Whole tokens of the case (6 decimals) in raw units. */
const usd = (whole: number) => BigInt(whole) * 10n ** 6n;

describe('illicit share of USDT and USDC across Ethereum and Tron', () => {
  const ctx = useTempStore();

  it('gives per-chain and combined figures by month, as added up by hand, with the label lists and block ranges', async () => {
    const { ethSha, tronSha } = await writeStablecoinCase(ctx.store);
    const r = await illicitShare({
      store: ctx.store,
      assets: ['USDT', 'USDC'],
      chains: ['ethereum', 'tron'],
      by: 'month',
    });
    // The figures of test/helpers/stablecoin-share-case.ts's table, row by row.
    const perChain = r.rows.map((x) => [
      x.chain,
      x.symbol,
      x.period,
      x.illicitVolume,
      x.volume,
      x.illicitTransfers,
      x.transfers,
    ]);
    expect(perChain).toEqual([
      ['ethereum', 'USDC', '2025-01', 0n, usd(400), 0, 1],
      ['ethereum', 'USDC', '2025-02', usd(100), usd(400), 1, 2],
      ['ethereum', 'USDT', '2025-01', usd(250), usd(1_250), 1, 2],
      ['ethereum', 'USDT', '2025-02', usd(150), usd(1_000), 1, 2],
      ['tron', 'USDC', '2025-01', 0n, usd(200), 0, 1],
      ['tron', 'USDC', '2025-02', usd(50), usd(250), 1, 2],
      ['tron', 'USDT', '2025-01', 0n, usd(3_000), 0, 2],
      ['tron', 'USDT', '2025-02', usd(500), usd(2_000), 1, 2],
    ]);
    expect(r.rows.map((x) => x.share)).toEqual([0, 0.25, 0.2, 0.15, 0, 0.2, 0, 0.25]);
    expect(
      r.combined.map((x) => [
        x.symbol,
        x.period,
        x.illicitVolume,
        x.volume,
        x.illicitTransfers,
        x.transfers,
      ]),
    ).toEqual([
      ['USDC', '2025-01', 0n, usd(600), 0, 2],
      ['USDC', '2025-02', usd(150), usd(650), 2, 4],
      ['USDT', '2025-01', usd(250), usd(4_250), 1, 4],
      ['USDT', '2025-02', usd(650), usd(3_000), 2, 4],
    ]);
    const shares = r.combined.map((x) => x.share!);
    for (const [i, hand] of [0, 150 / 650, 250 / 4_250, 650 / 3_000].entries())
      expect(shares[i]).toBeCloseTo(hand, 11);
    expect(r.combined[3]!.parts).toEqual([
      { chain: 'ethereum', asset: ETH_USDT, decimals: 6 },
      { chain: 'tron', asset: TRON_USDT, decimals: 6 },
    ]);
    expect(r.combined.every((x) => x.decimals === 6)).toBe(true);
    expect(r.notCombined).toEqual([]);
    // Both lists matched; the TRX and ETH of the labelled addresses are not of these assets.
    expect(r.labelSet.used.map((i) => [i.listName, i.listDate, i.sha256])).toEqual([
      ['case ethereum', ETH_BAD_FROM, ethSha],
      ['case tron', TRON_BAD_FROM, tronSha],
    ]);
    expect(r.ranges).toEqual([
      {
        chain: 'ethereum',
        // The 7 USDT and USDC transfers, then the ETH one: the span of every asset's transfers.
        firstBlock: FIRST_BLOCK.ethereum,
        lastBlock: FIRST_BLOCK.ethereum + 7n,
        firstTime: noonOf('2025-01-05'),
        lastTime: noonOf('2025-02-26'),
        syncedTo: null,
      },
      {
        chain: 'tron',
        firstBlock: FIRST_BLOCK.tron,
        lastBlock: FIRST_BLOCK.tron + 7n,
        firstTime: noonOf('2025-01-07'),
        lastTime: noonOf('2025-02-20'),
        syncedTo: TRON_SYNCED_TO,
      },
    ]);
    expect(r.chains).toEqual(['ethereum', 'tron']);
    expect(r.definitions.combined).toMatch(/never added/);
  });

  it("gives the whole range per chain and combined, and one chain alone without combined rows or the other chain's list", async () => {
    await writeStablecoinCase(ctx.store);
    const whole = await illicitShare({ store: ctx.store, assets: ['usdt', 'usdc'] });
    expect(whole.rows.map((x) => [x.chain, x.symbol, x.illicitVolume, x.volume])).toEqual([
      ['ethereum', 'USDC', usd(100), usd(800)],
      ['ethereum', 'USDT', usd(400), usd(2_250)],
      ['tron', 'USDC', usd(50), usd(450)],
      ['tron', 'USDT', usd(500), usd(5_000)],
    ]);
    expect(whole.combined.map((x) => [x.symbol, x.illicitVolume, x.volume, x.share])).toEqual([
      ['USDC', usd(150), usd(1_250), 0.12],
      ['USDT', usd(900), usd(7_250), expect.closeTo(900 / 7_250, 11)],
    ]);

    const tron = await illicitShare({ store: ctx.store, chains: ['tron'] });
    expect(tron.rows.map((x) => [x.symbol, x.illicitVolume, x.volume])).toEqual([
      ['TRX', 9_000_000n, 9_000_000n],
      ['USDC', usd(50), usd(450)],
      ['USDT', usd(500), usd(5_000)],
    ]);
    expect(tron.combined).toEqual([]);
    expect(tron.labelSet.used.map((i) => i.listName)).toEqual(['case tron']);
    expect(tron.ranges.map((x) => x.chain)).toEqual(['tron']);
    // `eth` is Ethereum's alias; an asset of another chain leaves nothing to count.
    const eth = await illicitShare({ store: ctx.store, assets: ['USDT'], chains: ['eth'] });
    expect(eth.rows.map((x) => [x.chain, x.asset])).toEqual([['ethereum', ETH_USDT]]);
    expect(
      (await illicitShare({ store: ctx.store, assets: ['tron:USDT'], chains: ['ethereum'] })).rows,
    ).toEqual([]);
    const unknown = illicitShare({ store: ctx.store, chains: ['ethereum', 'dogechain'] });
    await expect(unknown).rejects.toMatchObject({ code: 'UNKNOWN_CHAIN' });
    await expect(unknown).rejects.toThrow(/^Unknown chain "dogechain"/);
  });

  it("takes Tron's contracts by base58 or 41… hex, with or without the chain or metadata", async () => {
    await writeStablecoinCase(ctx.store);
    for (const name of [TRON_USDT, `tron:${TRON_USDT}`, tronHex41(TRON_USDT)]) {
      const r = await illicitShare({ store: ctx.store, assets: [name] });
      expect(
        r.rows.map((x) => [x.chain, x.asset, x.illicitVolume]),
        name,
      ).toEqual([['tron', TRON_USDT, usd(500)]]);
    }
    // A contract without metadata is still found by its address.
    const unnamed = tronAddressOfSeed('unnamed-trc20');
    await ctx.store.write((w) =>
      w.appendTransfers([
        transfer('unnamed', TRON_ACCOUNTS.p, TRON_ACCOUNTS.bad, 7n, {
          chain: 'tron',
          day: '2025-03-01',
          asset: unnamed,
          kind: 'token',
          position: 'log:0',
        }),
      ]),
    );
    const r = await illicitShare({ store: ctx.store, assets: [unnamed] });
    expect(r.rows.map((x) => [x.asset, x.symbol, x.illicitVolume, x.volume])).toEqual([
      [unnamed, null, 7n, 7n],
    ]);
  });

  it('scales a symbol with other decimals exactly to the larger, and does not combine a symbol two assets of one chain carry', async () => {
    await writeStablecoinCase(ctx.store);
    // CONSTRUCTED: a USDC with 18 decimals on BSC (as Binance-Peg USDC has) and a second token
    // named USDT on Ethereum (a copy, as scam tokens are named), both at seeded addresses.
    const bscUsdc = `0x${createHash('sha256').update('bsc-usdc').digest('hex').slice(0, 40)}`;
    const copyUsdt = `0x${createHash('sha256').update('copy-usdt').digest('hex').slice(0, 40)}`;
    const bscBad = `0x${createHash('sha256').update('bsc-bad').digest('hex').slice(0, 40)}`;
    await ctx.store.write(async (w) => {
      await w.putAssets([
        { chain: 'bsc', asset: bscUsdc, symbol: 'USDC', decimals: 18 },
        { chain: 'ethereum', asset: copyUsdt, symbol: 'USDT', decimals: 6 },
      ]);
      await w.addLabels([
        {
          chain: 'bsc',
          address: bscBad,
          entity: 'case bsc',
          category: 'scam',
          source: 'constructed',
          confidence: 100,
        },
      ]);
      const token = (asset: string) => ({ asset, kind: 'token' as const, position: 'log:0' });
      await w.appendTransfers([
        // 2.5 USDC, 1 of it illicit, in 18 decimals.
        transfer('b1', ETH_ACCOUNTS.a, bscBad, 10n ** 18n, {
          chain: 'bsc',
          day: '2025-02-01',
          ...token(bscUsdc),
        }),
        transfer('b2', ETH_ACCOUNTS.a, ETH_ACCOUNTS.b, 15n * 10n ** 17n, {
          chain: 'bsc',
          day: '2025-02-01',
          ...token(bscUsdc),
        }),
        transfer('c1', ETH_ACCOUNTS.a, ETH_ACCOUNTS.b, 5n, {
          day: '2025-02-01',
          ...token(copyUsdt),
        }),
      ]);
    });
    const r = await illicitShare({ store: ctx.store, assets: ['USDC', 'USDT'] });
    // USDC: 150 + 1 illicit of 1,250 + 2.5, in units of 1e-18: the 6-decimal sums times 10^12.
    expect(r.combined).toEqual([
      expect.objectContaining({
        symbol: 'USDC',
        decimals: 18,
        illicitVolume: 151n * 10n ** 18n,
        volume: 12_525n * 10n ** 17n,
        illicitTransfers: 3,
        transfers: 8,
        share: expect.closeTo(151 / 1_252.5, 11),
        parts: [
          { chain: 'bsc', asset: bscUsdc, decimals: 18 },
          { chain: 'ethereum', asset: ETH_USDC, decimals: 6 },
          { chain: 'tron', asset: TRON_USDC, decimals: 6 },
        ],
      }),
    ]);
    expect(r.notCombined).toEqual([
      {
        symbol: 'USDT',
        reason: `ethereum has several assets named USDT (ethereum:${copyUsdt}, ethereum:${ETH_USDT}): name the ones meant as chain:contract to combine them`,
      },
    ]);
    // Named by contract, the real ones combine.
    const chosen = await illicitShare({
      store: ctx.store,
      assets: [`ethereum:${ETH_USDT}`, `tron:${TRON_USDT}`],
    });
    expect(chosen.combined.map((x) => [x.symbol, x.illicitVolume, x.volume])).toEqual([
      ['USDT', usd(900), usd(7_250)],
    ]);
  });
});

/** A constructed `T…` address from a seed. */
function tronAddressOfSeed(seed: string): string {
  return tronAddressOf(new Uint8Array(createHash('sha256').update(seed).digest().subarray(0, 20)));
}
