import { describe, expect, it } from 'vitest';
import type { Asset } from './asset.ts';
import { createTokenList, tokenListAssets } from './token-list.ts';

const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const DAI = '0x6b175474e89094c44da98b954eedeac495271d0f';
const PEPE = '0x6982508145454ce325ddbe47a25d4ec3d2311933';
const list = createTokenList('test', [
  { chain: 'ethereum', asset: USDT, symbol: 'USDT', decimals: 6, name: 'Tether USD' },
  { chain: 'ethereum', asset: DAI, symbol: 'DAI', decimals: 18 },
]);

describe('tokenListAssets', () => {
  it('fills in only tokens without metadata from the chain or an export, and only what the list knows', () => {
    const stored = new Map<string, Asset>([
      [
        DAI,
        { chain: 'ethereum', asset: DAI, symbol: 'DAI', decimals: 18, name: null, source: 'chain' },
      ],
    ]);
    const out = tokenListAssets({ chain: 'ethereum', tokens: [USDT, DAI, PEPE], stored, list });
    expect(out).toEqual([
      {
        chain: 'ethereum',
        asset: USDT,
        symbol: 'USDT',
        decimals: 6,
        name: 'Tether USD',
        source: 'token-list',
      },
    ]);
    // An export's answer wins too, even one with nothing in it.
    const exported = new Map<string, Asset>([
      [USDT, { chain: 'ethereum', asset: USDT, symbol: null, decimals: null, source: 'export' }],
    ]);
    expect(tokenListAssets({ chain: 'ethereum', tokens: [USDT], stored: exported, list })).toEqual(
      [],
    );
    // Other chains are not the list's.
    expect(tokenListAssets({ chain: 'anvil', tokens: [USDT], stored: new Map(), list })).toEqual(
      [],
    );
  });

  it('rewrites an entry stored from an older list only when the list changed', () => {
    const entry = list.get('ethereum', USDT)!;
    const same = new Map([[USDT, entry]]);
    expect(tokenListAssets({ chain: 'ethereum', tokens: [USDT], stored: same, list })).toEqual([]);
    const older = new Map([[USDT, { ...entry, decimals: 18 }]]);
    expect(tokenListAssets({ chain: 'ethereum', tokens: [USDT], stored: older, list })).toEqual([
      entry,
    ]);
  });
});
