import { describe, expect, it } from 'vitest';
import { realTx } from '../../../test/helpers/bitcoin-transactions.ts';
import { isBlockSciCoinJoin } from './blocksci.ts';

describe('isBlockSciCoinJoin (BlockSci isCoinjoin)', () => {
  it('finds the DarkWallet coinjoin 8e563173… and the JoinMarket coinjoins 4f112abd…, 7d588d52…, 6cb2433f…', () => {
    for (const prefix of ['8e563173', '4f112abd', '7d588d52', '6cb2433f'])
      expect(isBlockSciCoinJoin(realTx(prefix)), prefix).toBe(true);
  });

  it('does not take payments, a batch withdrawal or a Whirlpool mix (5 equal outputs, not ⌊6/2⌋ = 3) for one', () => {
    for (const prefix of ['dcba20fd', '8c5feb90', '3d81a6b9', '0b6461de', '60a20bd9', '323df21f'])
      expect(isBlockSciCoinJoin(realTx(prefix)), prefix).toBe(false);
  });

  it('refuses 8e563173… when its equal outputs are dust of 546 sats, or both inputs one address (constructed)', () => {
    const tx = realTx('8e563173');
    const dust = {
      ...tx,
      outputs: tx.outputs.map((o) => (o.value === 100_000 ? { ...o, value: 546 } : o)),
    };
    expect(isBlockSciCoinJoin(dust)).toBe(false);
    const oneOwner = {
      ...tx,
      inputs: tx.inputs.map((i) => ({ ...i, address: tx.inputs[0]!.address })),
    };
    expect(isBlockSciCoinJoin(oneOwner)).toBe(false);
  });
});
