import { traceAmountToBigInt } from '../trace/raw-amount.ts';
import type { TraceResult } from '../trace/types.ts';
import { type AssetLookup, reportAmount } from './report-assets.ts';
import type { Reconciliation, ReconciliationCheck } from './types.ts';

/**
 * How far two shares (doubles summed over endpoints) may differ and still be equal: the engine
 * adds thousands of doubles of ~1e-16 relative error each; a real discrepancy is many orders larger.
 */
const SHARE_TOLERANCE = 1e-9;
/**
 * The untraced remainder's share is computed here to 1e-12 from exact raw units, the engine's from
 * doubles: they agree to far better than a millionth when the figures are right.
 */
const REMAINDER_SHARE_TOLERANCE = 1e-6;

/**
 * Trace amounts are raw units carried as doubles (src/trace/types.ts): an amount above 2^53 is
 * exact only to about 1 part in 2^53. An account's tainted amounts in and out are within this
 * relative rounding of each other when they agree; more is a discrepancy.
 */
const DOUBLE_RELATIVE_ROUNDING = 2 ** -50;

export type ReconcileTraceParameters = { trace: TraceResult; assets: AssetLookup };
export type ReconcileTraceReturnType = Reconciliation;

const pct = (share: number) => `${(share * 100).toFixed(6)}%`;
const key = (chain: string, asset: string) => `${chain}\u0000${asset}`;

/**
 * Reconciles a trace's figures, exactly where its amounts allow, and says where they do not:
 * - for a seed of one asset that stayed that asset on its chain, the seed equals what reached
 *   endpoints plus the untraced remainder, in raw units (a negative remainder, more at endpoints than
 *   seeded, is a discrepancy), and the remainder's share is the engine's untraced share; a seed of
 *   several assets, or value swapped or bridged on the way, is reconciled by shares (raw units of
 *   different assets do not add up), and the report says so;
 * - traced plus untraced shares is 100%, the untraced causes add up to the untraced share, and the
 *   endpoints' shares add up to the traced share;
 * - every transfer's tainted amount is at most what it moved;
 * - at every address the value passed (not a seed, not where value entered), the tainted value
 *   that arrived equals what left plus what rests there as an endpoint, per asset; what is left over
 *   is value the trace stopped following there (gas, dust, the hop limit), and is named.
 * Addresses where an asset was converted (a swap) are compared by the trace's shares only.
 *
 * @example
 * reconcileTrace({ trace, assets }).ok; // true
 */
export function reconcileTrace({
  trace,
  assets,
}: ReconcileTraceParameters): ReconcileTraceReturnType {
  const checks: ReconciliationCheck[] = [];
  const { summary } = trace;
  const endpointRaw = new Map<string, bigint>();
  for (const e of trace.endpoints) {
    const k = key(e.chain, e.asset);
    endpointRaw.set(k, (endpointRaw.get(k) ?? 0n) + traceAmountToBigInt(e.amount));
  }
  const assetRows: Reconciliation['assets'] = [];
  const [only] = summary.seedValue;
  // Raw units add up only within one asset on one chain: a seed of several assets, a swap or a
  // bridge on the way (an endpoint or a transfer in another asset or on another chain) leaves the
  // shares as the common measure.
  const oneAsset =
    only !== undefined &&
    summary.seedValue.length === 1 &&
    trace.endpoints.every((e) => key(e.chain, e.asset) === key(only.chain, only.asset)) &&
    trace.edges.every((e) => e.sweep || e.asset === only.asset);
  if (only && oneAsset) {
    const seed = traceAmountToBigInt(only.amount);
    const traced = endpointRaw.get(key(only.chain, only.asset)) ?? 0n;
    const untraced = seed - traced;
    const amount = (raw: bigint) => reportAmount(assets, only.chain, only.asset, raw);
    assetRows.push({
      seed: amount(seed),
      traced: amount(traced),
      untraced: amount(untraced),
      untracedShare: summary.untraced,
    });
    checks.push({
      name: 'seed = traced + untraced, in raw units',
      ok: untraced >= 0n,
      text:
        untraced >= 0n
          ? `seed ${seed} = traced to endpoints ${traced} + untraced ${untraced} raw units (${only.chain} ${only.asset})`
          : `endpoints hold ${traced} raw units, ${-untraced} more than the seed's ${seed}: value, not coins, or a broken result`,
    });
    if (untraced >= 0n && seed > 0n) {
      // The remainder's share, exact in raw units, against the engine's untraced share.
      const remainderShare = Number((untraced * 10n ** 12n) / seed) / 1e12;
      checks.push({
        name: 'untraced remainder matches the untraced share',
        ok: Math.abs(remainderShare - summary.untraced) <= REMAINDER_SHARE_TOLERANCE,
        text: `the untraced remainder is ${pct(remainderShare)} of the seed; the trace reports ${pct(summary.untraced)} untraced`,
      });
    }
  } else if (summary.seedValue.length > 0) {
    const endpointAssets = new Set(trace.endpoints.map((e) => key(e.chain, e.asset))).size;
    checks.push({
      name: 'seed = traced + untraced, by share',
      ok: true,
      text: `the seed is of ${summary.seedValue.length} asset(s) and the value reached endpoints in ${endpointAssets} asset(s) on ${new Set(trace.endpoints.map((e) => e.chain)).size} chain(s) (swaps or bridges on the way): raw units of different assets do not add up, so the seed is reconciled by the trace's shares, below`,
    });
  }
  const sumShares = summary.traced + summary.untraced;
  checks.push({
    name: 'traced + untraced = 100%',
    ok: Math.abs(sumShares - 1) <= SHARE_TOLERANCE || summary.seedValue.length === 0,
    text: `traced ${pct(summary.traced)} + untraced ${pct(summary.untraced)} = ${pct(sumShares)}`,
  });
  const by = summary.untracedBy;
  const causes = by.hopLimit + by.dust + by.conversion + by.fees;
  checks.push({
    name: 'untraced causes add up',
    ok: Math.abs(causes - summary.untraced) <= SHARE_TOLERANCE,
    text: `hop limit ${pct(by.hopLimit)} + dust ${pct(by.dust)} + unresolved conversions ${pct(by.conversion)} + gas fees ${pct(by.fees)} = ${pct(causes)}; untraced ${pct(summary.untraced)}`,
  });
  const endpointShares = trace.endpoints.reduce((sum, e) => sum + e.share, 0);
  checks.push({
    name: 'endpoints add up to the traced share',
    ok: Math.abs(endpointShares - summary.traced) <= SHARE_TOLERANCE,
    text: `${trace.endpoints.length} endpoints hold ${pct(endpointShares)}; traced ${pct(summary.traced)}`,
  });
  const overTainted = trace.edges.filter(
    (e) => traceAmountToBigInt(e.tainted) > traceAmountToBigInt(e.amount),
  );
  checks.push({
    name: 'no transfer carries more taint than it moved',
    ok: overTainted.length === 0,
    text:
      overTainted.length === 0
        ? `all ${trace.edges.length} transfers: tainted <= amount`
        : `${overTainted.length} transfers carry more tainted value than they moved, e.g. ${overTainted[0]!.txHash}`,
  });
  checks.push(balanceCheck(trace));
  return { ok: checks.every((c) => c.ok), checks, assets: assetRows };
}

/** Per address and asset, tainted in = out + rests there (+ left untraced there). */
function balanceCheck(trace: TraceResult): ReconciliationCheck {
  type Flow = { in: bigint; out: bigint; rests: bigint };
  const flows = new Map<string, Map<string, Flow>>();
  const flow = (node: string, asset: string) => {
    let byAsset = flows.get(node);
    if (!byAsset) flows.set(node, (byAsset = new Map()));
    let f = byAsset.get(asset);
    if (!f) byAsset.set(asset, (f = { in: 0n, out: 0n, rests: 0n }));
    return f;
  };
  for (const e of trace.edges) {
    if (e.sweep) continue;
    const t = traceAmountToBigInt(e.tainted);
    flow(e.to, e.asset).in += t;
    flow(e.from, e.asset).out += t;
  }
  const idOf = new Map(trace.nodes.map((n) => [`${n.chain}\u0000${n.address}`, n.id]));
  for (const e of trace.endpoints) {
    const id = idOf.get(`${e.chain}\u0000${e.address}`) ?? `${e.chain}:${e.address}`;
    flow(id, e.asset).rests += traceAmountToBigInt(e.amount);
  }
  const seeds = new Set(
    trace.parameters.seeds.flatMap((s) =>
      s.kind === 'address' ? [`${s.chain}:${s.address}`] : [],
    ),
  );
  let compared = 0;
  let converting = 0;
  let leftOver = 0;
  const broken: string[] = [];
  for (const [node, byAsset] of flows) {
    if (seeds.has(node)) continue;
    const values = [...byAsset.values()];
    // Where value entered the trace (a seed transaction's recipients): nothing came in to compare.
    if (values.every((f) => f.in === 0n)) continue;
    // Several assets at one address: a swap or wrap, value in one asset left in another; only
    // the trace's shares compare.
    if (byAsset.size > 1) {
      converting += 1;
      continue;
    }
    for (const [asset, f] of byAsset) {
      compared += 1;
      const residual = f.in - f.out - f.rests;
      const rounding = BigInt(Math.ceil(Number(f.in) * DOUBLE_RELATIVE_ROUNDING)) + 1n;
      if (residual > rounding) leftOver += 1;
      else if (residual < -rounding)
        broken.push(
          `${node} (${asset}): in ${f.in}, out ${f.out}, rests ${f.rests}, ${-residual} more out than in`,
        );
    }
  }
  return {
    name: 'every address: tainted in = out + rests there',
    ok: broken.length === 0,
    text:
      broken.length === 0
        ? `${compared} address-asset balances compared (to the precision of the trace's doubles); ${leftOver} keep value the trace stopped following there (gas, dust, the hop limit); ${converting} addresses converted assets and are compared by shares`
        : `${broken.length} of ${compared} balances do not hold: ${broken.slice(0, 5).join('; ')}`,
  };
}
