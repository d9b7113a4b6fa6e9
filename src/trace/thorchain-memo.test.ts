import { bech32 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { parseThorchainMemo } from './thorchain-memo.ts';

// BIP-173's P2WPKH example address (the spec's test vector), in upper case to check normalisation.
const BIP173 = 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4';

describe('parseThorchainMemo', () => {
  it('reads the short swap form with a limit, normalising the Bitcoin destination', () => {
    expect(parseThorchainMemo(`=:BTC.BTC:${BIP173}:0/1/0`)).toEqual({
      kind: 'swap',
      asset: 'BTC.BTC',
      chain: 'bitcoin',
      address: BIP173.toLowerCase(),
    });
  });

  it('reads SWAP and the one-letter asset abbreviation', () => {
    expect(parseThorchainMemo(`SWAP:b:${BIP173}`)).toMatchObject({
      asset: 'BTC.BTC',
      chain: 'bitcoin',
    });
    expect(parseThorchainMemo('s:e:0xD37BbE5744D730a1d98d8DC97c42F0Ca46aD7146')).toEqual({
      kind: 'swap',
      asset: 'ETH.ETH',
      chain: 'ethereum',
      address: '0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146',
    });
  });

  it("takes a test network's address under a mainnet asset to that network's chain", () => {
    // BIP 173's example program, written for regtest (the simulator's bcoin node pays to such).
    const { words } = bech32.decode(BIP173.toLowerCase() as `${string}1${string}`);
    const regtest = bech32.encode('bcrt', words);
    expect(parseThorchainMemo(`=:b:${regtest}`)).toEqual({
      kind: 'swap',
      asset: 'BTC.BTC',
      chain: 'bitcoin-regtest',
      address: regtest,
    });
    // A mainnet address stays on mainnet; an EVM destination is never moved to another EVM chain.
    expect(parseThorchainMemo(`=:b:${BIP173}`)).toMatchObject({
      chain: 'bitcoin',
    });
  });

  it('keeps a destination it cannot decode as written', () => {
    expect(parseThorchainMemo('=:GAIA.ATOM:cosmos1abc')).toMatchObject({
      chain: 'cosmos',
      address: 'cosmos1abc',
    });
  });

  it('reads outbound and refund memos', () => {
    expect(parseThorchainMemo('OUT:AB12')).toEqual({ kind: 'out', inboundTxHash: 'AB12' });
    expect(parseThorchainMemo('REFUND:CD34')).toEqual({ kind: 'refund', inboundTxHash: 'CD34' });
  });

  it('returns null for other actions and malformed memos', () => {
    expect(parseThorchainMemo('ADD:BTC.BTC:thor1xyz')).toBeNull();
    expect(parseThorchainMemo('=:BTC.BTC')).toBeNull();
    expect(parseThorchainMemo('OUT:')).toBeNull();
  });
});
