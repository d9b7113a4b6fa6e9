import type { TraceResult } from '../../../api/types.ts';
import { freezeServiceOf, isFreezable } from '../../../../../src/trace/freezable.ts';
import { arrivalsOf } from './arrivals.ts';
import { bucketOf, type Bucket } from './buckets.ts';
import { heldAmounts, type HeldAmount } from './held-amounts.ts';
import { endpointMeasure, measureOfShare, type Valuation } from './valuation.ts';

export type FigureKey = 'stolen' | 'traced' | 'freezable' | Bucket | 'untraced';

/** One headline number of an incident: its share of the stolen value and that share's measure. */
export type Figure = {
  key: FigureKey;
  label: string;
  share: number;
  measure: number;
  /** Endpoints counted (null for stolen and untraced). */
  endpoints: number | null;
  /**
   * What its endpoints hold per asset, the largest value first (null for stolen and untraced, which
   * are shares of the seed, held nowhere): ETH and rBTC apart once a trace crossed to Bitcoin.
   */
  held: HeldAmount[] | null;
  /** Services a freeze request goes to (freezable only). */
  services?: number | undefined;
  /** Unix seconds of the first and last arrival of its value (null when none is known). */
  first: number | null;
  last: number | null;
};

const LABELS: Record<FigureKey, string> = {
  stolen: 'Stolen',
  traced: 'Traced',
  freezable: 'Freezable',
  exchanges: 'At exchanges',
  instant: 'Instant exchanges',
  bridged: 'Bridged',
  mixed: 'Mixed',
  held: 'Still held',
  other: 'Other endpoints',
  untraced: 'Untraced',
};

const SHOWN: readonly Bucket[] = ['exchanges', 'instant', 'bridged', 'mixed', 'held'];

/**
 * The incident's headline numbers: stolen, traced, freezable (src/trace/freezable.ts: the same
 * figure as the freeze list's total, the CLI's and the API's `summary.freezable`), and per bucket (at exchanges, instant
 * exchanges, bridged, mixed, still held, other when any) and untraced, each as a share of the
 * stolen value and in the valuation's measure, with when its value arrived.
 *
 * @example
 * incidentFigures(result, valuation).find((f) => f.key === 'exchanges')?.share; // 0.0934
 */
export function incidentFigures(result: TraceResult, valuation: Valuation): Figure[] {
  const into = arrivalsOf(result);
  const { traced, untraced } = result.summary;
  const figure = (key: FigureKey, share: number, endpoints: number | null): Figure => ({
    key,
    label: LABELS[key],
    share,
    measure: measureOfShare(valuation, share),
    endpoints,
    held: null,
    first: null,
    last: null,
  });
  const stolen = figure('stolen', traced + untraced, null);
  const tracedFigure = figure('traced', traced, result.endpoints.length);
  const freezable = figure('freezable', 0, 0);
  const services = new Set<string>();
  const byBucket = new Map<Bucket, Figure>();
  for (const b of SHOWN) byBucket.set(b, figure(b, 0, 0));
  const seen = (f: Figure, time: number) => {
    f.first = f.first === null ? time : Math.min(f.first, time);
    f.last = f.last === null ? time : Math.max(f.last, time);
  };
  const holdings = new Map<
    Figure,
    { chain: string; asset: string; amount: string; measure: number }[]
  >();
  const hold = (f: Figure, e: (typeof result.endpoints)[number], measure: number) =>
    (holdings.get(f) ?? holdings.set(f, []).get(f)!).push({ ...e, measure });
  for (const e of result.endpoints) {
    const b = bucketOf(e.category);
    let f = byBucket.get(b);
    if (!f) byBucket.set(b, (f = figure(b, 0, 0)));
    const measure = endpointMeasure(valuation, e);
    f.share += e.share;
    f.measure += measure;
    f.endpoints! += 1;
    hold(f, e, measure);
    hold(tracedFigure, e, measure);
    const canFreeze = isFreezable(e.category);
    if (canFreeze) {
      freezable.share += e.share;
      freezable.measure += measure;
      freezable.endpoints! += 1;
      hold(freezable, e, measure);
      services.add(freezeServiceOf(e));
    }
    for (const edge of into(e)) {
      seen(f, edge.time);
      seen(tracedFigure, edge.time);
      if (canFreeze) seen(freezable, edge.time);
    }
  }
  for (const edge of result.edges) if (edge.hop === 1) seen(stolen, edge.time);
  const buckets = [...SHOWN, 'other' as const]
    .map((b) => byBucket.get(b))
    .filter((f): f is Figure => f !== undefined);
  freezable.services = services.size;
  for (const f of [tracedFigure, freezable, ...byBucket.values()])
    f.held = heldAmounts(holdings.get(f) ?? []);
  // A backward trace's endpoints are sources: nothing there is freezable, so no such figure.
  const forward = result.parameters.direction !== 'backward';
  return [
    stolen,
    tracedFigure,
    ...(forward ? [freezable] : []),
    ...buckets,
    figure('untraced', untraced, null),
  ];
}
