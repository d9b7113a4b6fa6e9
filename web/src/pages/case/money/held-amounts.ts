import type { TraceEndpoint } from '../../../api/types.ts';
import { formatUnits, type AssetInfo } from '../../../lib/format.ts';
import { smallText } from './text.ts';
import { rawBigInt, type Valuation } from './valuation.ts';

/** What some endpoints hold of one asset: the exact raw units, and their value in the valuation's measure. */
export type HeldAmount = { chain: string; asset: string; amount: bigint; measure: number };

/** Anything that holds an amount of an asset with its value (an endpoint with its measure, a deposit). */
type Holding = { chain: string; asset: string; amount: string; measure: number };

/**
 * What endpoints hold, per asset, the largest value first. A trace across chains ends in several
 * assets (ETH on anvil, then rBTC on Bitcoin after THORChain): their values in the valuation asset
 * add up to one measure (the charts' widths and the shares), but what a service or an address holds
 * is each asset's own amount, which is what an investigator asks an exchange to freeze.
 *
 * @example
 * heldAmounts(endpoints); // [{ chain: 'anvil', asset: 'native', amount: 127535…n, … }, { chain: 'bitcoin-regtest', … }]
 */
export function heldAmounts(holdings: Iterable<Holding>): HeldAmount[] {
  const by = new Map<string, HeldAmount>();
  for (const h of holdings) {
    const key = `${h.chain}\u0000${h.asset}`;
    const row = by.get(key) ?? { chain: h.chain, asset: h.asset, amount: 0n, measure: 0 };
    row.amount += rawBigInt(h.amount);
    row.measure += h.measure;
    by.set(key, row);
  }
  return [...by.values()].sort(
    (a, b) => b.measure - a.measure || (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0),
  );
}

/**
 * Whether amounts are all of the valuation asset (or there are none): then their measure is their
 * own amount, and one figure in that asset says it. Otherwise the figure must name each asset.
 */
export function inValuationAsset(held: readonly HeldAmount[], valuation: Valuation): boolean {
  return (
    valuation.mode === 'value' &&
    held.every((h) => h.chain === valuation.chain && h.asset === valuation.asset)
  );
}

/**
 * Each asset's amount with its symbol, the largest value first: `8.34 ETH + 1.12 rBTC` (cut to
 * `maxFraction` digits; a small non-zero one as `< 0.01 rBTC`).
 *
 * @example
 * heldText(heldAmounts(deposits), session.asset); // '36.55 ETH + 0.77 rBTC'
 */
export function heldText(
  held: readonly HeldAmount[],
  lookup: (chain: string, asset: string) => AssetInfo,
  maxFraction = 2,
): string {
  return held
    .map((h) => {
      const info = lookup(h.chain, h.asset);
      const units = formatUnits(h.amount.toString(), info.decimals, maxFraction);
      return `${smallText(units, h.amount > 0n, maxFraction)} ${info.symbol ?? h.asset}`;
    })
    .join(' + ');
}

/**
 * Whether some traced value ended in another asset than the valuation's (rBTC after THORChain, when
 * values are in ETH): charts then draw it at the value it stands for, and say so.
 */
export function endsInOtherAssets(
  endpoints: readonly Pick<TraceEndpoint, 'chain' | 'asset' | 'share'>[],
  valuation: Valuation,
): boolean {
  return (
    valuation.mode === 'value' &&
    endpoints.some(
      (e) => e.share > 0 && (e.chain !== valuation.chain || e.asset !== valuation.asset),
    )
  );
}

/** What a chart in the valuation's unit says when some value ended in another asset. */
export function otherAssetsNote(unit: string): string {
  return `Value that ended in another asset (after a bridge to Bitcoin, say) is drawn at the ${unit} of the stolen value it stands for; the tables give each asset's own amount.`;
}
