import { describe, expect, it } from 'vitest';
import { summariseFreezable } from '../../../../src/trace/freezable.ts';
import { incidentFigures } from './money/figures.ts';
import { buildFreezeList } from './money/freeze-list.ts';
import { heldText } from './money/held-amounts.ts';
import { crossChainAssetInfo, crossChainSample, sampleResult } from './money/test-fixture.ts';
import { valuationOf } from './money/valuation.ts';
import { caseSummary } from './summary.ts';

describe('caseSummary', () => {
  it('opens on stolen, the one freezable figure with its services, and where the rest is, adding up to the stolen value', () => {
    const r = sampleResult();
    const valuation = valuationOf(r);
    const s = caseSummary(r, valuation);
    if (s.direction !== 'forward') throw new Error('expected a forward summary');
    const freeze = buildFreezeList(r, valuation);
    const dashboard = incidentFigures(r, valuation).find((f) => f.key === 'freezable')!;
    // The same figure as the freeze list, the dashboard and the engine's summary.
    expect(s.freezable.share).toBeCloseTo(dashboard.share, 12);
    expect(s.freezable.share).toBeCloseTo(summariseFreezable('forward', r.endpoints)!.share, 12);
    expect(s.freezable.services.map((x) => x.name)).toEqual(freeze.map((x) => x.name));
    expect(s.freezable.services.map((x) => x.name)).toEqual([
      'Alder Exchange',
      'Fixed Swap',
      '0xx1',
    ]);
    expect(s.parts.map((p) => [p.label, Math.round(p.share * 100)])).toEqual([
      ['bridged', 30],
      ['mixed', 5],
      ['still held', 4],
      ['untraced', 1],
    ]);
    const told = s.freezable.share + s.parts.reduce((sum, p) => sum + p.share, 0);
    expect(told).toBeCloseTo(1, 12);
    expect(s.stolen.measure / 1e18).toBeCloseTo(100);
  });

  it('names what each service holds per asset once the trace crossed to Bitcoin: ETH and rBTC side by side, never summed', () => {
    const r = crossChainSample();
    const s = caseSummary(r, valuationOf(r));
    if (s.direction !== 'forward') throw new Error('expected a forward summary');
    // 40 ETH + 15 ETH + 5 ETH on the EVM chain, 0.3 rBTC (10% of the stolen value) on Bitcoin.
    expect(s.freezable.share).toBeCloseTo(0.7, 12);
    expect(heldText(s.freezable.held, crossChainAssetInfo)).toBe('60 ETH + 0.3 rBTC');
    const alder = s.freezable.services.find((x) => x.name === 'Alder Exchange')!;
    expect(heldText(alder.held, crossChainAssetInfo)).toBe('40 ETH + 0.3 rBTC');
    expect(alder.share).toBeCloseTo(0.5, 12);
    const swap = s.freezable.services.find((x) => x.name === 'Fixed Swap')!;
    expect(heldText(swap.held, crossChainAssetInfo)).toBe('15 ETH');
  });

  it('speaks of sources for a backward trace, never of what was stolen or can be frozen', () => {
    const r = sampleResult();
    r.parameters = { ...r.parameters, direction: 'backward' };
    const s = caseSummary(r, valuationOf(r));
    expect(s.direction).toBe('backward');
    if (s.direction !== 'backward') return;
    expect(s.sources[0]).toMatchObject({ name: 'Alder Exchange', category: 'deposit_wallet' });
    expect(s.sources.reduce((sum, x) => sum + x.share, 0) + s.untraced).toBeCloseTo(1, 12);
  });
});
