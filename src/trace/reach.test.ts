import { describe, expect, it } from 'vitest';
import { smallGraphIndex, type SmallEdge } from '../../test/helpers/small-graph-index.ts';
import { createRandom } from '../simulate/random.ts';
import { traceReach } from './reach.ts';
import { traceFunds } from './trace-funds.ts';
import type { EndpointLabels, GraphIndex } from './types.ts';

const labels = (map: Record<string, string>): EndpointLabels => ({
  lookup: (_chain, address) => (map[address] ? { category: map[address], entity: null } : null),
});
const names = (index: GraphIndex, nodes: Uint32Array) =>
  [...nodes].map((n) => index.node(n).address).sort();

describe('traceReach', () => {
  it('reaches what arrived after the value did, stops at a labelled service, counts hops', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 100, time: 1 },
      { from: 'A', to: 'D', amount: 50, time: 2 },
      { from: 'T', to: 'A', amount: 100, time: 3 },
      { from: 'A', to: 'X', amount: 200, time: 4 },
      { from: 'X', to: 'Z', amount: 200, time: 5 },
      { from: 'A', to: 'B', amount: 1, time: 6 },
    ];
    const index = smallGraphIndex({ edges });
    const r = traceReach({
      index,
      labels: labels({ X: 'exchange' }),
      seeds: [{ kind: 'address', chain: 'test', address: 'T' }],
      direction: 'forward',
    });
    // D was paid before the value arrived; Z only from the exchange, where a trace stops.
    expect(names(index, r.nodes)).toEqual(['A', 'B', 'T', 'X']);
    expect(
      Object.fromEntries([...r.nodes].map((n, i) => [index.node(n).address, r.hops[i]])),
    ).toEqual({ T: 0, A: 1, X: 2, B: 2 });
    const limited = traceReach({
      index,
      seeds: [{ kind: 'address', chain: 'test', address: 'T' }],
      direction: 'forward',
      maxHops: 1,
    });
    expect(names(index, limited.nodes)).toEqual(['A', 'T']);
  });

  it('follows a swap into the asset bought and same-second hops in any order; backward too', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 10, time: 1, asset: 'WETH', tx: 'theft' },
      { from: 'POOL', to: 'T', amount: 10000, time: 2, asset: 'USDC', tx: 's' },
      { from: 'T', to: 'POOL', amount: 5, time: 2, asset: 'WETH', tx: 's' },
      { from: 'Y', to: 'X', amount: 10000, time: 3, asset: 'USDC', tx: 'b' },
      { from: 'T', to: 'Y', amount: 10000, time: 3, asset: 'USDC', tx: 'a' },
    ];
    const conversions = [
      {
        tx: 's',
        kind: 'swap' as const,
        account: 'T',
        recipient: 'T',
        assetIn: 'WETH',
        amountIn: 5,
        assetOut: 'USDC',
        amountOut: 10000,
      },
    ];
    const index = smallGraphIndex({ edges, conversions });
    const forward = traceReach({
      index,
      seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }],
      direction: 'forward',
    });
    expect(names(index, forward.nodes)).toEqual(['POOL', 'T', 'X', 'Y']);
    const backward = traceReach({
      index,
      seeds: [{ kind: 'tx', chain: 'test', txHash: 'b' }],
      direction: 'backward',
    });
    expect(names(index, backward.nodes)).toEqual(['POOL', 'T', 'V', 'Y']);
  });

  it('reaches the nodes a poison trace taints, on a random graph (one transfer a second)', () => {
    // The simulator's seeded generator: the same graph every run.
    const random = createRandom(7).next;
    const edges: SmallEdge[] = Array.from({ length: 3000 }, (_, i) => {
      const from = `n${Math.floor(random() ** 2 * 400)}`;
      let to = `n${Math.floor(random() * 400)}`;
      if (to === from) to = 'n400';
      return {
        from,
        to,
        amount: 1 + Math.floor(random() * 100),
        time: i,
        asset: random() < 0.7 ? 'A' : 'B',
      };
    });
    const index = smallGraphIndex({ edges });
    // The theft lands, half way through, at one of the busiest senders.
    const first = edges.findIndex((e, i) => i >= 1500 && ['n0', 'n1', 'n2'].includes(e.to));
    const seeds = [{ kind: 'tx' as const, chain: 'test', txHash: `tx${first}` }];
    const reach = traceReach({ index, seeds, direction: 'forward', maxHops: 1000 });
    const poison = traceFunds({
      index,
      labels: labels({}),
      seeds,
      direction: 'forward',
      policy: 'poison',
      maxHops: 1000,
    });
    const tainted = new Set(poison.edges.map((e) => e.to.slice('test:'.length)));
    expect(reach.nodes.length).toBeGreaterThan(50);
    expect(names(index, reach.nodes)).toEqual([...tainted].sort());
  });
});

describe('traceReach across a bridge', () => {
  it('reaches a THORChain destination on a chain the index holds, and what it paid on', () => {
    // BIP-173's P2WPKH example address as the Bitcoin destination.
    const dest = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 100, time: 1, tx: 'theft' },
      { from: 'T', to: 'R', amount: 100, time: 2, tx: 'thor' },
      { from: 'VAULT', to: dest, amount: 3, time: 9, chain: 'bitcoin', tx: 'b1' },
      { from: dest, to: 'BX', amount: 3, time: 10, chain: 'bitcoin', tx: 'b2' },
    ];
    const index = smallGraphIndex({ edges });
    const seeds = [{ kind: 'tx' as const, chain: 'test', txHash: 'theft' }];
    const bridgeMemos = new Map([[index.txId('test', 'thor')!, `=:BTC.BTC:${dest}`]]);
    const r = traceReach({
      index,
      labels: labels({ R: 'bridge' }),
      bridgeMemos,
      seeds,
      direction: 'forward',
    });
    expect(names(index, r.nodes)).toEqual(['BX', 'R', 'T', dest].sort());
    const without = traceReach({
      index,
      labels: labels({ R: 'bridge' }),
      seeds,
      direction: 'forward',
    });
    expect(names(index, without.nodes)).toEqual(['R', 'T']);
  });
});
