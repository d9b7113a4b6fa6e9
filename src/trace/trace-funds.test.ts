import { describe, expect, it } from 'vitest';
import { smallGraphIndex, type SmallEdge } from '../../test/helpers/small-graph-index.ts';
import { labelsOf, traceSmall, where } from '../../test/helpers/small-trace.ts';
import { slotOf } from './graph-index.ts';
import { traceFunds } from './trace-funds.ts';
import type { TaintPolicy } from './types.ts';

const labels = labelsOf;
const trace = traceSmall;

// The thief T gets 100 (victim V) at t=1. A held 300 clean from C, paid D 50 at t=2, *then* got the
// 100 from T at t=3, paid B 200 at t=4 and the exchange X 200 at t=5 (50 more than A is known to
// hold: the unknown earlier balance counts as clean).
const mixing: SmallEdge[] = [
  { from: 'V', to: 'T', amount: 100, time: 1 },
  { from: 'C', to: 'A', amount: 300, time: 1 },
  { from: 'A', to: 'D', amount: 50, time: 2 },
  { from: 'T', to: 'A', amount: 100, time: 3 },
  { from: 'A', to: 'B', amount: 200, time: 4 },
  { from: 'A', to: 'X', amount: 200, time: 5 },
];
const binance = { X: ['exchange', 'Binance'] as [string, string] };

describe('traceFunds: taint policies at an address mixing clean and tainted value', () => {
  const expected: Record<TaintPolicy, Record<string, [string, number]>> = {
    // 350 held after D; B takes 200/350 of the taint, X the rest of it.
    haircut: { 'B/unspent/native': ['57', 0.571429], 'X/exchange/native': ['43', 0.428571] },
    // Lots [250 clean, 100 tainted]: B spends clean, X spends 50 clean then the 100 tainted.
    fifo: { 'X/exchange/native': ['100', 1] },
    // The newest lot (tainted) goes first, to B.
    lifo: { 'B/unspent/native': ['100', 1] },
    // B's payment is A's (only, hence highest) output when the taint is there.
    tiho: { 'B/unspent/native': ['100', 1] },
    // Everything after the tainted arrival is tainted in full: 200 and 200, half each.
    poison: { 'B/unspent/native': ['200', 0.5], 'X/exchange/native': ['200', 0.5] },
  };
  for (const policy of Object.keys(expected) as TaintPolicy[]) {
    it(`${policy}: ${JSON.stringify(expected[policy])}`, () => {
      const r = trace(mixing, { policy, labelMap: binance });
      expect(where(r)).toEqual(expected[policy]);
      expect(r.summary.traced + r.summary.untraced).toBeCloseTo(1, 12);
      // Time-respecting: D was paid before the tainted value arrived.
      expect(r.nodes.map((n) => n.address)).not.toContain('D');
    });
  }

  it('names the exchange as freezable, with the evidence path from the seed', () => {
    const r = trace(mixing, { policy: 'fifo', labelMap: binance });
    expect(r.endpoints[0]).toMatchObject({
      entity: 'Binance',
      finding: 'arrived at Binance: freezable',
      paths: [['T', 'A', 'X']],
    });
    expect(r.summary.byCategory).toEqual([{ category: 'exchange', entity: 'Binance', share: 1 }]);
    expect(r.summary.freezable).toEqual({ share: 1, services: 1, endpoints: 1 });
    expect(r.summary.seedValue).toEqual([{ chain: 'test', asset: 'native', amount: '100' }]);
    // The seed address T stands for what it passed on: its inflow is not a traced edge.
    expect(r.edges.map((e) => [e.from, e.to, e.tainted, e.hop])).toEqual([
      ['test:T', 'test:A', '100', 1],
      ['test:A', 'test:X', '100', 2],
    ]);
  });

  it('is deterministic: the same input gives the same output', () => {
    const a = trace(mixing, { policy: 'haircut', labelMap: binance });
    const b = trace(mixing, { policy: 'haircut', labelMap: binance });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

// A Bitcoin-style transaction tx1 spends T's 60 (tainted) and C's 40 (clean) into P 70 and Q 25
// (5 fee). Its outputs are listed before its inputs so the index order cannot help.
const utxo: SmallEdge[] = [
  { from: 'V', to: 'T', amount: 60, time: 1 },
  { from: 'tx1', to: 'P', amount: 70, time: 5, tx: 'tx1' },
  { from: 'tx1', to: 'Q', amount: 25, time: 5, tx: 'tx1' },
  { from: 'T', to: 'tx1', amount: 60, time: 5, tx: 'tx1' },
  { from: 'C', to: 'tx1', amount: 40, time: 5, tx: 'tx1' },
];

describe('traceFunds: a many-in/many-out UTXO transaction', () => {
  const cases: Record<TaintPolicy, [Record<string, [string, number]>, number]> = {
    haircut: [{ 'P/unspent/native': ['42', 0.7], 'Q/unspent/native': ['15', 0.25] }, 0.05],
    // Inputs in order [60 tainted, 40 clean] fill outputs in order: P gets all 60.
    fifo: [{ 'P/unspent/native': ['60', 1] }, 0],
    // The last input (clean 40) goes first: P gets 30 tainted, Q 25, the fee 5.
    lifo: [{ 'P/unspent/native': ['30', 0.5], 'Q/unspent/native': ['25', 0.416667] }, 0.083333],
    tiho: [{ 'P/unspent/native': ['60', 1] }, 0],
    poison: [{ 'P/unspent/native': ['70', 0.7], 'Q/unspent/native': ['25', 0.25] }, 0.05],
  };
  for (const policy of Object.keys(cases) as TaintPolicy[]) {
    it(`${policy}: outputs ${JSON.stringify(cases[policy][0])}, fee share ${cases[policy][1]}`, () => {
      const r = trace(utxo, { policy }, { edges: utxo, utxoTxs: ['tx1'] });
      expect(where(r)).toEqual(cases[policy][0]);
      expect(r.summary.untraced).toBeCloseTo(cases[policy][1], 6);
      expect(r.summary.traced + r.summary.untraced).toBeCloseTo(1, 12);
    });
  }

  it('starts from the transaction as seed: its outputs', () => {
    const r = trace(
      utxo,
      { seeds: [{ kind: 'tx', chain: 'test', txHash: 'tx1' }] },
      {
        edges: utxo,
        utxoTxs: ['tx1'],
      },
    );
    expect(where(r)).toEqual({
      'P/unspent/native': ['70', 0.736842],
      'Q/unspent/native': ['25', 0.263158],
    });
  });
});

describe('traceFunds: swaps carry taint into the asset bought', () => {
  // T swaps 5 of its 10 WETH for 10 000 USDC at the pool (which holds 1000 WETH of others), then
  // pays the exchange in USDC. `outputFirst` logs the pool's payment before T's (Uniswap v3 order).
  const swap = (outputFirst: boolean): SmallEdge[] => {
    const input = { from: 'T', to: 'POOL', amount: 5, time: 2, asset: 'WETH', tx: 's' };
    const output = { from: 'POOL', to: 'T', amount: 10000, time: 2, asset: 'USDC', tx: 's' };
    return [
      { from: 'LP', to: 'POOL', amount: 1000, time: 0, asset: 'WETH' },
      { from: 'V', to: 'T', amount: 10, time: 1, asset: 'WETH' },
      ...(outputFirst ? [output, input] : [input, output]),
      { from: 'T', to: 'X', amount: 10000, time: 3, asset: 'USDC', tx: 'pay' },
    ];
  };
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
  for (const outputFirst of [false, true]) {
    it(`half the WETH arrives at the exchange as USDC (output logged ${outputFirst ? 'first' : 'last'})`, () => {
      const edges = swap(outputFirst);
      // The seed: the 10 WETH the victim sent T (transfer tx1).
      const r = trace(
        edges,
        {
          labelMap: { ...binance, POOL: ['dex', 'Uniswap'] },
          seeds: [{ kind: 'tx', chain: 'test', txHash: 'tx1' }],
        },
        { edges, conversions },
      );
      expect(where(r)).toEqual({
        'X/exchange/USDC': ['10000', 0.5],
        'T/unspent/WETH': ['5', 0.5],
      });
      expect(r.nodes.find((n) => n.address === 'POOL')).toMatchObject({ category: 'dex' });
    });
  }

  it('an address seed that swaps passes on what it paid after the swap, not the swap itself', () => {
    const edges = swap(false);
    const r = trace(edges, { labelMap: binance }, { edges, conversions });
    // T passed on 10 000 USDC, all to the exchange; its swap into USDC is not passing value on.
    expect(r.summary.seedValue).toEqual([{ chain: 'test', asset: 'USDC', amount: '10000' }]);
    expect(where(r)).toEqual({ 'X/exchange/USDC': ['10000', 1] });
  });

  it('backward, the USDC paid to the exchange comes from the WETH the thief got', () => {
    const edges = swap(false);
    const r = traceFunds({
      index: smallGraphIndex({ edges, conversions }),
      labels: labels({}),
      seeds: [{ kind: 'tx', chain: 'test', txHash: 'pay' }],
      direction: 'backward',
      policy: 'haircut',
    });
    expect(where(r)).toEqual({ 'V/origin/WETH': ['5', 1] });
  });
});

describe('traceFunds: limits', () => {
  // T -> A -> B (99) and A -> D (1, dust); B -> C 60 at hop 3.
  const chain: SmallEdge[] = [
    { from: 'V', to: 'T', amount: 100, time: 1 },
    { from: 'T', to: 'A', amount: 100, time: 2 },
    { from: 'A', to: 'B', amount: 99, time: 3 },
    { from: 'A', to: 'D', amount: 1, time: 4 },
    { from: 'B', to: 'C', amount: 60, time: 5 },
  ];
  it('maxHops stops at hop 2, minValue drops dust: both are untraced', () => {
    const r = trace(chain, { maxHops: 2, minValue: 5 });
    expect(where(r)).toEqual({ 'B/unspent/native': ['39', 0.39] });
    expect(r.summary.untraced).toBeCloseTo(0.61, 12);
  });
  it('without limits the value is followed to C', () => {
    const r = trace(chain, {});
    expect(where(r)).toEqual({
      'B/unspent/native': ['39', 0.39],
      'C/unspent/native': ['60', 0.6],
      'D/unspent/native': ['1', 0.01],
    });
  });
  it('until ends the window: B still holds what it paid later', () => {
    const r = trace(chain, { until: 4 });
    expect(where(r)).toEqual({ 'B/unspent/native': ['99', 0.99], 'D/unspent/native': ['1', 0.01] });
  });
  it('since drops earlier transfers: a seed inflow before it is not traced', () => {
    const r = trace([{ from: 'V', to: 'T', amount: 50, time: 0 }, ...chain], { since: 1 });
    expect(r.summary.seedValue).toEqual([{ chain: 'test', asset: 'native', amount: '100' }]);
  });
});

describe('traceFunds: endpoints', () => {
  // BIP-173's P2WPKH example address as the bridge destination.
  const dest = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
  const edges: SmallEdge[] = [
    { from: 'V', to: 'T', amount: 100, time: 1 },
    { from: 'T', to: 'M', amount: 30, time: 2 },
    { from: 'T', to: 'R', amount: 50, time: 3, tx: 'thor' },
    { from: 'T', to: 'I', amount: 20, time: 4 },
    { from: 'M', to: 'Z', amount: 30, time: 5 },
  ];
  it('stops at a mixer, a bridge (with its memo destination) and an instant exchange', () => {
    const index = smallGraphIndex({ edges });
    const r = traceFunds({
      index,
      labels: labels({
        M: ['mixer', 'Tornado Cash'],
        R: ['bridge', 'THORChain'],
        I: ['instant_exchange', 'eXch'],
      }),
      bridgeMemos: new Map([[index.txId('test', 'thor')!, `=:BTC.BTC:${dest}`]]),
      seeds: [{ kind: 'address', chain: 'test', address: 'T' }],
      direction: 'forward',
      policy: 'haircut',
    });
    expect(
      r.endpoints.map((e) => [
        e.address,
        Math.round(e.share * 1e9) / 1e9,
        e.finding,
        e.destination,
      ]),
    ).toEqual([
      ['R', 0.5, `bridged to bitcoin ${dest}`, { chain: 'bitcoin', address: dest }],
      ['M', 0.3, 'entered Tornado Cash', undefined],
      ['I', 0.2, 'arrived at eXch (instant exchange): freezable', undefined],
    ]);
    // One definition of freezable (src/trace/freezable.ts): the instant exchange, not the mixer or
    // the bridge.
    expect(r.summary.freezable).toEqual({
      share: r.endpoints[2]!.share,
      services: 1,
      endpoints: 1,
    });
    expect(r.nodes.map((n) => n.address)).not.toContain('Z');
    expect(r.summary.traced).toBeCloseTo(1, 12);
  });
});

describe('traceFunds: backward', () => {
  it('haircut on the time-reversed graph: the latest inflow before the payment explains it first', () => {
    const edges: SmallEdge[] = [
      { from: 'X1', to: 'A', amount: 100, time: 1 },
      { from: 'X2', to: 'A', amount: 60, time: 2 },
      { from: 'A', to: 'T', amount: 100, time: 3 },
      { from: 'T', to: 'Y', amount: 100, time: 4, tx: 'out' },
      { from: 'X1', to: 'A', amount: 500, time: 5 },
    ];
    const r = trace(edges, {
      direction: 'backward',
      seeds: [{ kind: 'tx', chain: 'test', txHash: 'out' }],
      labelMap: { X2: ['exchange', 'Kraken'] },
    });
    // A's 100 to T: 60 from X2 (all of it), the other 40 from X1; X1's later 500 plays no part.
    expect(where(r)).toEqual({
      'X2/exchange/native': ['60', 0.6],
      'X1/origin/native': ['40', 0.4],
    });
    // In flow order, ending with the seed transfer T -> Y.
    expect(r.endpoints[0]!.paths).toEqual([['X2', 'A', 'T', 'Y']]);
    // Backward speaks of sources: nothing here is "freezable".
    expect(r.endpoints.map((e) => e.finding)).toEqual([
      'came from Kraken (exchange)',
      'came from X1',
    ]);
    expect(r.summary.freezable).toBeNull();
  });
});

describe('traceFunds: regressions found by npm run eval', () => {
  it('sends on a seed that arrives after an earlier seed was already sent on', () => {
    // Salaries: V pays W twice (t1 at 10, t3 at 30); W forwards each to the exchange X.
    const edges: SmallEdge[] = [
      { from: 'V', to: 'W', amount: 100, time: 10, tx: 't1' },
      { from: 'W', to: 'X', amount: 100, time: 20, tx: 't2' },
      { from: 'V', to: 'W', amount: 50, time: 30, tx: 't3' },
      { from: 'W', to: 'X', amount: 50, time: 40, tx: 't4' },
    ];
    const r = trace(edges, {
      seeds: [
        { kind: 'tx', chain: 'test', txHash: 't1' },
        { kind: 'tx', chain: 'test', txHash: 't3' },
      ],
      labelMap: binance,
    });
    expect(where(r)).toEqual({ 'X/exchange/native': ['150', 1] });
  });

  it('follows value through same-second hops whatever the edge numbering', () => {
    // A passes on what it got in the same second; X then passes it on too (X is not labelled).
    for (const edges of [
      [
        { from: 'V', to: 'A', amount: 100, time: 5, tx: 's' },
        { from: 'A', to: 'X', amount: 100, time: 10, tx: 'a' },
        { from: 'X', to: 'Y', amount: 100, time: 10, tx: 'b' },
      ],
      [
        { from: 'X', to: 'Y', amount: 100, time: 10, tx: 'b' },
        { from: 'V', to: 'A', amount: 100, time: 5, tx: 's' },
        { from: 'A', to: 'X', amount: 100, time: 10, tx: 'a' },
      ],
    ] as SmallEdge[][]) {
      const r = trace(edges, { seeds: [{ kind: 'tx', chain: 'test', txHash: 's' }] });
      expect(where(r)).toEqual({ 'Y/unspent/native': ['100', 1] });
    }
  });

  it('counts value swapped and then unwrapped once (router: token -> WETH -> ETH)', () => {
    // T sells 10 TOKEN at the pool for 10 WETH paid to the router, which unwraps it and pays T2.
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 10, time: 1, asset: 'TOKEN', tx: 'theft' },
      { from: 'T', to: 'POOL', amount: 10, time: 2, asset: 'TOKEN', tx: 'swap' },
      { from: 'POOL', to: 'ROUTER', amount: 10, time: 2, asset: 'WETH', tx: 'swap' },
      { from: 'WETH', to: 'ROUTER', amount: 10, time: 2, asset: 'native', tx: 'swap' },
      { from: 'ROUTER', to: 'T2', amount: 10, time: 2, asset: 'native', tx: 'swap' },
      { from: 'L', to: 'ROUTER', amount: 5, time: 3, asset: 'WETH', tx: 'later' },
      { from: 'ROUTER', to: 'Z', amount: 5, time: 4, asset: 'WETH', tx: 'later2' },
    ];
    const r = trace(
      edges,
      {
        seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }],
        labelMap: { POOL: ['dex', 'AMM'], ROUTER: ['dex', 'AMM'] },
      },
      {
        edges,
        conversions: [
          {
            tx: 'swap',
            kind: 'swap',
            account: 'T',
            recipient: 'ROUTER',
            assetIn: 'TOKEN',
            amountIn: 10,
            assetOut: 'WETH',
            amountOut: 10,
          },
          {
            tx: 'swap',
            kind: 'unwrap',
            account: 'ROUTER',
            recipient: 'ROUTER',
            assetIn: 'WETH',
            amountIn: 10,
            assetOut: 'native',
            amountOut: 10,
          },
        ],
      },
    );
    expect(where(r)).toEqual({ 'T2/unspent/native': ['10', 1] });
  });
});

describe('traceFunds: a wrap with no Transfer of the wrapped token', () => {
  it('credits the WETH a router wraps (WETH9 logs no Transfer on deposit) and follows it on', () => {
    // T pays 10 ETH to the router, which wraps it (router -> WETH contract) and pays the pool 10 WETH.
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 10, time: 1, tx: 'theft' },
      { from: 'T', to: 'ROUTER', amount: 10, time: 2, tx: 'swap' },
      { from: 'ROUTER', to: 'WETH', amount: 10, time: 2, tx: 'swap' },
      { from: 'ROUTER', to: 'POOL', amount: 10, time: 2, asset: 'WETH', tx: 'swap' },
    ];
    const r = trace(
      edges,
      { seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }] },
      {
        edges,
        conversions: [
          {
            tx: 'swap',
            kind: 'wrap',
            account: 'ROUTER',
            recipient: 'ROUTER',
            assetIn: 'native',
            amountIn: 10,
            assetOut: 'WETH',
            amountOut: 10,
          },
        ],
      },
    );
    expect(where(r)).toEqual({ 'POOL/unspent/WETH': ['10', 1] });
  });
});

describe('traceFunds: transfers of one second and one transaction', () => {
  it('keeps taint out of another user’s swap through the same router in the same second', () => {
    // The router R holds nothing between transactions; U's clean 5 and T's tainted 10 pass through
    // it in two transactions of one block (one second). Taint must follow T's transaction only.
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 10, time: 1, tx: 'theft' },
      { from: 'U', to: 'R', amount: 5, time: 2, tx: 'u' },
      { from: 'R', to: 'PU', amount: 5, time: 2, tx: 'u' },
      { from: 'T', to: 'R', amount: 10, time: 2, tx: 't' },
      { from: 'R', to: 'PT', amount: 10, time: 2, tx: 't' },
    ];
    const r = trace(edges, { seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }] });
    expect(where(r)).toEqual({ 'PT/unspent/native': ['10', 1] });
  });

  it('follows an unwrap whose ether transfers are stored before the token logs that taint them', () => {
    // As a node's traces order them: the router's internal ether moves (call:…) sort before the
    // token logs (log:…) of the same transaction, though the logs happened first.
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 25, time: 1, asset: 'USDT', tx: 'theft' },
      { from: 'WETH', to: 'ROUTER', amount: 10, time: 2, tx: 'swap' },
      { from: 'ROUTER', to: 'T', amount: 10, time: 2, tx: 'swap' },
      { from: 'T', to: 'PAIR', amount: 25, time: 2, asset: 'USDT', tx: 'swap' },
      { from: 'PAIR', to: 'ROUTER', amount: 10, time: 2, asset: 'WETH', tx: 'swap' },
      { from: 'T', to: 'X', amount: 10, time: 3, tx: 'out' },
    ];
    const conversions = [
      {
        tx: 'swap',
        kind: 'swap' as const,
        account: 'ROUTER',
        recipient: 'ROUTER',
        assetIn: 'USDT',
        amountIn: 25,
        assetOut: 'WETH',
        amountOut: 10,
      },
      {
        tx: 'swap',
        kind: 'unwrap' as const,
        account: 'ROUTER',
        recipient: 'ROUTER',
        assetIn: 'WETH',
        amountIn: 10,
        assetOut: 'native',
        amountOut: 10,
      },
    ];
    const r = trace(
      edges,
      { seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }], labelMap: binance },
      { edges, conversions },
    );
    expect(where(r)).toEqual({ 'X/exchange/native': ['10', 1] });
  });

  it('counts gas paid with tainted value as spent (untraced: fees), and no seed pays gas', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 100, time: 1, tx: 'theft' },
      { from: 'V', to: 'FEES', amount: 1, time: 1, tx: 'theft' },
      { from: 'T', to: 'X', amount: 90, time: 2, tx: 'move' },
      { from: 'T', to: 'FEES', amount: 2, time: 2, tx: 'move' },
    ];
    const r = trace(
      edges,
      { seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }], labelMap: binance },
      { edges, feeSinks: ['FEES'] },
    );
    expect(r.summary.seedValue).toEqual([{ chain: 'test', asset: 'native', amount: '100' }]);
    expect(where(r)).toEqual({
      'X/exchange/native': ['90', 0.9],
      'T/unspent/native': ['8', 0.08],
    });
    expect(r.summary.untracedBy.fees).toBeCloseTo(0.02, 12);
    // Gas is counted, not listed among the traced edges.
    expect(r.edges.map((e) => e.to)).not.toContain('test:FEES');
  });
});

describe('traceFunds: a seed of several assets', () => {
  // T steals 1 (native) and 100 TOKEN; elsewhere someone swapped 1 native for 50 TOKEN, so 100 TOKEN
  // are worth 2 native: the token is two thirds of the seed.
  const edges: SmallEdge[] = [
    { from: 'U', to: 'POOL', amount: 1, time: 1, tx: 'swap' },
    { from: 'POOL', to: 'U', amount: 50, time: 1, asset: 'TOKEN', tx: 'swap' },
    { from: 'V', to: 'T', amount: 1, time: 2, tx: 'theft' },
    { from: 'V', to: 'T', amount: 100, time: 2, asset: 'TOKEN', tx: 'theft' },
    { from: 'T', to: 'X', amount: 100, time: 3, asset: 'TOKEN', tx: 'out' },
  ];
  const swap = {
    tx: 'swap',
    kind: 'swap' as const,
    account: 'U',
    recipient: 'U',
    assetIn: 'native',
    amountIn: 1,
    assetOut: 'TOKEN',
    amountOut: 50,
  };
  const seeds = [{ kind: 'tx' as const, chain: 'test', txHash: 'theft' }];

  it('values its assets in the native one at the swap rates of the index', () => {
    const r = trace(edges, { seeds, labelMap: binance }, { edges, conversions: [swap] });
    expect(r.summary.valuedIn).toEqual({ chain: 'test', asset: 'native' });
    expect(where(r)).toEqual({
      'X/exchange/TOKEN': ['100', 0.666667],
      'T/unspent/native': ['1', 0.333333],
    });
  });

  it('gives each asset an equal part when no swap prices it', () => {
    const r = trace(edges, { seeds, labelMap: binance });
    expect(r.summary.valuedIn).toBeNull();
    expect(where(r)).toEqual({
      'X/exchange/TOKEN': ['100', 0.5],
      'T/unspent/native': ['1', 0.5],
    });
  });
});

describe('traceFunds: value its issuer froze', () => {
  it('reports tainted value held in a frozen slot as frozen, and only that slot', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 100, time: 1, asset: 'USDT', tx: 'theft' },
      { from: 'T', to: 'C', amount: 60, time: 2, asset: 'USDT' },
      { from: 'T', to: 'D', amount: 40, time: 3, asset: 'USDT' },
    ];
    const index = smallGraphIndex({ edges });
    const usdt = index.assetId('test', 'USDT')!;
    const frozen = slotOf(index, index.nodeId('test', 'C')!, usdt)!;
    const r = traceFunds({
      index,
      labels: labels({}),
      seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }],
      direction: 'forward',
      policy: 'haircut',
      frozenSlots: new Set([frozen]),
    });
    expect(where(r)).toEqual({ 'C/frozen/USDT': ['60', 0.6], 'D/unspent/USDT': ['40', 0.4] });
    expect(r.endpoints[0]!.finding).toBe('frozen at C by the issuer of USDT');
  });
});

describe('traceFunds: across a bridge to a chain the index holds', () => {
  // BIP-173's P2WPKH example address as the Bitcoin destination of a THORChain deposit.
  const dest = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
  const edges = (payout: boolean): SmallEdge[] => [
    { from: 'V', to: 'T', amount: 100, time: 1, tx: 'theft' },
    { from: 'T', to: 'R', amount: 100, time: 2, tx: 'thor' },
    // Earlier than the deposit: not its payout (and spent before the payout comes).
    { from: 'VAULT', to: dest, amount: 7, time: 1, chain: 'bitcoin', tx: 'b0' },
    { from: dest, to: 'W', amount: 7, time: 2, chain: 'bitcoin', tx: 'bw' },
    ...(payout
      ? [
          { from: 'VAULT', to: dest, amount: 3, time: 9, chain: 'bitcoin', tx: 'b1' },
          { from: dest, to: 'BX', amount: 3, time: 10, chain: 'bitcoin', tx: 'b2' },
        ]
      : []),
  ];
  const run = (payout: boolean, destinationLabel: Record<string, [string, string]> = {}) => {
    const index = smallGraphIndex({ edges: edges(payout) });
    return traceFunds({
      index,
      labels: labels({
        R: ['bridge', 'THORChain'],
        BX: ['exchange', 'BitEx'],
        ...destinationLabel,
      }),
      bridgeMemos: new Map([[index.txId('test', 'thor')!, `=:BTC.BTC:${dest}`]]),
      seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }],
      direction: 'forward',
      policy: 'haircut',
    });
  };

  it('goes on from the destination’s first arrival after the deposit, to an exchange on that chain', () => {
    const r = run(true);
    expect(where(r)).toEqual({ 'BX/exchange/native': ['3', 1] });
    expect(r.endpoints[0]!.chain).toBe('bitcoin');
    expect(r.endpoints[0]!.paths[0]).toEqual(['V', 'T', 'R', 'VAULT', dest, 'BX']);
  });

  it('stops at the destination when it is itself an exchange (a deposit address the swap paid)', () => {
    const r = run(true, { [dest]: ['deposit_wallet', 'BitEx'] });
    expect(where(r)).toEqual({ [`${dest}/deposit_wallet/native`]: ['3', 1] });
    expect(r.endpoints[0]!.finding).toBe('arrived at BitEx: freezable');
  });

  /** Two arrivals at the destination after the deposit: another's payout first, then this one's. */
  const memoEdges: SmallEdge[] = [
    { from: 'V', to: 'T', amount: 100, time: 1, tx: 'theft' },
    { from: 'T', to: 'R', amount: 100, time: 2, tx: 'thor' },
    { from: 'VAULT', to: dest, amount: 5, time: 4, chain: 'bitcoin', tx: 'b-other' },
    { from: dest, to: 'BY', amount: 5, time: 5, chain: 'bitcoin', tx: 'b-other-spend' },
    { from: 'VAULT', to: dest, amount: 3, time: 9, chain: 'bitcoin', tx: 'b-ours' },
    { from: dest, to: 'BX', amount: 3, time: 10, chain: 'bitcoin', tx: 'b2' },
  ];
  const runMemos = (outMemos: Record<string, string>) => {
    const index = smallGraphIndex({ edges: memoEdges });
    return traceFunds({
      index,
      labels: labels({
        R: ['bridge', 'THORChain'],
        BX: ['exchange', 'BitEx'],
        BY: ['exchange', 'OtherEx'],
      }),
      bridgeMemos: new Map([[index.txId('test', 'thor')!, `=:b:${dest}`]]),
      bridgeOutMemos: new Map(
        Object.entries(outMemos).map(([tx, memo]) => [index.txId('bitcoin', tx)!, memo]),
      ),
      seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }],
      direction: 'forward',
      policy: 'haircut',
    });
  };

  it('goes on from the payout whose OP_RETURN names the deposit (OUT:<hash>), not the first arrival after', () => {
    const r = runMemos({ 'b-ours': 'OUT:THOR', 'b-other': 'OUT:SOMEONEELSE' });
    expect(where(r)).toEqual({ 'BX/exchange/native': ['3', 1] });
    expect(r.endpoints[0]!.paths[0]).toEqual(['V', 'T', 'R', 'VAULT', dest, 'BX']);
  });

  it('finds its payout by memo even when another payout to the same address comes first without one', () => {
    const r = runMemos({ 'b-ours': 'OUT:thor' });
    expect(where(r)).toEqual({ 'BX/exchange/native': ['3', 1] });
  });

  it('without a memo naming it, skips arrivals that answer another deposit', () => {
    const r = runMemos({ 'b-other': 'OUT:SOMEONEELSE' });
    expect(where(r)).toEqual({ 'BX/exchange/native': ['3', 1] });
  });

  it('without any payout memo, takes the first arrival after the deposit', () => {
    const r = runMemos({});
    expect(where(r)).toEqual({ 'BY/exchange/native': ['5', 1] });
  });

  it('a refunded deposit (REFUND:<hash>) goes on at the depositor, not at the destination', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 100, time: 1, tx: 'theft' },
      { from: 'T', to: 'R', amount: 100, time: 2, tx: 'thor' },
      { from: 'VAULT', to: dest, amount: 3, time: 9, chain: 'bitcoin', tx: 'b-unrelated' },
      { from: 'R', to: 'T', amount: 99, time: 6, tx: 'refund' },
      { from: 'T', to: 'X', amount: 99, time: 7, tx: 'to-x' },
    ];
    const index = smallGraphIndex({ edges });
    const r = traceFunds({
      index,
      labels: labels({ R: ['bridge', 'THORChain'], X: ['exchange', 'Ex'] }),
      bridgeMemos: new Map([[index.txId('test', 'thor')!, `=:BTC.BTC:${dest}`]]),
      bridgeOutMemos: new Map([[index.txId('test', 'refund')!, 'REFUND:THOR']]),
      seeds: [{ kind: 'tx', chain: 'test', txHash: 'theft' }],
      direction: 'forward',
      policy: 'haircut',
    });
    // Before refunds were read, the deposit waited at the destination and took its next arrival.
    expect(where(r)).toEqual({ 'X/exchange/native': ['99', 1] });
  });

  it('ends at the bridge, bridged to the destination, when the destination receives nothing after', () => {
    const r = run(false);
    expect(r.endpoints.map((e) => [e.address, e.finding, e.share])).toEqual([
      ['R', `bridged to bitcoin ${dest}`, 1],
    ]);
  });
});
