import { describe, expect, it } from 'vitest';
import { smallGraphIndex, type SmallEdge } from '../../test/helpers/small-graph-index.ts';
import { createRandom, type Random } from '../simulate/random.ts';
import { type TraceReachParameters, traceReach } from './reach.ts';
import { traceFunds } from './trace-funds.ts';
import type { EndpointLabels, GraphIndex, TraceSeed } from './types.ts';

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

  it('reaches from an address that only sends (a victim), and backward from one that only receives', () => {
    const edges: SmallEdge[] = [
      { from: 'A', to: 'B', amount: 5, time: 1 },
      { from: 'VICTIM', to: 'T', amount: 100, time: 2 },
      { from: 'T', to: 'C', amount: 60, time: 3 },
      { from: 'VICTIM', to: 'U', amount: 10, time: 4 },
      { from: 'B', to: 'C', amount: 5, time: 5 },
      { from: 'C', to: 'D', amount: 70, time: 6 },
    ];
    const index = smallGraphIndex({ edges });
    for (const strategy of ['sweep', 'traversal'] as const) {
      const forward = traceReach({
        index,
        seeds: [{ kind: 'address', chain: 'test', address: 'VICTIM' }],
        direction: 'forward',
        strategy,
      });
      const hopsOf = (r: typeof forward) =>
        Object.fromEntries([...r.nodes].map((n, i) => [index.node(n).address, r.hops[i]]));
      // The seed first, at hop 0, though nothing reached it; then what it paid, in time order.
      expect(index.node(forward.nodes[0]!).address, strategy).toBe('VICTIM');
      expect(hopsOf(forward), strategy).toEqual({ VICTIM: 0, T: 1, C: 2, U: 1, D: 3 });
      const backward = traceReach({
        index,
        seeds: [{ kind: 'address', chain: 'test', address: 'D' }],
        direction: 'backward',
        strategy,
      });
      // B paid C before C paid D; A paid B before that: all of it may be in D.
      expect(hopsOf(backward), strategy).toEqual({ D: 0, C: 1, B: 2, T: 2, A: 3, VICTIM: 3 });
    }
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

describe('traceReach at the fee sink', () => {
  it('reaches the fee sink but nothing it pays on, with or without labels', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 10, time: 1, tx: 'theft' },
      { from: 'T', to: 'gas', amount: 1, time: 2 },
      // The sink is one node per chain: what it "pays" is no one's value.
      { from: 'gas', to: 'Z', amount: 1, time: 3 },
      { from: 'T', to: 'A', amount: 9, time: 4 },
    ];
    const index = smallGraphIndex({ edges, feeSinks: ['gas'] });
    for (const strategy of ['sweep', 'traversal'] as const)
      for (const withLabels of [labels({}), undefined]) {
        const r = traceReach({
          index,
          labels: withLabels,
          seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }],
          direction: 'forward',
          strategy,
        });
        expect(names(index, r.nodes), strategy).toEqual(['A', 'T', 'gas']);
      }
  });
});

describe('traceReach strategy', () => {
  it('sweeps a fresh index until its sweeps have paid for the adjacency, then traverses', () => {
    // The value lands where nothing leaves again; others trade on: a sweep goes through them all.
    const edges: SmallEdge[] = Array.from({ length: 50 }, (_, i) =>
      i === 0
        ? { from: 'V', to: 'T', amount: 1, time: 0 }
        : { from: `n${i}`, to: `n${i + 1}`, amount: 1, time: i },
    );
    const index = smallGraphIndex({ edges });
    const strategies: string[] = [];
    for (let i = 0; i < 20; i++)
      strategies.push(
        traceReach({
          index,
          seeds: [{ kind: 'transfer', chain: 'test', txHash: 'tx0', position: '0' }],
          transferEdge: () => 0,
          direction: 'forward',
          maxHops: 1000,
        }).strategy,
      );
    // Each sweep goes through all 50 edges: a build's worth (8 sweeps of the index) comes first.
    expect(strategies.indexOf('traversal')).toBe(8);
    expect(strategies.slice(8).every((s) => s === 'traversal')).toBe(true);
  });
});

describe('traceReach from a busy address', () => {
  // A hundred transfers before and after: the traversal searches such a long edge list for the
  // value's arrival instead of walking it, and must keep that second's transfers.
  const busy = (side: 'from' | 'to', first: number): SmallEdge[] =>
    Array.from({ length: 100 }, (_, i) =>
      side === 'from'
        ? { from: 'H', to: `u${first + i}`, amount: 1, time: first + i }
        : { from: `u${first + i}`, to: 'H', amount: 1, time: first + i },
    );

  it('follows what it sent in the second the value arrived (forward)', () => {
    const edges: SmallEdge[] = [
      ...busy('from', 1),
      // Listed before the theft, in its second: the order within a second is not known.
      { from: 'H', to: 'Z', amount: 1, time: 200 },
      { from: 'V', to: 'H', amount: 1, time: 200, tx: 'theft' },
      ...busy('from', 300),
    ];
    const index = smallGraphIndex({ edges });
    for (const strategy of ['sweep', 'traversal'] as const) {
      const r = traceReach({
        index,
        seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }],
        direction: 'forward',
        strategy,
      });
      const hops = Object.fromEntries(
        [...r.nodes].map((n, i) => [index.node(n).address, r.hops[i]]),
      );
      expect(hops.Z, strategy).toBe(2);
      expect(r.nodes.length, strategy).toBe(102);
    }
  });

  it('follows what it received in the second the value left (backward)', () => {
    const edges: SmallEdge[] = [
      ...busy('to', 1),
      { from: 'H', to: 'W', amount: 1, time: 200, tx: 'theft' },
      { from: 'Z', to: 'H', amount: 1, time: 200 },
      ...busy('to', 300),
    ];
    const index = smallGraphIndex({ edges });
    for (const strategy of ['sweep', 'traversal'] as const) {
      const r = traceReach({
        index,
        seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }],
        direction: 'backward',
        strategy,
      });
      expect(names(index, r.nodes), strategy).toContain('Z');
      expect(r.nodes.length, strategy).toBe(102);
    }
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

/** A random small graph and trace: what the two reachability engines must agree on. */
function randomCase(random: Random): TraceReachParameters {
  const nodes = Array.from({ length: random.int(3, 16) }, (_, i) => `n${i}`);
  // Mostly one asset, so value has paths to follow.
  const assets = ['native', 'T', 'U'];
  const edges: SmallEdge[] = [];
  const txs: string[] = [];
  // Few distinct seconds, so many transfers share one (their order is then not known).
  const seconds = random.int(2, 12);
  let time = 0;
  for (let i = 0, n = random.int(1, 80); i < n; i++) {
    if (random.next() < 0.6) time += random.int(0, Math.ceil(seconds / 4));
    // Half the time value moves on from where a recent transfer went, mostly in the same asset:
    // chains of hops.
    const recent = edges.at(-1 - Math.min(random.int(0, 2), edges.length - 1));
    const chained = recent !== undefined && random.next() < 0.5;
    const from = chained ? recent.to : random.pick(nodes);
    let to = random.pick(nodes);
    if (to === from && random.next() < 0.8) to = random.pick(nodes);
    const asset =
      chained && random.next() < 0.8 ? recent.asset : assets[Math.floor(random.next() ** 2 * 3)];
    // Transactions of several transfers (a swap's legs, a router's payments) now and then.
    const tx = txs.length > 0 && random.next() < 0.3 ? random.pick(txs) : `t${i}`;
    if (!txs.includes(tx)) txs.push(tx);
    edges.push({ from, to, amount: 1, time, asset, tx });
    // Gas now and then: value that reaches the fee sink is spent.
    if (random.next() < 0.1) edges.push({ from, to: 'gas', amount: 1, time, tx });
  }
  // Another chain the bridge memos send to, with activity of its own.
  const remote = ['b0', 'b1', 'b2'];
  for (let i = 0, n = random.int(0, 6); i < n; i++)
    edges.push({
      from: random.pick(['vault', ...remote]),
      to: random.pick(remote),
      amount: 1,
      time: random.int(0, time + 1),
      chain: 'bitcoin',
      tx: `b${i}`,
    });
  edges.sort((a, b) => a.time - b.time);
  const conversions = Array.from({ length: random.int(0, 3) }, () => {
    const [assetIn, assetOut] = random.next() < 0.5 ? ['native', 'T'] : ['T', 'U'];
    return {
      tx: random.pick(txs),
      kind: random.pick(['swap', 'wrap', 'unwrap'] as const),
      account: random.pick(nodes),
      recipient: random.pick(nodes),
      assetIn: random.next() < 0.5 ? assetIn! : assetOut!,
      amountIn: 1,
      assetOut: random.next() < 0.5 ? assetOut! : assetIn!,
      amountOut: 1,
    };
  }).filter((c) => c.assetIn !== c.assetOut);
  const index = smallGraphIndex({
    edges,
    conversions,
    feeSinks: edges.some((e) => e.to === 'gas') ? ['gas'] : [],
  });
  const labelled: Record<string, string> = {};
  for (const node of nodes) {
    const r = random.next();
    if (r < 0.15) labelled[node] = random.pick(['exchange', 'mixer', 'bridge']);
    else if (r < 0.2) labelled[node] = 'individual';
  }
  const bridgeMemos = new Map<number, string>();
  for (const tx of txs)
    if (random.next() < 0.2)
      bridgeMemos.set(index.txId('test', tx)!, `=:BTC.BTC:${random.pick(remote)}`);
  const direction = random.next() < 0.5 ? 'forward' : 'backward';
  const seeds: TraceSeed[] = [];
  for (let i = 0, n = random.int(1, 2); i < n; i++) {
    const kind = random.pick(['address', 'tx', 'transfer'] as const);
    // Early transfers mostly, so value has time to move on (backward: late ones).
    const early = Math.floor(random.next() ** 2 * index.edgeCount);
    const e = direction === 'forward' ? early : index.edgeCount - 1 - early;
    const { chain } = index.assetOf(index.slotAsset[index.srcSlot[e]!]!);
    const txHash = index.txHash(index.tx[e]!);
    if (kind === 'address') seeds.push({ kind, chain: 'test', address: random.pick(nodes) });
    else if (kind === 'tx') seeds.push({ kind, chain, txHash });
    // Positions name the edge id.
    else seeds.push({ kind, chain, txHash, position: `${e}` });
  }
  const windowed = random.next() < 0.2;
  return {
    index,
    labels: random.next() < 0.8 ? labels(labelled) : undefined,
    bridgeMemos: random.next() < 0.5 ? bridgeMemos : undefined,
    seeds: seeds.filter(
      (s) => s.kind !== 'address' || index.nodeId('test', s.address) !== undefined,
    ),
    transferEdge: (_chain, _hash, position) => Number(position),
    direction,
    maxHops: random.pick([0, 1, 2, 3, 4, 6, 10, 1000]),
    since: windowed ? random.int(0, time) : undefined,
    until: windowed && random.next() < 0.5 ? random.int(0, time + 1) : undefined,
  };
}

describe('traceReach: adjacency traversal and sweep', () => {
  it('reach the same nodes with the same hops on random small graphs', () => {
    const random = createRandom('traceReach traversal vs sweep');
    let deep = 0;
    let bridged = 0;
    for (let i = 0; i < 1000; i++) {
      const parameters = randomCase(random);
      const sweep = traceReach({ ...parameters, strategy: 'sweep' });
      const traversal = traceReach({ ...parameters, strategy: 'traversal' });
      const auto = traceReach(parameters);
      expect(sweep.strategy).toBe('sweep');
      expect(traversal.strategy).toBe('traversal');
      const context = `case ${i}`;
      expect([...traversal.nodes], context).toEqual([...sweep.nodes]);
      expect([...traversal.hops], context).toEqual([...sweep.hops]);
      expect([...auto.nodes], context).toEqual([...sweep.nodes]);
      expect([...auto.hops], context).toEqual([...sweep.hops]);
      if (Math.max(0, ...sweep.hops) >= 3) deep++;
      if ([...sweep.nodes].some((n) => parameters.index.node(n).chain === 'bitcoin')) bridged++;
    }
    // The cases are not all trivial: many reach three hops or more, some cross the bridge.
    expect(deep).toBeGreaterThan(100);
    expect(bridged).toBeGreaterThan(50);
  });
});

describe('traceReach on busy hubs', () => {
  it('gives the same nodes and hops with either engine, and auto gives up the traversal when the reach grows', () => {
    const random = createRandom('traceReach busy hubs');
    const used = new Set<string>();
    for (let i = 0; i < 40; i++) {
      // Three hubs on about half the transfer sides: each sends more than a hundred times, so
      // the traversal searches their edge lists (and sees early how much a hub would cost).
      const party = () =>
        random.next() < 0.5 ? `hub${random.int(0, 2)}` : `u${Math.floor(random.next() ** 2 * 80)}`;
      let time = 0;
      const edges: SmallEdge[] = Array.from({ length: 800 }, (_, j) => {
        if (random.next() < 0.2) time++;
        const from = party();
        let to = party();
        if (to === from) to = `u${random.int(0, 79)}`;
        return { from, to, amount: 1, time, asset: random.next() < 0.8 ? 'A' : 'B', tx: `t${j}` };
      });
      const index = smallGraphIndex({ edges });
      const direction = random.next() < 0.5 ? 'forward' : 'backward';
      const e = direction === 'forward' ? random.int(0, 200) : random.int(600, 799);
      const parameters: TraceReachParameters = {
        index,
        labels: labels(
          random.next() < 0.5 ? { hub0: 'exchange', hub1: 'exchange', hub2: 'exchange' } : {},
        ),
        seeds: [{ kind: 'transfer', chain: 'test', txHash: `t${e}`, position: `${e}` }],
        transferEdge: (_chain, _hash, position) => Number(position),
        direction,
        maxHops: random.pick([2, 5, 1000]),
      };
      const sweep = traceReach({ ...parameters, strategy: 'sweep' });
      const traversal = traceReach({ ...parameters, strategy: 'traversal' });
      const auto = traceReach(parameters);
      used.add(auto.strategy);
      expect([...traversal.nodes], `case ${i}`).toEqual([...sweep.nodes]);
      expect([...traversal.hops], `case ${i}`).toEqual([...sweep.hops]);
      expect([...auto.nodes], `case ${i}`).toEqual([...sweep.nodes]);
      expect([...auto.hops], `case ${i}`).toEqual([...sweep.hops]);
    }
    expect([...used].sort()).toEqual(['sweep', 'traversal']);
  });
});
