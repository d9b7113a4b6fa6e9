import { describe, expect, it } from 'vitest';
import { incidentFigures } from './figures.ts';
import { sampleResult } from './test-fixture.ts';
import { valuationOf } from './valuation.ts';

describe('incidentFigures', () => {
  it('sums shares and values per bucket with the first and last arrival', () => {
    const r = sampleResult();
    const figures = incidentFigures(r, valuationOf(r));
    const by = new Map(figures.map((f) => [f.key, f]));
    expect(figures.map((f) => f.key)).toEqual([
      'stolen',
      'traced',
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

  it('adds an Other row only when some endpoint is in no named bucket', () => {
    const r = sampleResult();
    r.endpoints.push({ ...r.endpoints[7]!, category: 'frozen', address: '0xf1' });
    const other = incidentFigures(r, valuationOf(r)).find((f) => f.key === 'other');
    expect(other?.endpoints).toBe(1);
  });
});
