import type { TraceEndpoint, TraceResult } from '../../../api/types.ts';

/**
 * How a trace's value is measured in the money views. In `value` mode amounts are raw units of one
 * asset (the trace's valuation asset); in `share` mode (the seed's assets could not be valued in one
 * of them) every figure is a share of the stolen value, because amounts of different assets cannot be
 * added.
 */
export type Valuation =
  | {
      mode: 'value';
      chain: string;
      asset: string;
      /** Raw units of the valuation asset that a share of 1 (the whole stolen value) stands for. */
      perShare: number;
    }
  | { mode: 'share' };

/**
 * The valuation of a trace. A share is of the seed's value in the valuation asset, so the stolen
 * value in that asset is the amount of the endpoints held in it over their shares (the trace does not
 * report the total itself); a seed of that one asset gives it directly.
 *
 * @example
 * valuationOf(result); // { mode: 'value', chain: 'anvil', asset: 'native', perShare: 5.1e20 }
 */
export function valuationOf(result: TraceResult): Valuation {
  const { valuedIn, seedValue } = result.summary;
  const assets = new Set(result.endpoints.map((e) => `${e.chain}\u0000${e.asset}`));
  const only = assets.size === 1 ? result.endpoints[0]! : null;
  const target =
    valuedIn ??
    (only ? { chain: only.chain, asset: only.asset } : null) ??
    (seedValue.length === 1 ? seedValue[0]! : null);
  if (!target) return { mode: 'share' };
  let amount = 0;
  let share = 0;
  for (const e of result.endpoints)
    if (e.chain === target.chain && e.asset === target.asset && e.share > 0) {
      amount += Number(e.amount);
      share += e.share;
    }
  let perShare = share > 0 ? amount / share : NaN;
  if (!(perShare > 0) && seedValue.length === 1) {
    const s = seedValue[0]!;
    if (s.chain === target.chain && s.asset === target.asset) perShare = Number(s.amount);
  }
  // With equal parts (valuedIn null) a share is not value: shares of several seed assets cannot be
  // turned into one asset's units.
  if (!(perShare > 0) || (valuedIn === null && seedValue.length > 1)) return { mode: 'share' };
  return { mode: 'value', chain: target.chain, asset: target.asset, perShare };
}

/** A share of the stolen value in the valuation's measure (raw units, or the share itself). */
export function measureOfShare(valuation: Valuation, share: number): number {
  return valuation.mode === 'value' ? share * valuation.perShare : share;
}

/** An endpoint's value in the valuation's measure: its own amount when it is held in the valuation asset. */
export function endpointMeasure(valuation: Valuation, e: TraceEndpoint): number {
  if (valuation.mode === 'value' && e.chain === valuation.chain && e.asset === valuation.asset)
    return Number(e.amount);
  return measureOfShare(valuation, e.share);
}

/** A measure (a double) as the raw-units string `formatUnits` and `<Amount>` take. */
export function rawOf(measure: number): string {
  return Number.isFinite(measure) ? Math.round(measure).toString() : '0';
}

/** Raw units given as a trace does (an integer string, or a double's form such as `1.5e+21`) as a bigint. */
export function rawBigInt(raw: string): bigint {
  const text = raw.trim();
  if (/^-?\d+$/.test(text)) return BigInt(text);
  const value = Number(text);
  return Number.isFinite(value) ? BigInt(Math.round(value)) : 0n;
}
