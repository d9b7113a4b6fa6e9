import { describe, expect, it } from 'vitest';
import { realTx } from '../../../test/helpers/bitcoin-transactions.ts';
import { isJoinMarketCoinJoin } from './joinmarket.ts';

describe('isJoinMarketCoinJoin', () => {
  it('finds 6cb2433f… (10 outputs of 1.98732961 BTC, 9 changes, 23 inputs) and 7d588d52… (4 of 0.84077613 BTC, 3 changes)', () => {
    expect(isJoinMarketCoinJoin(realTx('6cb2433f'))).toBe(true);
    expect(isJoinMarketCoinJoin(realTx('7d588d52'))).toBe(true);
  });

  it('leaves two-party coinjoins to the generic rule: 4f112abd… (JoinMarket, 2 outputs of 100,420 sats) and DarkWallet 8e563173…', () => {
    expect(isJoinMarketCoinJoin(realTx('4f112abd'))).toBe(false);
    expect(isJoinMarketCoinJoin(realTx('8e563173'))).toBe(false);
  });

  it('does not take a Whirlpool mix, a Wasabi 2 round or a payment for one', () => {
    for (const prefix of ['323df21f', '5f0080e3', 'fb596c9f', 'dcba20fd', '8c5feb90', '3d81a6b9'])
      expect(isJoinMarketCoinJoin(realTx(prefix)), prefix).toBe(false);
  });

  it('refuses 7d588d52… with an input too large to be one participant’s (constructed)', () => {
    const tx = realTx('7d588d52');
    // 0.84077613 + 1.7725216 BTC (the largest change) - 0.0001 BTC is the most one participant put in.
    const whale = {
      ...tx,
      inputs: tx.inputs.map((i, k) => (k === 0 ? { ...i, value: 261_319_774 } : i)),
    };
    expect(isJoinMarketCoinJoin(whale)).toBe(false);
    const limit = {
      ...tx,
      inputs: tx.inputs.map((i, k) => (k === 0 ? { ...i, value: 261_319_773 } : i)),
    };
    expect(isJoinMarketCoinJoin(limit)).toBe(true);
  });
});
