import type { TraceResult } from '../../../api/types.ts';
import { arrivalsOf } from './arrivals.ts';
import { BUCKETS, bucketOf, type Bucket } from './buckets.ts';
import { endpointMeasure, type Valuation } from './valuation.ts';

/** Cumulative value that had arrived in each bucket by each time. */
export type FlowsOverTime = {
  /** Unix seconds, ascending: every time some traced value arrived at an endpoint. */
  times: number[];
  /** Per bucket with any value: the cumulative measure at each of `times`. */
  series: { bucket: Bucket; values: number[] }[];
  /** Endpoints no edge of the trace leads into (a seed address's own balance): not on the time axis. */
  undated: { count: number; share: number; measure: number };
};

/**
 * When the traced value reached its endpoints, cumulatively per bucket. An endpoint's value arrives
 * with the edges into its address (in its asset): it is spread over them in proportion to the
 * tainted value each carried (evenly when none says), at their times.
 *
 * @example
 * const f = flowsOverTime(result, valuation);
 * f.series.find((s) => s.bucket === 'exchanges')?.values.at(-1); // all value at exchanges
 */
export function flowsOverTime(result: TraceResult, valuation: Valuation): FlowsOverTime {
  const into = arrivalsOf(result);
  const steps = new Map<number, Map<Bucket, number>>();
  const totals = new Map<Bucket, number>();
  const undated = { count: 0, share: 0, measure: 0 };
  for (const e of result.endpoints) {
    const measure = endpointMeasure(valuation, e);
    const edges = into(e);
    if (edges.length === 0) {
      undated.count += 1;
      undated.share += e.share;
      undated.measure += measure;
      continue;
    }
    const bucket = bucketOf(e.category);
    totals.set(bucket, (totals.get(bucket) ?? 0) + measure);
    const weights = edges.map((x) => Math.max(0, Number(x.tainted)) || 0);
    const sum = weights.reduce((s, w) => s + w, 0);
    edges.forEach((x, i) => {
      const part = sum > 0 ? (measure * weights[i]!) / sum : measure / edges.length;
      let step = steps.get(x.time);
      if (!step) steps.set(x.time, (step = new Map()));
      step.set(bucket, (step.get(bucket) ?? 0) + part);
    });
  }
  const times = [...steps.keys()].sort((a, b) => a - b);
  const series = BUCKETS.filter((b) => (totals.get(b) ?? 0) > 0).map((bucket) => {
    let running = 0;
    return {
      bucket,
      values: times.map((t) => (running += steps.get(t)!.get(bucket) ?? 0)),
    };
  });
  return { times, series, undated };
}

/** One row of {@link flowsTable}: a period in which value arrived, and the totals at its end. */
export type FlowsRow = { start: number; unit: number; values: Partial<Record<Bucket, number>> };

const UNITS = [60, 3600, 86400, 7 * 86400, 30 * 86400];

/**
 * The chart's data as a short table: the finest period (minute, hour, day, week, 30 days) that
 * keeps it within `maxRows` periods, and per period in which value arrived the cumulative totals at
 * its end.
 */
export function flowsTable(flows: FlowsOverTime, maxRows = 24): FlowsRow[] {
  if (flows.times.length === 0) return [];
  const first = flows.times[0]!;
  const last = flows.times.at(-1)!;
  const unit =
    UNITS.find((u) => Math.floor(last / u) - Math.floor(first / u) + 1 <= maxRows) ?? UNITS.at(-1)!;
  const rows: FlowsRow[] = [];
  flows.times.forEach((t, i) => {
    const start = Math.floor(t / unit) * unit;
    const values: FlowsRow['values'] = {};
    for (const s of flows.series) values[s.bucket] = s.values[i]!;
    // The last time in a period holds its end totals: later times overwrite the row.
    if (rows.at(-1)?.start === start) rows[rows.length - 1] = { start, unit, values };
    else rows.push({ start, unit, values });
  });
  return rows;
}
