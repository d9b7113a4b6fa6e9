import { describe, expect, it } from 'vitest';
import {
  buildFreezeList,
  freezeListCsv,
  freezeRequestText,
  type FreezeContext,
} from './freeze-list.ts';
import {
  assetInfo,
  BTC_CHAIN,
  btc,
  crossChainAssetInfo,
  crossChainSample,
  eth,
  sampleResult,
} from './test-fixture.ts';
import { valuationOf } from './valuation.ts';

const ctx: FreezeContext = {
  caseName: 'Test theft',
  seeds: ['0xt0'],
  traceId: 'trace-1',
  policy: 'haircut',
  direction: 'forward',
  asset: assetInfo,
};

describe('buildFreezeList', () => {
  it('groups freezable endpoints by entity, largest first, with their sums', () => {
    const r = sampleResult();
    const list = buildFreezeList(r, valuationOf(r));
    expect(list.map((x) => x.name)).toEqual(['Alder Exchange', 'Fixed Swap', '0xx1']);
    const alder = list[0]!;
    expect(alder.deposits.map((d) => d.address)).toEqual(['0xa1', '0xa2']);
    expect(alder.totals).toEqual([{ chain: 'eth', asset: 'native', amount: eth(40) }]);
    expect(alder.share).toBeCloseTo(0.4);
    expect(alder.measure / 1e18).toBeCloseTo(40);
    // An endpoint without entity stands under its own address.
    expect(list[2]!.entity).toBeNull();
    expect(list[2]!.totals[0]!.amount).toBe(eth(5));
    // Bridges, mixers and still-held value are not freezable at an exchange.
    expect(list.flatMap((x) => x.deposits.map((d) => d.category))).not.toContain('bridge');
  });

  it('totals each asset of an exchange on both chains apart, the largest value first, in the request too', () => {
    const r = crossChainSample();
    const [alder] = buildFreezeList(r, valuationOf(r));
    expect(alder!.totals).toEqual([
      { chain: 'eth', asset: 'native', amount: eth(40) },
      { chain: BTC_CHAIN, asset: 'native', amount: btc(0.3) },
    ]);
    expect(freezeRequestText(alder!, { ...ctx, asset: crossChainAssetInfo })).toContain(
      'Total: 40 ETH + 0.3 rBTC (50.00% of the stolen value)',
    );
    // By value, not raw units: 0.3 rBTC (10 ETH of the stolen value) before 1 ETH.
    r.endpoints = r.endpoints.filter((e) => e.address !== '0xa2');
    r.endpoints.find((e) => e.address === '0xa1')!.amount = eth(1);
    r.endpoints.find((e) => e.address === '0xa1')!.share = 0.01;
    const smaller = buildFreezeList(r, valuationOf(r)).find((x) => x.name === 'Alder Exchange')!;
    expect(smaller.totals.map((t) => t.chain)).toEqual([BTC_CHAIN, 'eth']);
  });

  it('gives each deposit the transactions by which its asset arrived, oldest first', () => {
    const r = sampleResult();
    const [alder] = buildFreezeList(r, valuationOf(r));
    const [a1, a2] = alder!.deposits;
    expect(a1!.arrivals.map((a) => [a.txHash, a.time, a.tainted])).toEqual([
      ['0xt1', 1000, eth(20)],
      ['0xt2', 2000, eth(10)],
    ]);
    // The token transfer into 0xa2 is not how its ETH arrived.
    expect(a2!.arrivals.map((a) => a.txHash)).toEqual(['0xt3']);
  });

  it('adds up endpoints at one address in one asset, and edges of one transaction', () => {
    const r = sampleResult();
    r.endpoints.push({ ...r.endpoints[0]!, amount: eth(2), share: 0.02 });
    r.edges.push({ ...r.edges[1]!, tainted: eth(1) });
    const [alder] = buildFreezeList(r, valuationOf(r));
    expect(alder!.deposits).toHaveLength(2);
    expect(alder!.deposits[0]!.amount).toBe(eth(32));
    expect(alder!.totals[0]!.amount).toBe(eth(42));
    expect(alder!.deposits[0]!.arrivals.find((a) => a.txHash === '0xt1')!.tainted).toBe(eth(21));
  });
});

describe('freezeListCsv', () => {
  it('writes one row per deposit with whole and raw amounts and arrivals', () => {
    const r = sampleResult();
    const csv = freezeListCsv(buildFreezeList(r, valuationOf(r)), ctx);
    const rows = csv.trimEnd().split('\r\n');
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(
      /^exchange,category,chain,deposit_address,asset,symbol,amount,amount_raw/,
    );
    expect(rows[1]).toBe(
      `Alder Exchange,deposit_wallet,eth,0xa1,native,ETH,30,${eth(30)},30.0000,0xt1;0xt2,1970-01-01T00:16:40Z;1970-01-01T00:33:20Z,,,trace-1,haircut`,
    );
    expect(rows[4]!.startsWith('0xx1,exchange,eth,0xx1,')).toBe(true);
  });

  it('keeps an entity name that is a formula out of spreadsheets, amounts as numbers', () => {
    const r = sampleResult();
    r.endpoints[0]!.entity = "-2+3+cmd|' /C calc'!A0";
    const csv = freezeListCsv(buildFreezeList(r, valuationOf(r)), ctx);
    expect(csv).toContain("'-2+3+cmd|' /C calc'!A0,");
    expect(csv).not.toMatch(/(^|,)-2\+3/m);
  });
});

describe('an inferred deposit address', () => {
  it('is listed with the exchange address it sweeps to and the sweeps, in the list, CSV and request', () => {
    const r = sampleResult();
    const inferred = { exchangeAddress: '0xhot', sweeps: ['0xs1', '0xs2'], confidence: 40 };
    const a2 = r.endpoints.find((e) => e.address === '0xa2')!;
    a2.inferred = inferred;
    const [alder] = buildFreezeList(r, valuationOf(r));
    expect(alder!.deposits.find((d) => d.address === '0xa2')!.inferred).toEqual(inferred);
    expect(alder!.deposits.find((d) => d.address === '0xa1')!.inferred).toBeUndefined();
    const rows = freezeListCsv([alder!], ctx).trimEnd().split('\r\n');
    expect(rows.find((row) => row.includes(',0xa2,'))).toContain(',0xhot,0xs1;0xs2,trace-1,');
    expect(freezeRequestText(alder!, ctx)).toContain(
      'Deposit address inferred from its sweeps to your address 0xhot: 0xs1, 0xs2',
    );
  });
});

describe('freezeRequestText', () => {
  it('names the case, each address with amount and arrivals, the total, trace and policy', () => {
    const r = sampleResult();
    const [alder] = buildFreezeList(r, valuationOf(r));
    const text = freezeRequestText(alder!, ctx);
    expect(text).toContain('Freeze request: Alder Exchange');
    expect(text).toContain('Case: Test theft');
    expect(text).toContain('1. 0xa1 (eth, deposit wallet)');
    expect(text).toContain('Amount: 30 ETH (30.00% of the stolen value)');
    expect(text).toContain('- 0xt2 at 1970-01-01 00:33:20 UTC (10 ETH)');
    expect(text).toContain('Total: 40 ETH (40.00% of the stolen value)');
    expect(text).toContain('Trace: trace-1 (forward, haircut policy)');
  });
});
