import { getAddressCodec } from '../../model/address.ts';

/** The `sanctionList` of labels from OFAC's Specially Designated Nationals list. */
export const OFAC_SDN_LIST = 'OFAC SDN';

/** OFAC's Sanctions List Service, where the SDN list and its files are published. */
export const OFAC_SANCTIONS_LIST_URL = 'https://sanctionslist.ofac.treas.gov/';

/** How OFAC names digital-currency features: `Digital Currency Address - <ASSET>`. */
export const OFAC_ADDRESS_FEATURE_PREFIX = 'Digital Currency Address - ';

/**
 * The chain of each asset code OFAC uses, for assets that are a chain's own coin. `ARB` and `BSC` are
 * OFAC's names for addresses on Arbitrum One and BNB Smart Chain.
 */
const ASSET_CHAINS: Readonly<Record<string, string>> = {
  XBT: 'bitcoin',
  ETH: 'ethereum',
  ETC: 'ethereum-classic',
  ARB: 'arbitrum',
  BSC: 'bsc',
  TRX: 'tron',
  LTC: 'litecoin',
  XMR: 'monero',
  BCH: 'bitcoin-cash',
  BSV: 'bitcoin-sv',
  BTG: 'bitcoin-gold',
  ZEC: 'zcash',
  DASH: 'dash',
  XVG: 'verge',
  XRP: 'xrp',
  SOL: 'solana',
};

/**
 * Assets OFAC names by token or coin rather than chain: the chain is told by the address form.
 * USDT appears as Ethereum (`0x…`), Tron (`T…`) and Bitcoin/Omni (`1…`, `3…`) addresses; BNB as a
 * BNB Beacon Chain (`bnb1…`) or a BNB Smart Chain address. A `0x` address is put on Ethereum: the list
 * does not say which EVM chain, and Ethereum is where these tokens were issued first.
 */
const MULTI_CHAIN_ASSETS: Readonly<Record<string, string | null>> = {
  USDT: null,
  USDC: null,
  BNB: 'bnb-beacon',
};

/** Chains with a real codec, tried in this order to recognise an address by its form. */
const FORM_CHAINS = ['ethereum', 'tron', 'bitcoin'] as const;

/** Where an OFAC address goes, or why it cannot be stored. */
export type ResolvedOfacAddress =
  | {
      chain: string;
      /** Canonical form (src/model/address.ts); as given on chains without a codec. */
      address: string;
      /** Set when the address had to be read differently from what its asset says. */
      warning: string | null;
    }
  | { chain: null; reason: string };

const EVM_HEX = /^0x[0-9a-fA-F]{40}$/;

function chainByForm(input: string, except?: string): string | null {
  for (const key of FORM_CHAINS) {
    if (key !== except && getAddressCodec(key).isValid(input)) return key;
  }
  return null;
}

/**
 * Maps an OFAC asset code and address to a chain and the address's canonical form.
 *
 * An address that is not valid on its asset's chain but is valid elsewhere (the 2025-11-19 list gives
 * a Tron address as `XBT`) goes on the chain its form says, with a warning: dropping a sanctioned
 * address would be worse. A mixed-case EVM address with a bad EIP-55 checksum is kept lowercased, with
 * a warning, because the list, not the checksum, is authoritative.
 *
 * @example
 * resolveOfacAddress('USDT', 'TA3941uFAvmVibSkQ6fMJXxmaSNovX86mz');
 * // { chain: 'tron', address: 'TA3941uFAvmVibSkQ6fMJXxmaSNovX86mz', warning: null }
 * resolveOfacAddress('ETH', '0x983a81ca6FB1e441266D2FbcB7D8E530AC2E05A2').address;
 * // '0x983a81ca6fb1e441266d2fbcb7d8e530ac2e05a2'
 */
export function resolveOfacAddress(asset: string, input: string): ResolvedOfacAddress {
  const code = asset.trim().toUpperCase();
  const text = input.trim();
  if (code in MULTI_CHAIN_ASSETS) {
    const chain = text.startsWith('0x')
      ? 'ethereum'
      : (chainByForm(text) ?? MULTI_CHAIN_ASSETS[code] ?? null);
    if (chain === null)
      return {
        chain: null,
        reason: `${code} address "${text}" is neither an Ethereum, Tron nor Bitcoin address`,
      };
    return withCodec(code, chain, text);
  }
  const chain = ASSET_CHAINS[code];
  if (chain === undefined)
    return { chain: null, reason: `no chain known for OFAC asset "${code}"` };
  return withCodec(code, chain, text);
}

function withCodec(code: string, chain: string, text: string): ResolvedOfacAddress {
  const codec = getAddressCodec(chain);
  if (codec.isValid(text)) return { chain, address: codec.normalize(text), warning: null };
  const other = chainByForm(text, chain);
  if (other !== null) {
    return {
      chain: other,
      address: getAddressCodec(other).normalize(text),
      warning: `${code} address ${text} is not a valid ${chain} address but a ${other} one: labelled on ${other}`,
    };
  }
  if (codec.chain.family === 'evm' && EVM_HEX.test(text)) {
    return {
      chain,
      address: text.toLowerCase(),
      warning: `${code} address ${text} has a bad EIP-55 checksum: stored lowercased as listed`,
    };
  }
  try {
    codec.normalize(text);
  } catch (error) {
    return { chain: null, reason: error instanceof Error ? error.message : String(error) };
  }
  return { chain: null, reason: `invalid ${chain} address "${text}"` };
}
