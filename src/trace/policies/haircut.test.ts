import { describe, expect, it } from 'vitest';
import type { SmallEdge } from '../../../test/helpers/small-graph-index.ts';
import { traceSmall, where } from '../../../test/helpers/small-trace.ts';

// A holds 1 000 of clean value (from C), then gets 1 000 of the thief T's: half its holding is
// tainted. It pays B 3 000, more than the 2 000 it is known to hold, then D 400 with nothing known
// left, then gets 100 clean and pays F 100.
const payments = (asset: string): SmallEdge[] => [
  { from: 'C', to: 'A', amount: 1000, time: 1, asset },
  { from: 'T', to: 'A', amount: 1000, time: 2, asset },
  { from: 'A', to: 'B', amount: 3000, time: 3, asset },
  { from: 'A', to: 'D', amount: 400, time: 4, asset },
  { from: 'C', to: 'A', amount: 100, time: 5, asset },
  { from: 'A', to: 'F', amount: 100, time: 6, asset },
];

describe('haircut: a payment larger than the known balance', () => {
  it('value-denominated (unit:USD): the tainted half survives it, and the next one beyond', () => {
    const r = traceSmall(payments('unit:USD'), {});
    // B: half of 3 000; D: half of 400 (the half is kept while nothing is known to be held); F:
    // nothing (the new holding is clean). Amounts are value arriving; shares are of 1 700 traced.
    expect(where(r)).toEqual({
      'B/unspent/unit:USD': ['1500', 0.882353],
      'D/unspent/unit:USD': ['200', 0.117647],
    });
    expect(r.edges.map((e) => [e.to, e.tainted])).toEqual([
      ['test:A', '1000'],
      ['test:B', '1500'],
      ['test:D', '200'],
    ]);
  });

  it('tokens and native coins: taint is conserved, the payment takes what is left', () => {
    const r = traceSmall(payments('native'), {});
    // 3 000 > 2 000 known: the unknown rest is clean and as small as can be, so B gets all 1 000.
    expect(where(r)).toEqual({ 'B/unspent/native': ['1000', 1] });
  });

  it('within the known balance both kinds split the same way', () => {
    for (const asset of ['native', 'unit:USD']) {
      const edges: SmallEdge[] = [
        { from: 'C', to: 'A', amount: 300, time: 1, asset },
        { from: 'T', to: 'A', amount: 100, time: 2, asset },
        { from: 'A', to: 'B', amount: 200, time: 3, asset },
      ];
      expect(where(traceSmall(edges, {}))).toEqual({
        [`B/unspent/${asset}`]: ['50', 0.5],
        [`A/unspent/${asset}`]: ['50', 0.5],
      });
    }
  });
});
