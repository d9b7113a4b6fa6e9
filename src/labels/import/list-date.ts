import { UserError } from '../../errors/base.ts';

/**
 * Checks a `YYYY-MM-DD` date (a real calendar day) and returns it.
 *
 * @example
 * parseListDate('2025-11-19'); // '2025-11-19'
 */
export function parseListDate(text: string, where = '--list-date'): string {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !day || day.toISOString().slice(0, 10) !== t)
    throw new UserError(`${where}: expected a date YYYY-MM-DD, got "${text}"`, {
      code: 'BAD_DATE',
    });
  return t;
}
