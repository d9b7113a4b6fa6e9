import { UserError } from '../../errors/base.ts';

/**
 * Checks a `YYYY-MM-DD` date (a real calendar day) and returns it.
 *
 * @example
 * parseListDate('2025-11-19'); // '2025-11-19'
 */
export function parseListDate(text: string, where = '--list-date'): string {
  const t = text.trim();
  if (!isCalendarDate(t))
    throw new UserError(`${where}: expected a date YYYY-MM-DD, got "${text}"`, {
      code: 'BAD_DATE',
    });
  return t;
}

/**
 * Whether `text` is exactly `YYYY-MM-DD` and a day of the calendar (`2020-13-45` and `2023-02-29`
 * are not: the store would refuse them later, as a server error instead of the input's).
 *
 * @example
 * isCalendarDate('2024-02-29'); // true
 * isCalendarDate('2020-13-45'); // false
 */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}
