import { describe, expect, it } from 'vitest';
import { FIXTURE, handBuiltTrace } from '../../test/helpers/trace-fixture.ts';
import { simAccount } from '../simulate/accounts.ts';
import type { Truth, TruthEndpoint } from '../simulate/truth.ts';
import { simulatorContractAddress } from '../simulate/world.ts';
import { scoreAgainstGroundTruth, scoreAgainstSimulatorTruth } from './score.ts';

const ETHER = 10n ** 18n;
/** One sUSDT (6 decimals) in raw units. */
const USDT = 10n ** 6n;
const STABLECOIN = simulatorContractAddress('Stablecoin');
const OTC = simulatorContractAddress('OtcDesk');
const ELSEWHERE = simAccount(1, 'fixture/elsewhere').address;

function truthOf(
  endpoints: TruthEndpoint[],
  conversions: Truth['conversions'] = [],
  stolen = 100n * ETHER,
): Truth {
  return {
    scenario: 'fixture',
    seed: 1,
    scale: 1,
    description: 'hand-built truth',
    theftTransactions: [],
    victim: null,
    stolen: [{ asset: 'native', amount: stolen }],
    attackerAddresses: [{ address: FIXTURE.exploiter, role: 'exploiter' }],
    conversions,
    endpoints,
    trackedAssets: ['native'],
    blocks: { from: 0n, to: 0n },
  };
}

const at = (
  address: string | null,
  category: TruthEndpoint['category'],
  amount: bigint,
  asset = 'native',
): TruthEndpoint => ({ address, category, entity: null, asset, amount });

describe('scoreAgainstSimulatorTruth', () => {
  it('credits value at the right address up to the truth, excludes gas, reports the worst error', () => {
    const truth = truthOf([
      at(FIXTURE.thorRouter, 'bridge', 35n * ETHER),
      // Upper-case hex: addresses compare case-insensitively.
      at(`0x${FIXTURE.deposit.slice(2).toUpperCase()}`, 'deposit_wallet', 30n * ETHER),
      at(FIXTURE.mixer, 'mixer', 25n * ETHER), // the trace says 30: 5 over
      at(FIXTURE.split2, 'unspent', 4n * ETHER),
      at(OTC, 'otc', 5n * ETHER), // the trace missed it
      at(null, 'fee', 1n * ETHER),
    ]);
    const score = scoreAgainstSimulatorTruth(handBuiltTrace(), truth);
    const native = score.assets.find((a) => a.asset === 'native')!;
    // Fee left out: 99 ETH to attribute, 35 + 30 + 25 (not 30) + 4 attributed.
    expect(native.truth).toBe(99n * ETHER);
    expect(native.attributed).toBe(94n * ETHER);
    expect(native.share).toBeCloseTo(94 / 99, 12);
    expect(native.spurious).toBe(0n);
    expect(score.overall).toBeCloseTo(94 / 99, 12);
    expect(score.fees).toEqual([{ asset: 'native', amount: 1n * ETHER }]);
    expect(Object.fromEntries(native.categories.map((c) => [c.category, c.share]))).toEqual({
      bridge: 1,
      deposit_wallet: 1,
      mixer: 1,
      unspent: 1,
      otc: 0,
    });
    expect(score.endpoints).toBe(5);
    expect(score.endpointsWithinTolerance).toBe(3);
    expect(score.maxRelativeError).toBe(1);
    expect(score.categoryMismatches).toEqual([]);
  });

  it('counts trace value where the truth has nothing as spurious, and a wrong category as a mismatch', () => {
    const truth = truthOf([
      at(FIXTURE.thorRouter, 'bridge', 35n * ETHER),
      at(FIXTURE.deposit, 'deposit_wallet', 30n * ETHER),
      at(FIXTURE.mixer, 'mixer', 30n * ETHER),
      at(FIXTURE.split2, 'instant_exchange', 4n * ETHER),
    ]);
    const result = handBuiltTrace();
    result.endpoints.push({ ...result.endpoints[3]!, address: ELSEWHERE, amount: '2e+18' });
    const score = scoreAgainstSimulatorTruth(result, truth);
    expect(score.assets[0]!.share).toBe(1);
    expect(score.assets[0]!.spurious).toBe(2n * ETHER);
    expect(score.assets[0]!.spuriousShare).toBeCloseTo(2 / 99, 12);
    expect(score.maxRelativeError).toBe(0);
    expect(score.categoryMismatches).toEqual([
      { address: FIXTURE.split2, truth: 'instant_exchange', trace: 'unspent' },
    ]);
  });

  it('values a converted asset at the truth’s own swap rate, or gives no overall figure without one', () => {
    const endpoints = [
      at(FIXTURE.deposit, 'deposit_wallet', 90n * ETHER),
      at(OTC, 'otc', 20_000n * USDT, STABLECOIN),
    ];
    const conversions = [
      {
        txHash: null,
        assetIn: 'native',
        amountIn: 10n * ETHER,
        assetOut: STABLECOIN,
        amountOut: 20_000n * USDT,
      },
    ];
    const result = handBuiltTrace();
    result.endpoints = [
      { ...result.endpoints[1]!, amount: (90n * ETHER).toString() },
      { ...result.endpoints[1]!, address: OTC, asset: STABLECOIN, amount: '10000000000' },
    ];
    const score = scoreAgainstSimulatorTruth(result, truthOf(endpoints, conversions));
    // 90 ETH of 90, and half of the 10 ETH's worth of sUSDT: 95 of 100.
    expect(score.overall).toBeCloseTo(0.95, 12);
    expect(score.assets.find((a) => a.asset === STABLECOIN)!.share).toBe(0.5);
    const unvalued = scoreAgainstSimulatorTruth(result, truthOf(endpoints));
    expect(unvalued.overall).toBeNull();
    expect(unvalued.unvaluedAssets).toEqual([STABLECOIN]);
  });
});

describe('scoreAgainstGroundTruth', () => {
  const result = handBuiltTrace();
  const txOf = (to: string) => result.edges.find((e) => e.to === `anvil:${to}`)!.txHash;
  const edges = [
    { txHash: txOf(FIXTURE.split1), from: FIXTURE.exploiter, to: FIXTURE.split1, valueUsd: 600 },
    { txHash: txOf(FIXTURE.deposit), from: FIXTURE.split1, to: FIXTURE.deposit, valueUsd: 300 },
    {
      txHash: txOf(FIXTURE.split2).toUpperCase().replace('0X', '0x'),
      from: FIXTURE.exploiter,
      to: FIXTURE.split2,
      valueUsd: 400,
    },
    // A flow the trace did not follow (same hash as the split, other ends).
    { txHash: txOf(FIXTURE.split1), from: FIXTURE.split2, to: ELSEWHERE, valueUsd: 100 },
  ];
  const terminals = new Set([
    FIXTURE.thorRouter,
    `0x${FIXTURE.deposit.slice(2).toUpperCase()}`,
    FIXTURE.split1, // passed through with taint, not an endpoint
    ELSEWHERE, // never reached
  ]);

  it('measures terminal recall, value-weighted endpoint precision and edge recall', () => {
    const score = scoreAgainstGroundTruth(result, { terminals, edges });
    expect(score).toMatchObject({ terminals: 4, terminalsReached: 3, terminalsAsEndpoints: 2 });
    expect(score.terminalRecall).toBe(0.75);
    // Right: bridge 0.35 and deposit 0.30 (terminals), unspent 0.04 (on the true flow); wrong: mixer 0.30.
    expect(score.precision).toBeCloseTo(0.69 / 0.99, 12);
    expect(score.precisionAtTerminals).toBeCloseTo(0.65 / 0.99, 12);
    expect(score.edgeRecall).toBe(0.75);
    expect(score.edgeRecallUsd).toBeCloseTo(1300 / 1400, 12);
  });

  it('gives no edge figures without edges, and no precision for a trace without endpoints', () => {
    const score = scoreAgainstGroundTruth({ ...result, endpoints: [] }, { terminals });
    expect(score.edgeRecall).toBeNull();
    expect(score.precision).toBeNull();
    // The tainted edges still reach split 1 and the two service addresses.
    expect(score.terminalsReached).toBe(3);
    expect(score.terminalsAsEndpoints).toBe(0);
  });
});
