import { describe, expect, it } from 'vitest';
import { realTx } from '../../../test/helpers/bitcoin-transactions.ts';
import { isWasabi2CoinJoin, WASABI2_DENOMINATIONS_SATS } from './wasabi2.ts';

// Real WabiSabi coinjoin of block 824299: 327 inputs, 279 outputs (test/fixtures/bitcoin-coinjoin).
const WABISABI = realTx('fb596c9f');

describe('isWasabi2CoinJoin', () => {
  it('finds the WabiSabi round fb596c9f…: 272 of its 279 outputs carry a standard denomination', () => {
    const denominated = WABISABI.outputs.filter((o) => WASABI2_DENOMINATIONS_SATS.has(o.value));
    expect(denominated.length).toBe(272);
    expect(isWasabi2CoinJoin(WABISABI)).toBe(true);
  });

  it('does not take a Whirlpool mix, a JoinMarket coinjoin or a batch withdrawal for one', () => {
    for (const prefix of ['323df21f', '6cb2433f', '7d588d52', '3d81a6b9', 'dcba20fd'])
      expect(isWasabi2CoinJoin(realTx(prefix)), prefix).toBe(false);
  });

  it('refuses the round fb596c9f… with its outputs out of the coordinator order (constructed)', () => {
    const shuffled = { ...WABISABI, outputs: [...WABISABI.outputs].reverse() };
    expect(isWasabi2CoinJoin(shuffled)).toBe(false);
    // 14 inputs are fewer than any Wasabi 2 round's.
    expect(isWasabi2CoinJoin({ ...WABISABI, inputs: WABISABI.inputs.slice(0, 14) })).toBe(false);
  });

  it('has the 2^n, 3^n, 2·3^n and 1-2-5 values from 5,000 sats on, and nothing else', () => {
    for (const v of [5_000, 6_561, 8_192, 13_122, 20_000, 50_000, 100_000_000, 134_217_728])
      expect(WASABI2_DENOMINATIONS_SATS.has(v), String(v)).toBe(true);
    for (const v of [4_096, 5_001, 7_000, 100_000_001])
      expect(WASABI2_DENOMINATIONS_SATS.has(v), String(v)).toBe(false);
  });
});
