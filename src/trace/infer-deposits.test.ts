import { describe, expect, it } from 'vitest';
import { smallGraphIndex, type SmallEdge } from '../../test/helpers/small-graph-index.ts';
import {
  DEFAULT_MAX_SWEEP_DELAY_SECONDS,
  inferDepositAddresses,
  withInferredDeposits,
} from './infer-deposits.ts';
import type { EndpointLabels, GraphIndex } from './types.ts';

/** One ether in wei: amounts below are raw units, as in the index. */
const ETH = 1e18;
/** The fee sink's name in these graphs. */
const FEES = '(fees)';

const labelsOf = (map: Record<string, [string, string | null]>): EndpointLabels => ({
  lookup: (_chain, address) => {
    const l = map[address];
    return l ? { category: l[0], entity: l[1] } : null;
  },
});
const EXCHANGES = labelsOf({
  hot: ['hot_wallet', 'Binance'],
  hot2: ['hot_wallet', 'Binance'],
  kraken: ['exchange', 'Kraken'],
});

/** An Ethereum graph (so the native residual applies), with a fee sink. */
const graph = (edges: SmallEdge[]): GraphIndex =>
  smallGraphIndex({ edges, chain: 'ethereum', feeSinks: [FEES] });

const infer = (index: GraphIndex, labels: EndpointLabels = EXCHANGES) =>
  inferDepositAddresses({ index, labels });
const addresses = (index: GraphIndex, labels?: EndpointLabels) =>
  infer(index, labels)
    .map((d) => d.address)
    .sort();

describe('inferDepositAddresses', () => {
  it('infers a deposit address paid by several senders and swept whole into a hot wallet', () => {
    const index = graph([
      { from: 'alice', to: 'dep', amount: 1 * ETH, time: 100 },
      { from: 'bob', to: 'dep', amount: 2 * ETH, time: 200 },
      { from: 'dep', to: 'hot', amount: 3 * ETH, time: 1_000, tx: 'sweep' },
    ]);
    const [d, ...rest] = infer(index);
    expect(rest).toEqual([]);
    expect(d).toEqual({
      node: index.nodeId('ethereum', 'dep'),
      chain: 'ethereum',
      address: 'dep',
      entity: 'Binance',
      exchangeAddress: 'hot',
      sweeps: [{ txHash: 'sweep', time: 1_000, amount: 3 * ETH, asset: 'native' }],
      senders: 2,
      sweptShare: 1,
      // heuristic (10) + several senders (10)
      confidence: 20,
    });
  });

  it('infers a fresh deposit address used once, that paid its own gas, at the lowest confidence', () => {
    const index = graph([
      { from: 'thief', to: 'dep', amount: 5 * ETH, time: 100 },
      { from: 'dep', to: 'hot', amount: 5 * ETH - 0.0005 * ETH, time: 600, tx: 'sweep' },
      { from: 'dep', to: FEES, amount: 0.0005 * ETH, time: 600, tx: 'sweep' },
    ]);
    const [d] = infer(index);
    expect(d).toMatchObject({ address: 'dep', senders: 1, confidence: 10 });
    expect(d!.sweptShare).toBeCloseTo(0.9999, 4);
  });

  it('keeps a launderer hop that pays a hot wallet part of what it got and others the rest out', () => {
    const index = graph([
      { from: 'thief', to: 'hop', amount: 10 * ETH, time: 100 },
      { from: 'hop', to: 'hot', amount: 3 * ETH, time: 200 },
      { from: 'hop', to: 'next', amount: 7 * ETH, time: 300 },
    ]);
    expect(addresses(index)).toEqual([]);
    // Everything in one payment looks exactly like a fresh deposit address: inferred, at 10.
    const whole = graph([
      { from: 'thief', to: 'hop', amount: 10 * ETH, time: 100 },
      { from: 'hop', to: 'hot', amount: 10 * ETH, time: 200 },
    ]);
    expect(infer(whole).map((d) => [d.address, d.confidence])).toEqual([['hop', 10]]);
  });

  it('keeps out a wallet that pays an exchange in parts, and one that pays two exchanges', () => {
    const index = graph([
      { from: 'salary', to: 'w', amount: 10 * ETH, time: 100 },
      { from: 'w', to: 'hot', amount: 2 * ETH, time: 200 },
      { from: 'w', to: 'hot', amount: 2 * ETH, time: 300 },
      { from: 'w', to: 'hot', amount: 2 * ETH, time: 400 },
      { from: 'friend', to: 'v', amount: 4 * ETH, time: 100 },
      { from: 'v', to: 'hot', amount: 2 * ETH, time: 200, tx: 'both' },
      { from: 'v', to: 'kraken', amount: 2 * ETH, time: 200, tx: 'both' },
    ]);
    expect(addresses(index)).toEqual([]);
  });

  it('infers every address of a batch sweep, with the batch raising the confidence', () => {
    const index = graph([
      { from: 'u1', to: 'dA', amount: 1 * ETH, time: 100 },
      { from: 'u2', to: 'dB', amount: 2 * ETH, time: 110 },
      { from: 'u3', to: 'dC', amount: 3 * ETH, time: 120 },
      { from: 'dA', to: 'hot', amount: 1 * ETH, time: 500, tx: 'batch' },
      { from: 'dB', to: 'hot', amount: 2 * ETH, time: 500, tx: 'batch' },
      { from: 'dC', to: 'hot', amount: 3 * ETH, time: 500, tx: 'batch' },
    ]);
    expect(infer(index).map((d) => [d.address, d.confidence, d.sweeps[0]!.txHash])).toEqual([
      ['dA', 30, 'batch'],
      ['dB', 30, 'batch'],
      ['dC', 30, 'batch'],
    ]);
  });

  it('infers an address paid and swept many times, sweeps to two hot wallets of one exchange counting as one', () => {
    const edges: SmallEdge[] = [];
    for (let i = 0; i < 5; i++) {
      const t = 10_000 * (i + 1);
      edges.push({ from: 'customer', to: 'dep', amount: (i + 1) * ETH, time: t });
      edges.push({
        from: 'dep',
        to: i % 2 === 0 ? 'hot' : 'hot2',
        amount: (i + 1) * ETH,
        time: t + 600,
        tx: `sweep${i}`,
      });
    }
    const [d, ...rest] = infer(graph(edges));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ address: 'dep', entity: 'Binance', exchangeAddress: 'hot' });
    // Evidence: the three largest sweeps, largest first.
    expect(d!.sweeps.map((s) => s.txHash)).toEqual(['sweep4', 'sweep3', 'sweep2']);
    // heuristic (10) + repeated sweeps (10)
    expect(d!.confidence).toBe(20);
  });

  it('needs a sweep within τ (Victor: 3,200 blocks) of the value it carries', () => {
    const late = DEFAULT_MAX_SWEEP_DELAY_SECONDS + 1;
    const index = graph([
      { from: 'customer', to: 'dep', amount: 1 * ETH, time: 100 },
      { from: 'dep', to: 'hot', amount: 1 * ETH, time: 100 + late },
    ]);
    expect(addresses(index)).toEqual([]);
    expect(
      inferDepositAddresses({ index, labels: EXCHANGES, maxSweepDelaySeconds: late }).length,
    ).toBe(1);
  });

  it('allows value-denominated amounts to drift with prices between deposit and sweep', () => {
    const usd = (edges: Omit<SmallEdge, 'asset'>[]) =>
      graph(edges.map((e) => ({ ...e, asset: 'unit:USD' })));
    // Prices fell 5% before the sweep, or rose 15%: both empty the address.
    const fell = usd([
      { from: 'customer', to: 'dep', amount: 1_000, time: 100 },
      { from: 'dep', to: 'hot', amount: 950, time: 3_000 },
    ]);
    const rose = usd([
      { from: 'customer', to: 'dep', amount: 1_000, time: 100 },
      { from: 'dep', to: 'hot', amount: 1_150, time: 3_000 },
    ]);
    expect(infer(fell).map((d) => [d.address, d.sweptShare])).toEqual([['dep', 0.95]]);
    expect(infer(rose).map((d) => [d.address, d.sweptShare])).toEqual([['dep', 1]]);
    // 30% less is not a price move within the window: a partial payment.
    const partial = usd([
      { from: 'customer', to: 'dep', amount: 1_000, time: 100 },
      { from: 'dep', to: 'hot', amount: 700, time: 3_000 },
    ]);
    expect(addresses(partial)).toEqual([]);
    // Without the drift allowance (a token, not a value) 5% short is still "nearly all", 10% is not.
    const token = graph([
      { from: 'customer', to: 'dep', amount: 1_000, time: 100, asset: 'usdt' },
      { from: 'dep', to: 'hot', amount: 960, time: 3_000, asset: 'usdt' },
      { from: 'customer', to: 'dep2', amount: 1_000, time: 100, asset: 'usdt' },
      { from: 'dep2', to: 'hot', amount: 900, time: 3_000, asset: 'usdt' },
    ]);
    expect(addresses(token)).toEqual(['dep']);
  });

  it('takes a token deposit address whose gas the exchange sends, not a customer who withdrew and paid back', () => {
    const index = graph([
      // Token deposit: the exchange tops up gas, the address sweeps the tokens and pays the gas.
      { from: 'customer', to: 'depT', amount: 100e6, time: 100, asset: 'usdt' },
      { from: 'hot', to: 'depT', amount: 0.002 * ETH, time: 300, tx: 'gas' },
      { from: 'depT', to: 'hot', amount: 100e6, time: 400, asset: 'usdt', tx: 'sweep' },
      { from: 'depT', to: FEES, amount: 0.0015 * ETH, time: 400, tx: 'sweep' },
      // A customer withdraws 5, gets 1 from a friend, and pays the 6 back to the hot wallet.
      { from: 'hot', to: 'user', amount: 5 * ETH, time: 100 },
      { from: 'friend', to: 'user', amount: 1 * ETH, time: 200 },
      { from: 'user', to: 'hot', amount: 6 * ETH, time: 300 },
      // One who only withdrew and paid back.
      { from: 'hot', to: 'user2', amount: 5 * ETH, time: 100 },
      { from: 'user2', to: 'hot', amount: 5 * ETH, time: 300 },
    ]);
    expect(addresses(index)).toEqual(['depT']);
  });

  it('lets a sweep keep back the native coin an exchange keeps for gas (a_max = 0.01)', () => {
    const index = graph([
      { from: 'customer', to: 'dep', amount: 0.05 * ETH, time: 100 },
      { from: 'dep', to: 'hot', amount: 0.042 * ETH, time: 200 },
      { from: 'customer2', to: 'dep2', amount: 0.05 * ETH, time: 100 },
      { from: 'dep2', to: 'hot', amount: 0.03 * ETH, time: 200 },
    ]);
    expect(addresses(index)).toEqual(['dep']);
  });

  it('never infers an address with a label of its own: a real label wins', () => {
    const index = graph([
      { from: 'alice', to: 'router', amount: 1 * ETH, time: 100 },
      { from: 'router', to: 'hot', amount: 1 * ETH, time: 200 },
      { from: 'bob', to: 'dep', amount: 1 * ETH, time: 100 },
      { from: 'dep', to: 'hot', amount: 1 * ETH, time: 200 },
    ]);
    const labels = labelsOf({ hot: ['hot_wallet', 'Binance'], router: ['dex', 'Some DEX'] });
    const deposits = infer(index, labels);
    expect(deposits.map((d) => d.address)).toEqual(['dep']);
    const merged = withInferredDeposits(labels, deposits);
    expect(merged.lookup('ethereum', 'router')).toEqual({ category: 'dex', entity: 'Some DEX' });
    expect(merged.lookup('ethereum', 'hot')).toEqual({
      category: 'hot_wallet',
      entity: 'Binance',
    });
    expect(merged.lookup('ethereum', 'dep')).toEqual({
      category: 'deposit_wallet',
      entity: 'Binance',
      inferred: {
        exchangeAddress: 'hot',
        sweeps: [{ txHash: 'tx3', time: 200, amount: 1 * ETH, asset: 'native' }],
        confidence: 10,
      },
    });
    expect(merged.lookup('ethereum', 'bob')).toBeNull();
    // A label that arrives later for the address wins over the inference.
    const later = withInferredDeposits(
      labelsOf({ hot: ['hot_wallet', 'Binance'], dep: ['deposit_wallet', 'Coinbase'] }),
      deposits,
    );
    expect(later.lookup('ethereum', 'dep')).toEqual({
      category: 'deposit_wallet',
      entity: 'Coinbase',
    });
  });

  it('refuses tunables out of range', () => {
    const index = graph([]);
    expect(() => inferDepositAddresses({ index, labels: EXCHANGES, minSweptShare: 1.5 })).toThrow(
      /minSweptShare must be between 0 and 1/,
    );
    expect(() =>
      inferDepositAddresses({ index, labels: EXCHANGES, maxSweepDelaySeconds: -1 }),
    ).toThrow(/maxSweepDelaySeconds must be a non-negative number/);
  });
});
