import { normalizeAddress } from '../model/address.ts';
import { listChains } from '../model/chains.ts';

/**
 * THORChain transaction memos (https://dev.thorchain.org/concepts/memos.html): a deposit into a
 * THORChain vault or router says what to do with the funds, e.g. `SWAP:BTC.BTC:<address>` or its
 * short form `=:BTC.BTC:<address>:<limit>`; an outbound payment says which inbound it answers,
 * `OUT:<inbound tx hash>` (and `REFUND:<hash>` when the swap failed).
 */
export type ThorchainMemo =
  | {
      kind: 'swap';
      /** Destination asset as THORChain writes it (`BTC.BTC`, `ETH.USDT-0xdac1…`). */
      asset: string;
      /** chaintrail chain key of the destination (`bitcoin`, `ethereum`, …), or the THORChain chain code lowercased. */
      chain: string;
      /** Destination address, canonical when chaintrail has a codec for the chain. */
      address: string;
    }
  | { kind: 'out' | 'refund'; inboundTxHash: string };

/** THORChain chain codes -> chaintrail chain keys. */
const THORCHAIN_CHAINS: Readonly<Record<string, string>> = {
  BTC: 'bitcoin',
  ETH: 'ethereum',
  LTC: 'litecoin',
  BCH: 'bitcoin-cash',
  BSC: 'bsc',
  AVAX: 'avalanche',
  BASE: 'base',
  TRON: 'tron',
  XRP: 'xrp',
  SOL: 'solana',
  DOGE: 'dogecoin',
  GAIA: 'cosmos',
  THOR: 'thorchain',
};

/** THORChain's one-letter asset abbreviations (memo docs, "Asset Notation"). */
const SHORT_ASSETS: Readonly<Record<string, string>> = {
  a: 'AVAX.AVAX',
  b: 'BTC.BTC',
  c: 'BCH.BCH',
  d: 'DOGE.DOGE',
  e: 'ETH.ETH',
  g: 'GAIA.ATOM',
  l: 'LTC.LTC',
  r: 'THOR.RUNE',
  s: 'BSC.BNB',
};

const SWAP_ACTIONS = new Set(['SWAP', 'S', '=']);

/**
 * Parses a THORChain memo; null when it is not a swap, outbound or refund memo (adds, withdrawals of
 * liquidity, …) or is malformed.
 *
 * @example
 * parseThorchainMemo('=:BTC.BTC:bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh:0/1/0');
 * // { kind: 'swap', asset: 'BTC.BTC', chain: 'bitcoin', address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh' }
 * parseThorchainMemo('OUT:9A1B…'); // { kind: 'out', inboundTxHash: '9A1B…' }
 */
export function parseThorchainMemo(memo: string): ThorchainMemo | null {
  const parts = memo.trim().split(':');
  const action = (parts[0] ?? '').toUpperCase();
  if (action === 'OUT' || action === 'REFUND') {
    const hash = parts[1]?.trim();
    if (!hash) return null;
    return { kind: action === 'OUT' ? 'out' : 'refund', inboundTxHash: hash };
  }
  if (!SWAP_ACTIONS.has(action)) return null;
  const rawAsset = parts[1]?.trim();
  const rawAddress = parts[2]?.trim();
  if (!rawAsset || !rawAddress) return null;
  const asset = SHORT_ASSETS[rawAsset] ?? rawAsset.toUpperCase();
  // Synths (`BTC/BTC`) and trade assets (`BTC~BTC`) name the chain the same way as L1 assets.
  const chainCode = asset.split(/[./~]/)[0] ?? '';
  if (!chainCode) return null;
  const named = THORCHAIN_CHAINS[chainCode] ?? chainCode.toLowerCase();
  // THORChain's stagenet and a local simulation name test networks' assets as mainnet's (`BTC`
  // for a regtest `bcrt1…`): the destination's own form tells which network of the family it is.
  const family = listChains().find((c) => c.key === named)?.family;
  const candidates = [
    named,
    ...listChains()
      .filter(
        (c) => c.key !== named && family !== undefined && family !== 'evm' && c.family === family,
      )
      .map((c) => c.key),
  ];
  for (const chain of candidates) {
    try {
      return { kind: 'swap', asset, chain, address: normalizeAddress(chain, rawAddress) };
    } catch {
      // Not an address of this network: try the family's others.
    }
  }
  // No codec accepts it (or a THORName): keep the destination exactly as written.
  return { kind: 'swap', asset, chain: named, address: rawAddress };
}
