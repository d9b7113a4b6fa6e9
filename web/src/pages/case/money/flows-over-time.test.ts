import { describe, expect, it } from 'vitest';
import { flowsOverTime, flowsTable } from './flows-over-time.ts';
import { sampleResult } from './test-fixture.ts';
import { valuationOf } from './valuation.ts';

const whole = (values: number[]) => values.map((m) => Math.round(m / 1e16) / 100);

describe('flowsOverTime', () => {
  it('accumulates each bucket at the times of the edges into its endpoints', () => {
    const r = sampleResult();
    const f = flowsOverTime(r, valuationOf(r));
    expect(f.times).toEqual([1000, 1500, 2000, 3000, 4000]);
    const of = (b: string) => whole(f.series.find((s) => s.bucket === b)!.values);
    // 0xa1's 30 arrive as 20 at 1000 and 10 at 2000; 0xa2's 10 at 1500 (its token edge is not
    // ETH); 0xx1's 5 at 3000.
    expect(of('exchanges')).toEqual([20, 30, 40, 45, 45]);
    // Two bridge endpoints at one address: their 30 split over its two edges (20 and 10).
    expect(of('bridged')).toEqual([0, 0, 20, 20, 30]);
    expect(of('instant')).toEqual([15, 15, 15, 15, 15]);
    expect(of('held')).toEqual([4, 4, 4, 4, 4]);
    expect(f.series.map((s) => s.bucket)).toEqual([
      'exchanges',
      'instant',
      'bridged',
      'mixed',
      'held',
    ]);
    expect(f.undated.count).toBe(0);
  });

  it('leaves endpoints no edge leads into off the time axis', () => {
    const r = sampleResult();
    r.edges = r.edges.filter((e) => e.to !== 'eth:0xh1');
    const f = flowsOverTime(r, valuationOf(r));
    expect(f.undated.count).toBe(1);
    expect(f.undated.share).toBeCloseTo(0.04);
    expect(f.series.find((s) => s.bucket === 'held')).toBeUndefined();
  });
});

describe('flowsTable', () => {
  it('keeps the last totals of each period', () => {
    const r = sampleResult();
    const rows = flowsTable(flowsOverTime(r, valuationOf(r)), 3);
    // 1000…4000 s spans 51 minutes: too many; by the hour it is 2 periods.
    expect(rows.map((x) => [x.start, x.unit])).toEqual([
      [0, 3600],
      [3600, 3600],
    ]);
    expect(Math.round(rows[0]!.values.exchanges! / 1e18)).toBe(45);
    expect(Math.round(rows[1]!.values.bridged! / 1e18)).toBe(30);
  });
});
