/** Seconds in a UTC day: Unix time has no leap seconds, so every day has exactly this many. */
export const SECONDS_PER_DAY = 86_400;

/**
 * The US dollar price of one whole unit of an asset on one UTC day, and where it came from.
 *
 * @example
 * const row: PriceRow = { chain: 'ethereum', asset: 'native', day: '2025-02-21', usd: 2_700, source: 'eth-usd.csv sha256:3f2a…' };
 */
export type PriceRow = {
  chain: string;
  /** `native` or the token's canonical contract address, as in transfers. */
  asset: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** USD per whole unit (not per raw unit). */
  usd: number;
  /** Where the price came from: a file's name and hash, a feed's name. */
  source: string;
};

/**
 * The UTC day (`YYYY-MM-DD`) of a Unix time in seconds.
 *
 * @example
 * utcDay(1740149400); // '2025-02-21'
 */
export function utcDay(seconds: number): string {
  return new Date(Math.floor(seconds / SECONDS_PER_DAY) * SECONDS_PER_DAY * 1000)
    .toISOString()
    .slice(0, 10);
}

/**
 * Days since 1970-01-01 of a `YYYY-MM-DD` day (UTC), for day arithmetic.
 *
 * @example
 * dayNumber('1970-01-02'); // 1
 */
export function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / 1000 / SECONDS_PER_DAY);
}

/**
 * Whether a text is a real calendar day as `YYYY-MM-DD` (`2025-02-30` is not: Date rolls it over).
 *
 * @example
 * isCalendarDay('2024-02-29'); // true
 * isCalendarDay('2025-02-30'); // false
 */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

/**
 * How many days a price may stand for after its own day when a series has none for them: a
 * transfer is valued at its UTC day's price, else the nearest earlier day's at most this many days
 * before, else it stays unpriced. Three days covers a weekend with one holiday beside it (Thursday's
 * price for Friday to Sunday, Friday's for Saturday to a holiday Monday), as a series from a source
 * that does not publish on those days (a fiat or exchange-traded reference rate) leaves it; a price
 * older than that may have moved too far to stand for the day, so the figure is left out instead.
 */
export const MAX_PRICE_GAP_DAYS = 3;
