import { UserError } from '../errors/base.ts';

/** Thrown for a text that is not a timestamp. */
export class InvalidTimeError extends UserError {
  override name = 'InvalidTimeError';
  constructor(input: string) {
    super(
      `Invalid time "${input.length > 60 ? `${input.slice(0, 60)}…` : input}": expected Unix seconds, Unix milliseconds or an ISO 8601 date-time`,
      {
        code: 'INVALID_TIME',
      },
    );
  }
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a block time into Unix seconds. Accepts Unix seconds (up to 11 digits), Unix milliseconds
 * (13 digits) and ISO 8601 / `YYYY-MM-DD HH:MM:SS`; a date-time without a zone is taken as UTC,
 * as block explorers and ethereum-etl write it.
 *
 * @example
 * parseTimestamp('2023-06-02 21:49:23'); // 1685742563
 * parseTimestamp('1685742563000'); // 1685742563
 */
export function parseTimestamp(input: string): number {
  const text = input.trim();
  if (/^\d{1,11}$/.test(text)) return Number(text);
  if (/^\d{13}$/.test(text)) return Math.floor(Number(text) / 1000);
  const m = ISO.exec(text);
  if (!m) throw new InvalidTimeError(input);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  // Date.parse rolls an impossible day over (2025-02-30 is read as 2025-03-02): refuse it instead.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d))
    throw new InvalidTimeError(input);
  const ms = Date.parse(
    `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`,
  );
  if (Number.isNaN(ms)) throw new InvalidTimeError(input);
  return Math.floor(ms / 1000);
}

/**
 * Formats Unix seconds as an ISO 8601 UTC string (edges only).
 *
 * @example
 * formatTimestamp(0); // '1970-01-01T00:00:00Z'
 */
export function formatTimestamp(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
