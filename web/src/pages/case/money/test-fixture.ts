// A small hand-made trace result the money helpers' tests share (not a test file itself).
import type { TraceEdge, TraceEndpoint, TraceResult } from '../../../api/types.ts';

const E18 = 10n ** 18n;
/** `n` whole ETH as raw units. */
export const eth = (n: number) => (BigInt(Math.round(n * 1000)) * (E18 / 1000n)).toString();

const endpoint = (
  category: string,
  entity: string | null,
  address: string,
  amount: number,
  extra: Partial<TraceEndpoint> = {},
): TraceEndpoint => ({
  chain: 'eth',
  address,
  category,
  entity,
  asset: 'native',
  amount: eth(amount),
  share: amount / 100,
  finding: '',
  paths: [],
  ...extra,
});

const edge = (
  to: string,
  txHash: string,
  time: number,
  tainted: number,
  extra: Partial<TraceEdge> = {},
): TraceEdge => ({
  from: 'eth:0xseed',
  to: `eth:${to}`,
  txHash,
  asset: 'native',
  amount: eth(tainted),
  tainted: eth(tainted),
  hop: 2,
  time,
  ...extra,
});

/**
 * 100 ETH stolen: 40 to two Alder deposit addresses, 5 to an unlabelled exchange address, 15 to an
 * instant exchange, 30 bridged (two endpoints at one bridge address), 5 mixed, 4 still held, 1 lost
 * to gas fees.
 */
export function sampleResult(): TraceResult {
  const endpoints = [
    endpoint('deposit_wallet', 'Alder Exchange', '0xa1', 30),
    endpoint('deposit_wallet', 'Alder Exchange', '0xa2', 10),
    endpoint('exchange', null, '0xx1', 5),
    endpoint('instant_exchange', 'Fixed Swap', '0xi1', 15),
    endpoint('bridge', 'THORChain', '0xb1', 20, {
      destination: { chain: 'bitcoin', address: 'bc1qa' },
    }),
    endpoint('bridge', 'THORChain', '0xb1', 10, {
      destination: { chain: 'bitcoin', address: 'bc1qb' },
    }),
    endpoint('mixer', 'Tornado Cash', '0xm1', 5),
    endpoint('unspent', null, '0xh1', 4),
  ];
  const addresses = ['0xseed', '0xthief', ...new Set(endpoints.map((e) => e.address))];
  return {
    parameters: { seeds: [], direction: 'forward', policy: 'haircut', maxHops: 10 },
    endpoints,
    nodes: addresses.map((address) => ({
      id: `eth:${address}`,
      chain: 'eth',
      address,
      category: null,
      entity: null,
    })),
    edges: [
      edge('0xseed', '0xt0', 500, 100, { from: 'eth:0xthief', hop: 1 }),
      edge('0xa1', '0xt1', 1000, 20),
      edge('0xa1', '0xt2', 2000, 10),
      edge('0xa2', '0xt3', 1500, 10),
      // Another asset into the same address: not how the ETH arrived.
      edge('0xa2', '0xtoken', 1200, 7, { asset: '0xusdc' }),
      edge('0xx1', '0xt4', 3000, 5),
      edge('0xi1', '0xt5', 1000, 15),
      edge('0xb1', '0xt6', 2000, 20),
      edge('0xb1', '0xt7', 4000, 10),
      edge('0xm1', '0xt9', 3000, 5),
      edge('0xh1', '0xt8', 1000, 4),
    ],
    summary: {
      seedValue: [{ chain: 'eth', asset: 'native', amount: eth(100) }],
      valuedIn: { chain: 'eth', asset: 'native' },
      traced: 0.99,
      untraced: 0.01,
      untracedBy: { hopLimit: 0, dust: 0, conversion: 0, fees: 0.01 },
      byCategory: [],
      edgesVisited: 11,
    },
  };
}

export const assetInfo = (_chain: string, asset: string) =>
  asset === 'native' ? { symbol: 'ETH', decimals: 18 } : { symbol: null, decimals: null };

/** The chain the cross-chain sample's Bitcoin side is on. */
export const BTC_CHAIN = 'bitcoin-regtest';
/** Satoshis per bitcoin. */
const SATS_PER_BTC = 100_000_000;
/** `n` whole rBTC as raw units (satoshis). */
export const btc = (n: number) => Math.round(n * SATS_PER_BTC).toString();

/**
 * The sample, but the 30 ETH bridged went on through THORChain to Bitcoin, as the demo's theft
 * does, and ended in rBTC: 0.3 rBTC at an Alder Exchange deposit address (10% of the stolen value),
 * 0.18 rBTC in a CoinJoin (6%, the endpoint is the mix's transaction) and 0.42 rBTC still held
 * (14%). The rBTC amounts are made up for the shape (0.03 rBTC per ETH), like the addresses.
 */
export function crossChainSample(): TraceResult {
  const r = sampleResult();
  const onBitcoin = (
    category: string,
    entity: string | null,
    address: string,
    rbtc: number,
    share: number,
  ): TraceEndpoint => ({
    chain: BTC_CHAIN,
    address,
    category,
    entity,
    asset: 'native',
    amount: btc(rbtc),
    share,
    finding: '',
    paths: [],
  });
  r.endpoints = [
    ...r.endpoints.filter((e) => e.category !== 'bridge'),
    onBitcoin('deposit_wallet', 'Alder Exchange', 'bcrt1qalder', 0.3, 0.1),
    onBitcoin('mixer', 'CoinJoin (Whirlpool)', 'c'.repeat(64), 0.18, 0.06),
    onBitcoin('unspent', null, 'bcrt1qheld', 0.42, 0.14),
  ];
  return r;
}

/** Symbols and decimals of the cross-chain sample's assets: ETH on `eth`, rBTC on Bitcoin. */
export const crossChainAssetInfo = (chain: string, asset: string) =>
  chain === BTC_CHAIN && asset === 'native'
    ? { symbol: 'rBTC', decimals: 8 }
    : assetInfo(chain, asset);
