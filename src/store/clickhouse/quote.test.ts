import { describe, expect, it } from 'vitest';
import { identifier, quote, quotedLists, sql } from './quote.ts';

describe('quote', () => {
  it('escapes the two characters that end or alter a string literal', () => {
    expect(quote("it's")).toBe("'it\\'s'");
    expect(quote('C:\\path')).toBe("'C:\\\\path'");
    expect(quote("\\'; DROP TABLE transfers; --")).toBe("'\\\\\\'; DROP TABLE transfers; --'");
    expect(quote('line\nbreak')).toBe("'line\nbreak'");
  });

  it('writes integers, bigints beyond 2^64, null, booleans and arrays', () => {
    expect(quote(2n ** 255n)).toBe((2n ** 255n).toString());
    expect(quote(-7)).toBe('-7');
    expect(quote(null)).toBe('NULL');
    expect(quote(true)).toBe('1');
    expect(quote(['a', "b'", 3n])).toBe("['a', 'b\\'', 3]");
  });

  it('refuses what is not a finite value or a plain identifier', () => {
    expect(() => quote(Number.NaN)).toThrow(/NaN/);
    expect(() => quote(Infinity)).toThrow(/Infinity/);
    expect(() => identifier('transfers; DROP')).toThrow(/identifier/);
    expect(identifier('transfers_local')).toBe('transfers_local');
  });

  it('quotes every value of a template', () => {
    expect(sql`SELECT 1 WHERE a = ${"x'y"} AND b IN ${[1n, 2n]}`).toBe(
      "SELECT 1 WHERE a = 'x\\'y' AND b IN [1, 2]",
    );
  });

  it('splits a long list of values into quoted lists of at most the given length, in order', () => {
    const values = Array.from({ length: 50 }, (_, i) => `v'${i}`);
    const lists = quotedLists(values, 40);
    expect(lists.length).toBeGreaterThan(1);
    for (const list of lists) expect(list.length).toBeLessThanOrEqual(40);
    expect(lists.join(', ')).toBe(values.map(quote).join(', '));
    expect(quotedLists([])).toEqual([]);
    // A value longer than the limit still goes, alone.
    expect(quotedLists(['x'.repeat(50), 'y'], 10)).toEqual([quote('x'.repeat(50)), "'y'"]);
  });
});
