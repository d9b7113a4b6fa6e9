import { describe, expect, it } from 'vitest';
import { toDecimal } from './build-result.ts';
import { traceAmountToBigInt } from './raw-amount.ts';

describe('toDecimal', () => {
  it('prints raw units as plain digits: the shortest round-trip digits, then zeros', () => {
    expect(toDecimal(0)).toBe('0');
    expect(toDecimal(-0.2)).toBe('0');
    expect(toDecimal(1234.6)).toBe('1235');
    expect(toDecimal(Number('1234567890123456789'))).toBe('1234567890123456800');
    expect(toDecimal(1.5e21)).toBe('1500000000000000000000');
    expect(toDecimal(1.2345678901234567e30)).toBe('1234567890123456700000000000000');
    expect(toDecimal(-2.5e22)).toBe('-25000000000000000000000');
  });

  it('reads back as the same double', () => {
    for (const x of [1e21, 123456789e20, 9.87654321e25, 3.3e40, 1.7976931348623157e308])
      expect(Number(traceAmountToBigInt(toDecimal(x)))).toBe(x);
  });
});
