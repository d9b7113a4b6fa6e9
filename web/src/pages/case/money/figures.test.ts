import { describe, expect, it } from 'vitest';
import { summariseFreezable } from '../../../../../src/trace/freezable.ts';
import { incidentFigures } from './figures.ts';
import { buildFreezeList } from './freeze-list.ts';
import { heldText } from './held-amounts.ts';
import { crossChainAssetInfo, crossChainSample, sampleResult } from './test-fixture.ts';
import { valuationOf } from './valuation.ts';

describe('incidentFigures', () => {
  it('sums shares and values per bucket with the first and last arrival', () => {
    const r = sampleResult();
    const figures = incidentFigures(r, valuationOf(r));
    const by = new Map(figures.map((f) => [f.key, f]));
    expect(figures.map((f) => f.key)).toEqual([
      'stolen',
      'traced',
      'freezable',
      'exchanges',
      'instant',
      'bridged',
      'mixed',
      'held',
      'untraced',
    ]);
    expect(by.get('stolen')!.share).toBeCloseTo(1);
    expect(by.get('stolen')!.first).toBe(500);
    expect(by.get('traced')!.measure / 1e18).toBeCloseTo(99);
    const ex = by.get('exchanges')!;
    expect(ex.share).toBeCloseTo(0.45);
    expect(ex.measure / 1e18).toBeCloseTo(45);
    expect(ex.endpoints).toBe(3);
    expect([ex.first, ex.last]).toEqual([1000, 3000]);
    expect(by.get('bridged')!.endpoints).toBe(2);
    expect(by.get('untraced')!.measure / 1e18).toBeCloseTo(1);
  });

  it('has one freezable figure: the freeze list total, the exchange and instant buckets, and the engine summary agree', () => {
    const r = sampleResult();
    const valuation = valuationOf(r);
    const by = new Map(incidentFigures(r, valuation).map((f) => [f.key, f]));
    const freeze = buildFreezeList(r, valuation);
    const freezable = by.get('freezable')!;
    expect(freezable.share).toBeCloseTo(
      freeze.reduce((s, x) => s + x.share, 0),
      12,
    );
    expect(freezable.measure).toBeCloseTo(
      freeze.reduce((s, x) => s + x.measure, 0),
      0,
    );
    expect(freezable.services).toBe(freeze.length);
    expect(freezable.share).toBeCloseTo(by.get('exchanges')!.share + by.get('instant')!.share, 12);
    expect(freezable.share).toBeCloseTo(summariseFreezable('forward', r.endpoints)!.share, 12);
    // The instant exchange counts: 45 at exchanges + 15 at the instant exchange.
    expect(freezable.share).toBeCloseTo(0.6);
  });

  it('has no freezable figure for a backward trace (its endpoints are sources)', () => {
    const r = sampleResult();
    r.parameters = { ...r.parameters, direction: 'backward' };
    expect(incidentFigures(r, valuationOf(r)).map((f) => f.key)).not.toContain('freezable');
  });

  it('adds an Other row only when some endpoint is in no named bucket', () => {
    const r = sampleResult();
    r.endpoints.push({ ...r.endpoints[7]!, category: 'frozen', address: '0xf1' });
    const other = incidentFigures(r, valuationOf(r)).find((f) => f.key === 'other');
    expect(other?.endpoints).toBe(1);
  });

  it('gives each figure what its endpoints hold per asset once the trace crossed to Bitcoin', () => {
    const r = crossChainSample();
    const by = new Map(incidentFigures(r, valuationOf(r)).map((f) => [f.key, f]));
    const held = (key: string) => heldText(by.get(key as never)!.held!, crossChainAssetInfo);
    expect(held('freezable')).toBe('60 ETH + 0.3 rBTC');
    expect(held('exchanges')).toBe('45 ETH + 0.3 rBTC');
    expect(held('mixed')).toBe('0.18 rBTC + 5 ETH');
    expect(held('held')).toBe('0.42 rBTC + 4 ETH');
    expect(held('traced')).toBe('69 ETH + 0.9 rBTC');
    // The measure stays one number in ETH for charts: 5 ETH + 0.18 rBTC standing for 6 ETH.
    expect(by.get('mixed')!.measure / 1e18).toBeCloseTo(11);
    // Stolen and untraced are shares of the seed, held nowhere.
    expect(by.get('stolen')!.held).toBeNull();
    expect(by.get('untraced')!.held).toBeNull();
  });
});
