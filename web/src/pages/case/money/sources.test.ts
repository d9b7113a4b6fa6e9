import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../../../api/types.ts';
import { A, backwardResult, eth } from '../graph/layer-fixture.ts';
import { sourceFigures, sourceGroups } from './sources.ts';
import { valuationOf } from './valuation.ts';

/** The backward fixture with part of depositA's 30 ETH withdrawn from an exchange instead. */
function withExchange(): TraceResult {
  const r = backwardResult();
  r.endpoints = [
    { ...r.endpoints[0]!, amount: eth(20), share: 2 / 3 },
    {
      chain: 'anvil',
      address: A.cold,
      category: 'exchange',
      entity: 'Alder Exchange',
      asset: 'native',
      amount: eth(10),
      share: 1 / 3,
      finding: 'came from Alder Exchange (exchange)',
      paths: [[A.cold, A.thief, A.split1, A.depositA]],
    },
  ];
  return r;
}

describe('where the money came from (a backward trace)', () => {
  it('groups the sources by kind, each with its share of what the seed received', () => {
    const r = withExchange();
    const groups = sourceGroups(r, valuationOf(r));
    expect(groups.map((g) => [g.key, g.label, g.sources.length])).toEqual([
      ['origins', 'Origins', 1],
      ['exchanges', 'From exchanges', 1],
    ]);
    expect(groups[0]!.share).toBeCloseTo(2 / 3, 12);
    // In the valuation asset: the endpoints' own amounts.
    expect(groups.map((g) => g.measure)).toEqual([Number(eth(20)), Number(eth(10))]);
    // When value left them: the funder's transfer to the cold wallet, the cold wallet's to the thief.
    expect([groups[0]!.first, groups[1]!.first]).toEqual([1_700_000_000, 1_740_000_000]);
  });

  it('speaks of what the seed received, not of what was stolen', () => {
    const r = withExchange();
    const figures = sourceFigures(r, valuationOf(r));
    expect(figures.map((f) => f.label)).toEqual([
      'Received by the seed',
      'Traced to sources',
      'Origins',
      'From exchanges',
      'Untraced',
    ]);
    expect(figures.find((f) => f.key === 'traced')).toMatchObject({ share: 1, endpoints: 2 });
    expect(figures.every((f) => !/stolen|freez/i.test(f.label))).toBe(true);
  });
});
