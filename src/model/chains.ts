import { UserError } from '../errors/base.ts';

/**
 * How addresses are written on a chain family. `other`: chains chaintrail does not ingest
 * transactions of (Litecoin, Monero, XRP, …); they exist so that labels of such addresses (e.g.
 * OFAC's) can be stored and looked up. Each has its own address codec in `address.ts`, chosen by
 * chain key; one without a codec keeps addresses exactly as given.
 */
export type ChainFamily = 'evm' | 'bitcoin' | 'tron' | 'other';

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
  bitcoinNetwork?: 'mainnet' | 'testnet' | 'regtest' | undefined;
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
  // A local test chain (Bitcoin Core or bcoin in regtest mode). Addresses are derived from scripts
  // with Core's regtest parameters (bech32 prefix `bcrt`), whichever node serves the chain: bcoin
  // writes the same outputs as `rb1…`, and one stored form keeps one address one node.
  {
    key: 'bitcoin-regtest',
    name: 'Bitcoin regtest',
    family: 'bitcoin',
    nativeSymbol: 'rBTC',
    nativeDecimals: 8,
    bitcoinNetwork: 'regtest',
  },
  { key: 'tron', name: 'Tron', family: 'tron', nativeSymbol: 'TRX', nativeDecimals: 6 },
  // A local test chain: chaintrail's Tron test node (src/simulate/tron/), which serves the
  // simulator's Tron part in the documented API format. Its addresses are Tron's, so simulated
  // data never mixes with mainnet's labels under the key `tron`.
  {
    key: 'tron-test',
    name: 'Tron test chain',
    family: 'tron',
    nativeSymbol: 'tTRX',
    nativeDecimals: 6,
  },
  {
    key: 'ethereum-classic',
    name: 'Ethereum Classic',
    family: 'evm',
    chainId: 61,
    nativeSymbol: 'ETC',
    nativeDecimals: 18,
  },
  // Chains of family `other` (labels only, no ingestion): the OFAC SDN list has addresses on them.
  { key: 'litecoin', name: 'Litecoin', family: 'other', nativeSymbol: 'LTC', nativeDecimals: 8 },
  {
    key: 'bitcoin-cash',
    name: 'Bitcoin Cash',
    family: 'other',
    nativeSymbol: 'BCH',
    nativeDecimals: 8,
  },
  {
    key: 'bitcoin-sv',
    name: 'Bitcoin SV',
    family: 'other',
    nativeSymbol: 'BSV',
    nativeDecimals: 8,
  },
  {
    key: 'bitcoin-gold',
    name: 'Bitcoin Gold',
    family: 'other',
    nativeSymbol: 'BTG',
    nativeDecimals: 8,
  },
  { key: 'dash', name: 'Dash', family: 'other', nativeSymbol: 'DASH', nativeDecimals: 8 },
  { key: 'zcash', name: 'Zcash', family: 'other', nativeSymbol: 'ZEC', nativeDecimals: 8 },
  { key: 'verge', name: 'Verge', family: 'other', nativeSymbol: 'XVG', nativeDecimals: 6 },
  { key: 'monero', name: 'Monero', family: 'other', nativeSymbol: 'XMR', nativeDecimals: 12 },
  { key: 'xrp', name: 'XRP Ledger', family: 'other', nativeSymbol: 'XRP', nativeDecimals: 6 },
  { key: 'solana', name: 'Solana', family: 'other', nativeSymbol: 'SOL', nativeDecimals: 9 },
  {
    key: 'bnb-beacon',
    name: 'BNB Beacon Chain',
    family: 'other',
    nativeSymbol: 'BNB',
    nativeDecimals: 8,
  },
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
  ['etc', 'ethereum-classic'],
  ['ltc', 'litecoin'],
  ['bch', 'bitcoin-cash'],
  ['bsv', 'bitcoin-sv'],
  ['btg', 'bitcoin-gold'],
  ['zec', 'zcash'],
  ['xvg', 'verge'],
  ['xmr', 'monero'],
  ['sol', 'solana'],
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
