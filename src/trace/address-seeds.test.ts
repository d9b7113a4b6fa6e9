import { describe, expect, it } from 'vitest';
import type { SmallEdge } from '../../test/helpers/small-graph-index.ts';
import { traceSmall, where } from '../../test/helpers/small-trace.ts';

// An address seed stands for everything the address passes on in the window (forward) or everything
// that reached it (backward), whatever it held or received: hand-computed cases.
describe('address seeds', () => {
  it('a victim that only sends: its payments are the seed, followed to the exchange', () => {
    // V (the victim) had its balance from before the window; the thief drains it in two payments.
    const edges: SmallEdge[] = [
      { from: 'W', to: 'V', amount: 500, time: 1 },
      { from: 'V', to: 'A', amount: 60, time: 10 },
      { from: 'V', to: 'B', amount: 40, time: 11 },
      { from: 'A', to: 'X', amount: 60, time: 12 },
    ];
    const r = traceSmall(edges, {
      seeds: [{ kind: 'address', chain: 'test', address: 'V' }],
      since: 5,
      labelMap: { X: ['exchange', 'Binance'] },
    });
    expect(r.summary.seedValue).toEqual([{ chain: 'test', asset: 'native', amount: '100' }]);
    expect(where(r)).toEqual({ 'X/exchange/native': ['60', 0.6], 'B/unspent/native': ['40', 0.4] });
    expect(r.edges.map((e) => [e.from, e.to, e.tainted, e.hop])).toEqual([
      ['test:V', 'test:A', '60', 1],
      ['test:V', 'test:B', '40', 1],
      ['test:A', 'test:X', '60', 2],
    ]);
  });

  it('an exploiter that sends far more than it received: every payment is the seed', () => {
    // E got 20 from the victim but pays out 146 (value-denominated, or value from elsewhere):
    // traced from E, all 146 is followed, not only the first 20.
    const edges: SmallEdge[] = [
      { from: 'V', to: 'E', amount: 20, time: 1, asset: 'unit:USD' },
      { from: 'E', to: 'A', amount: 50, time: 2, asset: 'unit:USD' },
      { from: 'E', to: 'B', amount: 60, time: 3, asset: 'unit:USD' },
      { from: 'E', to: 'X', amount: 36, time: 4, asset: 'unit:USD' },
    ];
    const r = traceSmall(edges, {
      seeds: [{ kind: 'address', chain: 'test', address: 'E' }],
      labelMap: { X: ['exchange', 'OKX'] },
    });
    expect(r.summary.seedValue).toEqual([{ chain: 'test', asset: 'unit:USD', amount: '146' }]);
    expect(where(r)).toEqual({
      'B/unspent/unit:USD': ['60', 0.410959],
      'A/unspent/unit:USD': ['50', 0.342466],
      'X/exchange/unit:USD': ['36', 0.246575],
    });
  });

  it('two seed addresses: value moving between them is not counted twice; gas is not the seed', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'E1', amount: 100, time: 1 },
      { from: 'E1', to: 'E2', amount: 70, time: 2 },
      { from: 'E1', to: '(fees)', amount: 1, time: 2 },
      { from: 'E1', to: 'A', amount: 29, time: 3 },
      { from: 'E2', to: 'X', amount: 70, time: 4 },
    ];
    const r = traceSmall(
      edges,
      {
        seeds: [
          { kind: 'address', chain: 'test', address: 'E1' },
          { kind: 'address', chain: 'test', address: 'E2' },
        ],
        labelMap: { X: ['mixer', 'Tornado Cash'] },
      },
      { edges, feeSinks: ['(fees)'] },
    );
    expect(r.summary.seedValue).toEqual([{ chain: 'test', asset: 'native', amount: '99' }]);
    expect(where(r)).toEqual({
      'X/mixer/native': ['70', 0.707071],
      'A/unspent/native': ['29', 0.292929],
    });
    expect(r.summary.untracedBy.fees).toBe(0);
    // The move between the two seeds is shown, at hop 0.
    expect(r.edges.find((e) => e.to === 'test:E2')).toMatchObject({ tainted: '70', hop: 0 });
  });

  it('backward: an address seed stands for everything that reached it, explained by its senders', () => {
    const edges: SmallEdge[] = [
      { from: 'S1', to: 'P', amount: 30, time: 1 },
      { from: 'P', to: 'Y', amount: 30, time: 2 },
      { from: 'Q', to: 'Y', amount: 70, time: 3 },
      { from: 'Y', to: 'Z', amount: 90, time: 4 },
    ];
    const r = traceSmall(edges, {
      seeds: [{ kind: 'address', chain: 'test', address: 'Y' }],
      direction: 'backward',
    });
    expect(r.summary.seedValue).toEqual([{ chain: 'test', asset: 'native', amount: '100' }]);
    expect(where(r)).toEqual({ 'Q/origin/native': ['70', 0.7], 'S1/origin/native': ['30', 0.3] });
  });

  it('the window limits an address seed: payments before --since are not the seed', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'A', amount: 10, time: 1 },
      { from: 'V', to: 'B', amount: 90, time: 5 },
    ];
    const r = traceSmall(edges, {
      seeds: [{ kind: 'address', chain: 'test', address: 'V' }],
      since: 2,
    });
    expect(where(r)).toEqual({ 'B/unspent/native': ['90', 1] });
  });
});

describe('address and transaction seeds together', () => {
  it('counts the theft once when the thief is a seed too: its payments carry it on', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'E', amount: 100, time: 1, tx: 'theft' },
      { from: 'E', to: 'X', amount: 100, time: 2 },
    ];
    const r = traceSmall(edges, {
      seeds: [
        { kind: 'address', chain: 'test', address: 'E' },
        { kind: 'tx', chain: 'test', txHash: 'theft' },
      ],
      labelMap: { X: ['exchange', 'Kraken'] },
    });
    expect(r.summary.seedValue).toEqual([{ chain: 'test', asset: 'native', amount: '100' }]);
    expect(where(r)).toEqual({ 'X/exchange/native': ['100', 1] });
    // The theft is on record as evidence, at hop 0.
    expect(r.edges.map((e) => [e.from, e.to, e.hop])).toEqual([
      ['test:V', 'test:E', 0],
      ['test:E', 'test:X', 1],
    ]);
  });
});
