import { isFreezable, summariseFreezable } from '../trace/freezable.ts';
import { traceAmountToBigInt } from '../trace/raw-amount.ts';
import type { TraceResult } from '../trace/types.ts';
import { type AssetLookup, reportAmount, sumAmounts } from './report-assets.ts';
import type { ReportBucket, SummarySection, WhereRow } from './types.ts';

/**
 * The bucket of an endpoint category. Every freezable category (exchanges, their deposit and hot
 * wallets, OTC desks, instant exchanges) is "exchanges": the one definition of freezable
 * (src/trace/freezable.ts) decides, so the report's figures agree with the CLI's and the UI's.
 */
export function bucketOf(category: string): ReportBucket {
  if (isFreezable(category)) return 'exchanges';
  switch (category) {
    case 'bridge':
      return 'bridged';
    case 'mixer':
      return 'mixed';
    case 'unspent':
      return 'held';
    case 'frozen':
      return 'frozen';
    default:
      return 'other';
  }
}

/** Buckets in the order a report lists and draws them. */
export const BUCKET_ORDER: readonly ReportBucket[] = [
  'exchanges',
  'bridged',
  'mixed',
  'held',
  'frozen',
  'other',
  'untraced',
];

export const BUCKET_LABELS: Readonly<Record<ReportBucket, string>> = {
  exchanges: 'Exchanges (to freeze)',
  bridged: 'Bridged',
  mixed: 'Mixed',
  held: 'Still held',
  frozen: 'Frozen by the issuer',
  other: 'Other services',
  untraced: 'Untraced',
};

export type SummariseTraceParameters = { trace: TraceResult; assets: AssetLookup };
export type SummariseTraceReturnType = SummarySection;

/**
 * The summary of a trace: what was traced per asset, and where it is now by bucket and entity with
 * exact per-asset sums of the endpoints (and the trace's own shares), then what is untraced and why.
 *
 * @example
 * summariseTrace({ trace, assets }).where[0]; // { bucket: 'exchanges', entity: 'Alder Exchange', … }
 */
export function summariseTrace({
  trace,
  assets,
}: SummariseTraceParameters): SummariseTraceReturnType {
  const rows = new Map<
    string,
    WhereRow & { raw: { chain: string; asset: string; raw: bigint }[] }
  >();
  for (const e of trace.endpoints) {
    const key = `${e.category}\u0000${e.entity ?? ''}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        bucket: bucketOf(e.category),
        category: e.category,
        entity: e.entity,
        amounts: [],
        share: 0,
        freezable: isFreezable(e.category),
        raw: [],
      };
      rows.set(key, row);
    }
    row.raw.push({ chain: e.chain, asset: e.asset, raw: traceAmountToBigInt(e.amount) });
    row.share += e.share;
  }
  const order = (b: ReportBucket) => BUCKET_ORDER.indexOf(b);
  const where: WhereRow[] = [...rows.values()]
    .map(({ raw, ...row }) => ({ ...row, amounts: sumAmounts(assets, raw) }))
    .sort(
      (a, b) =>
        order(a.bucket) - order(b.bucket) ||
        b.share - a.share ||
        (a.entity ?? '').localeCompare(b.entity ?? ''),
    );
  const { summary, parameters } = trace;
  where.push({
    bucket: 'untraced',
    category: 'untraced',
    entity: null,
    amounts: [],
    share: summary.untraced,
    freezable: false,
  });
  const freezable =
    summary.freezable === undefined
      ? summariseFreezable(parameters.direction, trace.endpoints)
      : summary.freezable;
  // A loop, not Math.min(...): a large trace has more edges than a call takes arguments.
  let firstTime: number | null = null;
  let lastTime: number | null = null;
  for (const e of trace.edges) {
    if (e.sweep) continue;
    if (firstTime === null || e.time < firstTime) firstTime = e.time;
    if (lastTime === null || e.time > lastTime) lastTime = e.time;
  }
  return {
    direction: parameters.direction,
    seeds: parameters.seeds,
    seedValue: summary.seedValue.map((s) => reportAmount(assets, s.chain, s.asset, s.amount)),
    valuedIn: summary.valuedIn,
    where,
    traced: summary.traced,
    untraced: summary.untraced,
    untracedBy: summary.untracedBy,
    freezable: freezable
      ? {
          amounts: sumAmounts(
            assets,
            trace.endpoints
              .filter((e) => isFreezable(e.category))
              .map((e) => ({ chain: e.chain, asset: e.asset, raw: traceAmountToBigInt(e.amount) })),
          ),
          share: freezable.share,
          services: freezable.services,
        }
      : null,
    firstTime,
    lastTime,
  };
}
