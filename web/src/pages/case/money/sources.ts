// Where the money came from: a backward trace's endpoints are its sources (origins, and services
// the value left), not where stolen value went. The money view and the dashboard of a backward
// trace speak of them in these terms instead of "stolen" and "freezable".
import type { TraceResult } from '../../../api/types.ts';
import { bucketOf, categoryLabel, type Bucket } from './buckets.ts';
import { isTransactionOf, type MeasuredEndpoint } from './endpoint-lists.ts';
import { endpointMeasure, measureOfShare, type Valuation } from './valuation.ts';

/** Sources of one kind: origins, exchanges, bridges, …, with their part of what the seed received. */
export type SourceGroup = {
  /** `origins`, a bucket (`exchanges`, `bridged`, …) or `category:<category>`. */
  key: string;
  label: string;
  /** Of the value the seed received (0-1). */
  share: number;
  measure: number;
  /** Largest share first. */
  sources: MeasuredEndpoint[];
  /** Unix seconds of the first and last transfer by which value left its sources (null: none). */
  first: number | null;
  last: number | null;
};

/** A headline number of a backward trace, as a share of what the seed received. */
export type SourceFigure = {
  key: string;
  label: string;
  share: number;
  measure: number;
  /** Sources counted (null for received and untraced). */
  endpoints: number | null;
  first: number | null;
  last: number | null;
};

const FROM_LABELS: Record<Bucket, string> = {
  exchanges: 'From exchanges',
  instant: 'From instant exchanges',
  bridged: 'Over bridges',
  mixed: 'From mixers',
  held: 'Still held',
  other: 'Other sources',
};

/** `origin` endpoints: where the backward trace found the value before any traced transfer. */
const ORIGIN = 'origin';

function groupOf(category: string): { key: string; label: string } {
  if (category === ORIGIN) return { key: 'origins', label: 'Origins' };
  const bucket = bucketOf(category);
  return bucket === 'other'
    ? { key: `category:${category}`, label: `From ${categoryLabel(category).toLowerCase()}` }
    : { key: bucket, label: FROM_LABELS[bucket] };
}

/**
 * The sources of a backward trace by kind, largest first: origins (addresses the value was traced
 * back to, with nothing traced into them before), and the services it left (exchanges, bridges,
 * mixers, …), each with the transfers' times by which value left them.
 *
 * @example
 * sourceGroups(result, valuationOf(result))[0]; // { key: 'origins', label: 'Origins', share: 0.78, … }
 */
export function sourceGroups(result: TraceResult, valuation: Valuation): SourceGroup[] {
  const departures = new Map<string, number[]>();
  for (const e of result.edges) {
    const times = departures.get(e.from);
    if (times) times.push(e.time);
    else departures.set(e.from, [e.time]);
  }
  const nodeIds = new Map(result.nodes.map((n) => [`${n.chain}\u0000${n.address}`, n.id]));
  const groups = new Map<string, SourceGroup>();
  const transaction = isTransactionOf(result);
  for (const e of result.endpoints) {
    const { key, label } = groupOf(e.category);
    let g = groups.get(key);
    if (!g)
      groups.set(
        key,
        (g = { key, label, share: 0, measure: 0, sources: [], first: null, last: null }),
      );
    const measure = endpointMeasure(valuation, e);
    g.share += e.share;
    g.measure += measure;
    g.sources.push({ ...e, measure, transaction: transaction(e) });
    const id = nodeIds.get(`${e.chain}\u0000${e.address}`) ?? `${e.chain}:${e.address}`;
    for (const t of departures.get(id) ?? []) {
      g.first = g.first === null ? t : Math.min(g.first, t);
      g.last = g.last === null ? t : Math.max(g.last, t);
    }
  }
  for (const g of groups.values()) g.sources.sort((a, b) => b.share - a.share);
  return [...groups.values()].sort((a, b) => b.share - a.share || a.key.localeCompare(b.key));
}

/**
 * The headline numbers of a backward trace: what the seed received, the part traced back to
 * sources, each kind of source, and the untraced rest, as shares of what the seed received.
 */
export function sourceFigures(result: TraceResult, valuation: Valuation): SourceFigure[] {
  const { traced, untraced } = result.summary;
  const groups = sourceGroups(result, valuation);
  const figure = (key: string, label: string, share: number, endpoints: number | null) => ({
    key,
    label,
    share,
    measure: measureOfShare(valuation, share),
    endpoints,
    first: null,
    last: null,
  });
  const tracedFigure: SourceFigure = figure('traced', 'Traced to sources', traced, 0);
  for (const g of groups) {
    tracedFigure.endpoints! += g.sources.length;
    if (g.first !== null) tracedFigure.first = Math.min(tracedFigure.first ?? g.first, g.first);
    if (g.last !== null) tracedFigure.last = Math.max(tracedFigure.last ?? g.last, g.last);
  }
  return [
    figure('received', 'Received by the seed', traced + untraced, null),
    tracedFigure,
    ...groups.map((g) => ({
      key: g.key,
      label: g.label,
      share: g.share,
      measure: g.measure,
      endpoints: g.sources.length,
      first: g.first,
      last: g.last,
    })),
    figure('untraced', 'Untraced', untraced, null),
  ];
}
