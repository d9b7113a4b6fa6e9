import { UserError } from '../errors/base.ts';

/** Largest number of decimals chaintrail accepts for an asset (ERC-20 allows up to 255; real tokens stay well below). */
export const MAX_DECIMALS = 77;

/**
 * An amount: raw integer units plus the asset's decimals. Never a JS `number`.
 *
 * @example
 * const oneEth: Amount = { raw: 10n ** 18n, decimals: 18 };
 */
export type Amount = { raw: bigint; decimals: number };

/** Thrown when a text is not an amount; `reason` says why. */
export class InvalidAmountError extends UserError {
  override name = 'InvalidAmountError';
  constructor(input: string, reason: string) {
    super(`Invalid amount "${input.length > 80 ? `${input.slice(0, 80)}…` : input}": ${reason}`, {
      code: 'INVALID_AMOUNT',
    });
  }
}

const DIGITS = /^[0-9]+$/;
const DECIMAL = /^([0-9]*)(?:\.([0-9]*))?$/;

/**
 * Parses a non-negative integer in raw units ("1000000"), also accepting `0x` hex as ethereum-etl
 * and JSON-RPC write it. Throws {@link InvalidAmountError}.
 *
 * @example
 * parseRawAmount('0x0de0b6b3a7640000'); // 1000000000000000000n
 */
export function parseRawAmount(input: string): bigint {
  const text = input.trim();
  if (DIGITS.test(text)) return BigInt(text);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return BigInt(text);
  throw new InvalidAmountError(input, 'expected a non-negative integer in raw units');
}

/** The digits of a non-negative decimal before and after its point; throws for anything else. */
function decimalParts(input: string): { whole: string; frac: string } {
  const text = input.trim();
  const m = DECIMAL.exec(text);
  if (!m || text === '' || text === '.') {
    throw new InvalidAmountError(input, 'expected a non-negative decimal number such as 12.5');
  }
  return { whole: m[1] ?? '', frac: m[2] ?? '' };
}

/**
 * Parses a human decimal ("1234.5") into raw units with `decimals` places, exactly.
 * Digits beyond `decimals` are an error unless they are zeros (no silent rounding).
 *
 * @example
 * parseUnits('1.5', 6); // 1500000n
 */
export function parseUnits(input: string, decimals: number): bigint {
  const parts = decimalParts(input);
  const whole = parts.whole;
  let frac = parts.frac;
  if (frac.length > decimals) {
    const extra = frac.slice(decimals);
    if (/[^0]/.test(extra)) {
      throw new InvalidAmountError(input, `more than ${decimals} decimal places`);
    }
    frac = frac.slice(0, decimals);
  }
  return BigInt((whole || '0') + frac.padEnd(decimals, '0'));
}

/**
 * Parses a non-negative decimal amount into raw units like {@link parseUnits}, but rounds digits
 * beyond `decimals` (half to even, so rounding adds no bias over many rows) instead of refusing
 * them. For value-denominated amounts only (a "value in USD" column printed from floating point,
 * e.g. `75996.79987999999`): raw units of a coin or token are exact and must never be rounded.
 * Returns the raw units and whether the text had to be rounded.
 *
 * @example
 * roundUnits('75996.79987999999', 6); // { raw: 75996799880n, rounded: true }
 */
export function roundUnits(input: string, decimals: number): { raw: bigint; rounded: boolean } {
  const { whole, frac } = decimalParts(input);
  const kept = BigInt((whole || '0') + frac.slice(0, decimals).padEnd(decimals, '0'));
  const extra = frac.slice(decimals);
  if (!/[^0]/.test(extra)) return { raw: kept, rounded: false };
  // Half to even: above half rounds up; exactly half rounds to the even neighbour.
  const first = Number(extra[0]);
  const rest = /[^0]/.test(extra.slice(1));
  const up = first > 5 || (first === 5 && (rest || kept % 2n === 1n));
  return { raw: up ? kept + 1n : kept, rounded: true };
}

/**
 * Formats raw units as a decimal string with no trailing zeros (edges only: CLI, UI).
 *
 * @example
 * formatUnits(1500000n, 6); // '1.5'
 */
export function formatUnits(raw: bigint, decimals: number): string {
  const negative = raw < 0n;
  const digits = (negative ? -raw : raw).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
