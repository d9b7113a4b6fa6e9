/**
 * Value on its way to (in) or from (out) a screened address, carried by one transfer of the
 * address it is at: for inflows a payment of that address (toward the screened one), for outflows a
 * receipt (from the screened one's side).
 */
export type Carried<T> = {
  /** Unix seconds of the transfer (0: unknown, taken as the earliest, as the trace index does). */
  time: number;
  /** Raw units of the asset the transfer moved, all of it. */
  amount: number;
  /** Of it, the part on its way to or from the screened address, in raw units of the same asset. */
  units: number;
  /** The same part in raw units of the exposure's asset (the screened address's; it differs after a swap). */
  value: number;
  /** The value of the single largest path merged into this part (the one `trail` names). */
  best: number;
  trail: T;
};

/** A transfer read for a split: its amount and time, and what its address had received by then. */
export type SplitRow = { amount: number; time: number; received: number };

/** What one row carries of the value: as {@link Carried} without the row's own amount and time. */
export type Share<T> = { units: number; value: number; best: number; trail: T };

/** The first index of `sorted` (by time) at or after `time`. */
function firstAtOrAfter(sorted: readonly { time: number }[], time: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of `sorted` (by time) are at or before `time`. */
function countAtOrBefore(sorted: readonly { time: number }[], time: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const byTime = (a: { time: number }, b: { time: number }) => a.time - b.time;

/**
 * Inflows, one address: which of its receipts `rows` funded its payments `demands`. A payment at time
 * t is taken to be made of everything the address received by t, in proportion (haircut, time-
 * respecting): receipt r gives a payment d `d.units × r.amount / max(R(t), d.amount)`, R(t) being
 * all it had received by t (`receivedBy`), and nothing when r came after d. The `max` keeps a payment
 * larger than what had arrived from drawing more than arrived; a receipt never gives more than its
 * amount over all payments (its share is scaled down when the payments' shares add up to more).
 * Returns one share per row (null: it funded none of them). O((rows + demands) log demands).
 *
 * @example
 * // 10 received at t=1, then 5 paid at t=2: the receipt funded all of it.
 * splitInflows([{ time: 2, amount: 5, units: 5, value: 5, best: 5, trail: 'x' }], () => 10,
 *   [{ amount: 10, time: 1, received: 10 }]); // [{ units: 5, value: 5, best: 5, trail: 'x' }]
 */
export function splitInflows<T>(
  demands: readonly Carried<T>[],
  receivedBy: (time: number) => number,
  rows: readonly SplitRow[],
): (Share<T> | null)[] {
  const d = [...demands].sort(byTime);
  const n = d.length;
  // Suffix sums over the demands at or after each one: what a receipt before it feeds.
  const units = new Float64Array(n + 1);
  const value = new Float64Array(n + 1);
  const best = new Float64Array(n + 1);
  const bestAt = new Int32Array(n + 1).fill(-1);
  for (let i = n - 1; i >= 0; i--) {
    const x = d[i]!;
    const denominator = Math.max(receivedBy(x.time), x.amount);
    const f = denominator > 0 ? 1 / denominator : 0;
    units[i] = units[i + 1]! + x.units * f;
    value[i] = value[i + 1]! + x.value * f;
    if (bestAt[i + 1]! < 0 || x.best * f > best[i + 1]!) {
      best[i] = x.best * f;
      bestAt[i] = i;
    } else {
      best[i] = best[i + 1]!;
      bestAt[i] = bestAt[i + 1]!;
    }
  }
  return rows.map((r) => {
    const i = firstAtOrAfter(d, r.time);
    if (i >= n || !(units[i]! > 0) || bestAt[i]! < 0) return null;
    const scale = r.amount * (units[i]! > 1 ? 1 / units[i]! : 1);
    return {
      units: units[i]! * scale,
      value: value[i]! * scale,
      best: best[i]! * scale,
      trail: d[bestAt[i]!]!.trail,
    };
  });
}

/** The share of what an address had received that a payment takes. */
const weight = (r: SplitRow) => (r.received > 0 ? Math.min(1, r.amount / r.received) : 0);

/** An address's payments as {@link splitOutflows} reads them, prepared once for every path through it. */
export type PreparedPayments = {
  rows: readonly SplitRow[];
  sortedRows: readonly SplitRow[];
  /** Per payment in time order: the weights of it and of every later one, summed. */
  after: Float64Array;
};

/**
 * Sorts an address's payments by time and sums their weights from each on: the part of
 * {@link splitOutflows} that does not depend on the value followed, done once for an address many
 * paths reach.
 *
 * @example
 * const payments = preparePayments([{ amount: 5, time: 2, received: 10 }]);
 */
export function preparePayments(rows: readonly SplitRow[]): PreparedPayments {
  const sortedRows = [...rows].sort(byTime);
  // Suffix sums of the payments' weights: how often a supply at a time would be paid out.
  const after = new Float64Array(sortedRows.length + 1);
  for (let k = sortedRows.length - 1; k >= 0; k--)
    after[k] = after[k + 1]! + weight(sortedRows[k]!);
  return { rows, sortedRows, after };
}

/**
 * Outflows, one address: how much of the value that reached it (`supplies`) left in each of its
 * payments `rows`. A payment p at time t is made of everything received by t, in proportion: it
 * carries `min(1, p.amount / R(t)) × s.units` of each supply s that arrived by t (R(t): all the
 * address had received by then, the row's `received`), nothing of later ones. A supply never leaves
 * in more than its amount over all payments (its part is scaled down when the payments after it
 * would carry more). Returns one share per row (null: it carried none), `payments` prepared by
 * {@link preparePayments}. O((rows + supplies) log supplies).
 *
 * @example
 * // 10 received at t=1 (6 of it exposed), then 5 paid at t=2: half of the exposed part left.
 * splitOutflows([{ time: 1, amount: 10, units: 6, value: 6, best: 6, trail: 'x' }],
 *   preparePayments([{ amount: 5, time: 2, received: 10 }])); // [{ units: 3, value: 3, … }]
 */
export function splitOutflows<T>(
  supplies: readonly Carried<T>[],
  payments: PreparedPayments,
): (Share<T> | null)[] {
  const { rows, sortedRows, after } = payments;
  const s = [...supplies].sort(byTime);
  const units = new Float64Array(s.length + 1);
  const value = new Float64Array(s.length + 1);
  const best = new Float64Array(s.length + 1);
  const bestAt = new Int32Array(s.length + 1).fill(-1);
  for (let i = 0; i < s.length; i++) {
    const x = s[i]!;
    const paid = after[firstAtOrAfter(sortedRows, x.time)]!;
    const scale = paid > 1 ? 1 / paid : 1;
    units[i + 1] = units[i]! + x.units * scale;
    value[i + 1] = value[i]! + x.value * scale;
    if (bestAt[i]! < 0 || x.best * scale > best[i]!) {
      best[i + 1] = x.best * scale;
      bestAt[i + 1] = i;
    } else {
      best[i + 1] = best[i]!;
      bestAt[i + 1] = bestAt[i]!;
    }
  }
  return rows.map((r) => {
    const j = countAtOrBefore(s, r.time);
    const w = weight(r);
    if (j === 0 || !(w > 0) || !(units[j]! > 0) || bestAt[j]! < 0) return null;
    return {
      units: units[j]! * w,
      value: value[j]! * w,
      best: best[j]! * w,
      trail: s[bestAt[j]!]!.trail,
    };
  });
}
