import { describe, expect, it } from 'vitest';
import { sampleResult } from './test-fixture.ts';
import { endpointMeasure, rawBigInt, valuationOf } from './valuation.ts';

describe('valuationOf', () => {
  it('finds the stolen value in the valuation asset from the endpoints held in it', () => {
    const v = valuationOf(sampleResult());
    expect(v.mode).toBe('value');
    if (v.mode === 'value') expect(v.perShare / 1e18).toBeCloseTo(100);
  });

  it('values an endpoint in another asset by its share', () => {
    const r = sampleResult();
    r.endpoints[0] = { ...r.endpoints[0]!, asset: '0xusdc', amount: '30000000' };
    const v = valuationOf(r);
    expect(endpointMeasure(v, r.endpoints[0]!) / 1e18).toBeCloseTo(30);
  });

  it('falls back to shares when the seed assets were given equal parts', () => {
    const r = sampleResult();
    r.summary.valuedIn = null;
    r.summary.seedValue.push({ chain: 'eth', asset: '0xusdc', amount: '5' });
    const v = valuationOf(r);
    expect(v.mode).toBe('share');
    expect(endpointMeasure(v, r.endpoints[0]!)).toBeCloseTo(0.3);
  });

  it('reads a double-form raw amount', () => {
    expect(rawBigInt('1.5e+21')).toBe(1500000000000000000000n);
    expect(rawBigInt('12')).toBe(12n);
  });
});
