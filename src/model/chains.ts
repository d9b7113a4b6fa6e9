import { UserError } from '../errors/base.ts';

/** How addresses are written on a chain family. */
export type ChainFamily = 'evm' | 'bitcoin' | 'tron';

/**
 * A chain chaintrail knows. `key` is the stable identifier stored in every row
 * (`ethereum`, `bitcoin`, `tron`, `evm:<chainId>` for other EVM chains).
 */
export type Chain = {
  key: string;
  name: string;
  family: ChainFamily;
  /** EIP-155 chain id for EVM chains. */
  chainId?: number | undefined;
  nativeSymbol: string;
  nativeDecimals: number;
  /** Bitcoin network for address codecs. */
  bitcoinNetwork?: 'mainnet' | 'testnet' | undefined;
};

const KNOWN_CHAINS: readonly Chain[] = [
  {
    key: 'ethereum',
    name: 'Ethereum',
    family: 'evm',
    chainId: 1,
    nativeSymbol: 'ETH',
    nativeDecimals: 18,
  },
  {
    key: 'bsc',
    name: 'BNB Smart Chain',
    family: 'evm',
    chainId: 56,
    nativeSymbol: 'BNB',
    nativeDecimals: 18,
  },
  {
    key: 'polygon',
    name: 'Polygon',
    family: 'evm',
    chainId: 137,
    nativeSymbol: 'POL',
    nativeDecimals: 18,
  },
  {
    key: 'arbitrum',
    name: 'Arbitrum One',
    family: 'evm',
    chainId: 42161,
    nativeSymbol: 'ETH',
    nativeDecimals: 18,
  },
  {
    key: 'optimism',
    name: 'OP Mainnet',
    family: 'evm',
    chainId: 10,
    nativeSymbol: 'ETH',
    nativeDecimals: 18,
  },
  {
    key: 'base',
    name: 'Base',
    family: 'evm',
    chainId: 8453,
    nativeSymbol: 'ETH',
    nativeDecimals: 18,
  },
  {
    key: 'avalanche',
    name: 'Avalanche C-Chain',
    family: 'evm',
    chainId: 43114,
    nativeSymbol: 'AVAX',
    nativeDecimals: 18,
  },
  {
    key: 'anvil',
    name: 'Local anvil',
    family: 'evm',
    chainId: 31337,
    nativeSymbol: 'ETH',
    nativeDecimals: 18,
  },
  {
    key: 'bitcoin',
    name: 'Bitcoin',
    family: 'bitcoin',
    nativeSymbol: 'BTC',
    nativeDecimals: 8,
    bitcoinNetwork: 'mainnet',
  },
  {
    key: 'bitcoin-testnet',
    name: 'Bitcoin testnet',
    family: 'bitcoin',
    nativeSymbol: 'tBTC',
    nativeDecimals: 8,
    bitcoinNetwork: 'testnet',
  },
  { key: 'tron', name: 'Tron', family: 'tron', nativeSymbol: 'TRX', nativeDecimals: 6 },
];

const BY_KEY = new Map(KNOWN_CHAINS.map((c) => [c.key, c]));
const BY_CHAIN_ID = new Map(
  KNOWN_CHAINS.filter((c) => c.chainId !== undefined).map((c) => [c.chainId, c]),
);
const ALIASES = new Map<string, string>([
  ['eth', 'ethereum'],
  ['mainnet', 'ethereum'],
  ['btc', 'bitcoin'],
  ['trx', 'tron'],
  ['bnb', 'bsc'],
  ['matic', 'polygon'],
]);

/**
 * All chains in the registry.
 *
 * @example
 * listChains().map((c) => c.key); // ['ethereum', 'bsc', ..., 'tron']
 */
export function listChains(): readonly Chain[] {
  return KNOWN_CHAINS;
}

/**
 * Resolves a chain by key, alias (`eth`, `btc`), numeric EVM chain id (`137`) or `evm:<id>`.
 * An EVM chain id that is not in the registry still resolves, as `evm:<id>` with ETH-like defaults,
 * so any EVM chain can be imported.
 *
 * @example
 * getChain('eth').key; // 'ethereum'
 * getChain('evm:137').key; // 'polygon'
 * getChain('evm:7777777').key; // 'evm:7777777'
 */
export function getChain(nameOrId: string | number): Chain {
  const raw = String(nameOrId).trim().toLowerCase();
  const key = ALIASES.get(raw) ?? raw;
  const known = BY_KEY.get(key);
  if (known) return known;
  const idText = key.startsWith('evm:') ? key.slice(4) : key;
  if (/^[1-9][0-9]{0,15}$/.test(idText)) {
    const chainId = Number(idText);
    return (
      BY_CHAIN_ID.get(chainId) ?? {
        key: `evm:${chainId}`,
        name: `EVM chain ${chainId}`,
        family: 'evm',
        chainId,
        nativeSymbol: 'ETH',
        nativeDecimals: 18,
      }
    );
  }
  throw new UserError(`Unknown chain "${String(nameOrId)}"`, {
    code: 'UNKNOWN_CHAIN',
    details: `Known chains: ${KNOWN_CHAINS.map((c) => c.key).join(', ')}, or an EVM chain id such as evm:137.`,
  });
}
