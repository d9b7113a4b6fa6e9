import type { Truth, TruthEndpoint } from '../simulate/truth.ts';
import { traceAmountToBigInt } from './raw-amount.ts';
import type { TraceResult } from './types.ts';

/** Default relative tolerance for "the trace found the right amount at an endpoint": 1%. */
export const DEFAULT_AMOUNT_TOLERANCE = 0.01;

/** EVM addresses compare case-insensitively; others (Base58) as given. */
function addressKey(address: string): string {
  return address.startsWith('0x') ? address.toLowerCase() : address;
}

function ratio(part: bigint, whole: bigint): number {
  return whole === 0n ? 0 : Number(part) / Number(whole);
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** Attribution of one slice of the truth (an asset, or a category within an asset). */
export type AttributionScore = {
  /** Truth value of the slice, raw units. */
  truth: bigint;
  /** Of it, the part the trace put at the right address: Σ min(truth, trace) per endpoint address. */
  attributed: bigint;
  /** attributed / truth (0 when the slice is empty). */
  share: number;
};

export type SimulatorScore = {
  scenario: string;
  tolerance: number;
  /** Per asset; `spurious` is trace value at addresses the truth has no endpoint at (over `truth`). */
  assets: (AttributionScore & {
    asset: string;
    spurious: bigint;
    spuriousShare: number;
    /** Per truth category (`bridge`, `deposit_wallet`, `unspent`, …). */
    categories: (AttributionScore & { category: TruthEndpoint['category'] })[];
  })[];
  /**
   * All assets together in the first stolen asset's terms (rates from the truth's own conversions),
   * or null when some asset has no rate; `unvaluedAssets` names those.
   */
  overall: number | null;
  unvaluedAssets: string[];
  /** Truth endpoints (not fees) whose trace amount is within `tolerance` of the truth, and how many there are. */
  endpointsWithinTolerance: number;
  endpoints: number;
  /** Largest |trace - truth| / truth over the truth endpoints (1 for one the trace missed). */
  maxRelativeError: number;
  /** Gas the launderers paid, per asset: left out of every denominator (see the doc comment). */
  fees: { asset: string; amount: bigint }[];
  /** Endpoints found at the right address under another category than the truth's. */
  categoryMismatches: { address: string; truth: string; trace: string }[];
};

/**
 * What share of the stolen value a trace put at the right endpoint, judged against the simulator's
 * truth. Definitions, per tracked asset `a`:
 *
 * - Truth endpoints are summed per (address, asset). `unspent` ones are the attacker addresses still
 *   holding loot: the trace matches them with its own endpoint at that address (normally `unspent`).
 *   `fee` endpoints (gas the launderers burnt or paid, address null) are **left out of the
 *   denominator**: gas leaves no address a trace could stop at, so it is reported in `fees` and the
 *   trace is expected to count it as untraced.
 * - `attributed(a) = Σ over truth addresses of min(truth amount, trace endpoint amount at that
 *   address in a)`: value at the right address, never more than the truth there (so over-attribution
 *   at one endpoint cannot make up for a miss elsewhere). `share(a) = attributed(a) / truth(a)`; the
 *   same per truth category.
 * - `spurious(a)`: trace endpoint value at addresses with no truth endpoint (it went somewhere wrong,
 *   or the trace followed clean value).
 * - Relative error of an endpoint = |trace - truth| / truth; `maxRelativeError` is the largest (a
 *   missed endpoint counts 1); `endpointsWithinTolerance` counts those at most `tolerance`.
 * - `overall` weights each asset by its value in the first stolen asset, at the average rate of the
 *   truth's conversions into it (e.g. ETH swapped for a token); null when an asset has no such rate.
 *
 * Addresses are compared case-insensitively for `0x` addresses; the trace endpoint's chain is ignored
 * (a simulation is one chain).
 *
 * @example
 * const score = scoreAgainstSimulatorTruth(result, truth);
 * console.log(`${(score.overall! * 100).toFixed(1)}% attributed, max error ${score.maxRelativeError}`);
 */
export function scoreAgainstSimulatorTruth(
  result: TraceResult,
  truth: Truth,
  options: { tolerance?: number } = {},
): SimulatorScore {
  const tolerance = options.tolerance ?? DEFAULT_AMOUNT_TOLERANCE;
  const traced = new Map<string, { amount: bigint; category: string }>();
  for (const e of result.endpoints) {
    const key = `${addressKey(e.address)}|${e.asset}`;
    const t = traced.get(key) ?? { amount: 0n, category: e.category };
    t.amount += traceAmountToBigInt(e.amount);
    traced.set(key, t);
  }
  const expected = new Map<
    string,
    { address: string; asset: string; category: TruthEndpoint['category']; amount: bigint }
  >();
  const fees = new Map<string, bigint>();
  for (const e of truth.endpoints) {
    if (e.category === 'fee' || e.address === null) {
      fees.set(e.asset, (fees.get(e.asset) ?? 0n) + e.amount);
      continue;
    }
    const key = `${addressKey(e.address)}|${e.asset}`;
    const t = expected.get(key) ?? {
      address: addressKey(e.address),
      asset: e.asset,
      category: e.category,
      amount: 0n,
    };
    t.amount += e.amount;
    expected.set(key, t);
  }
  const perAsset = new Map<
    string,
    { truth: bigint; attributed: bigint; categories: Map<string, [bigint, bigint]> }
  >();
  let within = 0;
  let maxRelativeError = 0;
  const categoryMismatches: SimulatorScore['categoryMismatches'] = [];
  for (const [key, t] of expected) {
    const found = traced.get(key);
    const got = found?.amount ?? 0n;
    const attributed = min(got, t.amount);
    const a = perAsset.get(t.asset) ?? { truth: 0n, attributed: 0n, categories: new Map() };
    a.truth += t.amount;
    a.attributed += attributed;
    const c = a.categories.get(t.category) ?? [0n, 0n];
    a.categories.set(t.category, [c[0] + t.amount, c[1] + attributed]);
    perAsset.set(t.asset, a);
    const error = t.amount === 0n ? 0 : Math.abs(Number(got - t.amount)) / Number(t.amount);
    maxRelativeError = Math.max(maxRelativeError, error);
    if (error <= tolerance) within++;
    if (found && found.category !== t.category)
      categoryMismatches.push({ address: t.address, truth: t.category, trace: found.category });
  }
  const spurious = new Map<string, bigint>();
  for (const [key, t] of traced)
    if (!expected.has(key)) {
      const asset = key.slice(key.indexOf('|') + 1);
      spurious.set(asset, (spurious.get(asset) ?? 0n) + t.amount);
    }
  const rates = conversionRates(truth);
  let valuedTruth = 0;
  let valuedAttributed = 0;
  const unvaluedAssets: string[] = [];
  const assets = [...perAsset].map(([asset, a]) => {
    const rate = rates.get(asset);
    if (rate === undefined) unvaluedAssets.push(asset);
    else {
      valuedTruth += Number(a.truth) * rate;
      valuedAttributed += Number(a.attributed) * rate;
    }
    const s = spurious.get(asset) ?? 0n;
    return {
      asset,
      truth: a.truth,
      attributed: a.attributed,
      share: ratio(a.attributed, a.truth),
      spurious: s,
      spuriousShare: ratio(s, a.truth),
      categories: [...a.categories].map(([category, [t, at]]) => ({
        category: category as TruthEndpoint['category'],
        truth: t,
        attributed: at,
        share: ratio(at, t),
      })),
    };
  });
  return {
    scenario: truth.scenario,
    tolerance,
    assets,
    overall:
      unvaluedAssets.length > 0 ? null : valuedTruth === 0 ? 0 : valuedAttributed / valuedTruth,
    unvaluedAssets,
    endpointsWithinTolerance: within,
    endpoints: expected.size,
    maxRelativeError,
    fees: [...fees].map(([asset, amount]) => ({ asset, amount })),
    categoryMismatches,
  };
}

/**
 * Value of one raw unit of each asset in raw units of the first stolen asset: 1 for it, and for an
 * asset the truth converted into, the average rate of those conversions (Σ value in / Σ amount out),
 * followed through chains of conversions.
 */
function conversionRates(truth: Truth): Map<string, number> {
  const rates = new Map<string, number>();
  const primary = truth.stolen[0]?.asset;
  if (primary === undefined) return rates;
  rates.set(primary, 1);
  for (let changed = true; changed;) {
    changed = false;
    const sums = new Map<string, { valueIn: number; amountOut: number }>();
    for (const c of truth.conversions) {
      const rateIn = rates.get(c.assetIn);
      if (rateIn === undefined || rates.has(c.assetOut)) continue;
      const s = sums.get(c.assetOut) ?? { valueIn: 0, amountOut: 0 };
      s.valueIn += Number(c.amountIn) * rateIn;
      s.amountOut += Number(c.amountOut);
      sums.set(c.assetOut, s);
    }
    for (const [asset, s] of sums)
      if (s.amountOut > 0) {
        rates.set(asset, s.valueIn / s.amountOut);
        changed = true;
      }
  }
  return rates;
}

/** One edge of a ground truth: a transfer of illicit value (MFTracer's `Tx_hash,From,To,Value_in_USD`). */
export type GroundTruthEdge = { txHash: string; from: string; to: string; valueUsd?: number };

export type GroundTruthScore = {
  terminals: number;
  /** Terminals the trace brought tainted value to: an endpoint there, or a tainted edge into it. */
  terminalsReached: number;
  terminalRecall: number;
  /** Terminals that are trace endpoints with value (the trace stopped there). */
  terminalsAsEndpoints: number;
  /**
   * Value-weighted precision of the endpoints: share of endpoint value (by `share`) at a true terminal
   * or an address on the true flow (an end of a ground-truth edge). Null when no endpoint has value.
   */
  precision: number | null;
  /** The same, counting only true terminals as right. */
  precisionAtTerminals: number | null;
  /** When edges are given: share of ground-truth edges the trace followed with taint, by count and by USD. */
  edgeRecall: number | null;
  edgeRecallUsd: number | null;
};

/**
 * A trace judged against a hand-verified ground truth such as MFTracer's (the terminal addresses
 * where illicit money ended, and optionally the edges of its flow). Definitions:
 *
 * - `terminalRecall = terminalsReached / terminals`, where a terminal is reached when a trace
 *   endpoint there has a positive amount or a trace edge with positive taint arrives there (a trace
 *   may pass through a terminal it has no label for).
 * - `precision`: endpoints are weighted by their `share` of the seed (comparable across assets;
 *   raw amounts when every share is 0). It is the weight at endpoints whose address is a terminal or
 *   an end of a ground-truth edge (value stopped early on the true path is right about where the
 *   money went, if not how far), over all endpoint weight. `precisionAtTerminals` counts terminals only.
 * - `edgeRecall`: ground-truth edges matched by a trace edge with positive taint and the same
 *   transaction hash, from and to (case-insensitive); `edgeRecallUsd` weights them by `valueUsd`
 *   (null unless every edge has one).
 *
 * @example
 * const score = scoreAgainstGroundTruth(result, { terminals: new Set(truth.terminals), edges: truth.edges });
 */
export function scoreAgainstGroundTruth(
  result: TraceResult,
  truth: { terminals: ReadonlySet<string>; edges?: readonly GroundTruthEdge[] | undefined },
): GroundTruthScore {
  const terminals = new Set([...truth.terminals].map(addressKey));
  const onFlow = new Set<string>();
  for (const e of truth.edges ?? []) {
    onFlow.add(addressKey(e.from));
    onFlow.add(addressKey(e.to));
  }
  const nodeAddress = new Map(result.nodes.map((n) => [n.id, addressKey(n.address)]));
  const reached = new Set<string>();
  const asEndpoints = new Set<string>();
  for (const e of result.endpoints) {
    const a = addressKey(e.address);
    if (terminals.has(a) && traceAmountToBigInt(e.amount) > 0n) {
      reached.add(a);
      asEndpoints.add(a);
    }
  }
  const followed = new Set<string>();
  for (const e of result.edges) {
    if (traceAmountToBigInt(e.tainted) === 0n) continue;
    const from = nodeAddress.get(e.from) ?? addressKey(e.from);
    const to = nodeAddress.get(e.to) ?? addressKey(e.to);
    if (terminals.has(to)) reached.add(to);
    followed.add(`${e.txHash.toLowerCase()}|${from}|${to}`);
  }
  const useShares = result.endpoints.some((e) => e.share > 0);
  let total = 0;
  let right = 0;
  let rightAtTerminals = 0;
  for (const e of result.endpoints) {
    const weight = useShares ? e.share : Number(traceAmountToBigInt(e.amount));
    const a = addressKey(e.address);
    total += weight;
    if (terminals.has(a)) rightAtTerminals += weight;
    if (terminals.has(a) || onFlow.has(a)) right += weight;
  }
  let edgeRecall: number | null = null;
  let edgeRecallUsd: number | null = null;
  if (truth.edges && truth.edges.length > 0) {
    let found = 0;
    let usd = 0;
    let usdFound = 0;
    const allUsd = truth.edges.every((e) => e.valueUsd !== undefined);
    for (const e of truth.edges) {
      const hit = followed.has(
        `${e.txHash.toLowerCase()}|${addressKey(e.from)}|${addressKey(e.to)}`,
      );
      if (hit) found++;
      usd += e.valueUsd ?? 0;
      if (hit) usdFound += e.valueUsd ?? 0;
    }
    edgeRecall = found / truth.edges.length;
    edgeRecallUsd = allUsd && usd > 0 ? usdFound / usd : null;
  }
  return {
    terminals: terminals.size,
    terminalsReached: reached.size,
    terminalRecall: terminals.size === 0 ? 0 : reached.size / terminals.size,
    terminalsAsEndpoints: asEndpoints.size,
    precision: total > 0 ? right / total : null,
    precisionAtTerminals: total > 0 ? rightAtTerminals / total : null,
    edgeRecall,
    edgeRecallUsd,
  };
}
