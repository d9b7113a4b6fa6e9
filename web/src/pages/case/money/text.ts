import type { TraceResult } from '../../../api/types.ts';
import { formatShare } from '../../../lib/format.ts';

/**
 * A share as a percentage, a small non-zero one as `< 0.01%` rather than `0.00%` (an investigator
 * reads 0% as "nothing").
 *
 * @example
 * shareText(0.00001); // '< 0.01%'
 */
export function shareText(share: number, digits = 2): string {
  const floor = 10 ** -digits;
  if (share > 0 && share * 100 < floor) return `< ${formatShare(floor / 100, digits)}`;
  return formatShare(share, digits);
}

/** A whole-unit number with at most `maxFraction` digits, a small non-zero one as `< 0.01`. */
export function smallText(formatted: string, positive: boolean, maxFraction: number): string {
  if (positive && /^0(\.0*)?$/.test(formatted))
    return `< ${maxFraction > 0 ? `0.${'0'.repeat(maxFraction - 1)}1` : '1'}`;
  return formatted;
}

const UNTRACED_CAUSES = [
  ['hopLimit', 'hop limit'],
  ['dust', 'dust'],
  ['conversion', 'unresolved conversions'],
  ['fees', 'gas fees'],
] as const;

/**
 * Why part of a trace's value is untraced, each cause with its share of the seed (the dashboard's
 * and the sources view's words).
 *
 * @example
 * untracedCauses(result); // 'gas fees 0.001%'
 */
export function untracedCauses(result: Pick<TraceResult, 'summary'>): string {
  const parts = UNTRACED_CAUSES.filter(([k]) => result.summary.untracedBy[k] > 0).map(
    ([k, label]) => `${label} ${shareText(result.summary.untracedBy[k], 3)}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'none';
}
