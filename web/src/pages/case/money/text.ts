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
