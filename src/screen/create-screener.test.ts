import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fbiAddresses,
  ofacRows,
  plainAddresses,
  syntheticTxHash,
  tornadoCash,
  transfer,
  writeSampleLabels,
} from '../../test/helpers/screen-fixtures.ts';
import { randomAddresses } from '../../test/helpers/random-addresses.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { importEtl } from '../ingest/etl/import-etl.ts';
import { normalizeAddress } from '../model/address.ts';
import { createScreener } from './create-screener.ts';
import { toChainalysis, toCsvRow } from './format-results.ts';
import { parseRiskRules } from './risk-rules.ts';
import type { IndirectExposure } from './types.ts';

const ETH = 10n ** 18n;
const row = (name: string) => ofacRows().find((r) => r.sdn_primary_name === name)!;
const lazarus = ofacRows().filter((r) => r.sdn_primary_name === 'Lazarus Group');

describe('screening: own labels', () => {
  const ctx = useTempStore();

  it('finds OFAC addresses as sanctioned, with list, entity and programs, in every accepted form', async () => {
    await writeSampleLabels(ctx.store);
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const laz = lazarus[0]!.address; // EIP-55 as published
    const btc = row('YAN Xiaobing').address; // P2PKH
    const bech = row('SOUTHFRONT').address; // bech32 P2WPKH
    const tron = row('GARANTEX EUROPE OU').address;
    const inputs = [
      laz,
      laz.toLowerCase(),
      `0x${laz.slice(2).toUpperCase()}`,
      btc,
      bech.toUpperCase(),
      tron,
    ];
    const results = await screener.screen(
      inputs.map((address) => ({ address })),
      { hops: 0 },
    );
    expect(results.map((r) => [r.chain, r.sanctioned, r.error])).toEqual([
      ['ethereum', true, null],
      ['ethereum', true, null],
      ['ethereum', true, null],
      ['bitcoin', true, null],
      ['bitcoin', true, null],
      ['tron', true, null],
    ]);
    expect(results[0]).toMatchObject({
      address: laz.toLowerCase(),
      riskLevel: 'severe',
      sanctions: [
        { list: 'OFAC SDN', entity: 'Lazarus Group', programs: ['DPRK3'], validFrom: '2019-09-13' },
      ],
      labels: [
        {
          category: 'sanctioned',
          entity: 'Lazarus Group',
          actor: 'lazarus-group',
          source: expect.stringMatching(/ofac/),
        },
      ],
    });
    expect(results[4]!.address).toBe(bech); // bech32 stored lowercase
    expect(results[5]!.sanctions[0]).toMatchObject({
      entity: 'GARANTEX EUROPE OU',
      programs: ['CYBER4', 'RUSSIA-EO14024'],
    });
    // The explanation names the rule, the list import (date and hash) and the rules' version.
    const e = results[0]!.explanation;
    expect(e.fired.map((f) => [f.rule, f.level])).toEqual([
      ['sanctioned', 'severe'],
      ['own-severe', 'severe'],
    ]);
    expect(e.fired[0]!.reason).toBe('on OFAC SDN: Lazarus Group (DPRK3) since 2019-09-13');
    expect(e.rules.version).toBe('chaintrail-default-2');
    expect(e.rules.sha256).toMatch(/^[0-9a-f]{64}$/);
    const list = e.labelSet.find((l) => l.importId === results[0]!.labels[0]!.importId)!;
    expect(list).toMatchObject({
      listName: 'OFAC SDN',
      listDate: '2025-11-19',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('screens the FBI Bybit addresses as attributed to North Korea, not sanctioned', async () => {
    await writeSampleLabels(ctx.store);
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const results = await screener.screen(fbiAddresses().map((address) => ({ address })));
    expect(results).toHaveLength(5);
    for (const r of results) {
      expect(r).toMatchObject({
        sanctioned: false,
        formerlySanctioned: false,
        riskLevel: 'severe',
        sanctions: [],
        attributions: [
          { category: 'theft', entity: 'TraderTraitor', actor: 'lazarus-group', country: 'KP' },
        ],
      });
      expect(r.explanation.fired.map((f) => f.rule)).toEqual(['own-severe']);
      expect(r.explanation.fired[0]!.reason).toMatch(/theft TraderTraitor \(lazarus-group, KP\)/);
    }
  });

  it('keeps invalid addresses as error rows and screens the rest of the batch', async () => {
    await writeSampleLabels(ctx.store);
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const laz = lazarus[0]!.address;
    const i = laz.slice(2).search(/[a-fA-F]/) + 2; // the first letter of the hex body
    const c = laz[i]!;
    const flipped = `${laz.slice(0, i)}${c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()}${laz.slice(i + 1)}`;
    const btc = row('YAN Xiaobing').address;
    const results = await screener.screen(
      [
        { address: flipped }, // one letter's case changed: the EIP-55 checksum fails
        { address: btc.toLowerCase() }, // base58 is case-sensitive: not the same address
        { address: 'hello' },
        { address: laz, chain: 'no-such-chain' },
        { address: laz },
      ],
      { hops: 0 },
    );
    expect(results.map((r) => [r.riskLevel, r.sanctioned])).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [null, null],
      ['severe', true],
    ]);
    expect(results[0]!.error).toBe('bad EIP-55 checksum');
    expect(results[1]!.error).toMatch(/base58/);
    expect(results[2]!.error).toMatch(/cannot tell the chain/);
    expect(results[3]!.error).toMatch(/Unknown chain "no-such-chain"/);
  });

  it('reports a delisted sanction as formerly sanctioned, and as sanctioned on a day before the delisting', async () => {
    const tc = tornadoCash();
    const address = normalizeAddress('ethereum', tc.address);
    await ctx.store.write(async (w) => {
      await w.recordLabelImport({
        format: 'csv',
        source: 'sdn.csv',
        listName: 'OFAC SDN',
        listDate: '2024-05-03',
        sha256: null,
      });
      await w.addLabels([
        {
          chain: 'ethereum',
          address,
          entity: tc.entity,
          category: 'sanctioned',
          source: 'https://sanctionslist.ofac.treas.gov/',
          confidence: 60,
          sanctionList: 'OFAC SDN',
          programs: tc.programs,
        },
      ]);
    });
    // The 2025-11-19 list no longer has it: importing it closes the label.
    await ctx.store.write(async (w) => {
      await w.recordLabelImport({
        format: 'csv',
        source: 'sdn-2025.csv',
        listName: 'OFAC SDN',
        listDate: '2025-11-19',
        sha256: null,
      });
      await w.closeDelisted({ sanctionList: 'OFAC SDN', validTo: '2025-11-19' });
    });
    const later = (await createScreener({ store: ctx.store, asOf: '2025-12-01' })).screenDirect(
      tc.address,
    );
    expect(later).toMatchObject({
      sanctioned: false,
      formerlySanctioned: true,
      riskLevel: 'medium',
      formerSanctions: [
        { entity: 'TORNADO CASH', programs: ['DPRK3', 'CYBER2'], validTo: '2025-11-19' },
      ],
    });
    expect(later.explanation.fired[0]!.reason).toBe(
      'was on OFAC SDN: TORNADO CASH (DPRK3, CYBER2) until 2025-11-19',
    );
    const before = (await createScreener({ store: ctx.store, asOf: '2025-01-01' })).screenDirect(
      tc.address,
    );
    expect(before).toMatchObject({
      sanctioned: true,
      formerlySanctioned: false,
      riskLevel: 'severe',
    });
  });

  it('never ignores an exact match on a chain without an address codec, even for a string the codec of another chain takes', async () => {
    // A label list may name chains chaintrail has no codec for (kept as given). The string here is a
    // synthetic one of Solana's form (Base58 of 32 bytes): screened without a chain it is valid as
    // Solana, yet the listing on the other chain must answer.
    const address = randomAddresses('exact-match', 1).find((a) => a.form === 'solana')!.address;
    await ctx.store.write(async (w) => {
      await w.addLabels([
        {
          chain: 'cardano',
          address,
          entity: 'Example Mixer',
          category: 'mixer',
          source: 'test',
          confidence: 50,
        },
      ]);
    });
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    expect(screener.screenDirect(address)).toMatchObject({
      chain: 'cardano',
      labels: [expect.objectContaining({ category: 'mixer' })],
    });
    const asSolana = screener.screenDirect(address, 'solana');
    expect(asSolana).toMatchObject({ chain: 'solana', labels: [] });
    expect(asSolana.alsoListedOn).toEqual([
      expect.objectContaining({ chain: 'cardano', sanctioned: false }),
    ]);
    expect(asSolana.riskLevel).not.toBe('low');
  });

  it('formats results as Chainalysis identifications and CSV rows', async () => {
    await writeSampleLabels(ctx.store);
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const suex = screener.screenDirect(row('SUEX OTC, S.R.O.').address);
    expect(toChainalysis(suex)).toEqual({
      identifications: [
        {
          category: 'sanctions',
          name: `SANCTIONS: OFAC SDN SUEX OTC, S.R.O. 2021-09-21 ${suex.address}`,
          description:
            'SUEX OTC, S.R.O. is on the OFAC SDN list under program CYBER2 (since 2021-09-21).',
          url: 'https://sanctionslist.ofac.treas.gov/',
        },
      ],
    });
    expect(toChainalysis(screener.screenDirect(fbiAddresses()[0]!))).toEqual({
      identifications: [],
    });
    expect(toCsvRow(suex)).toBe(
      `${suex.input},${suex.address},ethereum,,true,false,severe,OFAC SDN,"SUEX OTC, S.R.O.",CYBER2,sanctioned,"SUEX OTC, S.R.O.",,,https://sanctionslist.ofac.treas.gov/,,sanctioned; own-severe,chaintrail-default-2,1,,,,`,
    );
  });
});

describe('screening: indirect exposure', () => {
  const ctx = useTempStore();
  const sanctioned = normalizeAddress('ethereum', lazarus[0]!.address);
  const theft = normalizeAddress('ethereum', fbiAddresses()[0]!);
  const [m, x, y, a, p, q, r] = plainAddresses(7) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];

  /**
   * sanctioned -6-> m, x -4-> m, m -5-> a, y -5-> a (ETH). a received 10 ETH; of m's 10 ETH, 6 came
   * from the sanctioned address, so a's 5 from m carry 5 × 6/10 = 3: 30% at two hops.
   * theft -4-> x at three hops: 5 × 4/10 = 2, i.e. 20%, seen only with --hops 3.
   */
  async function writeTwoHops() {
    await writeSampleLabels(ctx.store);
    await ctx.store.write((w) =>
      w.appendTransfers([
        transfer('s-m', sanctioned, m, 6n * ETH, { day: '2025-03-01' }),
        transfer('t-x', theft, x, 4n * ETH, { day: '2025-03-01' }),
        transfer('x-m', x, m, 4n * ETH, { day: '2025-03-02' }),
        transfer('m-a', m, a, 5n * ETH, { day: '2025-03-03' }),
        transfer('y-a', y, a, 5n * ETH, { day: '2025-03-03' }),
        // Gas fees and self-transfers are not counterparty flows.
        transfer('fee', sanctioned, a, 1n * ETH, {
          day: '2025-03-03',
          kind: 'fee',
          position: 'fee:tip',
        }),
        transfer('self', a, a, 9n * ETH, { day: '2025-03-03' }),
      ]),
    );
  }

  it('gives an address two hops downstream of a sanctioned address the haircut share, and names the path', async () => {
    await writeTwoHops();
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [result] = await screener.screen([{ address: a }], { hops: 2 });
    const inflows = result!.exposure.indirect!.filter((e) => e.direction === 'in');
    // One category, and the `illicit` group it belongs to, at the same share.
    expect(inflows.map((e) => [e.category, e.share])).toEqual([
      ['illicit', 0.3],
      ['sanctioned', 0.3],
    ]);
    expect(inflows[1]).toMatchObject({
      category: 'sanctioned',
      asset: 'native',
      symbol: 'ETH',
      amount: 3n * ETH,
      total: 10n * ETH,
      share: 0.3,
      byHop: [0n, 3n * ETH],
      sources: [{ address: sanctioned, hops: 2, amount: 3n * ETH, path: [sanctioned, m, a] }],
    });
    expect(result!.riskLevel).toBe('high');
    const fired = result!.explanation.fired.find((f) => f.rule === 'in-sanctioned-10')!;
    expect(fired.reason).toBe(
      `30.00% of ETH received (3 of 10) came from sanctioned addresses; largest: Lazarus Group 3 via ${sanctioned} -> ${m} -> ${a} (2 hops)`,
    );
    // One hop sees only unlabelled senders; three hops also reach the theft two senders back.
    const [oneHop] = await screener.screen([{ address: a }], { hops: 1 });
    expect(oneHop!.exposure.indirect).toEqual([]);
    expect(oneHop!.riskLevel).toBe('low');
    const [threeHops] = await screener.screen([{ address: a }], { hops: 3 });
    expect(
      threeHops!.exposure
        .indirect!.filter((e) => e.direction === 'in')
        .map((e) => [e.category, e.amount, e.share, e.sources[0]!.path]),
    ).toEqual([
      ['illicit', 5n * ETH, 0.5, [sanctioned, m, a]],
      ['sanctioned', 3n * ETH, 0.3, [sanctioned, m, a]],
      ['theft', 2n * ETH, 0.2, [theft, x, m, a]],
    ]);
  });

  it('counts a counterparty labelled in several categories once in a group such as illicit', async () => {
    await writeTwoHops();
    // The Lazarus address is also the Ronin Bridge primary exploiter (tayvano, see PROVENANCE.md).
    await ctx.store.write((w) =>
      w.addLabels([
        {
          chain: 'ethereum',
          address: sanctioned,
          entity: 'Ronin Bridge Exploiter',
          category: 'theft',
          actor: 'lazarus-group',
          source: 'https://github.com/tayvano/lazarus-bluenoroff-research',
          confidence: 50,
        },
      ]),
    );
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [result] = await screener.screen([{ address: a }], { hops: 2 });
    const inflows = result!.exposure.indirect!.filter((e) => e.direction === 'in');
    expect(inflows.map((e) => [e.category, e.share, e.members?.length ?? null])).toEqual([
      ['illicit', 0.3, 8],
      ['sanctioned', 0.3, null],
      ['theft', 0.3, null],
    ]);
    expect(inflows[0]!.sources[0]!.labels.map((l) => l.category)).toEqual(['sanctioned', 'theft']);
    expect(result!.explanation.fired.find((f) => f.rule === 'in-illicit-25')!.reason).toMatch(
      /^30\.00% of ETH received \(3 of 10\) came from illicit \(darknet, malware, phishing, ransomware, sanctioned, scam, terrorism, theft\) addresses/,
    );
  });

  it('measures outflows the same way, and counts only transfers up to the as-of day', async () => {
    await writeSampleLabels(ctx.store);
    const usdt = '0xdac17f958d2ee523a2206206994597c13d831ec7';
    const suex = normalizeAddress('ethereum', row('SUEX OTC, S.R.O.').address);
    const token = { asset: usdt, kind: 'token' as const, position: 'log:0' };
    await ctx.store.write(async (w) => {
      await w.putAssets([{ chain: 'ethereum', asset: usdt, symbol: 'USDT', decimals: 6 }]);
      await w.appendTransfers([
        transfer('p-q', p, q, 10_000_000n, { ...token, day: '2022-01-01' }),
        transfer('q-suex', q, suex, 6_000_000n, { ...token, day: '2022-01-02' }),
        transfer('q-r', q, r, 4_000_000n, { ...token, day: '2022-01-02' }),
        transfer('p-r-late', p, r, 10_000_000n, { ...token, day: '2023-06-01' }),
      ]);
    });
    const early = await createScreener({ store: ctx.store, asOf: '2022-12-31' });
    const [pOut, qOut] = await early.screen([{ address: p }, { address: q }], { hops: 2 });
    expect(pOut!.exposure.indirect!.map((e) => e.category)).toEqual(['illicit', 'sanctioned']);
    expect(pOut!.exposure.indirect!.slice(1)).toEqual([
      expect.objectContaining({
        direction: 'out',
        category: 'sanctioned',
        symbol: 'USDT',
        amount: 6_000_000n,
        total: 10_000_000n,
        share: 0.6,
        sources: [expect.objectContaining({ hops: 2, path: [p, q, suex] })],
      }),
    ]);
    expect(pOut!.explanation.fired.map((f) => f.rule)).toEqual([
      'out-sanctioned-10',
      'out-illicit-10',
    ]);
    expect(qOut!.exposure.indirect![0]).toMatchObject({ share: 0.6, byHop: [6_000_000n, 0n] });
    // With the 2023 transfer counted, p sent 20 USDT: 6 reached the sanctioned address.
    const later = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [pLater] = await later.screen([{ address: p }], { hops: 2 });
    expect(pLater!.exposure.indirect![0]).toMatchObject({
      amount: 6_000_000n,
      total: 20_000_000n,
      share: 0.3,
    });
  });

  it('says when it followed only the largest counterparties and transfers', async () => {
    await writeTwoHops();
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [result] = await screener.screen([{ address: a }], {
      hops: 2,
      maxCounterparties: 1,
      maxTransfers: 1,
    });
    // m and y sent 5 ETH each and ties go to the smaller address: m (the pool is sorted) is followed;
    // of a's transfers the one from m is kept (equal amounts and days: the smaller hash, m-a's 138e…
    // before y-a's e448…), and of m's senders' transfers only the largest, the sanctioned one's. y's
    // and x's value stay unattributed.
    expect(m < y).toBe(true);
    expect(syntheticTxHash('m-a') < syntheticTxHash('y-a')).toBe(true);
    expect(result!.exposure.notes).toEqual([
      'inflows: 1 smaller direct counterparties not followed (limit 1 per asset); their value is unattributed',
      'inflows: 2 smaller transfers not followed (limit 1 per address, asset and hop); their value is unattributed',
    ]);
    expect(result!.exposure.indirect).toEqual([
      expect.objectContaining({
        direction: 'in',
        category: 'illicit',
        amount: 3n * ETH,
        share: 0.3,
      }),
      expect.objectContaining({
        direction: 'in',
        category: 'sanctioned',
        amount: 3n * ETH,
        share: 0.3,
      }),
    ]);
  });

  it('fires amount and hop-limited rules from a custom rules file', async () => {
    await writeTwoHops();
    const rules = parseRiskRules(
      [
        'version: test-2',
        'rules:',
        '  - { id: big, exposure: indirect, category: sanctioned, asset: ETH, minAmount: "2.5", level: severe }',
        '  - { id: huge, exposure: indirect, category: sanctioned, asset: ETH, minAmount: 4, level: severe }',
        '  - { id: near, exposure: indirect, category: sanctioned, maxHops: 1, minShare: 0, level: high }',
      ].join('\n'),
      'test.yaml',
    );
    const screener = await createScreener({ store: ctx.store, rules, asOf: '2025-12-01' });
    const [result] = await screener.screen([{ address: a }], { hops: 2 });
    expect(result!.explanation.fired.map((f) => f.rule)).toEqual(['big']);
    expect(result!.riskLevel).toBe('severe');
    expect(result!.explanation.rules).toMatchObject({ version: 'test-2', source: 'test.yaml' });
  });
});

describe('screening: indirect exposure in time order, through swaps', () => {
  const ctx = useTempStore();
  const laz = normalizeAddress('ethereum', lazarus[0]!.address);
  const [x, s, y, x2, s2] = plainAddresses(12).slice(7) as [string, string, string, string, string];
  const inflows = (r: { exposure: { indirect: IndirectExposure[] | null } }) =>
    r.exposure.indirect!.filter((e) => e.direction === 'in' && e.category === 'sanctioned');
  const outflows = (r: { exposure: { indirect: IndirectExposure[] | null } }) =>
    r.exposure.indirect!.filter((e) => e.direction === 'out' && e.category === 'sanctioned');

  it('gives no exposure to funds that reached the intermediary only after it paid the address', async () => {
    await writeSampleLabels(ctx.store);
    await ctx.store.write((w) =>
      w.appendTransfers([
        transfer('x-s', x, s, 5n * ETH, { day: '2025-03-01' }),
        transfer('laz-x', laz, x, 5n * ETH, { day: '2025-03-02' }),
      ]),
    );
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [result] = await screener.screen([{ address: s }], { hops: 2 });
    expect(result!.exposure.indirect).toEqual([]);
    expect(result!.riskLevel).toBe('low');
  });

  it('counts what had reached the intermediary before it paid, and names the transfers that carried it', async () => {
    await writeSampleLabels(ctx.store);
    await ctx.store.write((w) =>
      w.appendTransfers([
        transfer('laz-x', laz, x, 4n * ETH, { day: '2025-03-01' }),
        transfer('x-s', x, s, 5n * ETH, { day: '2025-03-02' }),
        // After x paid s: it cannot have funded the payment (all time, it would dilute it to 40%).
        transfer('y-x', y, x, 6n * ETH, { day: '2025-03-03' }),
      ]),
    );
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [result] = await screener.screen([{ address: s }], { hops: 2 });
    // x had received 4 ETH, all from Lazarus, when it paid s 5: 4 of the 5 are Lazarus's.
    expect(inflows(result!)).toEqual([
      expect.objectContaining({
        asset: 'native',
        amount: 4n * ETH,
        total: 5n * ETH,
        share: 0.8,
        byHop: [0n, 4n * ETH],
        sources: [
          expect.objectContaining({
            address: laz,
            hops: 2,
            amount: 4n * ETH,
            path: [laz, x, s],
            transfers: [
              { hop: 2, txHash: syntheticTxHash('laz-x'), from: laz, to: x, asset: 'native' },
              { hop: 1, txHash: syntheticTxHash('x-s'), from: x, to: s, asset: 'native' },
            ],
          }),
        ],
      }),
    ]);
    expect(result!.riskLevel).toBe('high');
  });

  it('measures outflows in time order too: only what left the intermediary after the address paid it', async () => {
    await writeSampleLabels(ctx.store);
    await ctx.store.write((w) =>
      w.appendTransfers([
        // s paid x after x had paid Lazarus: none of s's value can be in it.
        transfer('x-laz', x, laz, 5n * ETH, { day: '2025-03-01' }),
        transfer('s-x', s, x, 5n * ETH, { day: '2025-03-02' }),
        // s2 paid x2 before x2 paid Lazarus.
        transfer('s2-x2', s2, x2, 5n * ETH, { day: '2025-03-01' }),
        transfer('x2-laz', x2, laz, 5n * ETH, { day: '2025-03-02' }),
      ]),
    );
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [late, early] = await screener.screen([{ address: s }, { address: s2 }], { hops: 2 });
    expect(late!.exposure.indirect).toEqual([]);
    expect(outflows(early!)).toEqual([
      expect.objectContaining({
        amount: 5n * ETH,
        total: 5n * ETH,
        share: 1,
        sources: [
          expect.objectContaining({
            path: [s2, x2, laz],
            transfers: [
              { hop: 1, txHash: syntheticTxHash('s2-x2'), from: s2, to: x2, asset: 'native' },
              { hop: 2, txHash: syntheticTxHash('x2-laz'), from: x2, to: laz, asset: 'native' },
            ],
          }),
        ],
      }),
    ]);
  });

  /**
   * Mainnet tx 0x4608ec9a… (block 17173049, 2023-05-02): 0x9d23… paid the Uniswap V2 router 0.1 ETH,
   * which wrapped it and swapped the WETH in pool 0x7e25… for 5603260312653 units of token 0x9ce5…
   * paid to 0x9d23…. Around it, synthetic transfers: Lazarus pays 0x9d23… ETH the day before, and
   * 0x9d23… pays the token on the day after.
   */
  const SWAP_TX = '0x4608ec9aa7adf02ba0715c2ef5a756abb98e5e83e08938462938ecf40a25e599';
  const SWAPPER = '0x9d231f35909f3f8341bedecfc67430f30d70e997';
  const TOKEN = '0x9ce5d6239f24115c843778f9409f25b39207d657';
  const BOUGHT = 5603260312653n;
  const SWAP_TIME = 1683029999;
  const DAY_S = 86_400;
  const importSwapBlocks = () =>
    importEtl({
      store: ctx.store,
      paths: [path.resolve('test/fixtures/ethereum-etl/test_stream/blocks_17173049_17173050')],
    });

  it('follows inflows back through a swap: ETH from Lazarus swapped for a token reaches the address as the token', async () => {
    await writeSampleLabels(ctx.store);
    await importSwapBlocks();
    await ctx.store.write((w) =>
      w.appendTransfers([
        transfer('laz-swapper', laz, SWAPPER, ETH / 5n, { blockTime: SWAP_TIME - DAY_S }),
        transfer('swapper-s', SWAPPER, s, BOUGHT, {
          blockTime: SWAP_TIME + DAY_S,
          asset: TOKEN,
          kind: 'token',
          position: 'log:0',
        }),
      ]),
    );
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [result] = await screener.screen([{ address: s }], { hops: 2 });
    expect(inflows(result!)).toEqual([
      expect.objectContaining({
        asset: TOKEN,
        amount: BOUGHT,
        total: BOUGHT,
        share: 1,
        byHop: [0n, BOUGHT],
        sources: [
          expect.objectContaining({
            address: laz,
            hops: 2,
            path: [laz, SWAPPER, s],
            transfers: [
              {
                hop: 2,
                txHash: syntheticTxHash('laz-swapper'),
                from: laz,
                to: SWAPPER,
                asset: 'native',
              },
              {
                hop: 2,
                txHash: SWAP_TX,
                from: SWAPPER,
                to: SWAPPER,
                asset: 'native',
                swappedTo: TOKEN,
              },
              {
                hop: 1,
                txHash: syntheticTxHash('swapper-s'),
                from: SWAPPER,
                to: s,
                asset: TOKEN,
              },
            ],
          }),
        ],
      }),
    ]);
  });

  it('follows outflows on through a swap: ETH the address paid, swapped for a token, reaches Lazarus as the token', async () => {
    await writeSampleLabels(ctx.store);
    await importSwapBlocks();
    await ctx.store.write((w) =>
      w.appendTransfers([
        transfer('s-swapper', s, SWAPPER, ETH / 5n, { blockTime: SWAP_TIME - DAY_S }),
        transfer('swapper-laz', SWAPPER, laz, BOUGHT, {
          blockTime: SWAP_TIME + DAY_S,
          asset: TOKEN,
          kind: 'token',
          position: 'log:0',
        }),
      ]),
    );
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [result] = await screener.screen([{ address: s }], { hops: 2 });
    // s's 0.2 ETH was all the swapper had; it put 0.1 ETH into the swap and paid all it bought on.
    expect(outflows(result!)).toEqual([
      expect.objectContaining({
        asset: 'native',
        amount: ETH / 10n,
        total: ETH / 5n,
        share: 0.5,
        sources: [
          expect.objectContaining({
            path: [s, SWAPPER, laz],
            transfers: [
              {
                hop: 1,
                txHash: syntheticTxHash('s-swapper'),
                from: s,
                to: SWAPPER,
                asset: 'native',
              },
              {
                hop: 2,
                txHash: SWAP_TX,
                from: SWAPPER,
                to: SWAPPER,
                asset: 'native',
                swappedTo: TOKEN,
              },
              {
                hop: 2,
                txHash: syntheticTxHash('swapper-laz'),
                from: SWAPPER,
                to: laz,
                asset: TOKEN,
              },
            ],
          }),
        ],
      }),
    ]);
  });
});

describe('screening: where an address has transfers, on a store of one EVM chain', () => {
  const ctx = useTempStore();
  const [p, q] = plainAddresses(2) as [string, string];

  it('does not look up where addresses have transfers when no other chain of their form has any (the lookup scans the transfers)', async () => {
    await writeSampleLabels(ctx.store);
    await ctx.store.write(async (w) =>
      w.appendTransfers([
        transfer('p-q', p, q, 1n * ETH, { chain: 'ethereum', day: '2025-03-01' }),
      ]),
    );
    let lookups = 0;
    const store = new Proxy(ctx.store, {
      get(target, key, receiver) {
        if (key === 'getAddressChains') lookups++;
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const screener = await createScreener({ store, asOf: '2025-12-01' });
    const results = await screener.screen(
      [{ address: p }, { address: q, chain: 'ethereum' }, { address: p, chain: 'anvil' }],
      { hops: 0 },
    );
    // Screened on ethereum, the store's only EVM chain: nothing where it has transfers could change.
    expect(results.slice(0, 2).map((r) => [r.chain, r.activity])).toEqual([
      ['ethereum', null],
      ['ethereum', null],
    ]);
    // Screened on anvil, where the store has none: ethereum's transfers are looked up, and say so.
    expect(results[2]!.activity).toMatchObject({ onChain: false, seenOn: ['ethereum'] });
    expect(results[2]!.riskLevel).toBe('medium');
    expect(lookups).toBe(1);
    // Without the anvil input, no lookup at all.
    await screener.screen([{ address: p }, { address: q, chain: 'ethereum' }], { hops: 0 });
    expect(lookups).toBe(1);
  });
});

describe('screening: where an address has transfers, on a store of two EVM chains (and bsc)', () => {
  const ctx = useTempStore();
  const sanctioned = normalizeAddress('ethereum', lazarus[0]!.address);
  // p: anvil only; q: ethereum only; r: both; s: anvil and bsc; t: nowhere; x: a thief on anvil.
  const [p, q, r, s, t, x] = plainAddresses(6) as [string, string, string, string, string, string];

  async function writeTwoChains() {
    await writeSampleLabels(ctx.store);
    await ctx.store.write(async (w) => {
      // A theft label on anvil only: exposure to it counts only when p is screened on anvil.
      await w.addLabels([
        {
          chain: 'anvil',
          address: x,
          entity: 'Test thief',
          category: 'theft',
          source: 'test',
          confidence: 100,
        },
      ]);
      await w.appendTransfers([
        transfer('x-p', x, p, 4n * ETH, { chain: 'anvil', day: '2025-03-01' }),
        transfer('q-r', q, r, 1n * ETH, { chain: 'ethereum', day: '2025-03-01' }),
        transfer('r-s', r, s, 1n * ETH, { chain: 'anvil', day: '2025-03-02' }),
        transfer('s-mint', null, s, 1n * ETH, { chain: 'bsc', day: '2025-03-02' }),
        // The sanctioned address (listed on ethereum) only moved funds on anvil.
        transfer('l-x', sanctioned, x, 1n * ETH, { chain: 'anvil', day: '2025-03-02' }),
      ]);
    });
  }

  it('screens a 0x address without a chain on the one EVM chain where it has transfers, and says why', async () => {
    await writeTwoChains();
    // The real store, counting how often it is asked where addresses have transfers.
    let lookups = 0;
    const store = new Proxy(ctx.store, {
      get(target, key, receiver) {
        if (key === 'getAddressChains') lookups++;
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const screener = await createScreener({ store, asOf: '2025-12-01' });
    const results = await screener.screen(
      [p, q, r, s, t, '0x1234'].map((address) => ({ address })),
      { hops: 0 },
    );
    expect(lookups).toBe(1);
    expect(results.map((x) => [x.chain, x.riskLevel, x.activity])).toEqual([
      [
        'anvil',
        'low',
        {
          onChain: true,
          seenOn: [],
          chainFrom: 'activity',
          note: 'no chain given: anvil is the only EVM chain where it has transfers',
        },
      ],
      [
        'ethereum',
        'low',
        {
          onChain: true,
          seenOn: [],
          chainFrom: 'default',
          note: 'no chain given: screened on ethereum, the default for its form; it has transfers there',
        },
      ],
      [
        'ethereum',
        'low',
        {
          onChain: true,
          seenOn: ['anvil'],
          chainFrom: 'default',
          note: 'no chain given: screened on ethereum, the default for its form; it has transfers there; also seen on anvil',
        },
      ],
      [
        'ethereum',
        'medium',
        {
          onChain: false,
          seenOn: ['anvil', 'bsc'],
          chainFrom: 'default',
          note: 'no activity on ethereum; seen on anvil, bsc',
        },
      ],
      [
        'ethereum',
        'low',
        {
          onChain: false,
          seenOn: [],
          chainFrom: 'default',
          note: 'no chain given: screened on ethereum, the default for its form; no stored transfer of it on any EVM chain',
        },
      ],
      ['ethereum', null, null],
    ]);
    // Seen on two chains but not the one screened: never the clean default.
    expect(results[3]!.explanation.fired).toEqual([
      {
        rule: 'activity-elsewhere',
        level: 'medium',
        reason:
          'no activity on ethereum; seen on anvil, bsc: the address moved funds only there, so its answer on ethereum says nothing of them',
      },
    ]);
  });

  it('never passes an address as clean on a chain given where it has no transfers but others do', async () => {
    await writeTwoChains();
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [onEthereum, onAnvil, listed] = await screener.screen(
      [{ address: p, chain: 'ethereum' }, { address: p, chain: 'anvil' }, { address: sanctioned }],
      { hops: 0 },
    );
    expect(onEthereum).toMatchObject({
      chain: 'ethereum',
      riskLevel: 'medium',
      activity: {
        onChain: false,
        seenOn: ['anvil'],
        chainFrom: 'given',
        note: 'no activity on ethereum; seen on anvil',
      },
    });
    expect(onEthereum!.explanation.fired.map((f) => f.rule)).toEqual(['activity-elsewhere']);
    expect(onAnvil).toMatchObject({
      chain: 'anvil',
      riskLevel: 'low',
      activity: {
        onChain: true,
        seenOn: [],
        chainFrom: 'given',
        note: 'anvil given; it has transfers there',
      },
    });
    // A listing chooses the chain; the missing activity there is still said, and fires beside it.
    expect(listed).toMatchObject({
      chain: 'ethereum',
      sanctioned: true,
      riskLevel: 'severe',
      activity: { onChain: false, seenOn: ['anvil'], chainFrom: 'listing' },
    });
    expect(listed!.explanation.fired.map((f) => f.rule)).toEqual([
      'sanctioned',
      'own-severe',
      'activity-elsewhere',
    ]);
    // A rules file may set the level.
    const own = parseRiskRules('version: mine\nactivityElsewhere: high\nrules: []\n', 'mine.yaml');
    const strict = await createScreener({ store: ctx.store, asOf: '2025-12-01', rules: own });
    const [high] = await strict.screen([{ address: p, chain: 'ethereum' }], { hops: 0 });
    expect(high!.riskLevel).toBe('high');
  });

  it('follows exposure on the chain it chose: a thief on anvil that paid it counts', async () => {
    await writeTwoChains();
    const screener = await createScreener({ store: ctx.store, asOf: '2025-12-01' });
    const [result] = await screener.screen([{ address: p }], { hops: 1 });
    expect(result!.chain).toBe('anvil');
    expect(result!.riskLevel).toBe('high');
    expect(
      result!.exposure.indirect!.find((e) => e.category === 'theft' && e.direction === 'in'),
    ).toMatchObject({ share: 1, amount: 4n * ETH });
  });
});
