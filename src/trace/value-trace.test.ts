import { describe, expect, it } from 'vitest';
import { FIXTURE, handBuiltTrace } from '../../test/helpers/trace-fixture.ts';
import { type PriceRow, SECONDS_PER_DAY, utcDay } from '../model/price.ts';
import { simulatorContractAddress } from '../simulate/world.ts';
import type { TraceEdge, TraceResult } from './types.ts';
import { USD_VALUE_ASSET, USD_VALUE_SOURCE, valueTrace } from './value-trace.ts';

// Every price here is test data, not a market price.

/** Day 0 of the tests: the fixture's day (its times are around GENESIS, 2023-11-14). */
const D0 = Math.floor(1_700_000_000 / SECONDS_PER_DAY);
/** A Unix time on day `d` after D0, `seconds` into it. */
const at = (d: number, seconds = 0) => (D0 + d) * SECONDS_PER_DAY + seconds;
/** The last second of a UTC day. */
const LAST_SECOND = SECONDS_PER_DAY - 1;
const day = (d: number) => utcDay(at(d));
/** A simulator stablecoin (6 decimals) for endpoints in another asset. */
const STABLE = simulatorContractAddress('Stablecoin');

/** Prices of anvil's native coin by day offset, as sorted rows. */
function pricesOf(byDay: Record<number, number>, asset = 'native'): PriceRow[] {
  return Object.entries(byDay)
    .map(([d, usd]) => ({ chain: 'anvil', asset, day: day(Number(d)), usd, source: 'test prices' }))
    .sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** The hand-built trace with each edge (by its first word: split-1 → split1) at a time of ours. */
function traceAt(times: Record<'split1' | 'split2' | 'deposit' | 'mixer' | 'bridge', number>) {
  const r = handBuiltTrace();
  const f = FIXTURE;
  const which = (e: TraceEdge) =>
    e.to.endsWith(f.split1)
      ? 'split1'
      : e.to.endsWith(f.split2)
        ? 'split2'
        : e.to.endsWith(f.deposit)
          ? 'deposit'
          : e.to.endsWith(f.mixer)
            ? 'mixer'
            : 'bridge';
  for (const e of r.edges) e.time = times[which(e)];
  const edge = (name: keyof typeof times) => r.edges.find((e) => which(e) === name)!;
  return { r, edge };
}

const ETHER = 1e18;
const eth = (e: TraceEdge) => Number(e.tainted) / ETHER;
const native = (byDay: Record<number, number>) => ({
  prices: (chain: string, asset: string) =>
    chain === 'anvil' && asset === 'native' ? pricesOf(byDay) : [],
  decimals: (chain: string, asset: string) =>
    asset === 'native' ? 18 : asset === STABLE ? 6 : undefined,
});

describe('valueTrace', () => {
  it("values the stolen transfers, each endpoint and the freezable part at their UTC day's price, or the nearest earlier one within 3 days", () => {
    const { r, edge } = traceAt({
      split1: at(0, 10 * 3600),
      split2: at(1, 9 * 3600),
      deposit: at(2, LAST_SECOND),
      // No price on days 3-5: day 2's stands for them.
      mixer: at(5, LAST_SECOND),
      bridge: at(6),
    });
    const P = { 0: 2000, 1: 2100, 2: 2200, 6: 2600, 7: 9999 };
    const v = valueTrace(r, native(P));
    // The stolen value: the two hop-1 transfers at their days' prices.
    expect(v.stolen.pricedShare).toBe(1);
    expect(v.stolen.usd).toBe(eth(edge('split1')) * P[0] + eth(edge('split2')) * P[1]);
    // Endpoints in the result's order: the bridge, the deposit, the mixer, split 2's unspent rest.
    expect(r.endpoints.map((e) => e.address)).toEqual([
      FIXTURE.thorRouter,
      FIXTURE.deposit,
      FIXTURE.mixer,
      FIXTURE.split2,
    ]);
    const amount = (i: number) => Number(r.endpoints[i]!.amount) / ETHER;
    const usd = v.endpoints.map((e) => e.usd);
    expect(usd).toHaveLength(4);
    expect(usd[0]).toBe(amount(0) * P[6]);
    expect(usd[1]).toBe(amount(1) * P[2]);
    expect(usd[2]).toBe(amount(2) * P[2]);
    // What stayed at split 2 (4 of the 40 ETH it received) at the price of the day it came.
    expect(usd[3]).toBe(amount(3) * P[1]);
    // The deposit address arrived in full: its value is its arrival's.
    expect(usd[1]).toBe(eth(edge('deposit')) * P[2]);
    // Only the exchange deposit is freezable.
    expect(v.freezable).toEqual({ usd: usd[1], pricedShare: 1 });
    expect(v.sources).toEqual([
      {
        chain: 'anvil',
        asset: 'native',
        source: 'test prices',
        from: day(0),
        to: day(6),
        days: 4,
      },
    ]);
    expect(v.unpriced).toEqual([]);
    expect(v.currency).toBe('USD');
  });

  it('leaves unpriced what has no price within 3 days before it (a later price never counts), and names the asset', () => {
    const { r, edge } = traceAt({
      split1: at(0, 12 * 3600),
      split2: at(4), // 4 days after the last price
      deposit: at(3, LAST_SECOND), // 3 days after it: priced
      mixer: at(4),
      bridge: at(4),
    });
    const P = { 0: 2000, 5: 9999 };
    const v = valueTrace(r, native(P));
    const total = eth(edge('split1')) + eth(edge('split2'));
    expect(v.stolen).toEqual({
      usd: expect.closeTo(eth(edge('split1')) * P[0], 6),
      pricedShare: expect.closeTo(eth(edge('split1')) / total, 12),
    });
    expect(v.endpoints.map((e) => e.usd)).toEqual([
      null,
      expect.closeTo((Number(r.endpoints[1]!.amount) / ETHER) * P[0], 6),
      null,
      null,
    ]);
    expect(v.freezable).toEqual({ usd: v.endpoints[1]!.usd, pricedShare: 1 });
    expect(v.unpriced).toEqual([{ chain: 'anvil', asset: 'native' }]);
    expect(v.sources).toEqual([expect.objectContaining({ from: day(0), to: day(0), days: 1 })]);
  });

  it('gives nulls and names the assets when nothing has a price, or the decimals are unknown', () => {
    const { r } = traceAt({
      split1: at(0),
      split2: at(0),
      deposit: at(0),
      mixer: at(0),
      bridge: at(0),
    });
    const none = valueTrace(r, native({}));
    expect(none).toEqual({
      currency: 'USD',
      stolen: { usd: null, pricedShare: 0 },
      freezable: { usd: null, pricedShare: 0 },
      endpoints: [{ usd: null }, { usd: null }, { usd: null }, { usd: null }],
      sources: [],
      unpriced: [{ chain: 'anvil', asset: 'native' }],
    });
    // Nothing freezable is nothing to price: 0 USD, all of it priced.
    const noFreeze = structuredClone(r);
    noFreeze.endpoints = noFreeze.endpoints.filter((e) => e.category !== 'deposit_wallet');
    expect(valueTrace(noFreeze, native({})).freezable).toEqual({ usd: 0, pricedShare: 1 });
    const noDecimals = valueTrace(r, { ...native({ 0: 2000 }), decimals: () => undefined });
    expect(noDecimals.stolen.usd).toBeNull();
    expect(noDecimals.unpriced).toEqual([{ chain: 'anvil', asset: 'native' }]);
    expect(noDecimals.sources).toEqual([]);
  });

  it("values an endpoint in another asset at that asset's prices on its arrivals' days, ignores sweeps, and counts unit:USD amounts as dollars", () => {
    const { r, edge } = traceAt({
      split1: at(0),
      split2: at(1),
      deposit: at(2),
      mixer: at(2),
      bridge: at(2),
    });
    const hot = simulatorContractAddress('OtcDesk');
    r.nodes.push({
      id: `anvil:${hot}`,
      chain: 'anvil',
      address: hot,
      category: 'otc',
      entity: 'OTC',
    });
    // Value swapped on the way: 6,000 stablecoins at the OTC desk, arrived as 3 ETH from split 2.
    r.endpoints.push({
      chain: 'anvil',
      address: hot,
      category: 'otc',
      entity: 'OTC',
      asset: STABLE,
      amount: String(6000 * 1e6),
      share: 0.03,
      finding: 'arrived at OTC (otc): freezable',
      paths: [],
    });
    r.edges.push(
      {
        ...edge('bridge'),
        to: `anvil:${hot}`,
        amount: String(3e18),
        tainted: String(3e18),
        time: at(1),
      },
      // The exchange sweeping the deposit to the desk is evidence, not value arriving there.
      {
        ...edge('deposit'),
        from: `anvil:${FIXTURE.deposit}`,
        to: `anvil:${hot}`,
        hop: 3,
        time: at(2),
        sweep: true,
      },
    );
    const stable = pricesOf({ 1: 0.999, 2: 5 }, STABLE);
    const v = valueTrace(r, {
      prices: (_chain, asset) =>
        asset === STABLE ? stable : pricesOf({ 0: 2000, 1: 2100, 2: 2200 }),
      decimals: native({}).decimals,
    });
    expect(v.endpoints[4]!.usd).toBeCloseTo(6000 * 0.999, 9);
    const deposit = v.endpoints[1]!.usd!;
    expect(v.freezable!.usd).toBeCloseTo(deposit + 6000 * 0.999, 6);
    expect(v.freezable!.pricedShare).toBe(1);
    expect(v.sources.find((s) => s.asset === STABLE)).toMatchObject({
      from: day(1),
      to: day(1),
      days: 1,
    });

    // The same trace in USD values (import transfers --asset USD): amounts are the dollars.
    const usdTrace: TraceResult = structuredClone(r);
    usdTrace.endpoints = usdTrace.endpoints.slice(0, 4);
    usdTrace.edges = usdTrace.edges.slice(0, 5);
    for (const x of [...usdTrace.edges, ...usdTrace.endpoints]) x.asset = USD_VALUE_ASSET;
    const inUsd = valueTrace(usdTrace, { prices: () => [], decimals: () => 18 });
    expect(inUsd.stolen).toEqual({ usd: 100, pricedShare: 1 });
    expect(inUsd.endpoints.map((e) => e.usd)).toEqual([35, 30, 30, 4]);
    expect(inUsd.sources).toEqual([
      {
        chain: 'anvil',
        asset: USD_VALUE_ASSET,
        source: USD_VALUE_SOURCE,
        from: day(0),
        to: day(2),
        days: 3,
      },
    ]);
  });

  it('values a backward trace by where its value left each origin, with nothing freezable', () => {
    const { r, edge } = traceAt({
      split1: at(0),
      split2: at(1),
      deposit: at(2),
      mixer: at(2),
      bridge: at(2),
    });
    r.parameters = { ...r.parameters, direction: 'backward' };
    r.endpoints = [
      {
        chain: 'anvil',
        address: FIXTURE.exploiter,
        category: 'origin',
        entity: null,
        asset: 'native',
        amount: String(100e18),
        share: 1,
        finding: `came from ${FIXTURE.exploiter}`,
        paths: [[FIXTURE.exploiter]],
      },
    ];
    const P = { 0: 2000, 1: 2100, 2: 2200 };
    const v = valueTrace(r, native(P));
    expect(v.freezable).toBeNull();
    expect(v.endpoints[0]!.usd).toBeCloseTo(
      eth(edge('split1')) * P[0] + eth(edge('split2')) * P[1],
      6,
    );
  });
});
