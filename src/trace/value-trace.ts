import { UNIT_ASSET_PREFIX } from '../model/asset.ts';
import {
  dayNumber,
  MAX_PRICE_GAP_DAYS,
  type PriceRow,
  SECONDS_PER_DAY,
  utcDay,
} from '../model/price.ts';
import { isFreezable } from './freezable.ts';
import type { TraceEdge, TraceResult } from './types.ts';

/**
 * The asset of transfers imported as values in US dollars at their time (`import transfers --asset
 * USD`): their amounts are already the figure, at a price of 1.
 */
export const USD_VALUE_ASSET = `${UNIT_ASSET_PREFIX}USD`;
/** What {@link TraceValuation}'s sources say of {@link USD_VALUE_ASSET} amounts. */
export const USD_VALUE_SOURCE = 'the transfers’ own values in USD at transfer time';

/** A part of a trace in US dollars, and how much of it had a price. */
export type ValuedPart = {
  /** USD of the priced part; null when nothing of it was priced. */
  usd: number | null;
  /** Of the part's value (0-1), the share that had a price. */
  pricedShare: number;
};

/** Where the prices a valuation used came from: one source of one asset, the days it gave. */
export type PriceSourceUsed = {
  chain: string;
  asset: string;
  source: string;
  /** First and last day of the prices used (`YYYY-MM-DD`) and how many days. */
  from: string;
  to: string;
  days: number;
};

/** A trace's amounts in US dollars at transfer time (`GET /v1/traces/{id}/valuation`). */
export type TraceValuation = {
  currency: 'USD';
  /** What the seed passed on: the trace's hop-1 transfers, each at its own day's price. */
  stolen: ValuedPart;
  /** The freezable endpoints' ({@link isFreezable}); null for a backward trace. */
  freezable: ValuedPart | null;
  /** Per endpoint of the result, same order and length: null when it could not be priced. */
  endpoints: { usd: number | null }[];
  /** The price rows used, by source. */
  sources: PriceSourceUsed[];
  /** Assets of the trace with no price near some of their transfers (or no known decimals). */
  unpriced: { chain: string; asset: string }[];
};

/** What {@link valueTrace} reads prices and decimals from. */
export type ValueTraceParameters = {
  /** Daily USD prices (per whole unit) of an asset, sorted by day. */
  prices: (chain: string, asset: string) => readonly PriceRow[];
  /** Decimals of an asset (raw units per whole unit: 10^decimals); undefined when unknown. */
  decimals: (chain: string, asset: string) => number | undefined;
};

/** A price found for a transfer: USD per whole unit, raw units per whole unit, its row's source and day. */
type Price = {
  chain: string;
  asset: string;
  usd: number;
  unit: number;
  source: string;
  day: number;
};

const key = (chain: string, asset: string) => `${chain}\u0000${asset}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The trace's amounts in US dollars at transfer time. A transfer's value is its tainted amount in
 * whole units (raw / 10^decimals) times its asset's price on its UTC day, or on the nearest earlier
 * day at most {@link MAX_PRICE_GAP_DAYS} before; else it is unpriced (never a later day's price,
 * never a guess).
 *
 * - **Stolen**: the trace's hop-1 transfers, what the seed passed on, each at its time. Its
 *   `pricedShare` is the priced part of them; assets count for equal parts, as the trace counts
 *   seed assets it cannot value in one another.
 * - **An endpoint**: its amount at the prices of its asset on the days the value came: forward, the
 *   transfers into its node in its asset (all of them when none is in it: value converted on the
 *   way in), backward the ones out of it (where the value left its origin), weighted by their
 *   tainted amounts. The sweeps of an inferred deposit address are evidence, not arrivals. An
 *   endpoint with an unpriced arrival, or with none (a seed still holding value), is null.
 * - **Freezable**: the sum of the freezable endpoints that were priced; `pricedShare` is their part
 *   of the freezable share of the seed. Nothing freezable is 0 USD, all of it priced.
 *
 * Pure: it reads only the result and the two functions.
 *
 * @example
 * const valuation = valueTrace(result, { prices: (c, a) => rows.get(c + a) ?? [], decimals: () => 18 });
 * valuation.stolen; // { usd: 270000, pricedShare: 1 }
 */
export function valueTrace(result: TraceResult, parameters: ValueTraceParameters): TraceValuation {
  const forward = result.parameters.direction !== 'backward';
  const chainOfNode = new Map(result.nodes.map((n) => [n.id, n.chain]));
  const nodeIdOf = new Map(result.nodes.map((n) => [key(n.chain, n.address), n.id]));
  // A node id is `<chain>:<address>`; a chain key may hold a colon (`evm:7777777`), an address not.
  const chainOf = (id: string) => chainOfNode.get(id) ?? id.slice(0, id.lastIndexOf(':'));

  const series = new Map<string, { rows: readonly PriceRow[]; days: number[] }>();
  const used = new Map<
    string,
    { chain: string; asset: string; source: string; days: Set<string> }
  >();
  const unpriced = new Map<string, { chain: string; asset: string }>();
  const decimalsOf = new Map<string, number | undefined>();

  /**
   * The asset's USD price per whole unit at a Unix time, its raw units per whole unit and the row's
   * source and day, or null (and the asset is unpriced). Raw amounts are divided by the unit, not
   * multiplied by its inverse: 10^18 is exact as a double, 10^-18 is not (30 ETH came out as
   * 30.000000000000004).
   */
  const priceAt = (chain: string, asset: string, time: number): Price | null => {
    const k = key(chain, asset);
    if (!decimalsOf.has(k)) decimalsOf.set(k, parameters.decimals(chain, asset));
    const decimals = decimalsOf.get(k);
    const day = Math.floor(time / SECONDS_PER_DAY);
    let found: { usd: number; source: string; day: number } | null = null;
    if (decimals !== undefined && asset === USD_VALUE_ASSET)
      found = { usd: 1, source: USD_VALUE_SOURCE, day };
    else if (decimals !== undefined) {
      let s = series.get(k);
      if (!s) {
        const rows = parameters.prices(chain, asset);
        s = { rows, days: rows.map((r) => dayNumber(r.day)) };
        series.set(k, s);
      }
      const at = lastAtOrBefore(s.days, day);
      if (at >= 0 && day - s.days[at]! <= MAX_PRICE_GAP_DAYS)
        found = { usd: s.rows[at]!.usd, source: s.rows[at]!.source, day: s.days[at]! };
    }
    if (found === null || decimals === undefined) {
      unpriced.set(k, { chain, asset });
      return null;
    }
    return { ...found, chain, asset, unit: 10 ** decimals };
  };
  /** Records a price as used in a figure: its source and day go into the valuation's sources. */
  const use = (price: Price) => {
    const k = `${key(price.chain, price.asset)}\u0000${price.source}`;
    let u = used.get(k);
    if (!u)
      used.set(
        k,
        (u = { chain: price.chain, asset: price.asset, source: price.source, days: new Set() }),
      );
    u.days.add(utcDay(price.day * SECONDS_PER_DAY));
  };

  // Stolen: hop-1 transfers, per asset the priced part of their tainted amount.
  const perAsset = new Map<string, { total: number; priced: number }>();
  let stolenUsd = 0;
  let stolenPriced = false;
  for (const e of result.edges) {
    if (e.hop !== 1 || e.sweep) continue;
    const chain = chainOf(e.from);
    const tainted = Number(e.tainted);
    const k = key(chain, e.asset);
    const part = perAsset.get(k) ?? { total: 0, priced: 0 };
    perAsset.set(k, part);
    part.total += tainted;
    const price = priceAt(chain, e.asset, e.time);
    if (price === null) continue;
    use(price);
    part.priced += tainted;
    stolenUsd += (tainted / price.unit) * price.usd;
    stolenPriced = true;
  }
  const parts = [...perAsset.values()].filter((p) => p.total > 0);
  const stolen: ValuedPart = {
    usd: stolenPriced ? stolenUsd : null,
    pricedShare: parts.length
      ? parts.reduce((sum, p) => sum + p.priced / p.total, 0) / parts.length
      : 0,
  };

  // Endpoints: their amounts at the prices of the days their value came.
  const along = new Map<string, TraceEdge[]>();
  for (const e of result.edges) {
    if (e.sweep) continue;
    const node = forward ? e.to : e.from;
    const list = along.get(node);
    if (list) list.push(e);
    else along.set(node, [e]);
  }
  const endpoints = result.endpoints.map((endpoint) => {
    const id =
      nodeIdOf.get(key(endpoint.chain, endpoint.address)) ??
      `${endpoint.chain}:${endpoint.address}`;
    const all = along.get(id) ?? [];
    const same = all.filter((e) => e.asset === endpoint.asset);
    const came = same.length > 0 ? same : all;
    if (came.length === 0) return { usd: null };
    // Tainted amounts weigh the days when they are of one asset; amounts of several cannot be
    // compared without prices, so each transfer counts once.
    const oneAsset = came.every((e) => e.asset === came[0]!.asset);
    const prices: (Price & { weight: number })[] = [];
    for (const e of came) {
      const price = priceAt(endpoint.chain, endpoint.asset, e.time);
      if (price === null) return { usd: null };
      prices.push({ ...price, weight: oneAsset ? Number(e.tainted) : 1 });
    }
    for (const p of prices) use(p);
    // When every arrival carried nothing (rounded to 0), each counts once.
    const weights = prices.reduce((s, p) => s + p.weight, 0);
    const weightOf = (p: { weight: number }) =>
      weights > 0 ? p.weight / weights : 1 / prices.length;
    const usd = prices.reduce((s, p) => s + weightOf(p) * p.usd, 0);
    return { usd: (Number(endpoint.amount) / prices[0]!.unit) * usd };
  });

  let freezable: ValuedPart | null = null;
  if (forward) {
    let share = 0;
    let pricedShare = 0;
    let usd = 0;
    let any = false;
    result.endpoints.forEach((e, i) => {
      if (!isFreezable(e.category)) return;
      share += e.share;
      const v = endpoints[i]!.usd;
      if (v === null) return;
      pricedShare += e.share;
      usd += v;
      any = true;
    });
    const count = result.endpoints.filter((e) => isFreezable(e.category)).length;
    freezable =
      count === 0
        ? { usd: 0, pricedShare: 1 }
        : { usd: any ? usd : null, pricedShare: share > 0 ? pricedShare / share : any ? 1 : 0 };
  }

  return {
    currency: 'USD',
    stolen,
    freezable,
    endpoints,
    sources: [...used.values()]
      .map((u) => {
        const days = [...u.days].sort();
        return {
          chain: u.chain,
          asset: u.asset,
          source: u.source,
          from: days[0]!,
          to: days.at(-1)!,
          days: days.length,
        };
      })
      .sort((a, b) => cmp(a.chain, b.chain) || cmp(a.asset, b.asset) || cmp(a.source, b.source)),
    unpriced: [...unpriced.values()].sort((a, b) => cmp(a.chain, b.chain) || cmp(a.asset, b.asset)),
  };
}

/** The last index whose day is at or before `day` in sorted `days`, or -1. */
function lastAtOrBefore(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! <= day) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
