import { describe, expect, it } from 'vitest';
import { realTx } from '../../../test/helpers/bitcoin-transactions.ts';
import { isWhirlpoolMix, WHIRLPOOL_POOLS_SATS } from './whirlpool.ts';

// Real transactions: test/fixtures/bitcoin-coinjoin/PROVENANCE.md and test/helpers/bitcoin-transactions.ts.
const SAMOURAI_005 = realTx('323df21f'); // block 574682: 5 inputs, 5 outputs of 0.05 BTC
const ASHIGARU_0025 = realTx('5f0080e3'); // block 963983: 5 inputs, 5 outputs of 0.025 BTC

describe('isWhirlpoolMix', () => {
  it('finds the Samourai 0.05 BTC mix 323df21f… and the Ashigaru 0.025 BTC mix 5f0080e3…', () => {
    expect(SAMOURAI_005.outputs.every((o) => o.value === 5_000_000)).toBe(true);
    expect(isWhirlpoolMix(SAMOURAI_005)).toBe(true);
    expect(isWhirlpoolMix(ASHIGARU_0025)).toBe(true);
  });

  it('does not take a JoinMarket, Wasabi 2 or DarkWallet coinjoin, or a payment, for a mix', () => {
    for (const prefix of ['6cb2433f', '7d588d52', 'fb596c9f', '8e563173', 'dcba20fd', '3d81a6b9'])
      expect(isWhirlpoolMix(realTx(prefix)), prefix).toBe(false);
  });

  it('refuses shapes made from the real mix 323df21f… that Whirlpool never makes (constructed)', () => {
    const mix = SAMOURAI_005;
    // An output off the pool value.
    const offPool = {
      ...mix,
      outputs: mix.outputs.map((o, i) => (i === 0 ? { ...o, value: 4_990_000 } : o)),
    };
    expect(isWhirlpoolMix(offPool)).toBe(false);
    // A must-mix input paying more than 0.0011 BTC of fee.
    const greedy = {
      ...mix,
      inputs: mix.inputs.map((x, i) => (i === 0 ? { ...x, value: 5_200_000 } : x)),
    };
    expect(isWhirlpoolMix(greedy)).toBe(false);
    // No input of exactly the pool value (no remix or liquidity).
    const allMustMix = { ...mix, inputs: mix.inputs.map((x) => ({ ...x, value: 5_010_000 })) };
    expect(isWhirlpoolMix(allMustMix)).toBe(false);
    // One input fewer than outputs.
    expect(isWhirlpoolMix({ ...mix, inputs: mix.inputs.slice(1) })).toBe(false);
    // A legacy (P2PKH) output: Whirlpool pays P2WPKH only. The address is the 8c5feb90… input's.
    const legacy = {
      ...mix,
      outputs: mix.outputs.map((o, i) =>
        i === 0 ? { ...o, address: '15Z5YJaaNSxeynvr6uW6jQZLwq3n1Hu6RX' } : o,
      ),
    };
    expect(isWhirlpoolMix(legacy)).toBe(false);
  });

  it('knows the six pool denominations in satoshis', () => {
    expect([...WHIRLPOOL_POOLS_SATS].sort((a, b) => a - b)).toEqual([
      100_000, 1_000_000, 2_500_000, 5_000_000, 25_000_000, 50_000_000,
    ]);
  });
});
