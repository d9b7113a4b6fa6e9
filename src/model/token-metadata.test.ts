import { describe, expect, it } from 'vitest';
import { MAX_SYMBOL_LENGTH, sanitizeSymbol, tokenDecimals } from './token-metadata.ts';

describe('sanitizeSymbol', () => {
  it('keeps ordinary symbols, dropping NUL padding and surrounding spaces', () => {
    expect(sanitizeSymbol('USDT')).toBe('USDT');
    expect(sanitizeSymbol('stETH')).toBe('stETH');
    expect(sanitizeSymbol('MKR\u0000\u0000\u0000')).toBe('MKR');
    expect(sanitizeSymbol('  UNI-V2 ')).toBe('UNI-V2');
    expect(sanitizeSymbol('USD₮0')).toBe('USD₮0');
  });

  it('rejects symbols with control or format characters and bytes that were not UTF-8', () => {
    for (const bad of [
      'EVIL\u001b[31m', // a terminal escape
      'A\nB',
      'A\u0000B', // NUL inside, not padding
      'US\u202eDT', // right-to-left override
      'U\u200bSDT', // zero-width space
      'A\ufffdB', // what decoding puts for bytes that are not UTF-8
      'A\u2028B', // line separator
    ])
      expect(sanitizeSymbol(bad), JSON.stringify(bad)).toBeNull();
  });

  it('gives null for nothing, and cuts overlong symbols with an ellipsis', () => {
    expect(sanitizeSymbol('')).toBeNull();
    expect(sanitizeSymbol('\u0000\u0000')).toBeNull();
    expect(sanitizeSymbol(null)).toBeNull();
    const long = 'Visit example.com to claim your reward now';
    const cut = sanitizeSymbol(long)!;
    expect([...cut]).toHaveLength(MAX_SYMBOL_LENGTH);
    expect(cut).toBe(`${long.slice(0, MAX_SYMBOL_LENGTH - 1)}…`);
    expect(sanitizeSymbol(long, 100)).toBe(long);
  });
});

describe('tokenDecimals', () => {
  it('accepts integers from 0 to 255 and nothing else', () => {
    expect(tokenDecimals(0n)).toBe(0);
    expect(tokenDecimals(18n)).toBe(18);
    expect(tokenDecimals(255)).toBe(255);
    expect(tokenDecimals(256n)).toBeNull();
    expect(tokenDecimals(10n ** 30n)).toBeNull();
    expect(tokenDecimals(-1)).toBeNull();
    expect(tokenDecimals(6.5)).toBeNull();
    expect(tokenDecimals(null)).toBeNull();
  });
});
