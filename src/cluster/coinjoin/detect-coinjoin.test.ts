import { describe, expect, it } from 'vitest';
import { MEMPOOL_TXS, REAL_TXS, realTx } from '../../../test/helpers/bitcoin-transactions.ts';
import { normalizeAddress } from '../../model/address.ts';
import { type CoinJoinKind, detectCoinJoin } from './detect-coinjoin.ts';

describe('detectCoinJoin', () => {
  it('names each real coinjoin of the fixtures by its kind and rule', () => {
    const kinds: [string, CoinJoinKind, string][] = [
      ['323df21f', 'whirlpool', 'whirlpool-pool-mix'],
      ['5f0080e3', 'whirlpool', 'whirlpool-pool-mix'],
      ['fb596c9f', 'wasabi2', 'wasabi2-standard-denominations'],
      ['6cb2433f', 'joinmarket', 'joinmarket-equal-outputs'],
      ['7d588d52', 'joinmarket', 'joinmarket-equal-outputs'],
      ['4f112abd', 'generic', 'blocksci-is-coinjoin'],
      ['8e563173', 'generic', 'blocksci-is-coinjoin'],
    ];
    for (const [prefix, kind, rule] of kinds)
      expect(detectCoinJoin(realTx(prefix)), prefix).toEqual({ kind, rule });
  });

  it('finds none in payments, a batch withdrawal, a multisig spend or bitcoin-etl’s 2-input 7940cdde…', () => {
    for (const prefix of ['dcba20fd', '8c5feb90', '3d81a6b9', '0b6461de', '60a20bd9'])
      expect(detectCoinJoin(realTx(prefix)), prefix).toBeNull();
    // Block 50001 (test/fixtures/bitcoin-etl): two coinbase outputs of 50 BTC spent to one address.
    expect(
      detectCoinJoin({
        inputs: [
          { address: '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae', value: 5_000_000_000 },
          { address: '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9', value: 5_000_000_000 },
        ],
        outputs: [{ address: '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ', value: 10_000_000_000 }],
      }),
    ).toBeNull();
    // A coinbase has no inputs.
    expect(detectCoinJoin({ inputs: [], outputs: realTx('323df21f').outputs })).toBeNull();
  });

  it('reads fixtures whose every address is valid on mainnet and whose values add up to the recorded fee', () => {
    for (const tx of REAL_TXS)
      for (const io of [...tx.inputs, ...tx.outputs])
        if (io.address !== null) expect(normalizeAddress('bitcoin', io.address)).toBe(io.address);
    for (const tx of MEMPOOL_TXS) {
      const sum = (ios: readonly { value: number }[]) => ios.reduce((s, io) => s + io.value, 0);
      expect(sum(tx.inputs) - sum(tx.outputs), tx.txid).toBe(tx.fee);
    }
  });
});
