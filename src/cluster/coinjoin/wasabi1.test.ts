import { describe, expect, it } from 'vitest';
import { realTx } from '../../../test/helpers/bitcoin-transactions.ts';
import { isWasabi1CoinJoin, WASABI1_COORDINATOR_ADDRESSES } from './wasabi1.ts';
import type { CoinJoinTx } from './tx-shape.ts';

// No real Wasabi 1 round with every input's value was found in a public source (see the report):
// its shapes here are CONSTRUCTED, over real P2WPKH addresses of the JoinMarket coinjoin 6cb2433f…
// (test/fixtures/bitcoin-coinjoin) and the coordinator address Wasabi's documentation names.
const JM = realTx('6cb2433f');
const ADDRESSES = [...JM.inputs, ...JM.outputs].map((io) => io.address!);
const COORDINATOR = 'bc1qa24tsgchvuxsaccp8vrnkfd85hrcpafg20kmjw';

/** Constructed: `equal` outputs of `denomination` sats from as many inputs, a change and the fee. */
function constructedRound(equal: number, denomination: number): CoinJoinTx {
  return {
    inputs: ADDRESSES.slice(0, equal).map((address) => ({ address, value: denomination + 40_000 })),
    outputs: [
      ...ADDRESSES.slice(equal, 2 * equal).map((address) => ({ address, value: denomination })),
      { address: ADDRESSES[2 * equal]!, value: 123_456 },
      { address: ADDRESSES[2 * equal + 1]!, value: 300_000 },
    ],
  };
}

describe('isWasabi1CoinJoin', () => {
  it('finds a constructed round of 10 equal outputs of 0.1 BTC with a change and a fee output', () => {
    expect(isWasabi1CoinJoin(constructedRound(10, 10_000_000))).toBe(true);
    // 0.1 ± 0.02 BTC: a round whose denomination drifted to 0.085 BTC still counts.
    expect(isWasabi1CoinJoin(constructedRound(10, 8_500_000))).toBe(true);
  });

  it('refuses constructed rounds off its shape: 9 equal outputs, a 0.05 BTC denomination', () => {
    expect(isWasabi1CoinJoin(constructedRound(9, 10_000_000))).toBe(false);
    expect(isWasabi1CoinJoin(constructedRound(10, 5_000_000))).toBe(false);
  });

  it('takes more than two equal outputs paying the coordinator address as a round (constructed)', () => {
    expect(WASABI1_COORDINATOR_ADDRESSES.has(COORDINATOR)).toBe(true);
    const small = constructedRound(3, 10_000_000);
    expect(isWasabi1CoinJoin(small)).toBe(false);
    const paying = {
      ...small,
      outputs: [...small.outputs, { address: COORDINATOR, value: 9_000 }],
    };
    expect(isWasabi1CoinJoin(paying)).toBe(true);
  });

  it('does not take a real Whirlpool, Wasabi 2, JoinMarket or DarkWallet coinjoin, or a payment', () => {
    for (const prefix of ['323df21f', 'fb596c9f', '6cb2433f', '7d588d52', '8e563173', 'dcba20fd'])
      expect(isWasabi1CoinJoin(realTx(prefix)), prefix).toBe(false);
  });
});
