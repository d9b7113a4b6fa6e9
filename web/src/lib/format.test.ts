import { describe, expect, it } from 'vitest';
import { classifyQuery, formatShare, formatUnits, shortAddress } from './format.ts';

describe('formatUnits', () => {
  it('shows raw integer units in whole units, exactly beyond 2^53', () => {
    expect(formatUnits('1500000000000000000', 18)).toBe('1.5');
    expect(formatUnits('401346000000000000000', 18)).toBe('401.346');
    expect(formatUnits('123456789012345678901234567', 18, 6)).toBe('123,456,789.012345');
    expect(formatUnits('-2500000', 6)).toBe('-2.5');
    expect(formatUnits('0', 8)).toBe('0');
  });

  it('takes the doubles a trace gives (exponents, fractions after a haircut split)', () => {
    expect(formatUnits('1.5e+21', 18)).toBe('1,500');
    expect(formatUnits('10003126403383037371.4', 18)).toBe('10.0031');
  });

  it('shows an amount of unknown decimals as it is', () => {
    expect(formatUnits('1234', null)).toBe('1,234');
  });
});

describe('classifyQuery', () => {
  it('tells addresses, transactions and text apart by their form', () => {
    expect(classifyQuery(' 0x098B716B8Aaf21512996dC57EB0615e2383E2f96 ')).toEqual({
      kind: 'evm-address',
      value: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96',
    });
    expect(
      classifyQuery('0x4170fe200c2c69915eb8f1f409713f42d1b55f6f6f82524efa0506ac437f521b').kind,
    ).toBe('evm-tx');
    expect(classifyQuery('bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6')).toMatchObject({
      kind: 'address',
      chain: 'bitcoin',
    });
    expect(classifyQuery('Lazarus Group')).toEqual({ kind: 'text', value: 'Lazarus Group' });
    // 39 hex digits is no address: searched as text.
    expect(classifyQuery('0x098B716B8Aaf21512996dC57EB0615e2383E2f9').kind).toBe('text');
  });
});

describe('small formats', () => {
  it('shortens addresses and formats shares', () => {
    expect(shortAddress('0x7f255e6b6d0692a3ceb2e15ad15966d0802afeee')).toBe('0x7f25…feee');
    expect(formatShare(0.15651)).toBe('15.65%');
  });
});
