import { useMemo } from 'react';
import { useSession } from '../../../api/session.tsx';
import { formatUnits, unitsNumber } from '../../../lib/format.ts';
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
};

/** The {@link MeasureFormat} of a valuation, with the session's asset symbols and decimals. */
export function useMeasureFormat(valuation: Valuation): MeasureFormat {
  const { asset } = useSession();
  return useMemo(() => {
    if (valuation.mode === 'share')
      return {
        valued: false,
        unit: '% of stolen',
        text: (m, maxFraction = 2) => shareText(m, maxFraction),
        number: (m) => m * 100,
      };
    const info = asset(valuation.chain, valuation.asset);
    const unit = info.symbol ?? valuation.asset;
    return {
      valued: true,
      unit,
      text: (m, maxFraction = 2) =>
        `${smallText(formatUnits(rawOf(m), info.decimals, maxFraction), m >= 1, maxFraction)} ${unit}`,
      number: (m) => unitsNumber(rawOf(m), info.decimals),
    };
  }, [asset, valuation]);
}

/**
 * A share of the stolen value with its amount, `47.66 ETH (9.34% of the stolen value)`, or the share
 * alone when there is no valuation asset.
 */
export function ValueAndShare(props: { valuation: Valuation; measure: number; share: number }) {
  if (props.valuation.mode === 'share') return <>{shareText(props.share)} of the stolen value</>;
  return (
    <>
      <Measure valuation={props.valuation} measure={props.measure} /> ({shareText(props.share)} of
      the stolen value)
    </>
  );
}

/** A value in the valuation's measure: an amount of the valuation asset, or a share of the stolen value. */
export function Measure(props: { valuation: Valuation; measure: number; maxFraction?: number }) {
  const format = useMeasureFormat(props.valuation);
  const v = props.valuation;
  return (
    <span
      className="amount"
      title={v.mode === 'value' ? `${rawOf(props.measure)} raw units of ${v.asset}` : undefined}
    >
      {format.text(props.measure, props.maxFraction ?? 2)}
    </span>
  );
}
