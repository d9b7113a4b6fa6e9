import { describe, expect, it } from 'vitest';
import { resolveOfacAddress } from './ofac-assets.ts';

// Addresses of the SDN list of 2025-11-19 (test/fixtures/ofac/PROVENANCE.md).
const VALERIAN = '0x983a81ca6FB1e441266D2FbcB7D8E530AC2E05A2';

describe('resolveOfacAddress', () => {
  it('puts USDT on the chain its address form names', () => {
    expect(resolveOfacAddress('USDT', 'TA3941uFAvmVibSkQ6fMJXxmaSNovX86mz')).toEqual({
      chain: 'tron',
      address: 'TA3941uFAvmVibSkQ6fMJXxmaSNovX86mz',
      warning: null,
    });
    expect(resolveOfacAddress('usdt', '1LrxsRd7zNuxPJcL5rttnoeJFy1y4AffYY').chain).toBe('bitcoin');
    expect(resolveOfacAddress('USDC', VALERIAN)).toEqual({
      chain: 'ethereum',
      address: VALERIAN.toLowerCase(),
      warning: null,
    });
    expect(resolveOfacAddress('USDT', 'bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23')).toMatchObject({
      chain: null,
      reason: expect.stringMatching(/neither an Ethereum, Tron nor Bitcoin address/),
    });
  });

  it('keeps an EVM address with a bad EIP-55 checksum, lowercased, with a warning', () => {
    const i = VALERIAN.indexOf('FB');
    const flipped = `${VALERIAN.slice(0, i)}fB${VALERIAN.slice(i + 2)}`;
    expect(resolveOfacAddress('ETH', flipped)).toEqual({
      chain: 'ethereum',
      address: VALERIAN.toLowerCase(),
      warning: `ETH address ${flipped} has a bad EIP-55 checksum: stored lowercased as listed`,
    });
  });

  it('skips assets without a chain and addresses no codec accepts', () => {
    expect(resolveOfacAddress('TON', VALERIAN)).toEqual({
      chain: null,
      reason: 'no chain known for OFAC asset "TON"',
    });
    expect(resolveOfacAddress('XBT', '1B11Ezqg3AXj')).toMatchObject({
      chain: null,
      reason: expect.stringMatching(/Invalid bitcoin address "1B11Ezqg3AXj"/), // cut short in SDN.CSV
    });
  });
});
