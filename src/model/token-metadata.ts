/**
 * Rules for token metadata as contracts, exports and lists report it: which symbols and decimals
 * chaintrail keeps. Token contracts are written by anyone, so what they return is untrusted input.
 */

/** Most decimals an ERC-20 can declare (`uint8`); anything larger is not a real answer. */
export const MAX_TOKEN_DECIMALS = 255;

/**
 * Longest symbol kept, in characters; longer ones are cut and end in `…`. Real symbols are short
 * (USDT, stETH); scam tokens put whole sentences (`Visit … to claim`) in theirs.
 */
export const MAX_SYMBOL_LENGTH = 32;

/** Longest token name kept, in characters (names pass the same check as symbols, with more room). */
export const MAX_NAME_LENGTH = 128;

/**
 * Characters no symbol should hold: control and format characters (NUL, newlines, ANSI escapes,
 * bidirectional overrides and zero-width characters, which can spoof what a terminal or page shows),
 * private-use code points, line and paragraph separators, and U+FFFD, which decoding puts where the
 * bytes were not UTF-8.
 */
const UNSAFE_SYMBOL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Co}\p{Zl}\p{Zp}\uFFFD]/u;

/**
 * A symbol as chaintrail keeps it, or null when it cannot be shown safely: trailing NUL padding
 * (bytes32 symbols, C-style strings) and surrounding whitespace are dropped; a symbol with control or
 * format characters or bytes that were not UTF-8 is rejected (null), not repaired; an empty one is
 * null; one longer than `maxLength` characters (default {@link MAX_SYMBOL_LENGTH}) is cut. Token
 * names pass the same check with {@link MAX_NAME_LENGTH}.
 *
 * @example
 * sanitizeSymbol('MKR\u0000\u0000'); // 'MKR'
 * sanitizeSymbol('US\u202eDT'); // null (a right-to-left override)
 */
export function sanitizeSymbol(
  text: string | null | undefined,
  maxLength: number = MAX_SYMBOL_LENGTH,
): string | null {
  if (text === null || text === undefined) return null;
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  const trimmed = text.slice(0, end).trim();
  if (trimmed === '' || UNSAFE_SYMBOL_CHARACTERS.test(trimmed)) return null;
  const chars = [...trimmed];
  return chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join('')}…` : trimmed;
}

/**
 * Decimals as chaintrail keeps them, or null when the value is not a real answer: an integer from 0
 * to {@link MAX_TOKEN_DECIMALS}. `decimals()` returns a `uint8`, but a contract can return any word.
 *
 * @example
 * tokenDecimals(18n); // 18
 * tokenDecimals(10n ** 30n); // null
 */
export function tokenDecimals(value: bigint | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && !Number.isInteger(value)) return null;
  const big = BigInt(value);
  return big >= 0n && big <= BigInt(MAX_TOKEN_DECIMALS) ? Number(big) : null;
}
