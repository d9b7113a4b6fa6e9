import { useMemo } from 'react';
import { useSession } from '../../../api/session.tsx';
import { formatUnits, unitsNumber } from '../../../lib/format.ts';
import { heldText, inValuationAsset, type HeldAmount } from './held-amounts.ts';
import { shareText, smallText } from './text.ts';
import { rawOf, type Valuation } from './valuation.ts';

/** How a valuation's measures read in text and in charts (whole units, or percent of the stolen value). */
export type MeasureFormat = {
  /** Measures are amounts of an asset (else shares, which `text` already gives as percentages). */
  valued: boolean;
  /** `ETH`, or `% of stolen`. */
  unit: string;
  /** e.g. `36.55 ETH`, `< 0.01 ETH` or `7.16%`. */
  text(measure: number, maxFraction?: number): string;
  /** A chart's number: whole units, or percent. */
  number(measure: number): number;
  /**
   * What some endpoints hold, e.g. `127.53 ETH + 2.7 rBTC`: the measure in the valuation asset when
   * they hold only that asset (or nothing), else each asset's own amount, largest value first (an
   * amount of rBTC is never written as ETH). A share without a valuation asset.
   */
  held(held: readonly HeldAmount[], measure: number, maxFraction?: number): string;
};

/** The {@link MeasureFormat} of a valuation, with the session's asset symbols and decimals. */
export function useMeasureFormat(valuation: Valuation): MeasureFormat {
  const { asset } = useSession();
  return useMemo(() => {
    if (valuation.mode === 'share') {
      const text = (m: number, maxFraction = 2) => shareText(m, maxFraction);
      return {
        valued: false,
        unit: '% of stolen',
        text,
        number: (m) => m * 100,
        held: (_held, m, maxFraction) => text(m, maxFraction),
      };
    }
    const info = asset(valuation.chain, valuation.asset);
    const unit = info.symbol ?? valuation.asset;
    const text = (m: number, maxFraction = 2) =>
      `${smallText(formatUnits(rawOf(m), info.decimals, maxFraction), m >= 1, maxFraction)} ${unit}`;
    return {
      valued: true,
      unit,
      text,
      number: (m) => unitsNumber(rawOf(m), info.decimals),
      held: (held, m, maxFraction = 2) =>
        inValuationAsset(held, valuation)
          ? text(m, maxFraction)
          : heldText(held, asset, maxFraction),
    };
  }, [asset, valuation]);
}

/**
 * A share of the stolen value with its amount, `47.66 ETH (9.34% of the stolen value)` (each asset's
 * amount when `held` names several, `36.55 ETH + 0.77 rBTC (…)`), or the share alone when there is no
 * valuation asset.
 */
export function ValueAndShare(props: {
  valuation: Valuation;
  measure: number;
  share: number;
  /** What the endpoints counted hold, per asset (`heldAmounts`). */
  held?: readonly HeldAmount[];
}) {
  if (props.valuation.mode === 'share') return <>{shareText(props.share)} of the stolen value</>;
  return (
    <>
      <Measure valuation={props.valuation} measure={props.measure} held={props.held} /> (
      {shareText(props.share)} of the stolen value)
    </>
  );
}

/**
 * A value in the valuation's measure: an amount of the valuation asset, or a share of the stolen
 * value; with `held`, the amount of each asset held when they are not all the valuation asset.
 */
export function Measure(props: {
  valuation: Valuation;
  measure: number;
  maxFraction?: number;
  held?: readonly HeldAmount[] | undefined;
}) {
  const format = useMeasureFormat(props.valuation);
  const v = props.valuation;
  const several = !!props.held && !inValuationAsset(props.held, v);
  return (
    <span
      className="amount"
      title={
        v.mode !== 'value'
          ? undefined
          : several
            ? `worth ${format.text(props.measure, 4)} of the stolen value`
            : `${rawOf(props.measure)} raw units of ${v.asset}`
      }
    >
      {props.held
        ? format.held(props.held, props.measure, props.maxFraction ?? 2)
        : format.text(props.measure, props.maxFraction ?? 2)}
    </span>
  );
}
