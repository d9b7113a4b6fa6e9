import { getAddressCodec } from '../model/address.ts';

/** EVM chain taken for a `0x` address when no chain is given. */
export const DEFAULT_EVM_CHAIN = 'ethereum';

const TRON_BASE58_LENGTH = 34;
const TRON_HEX_LENGTH = 42; // '41' + 40 hex
const EVM_HEX_LENGTH = 42; // '0x' + 40 hex

/**
 * The chain an address's form points to, or null when the form says nothing: `0x…` is EVM
 * (`evmChain`), `bc1…` / `1…` / `3…` Bitcoin, `tb1…` Bitcoin testnet, `T…` (34 characters) or
 * `41…` (42 hex) Tron. Only the form is looked at; the chain's codec validates the address.
 *
 * @example
 * detectChain('0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146'); // 'ethereum'
 * detectChain('bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6'); // 'bitcoin'
 * detectChain('hello'); // null
 */
export function detectChain(input: string, evmChain: string = DEFAULT_EVM_CHAIN): string | null {
  const s =
    input.length > 0 && (input.charCodeAt(0) <= 32 || input.charCodeAt(input.length - 1) <= 32)
      ? input.trim()
      : input;
  const c0 = s.charCodeAt(0);
  const c1 = s.charCodeAt(1);
  if (c0 === 48 /* 0 */ && (c1 === 120 || c1 === 88) /* x X */) return evmChain;
  if (c0 === 84 /* T */ && s.length === TRON_BASE58_LENGTH) return 'tron';
  if (c0 === 52 /* 4 */ && c1 === 49 /* 1 */ && s.length === TRON_HEX_LENGTH) return 'tron';
  const prefix = s.slice(0, 3).toLowerCase();
  if (prefix === 'bc1') return 'bitcoin';
  if (prefix === 'tb1') return 'bitcoin-testnet';
  if (c0 === 49 /* 1 */ || c0 === 51 /* 3 */) return 'bitcoin';
  return null;
}

/**
 * Chains tried by {@link detectChains} for a non-`0x` input, in the order they are returned: Bitcoin
 * first, then the chains that share its forms, then one chain per form.
 */
const FORM_CHAINS = [
  'bitcoin',
  'bitcoin-testnet',
  'tron',
  'bitcoin-cash',
  'bitcoin-sv',
  'litecoin',
  'bitcoin-gold',
  'zcash',
  'dash',
  'verge',
  'xrp',
  'monero',
  'solana',
  'bnb-beacon',
] as const;

/**
 * Every chain whose address codec accepts `input` (checksum included), so that screening can look an
 * address up on each chain it may belong to. One form can be valid on several chains because the same
 * key controls it on each: a legacy `1…` address is Bitcoin, Bitcoin Cash and Bitcoin SV; a `3…`
 * address also Litecoin (whose P2SH addresses used version 0x05 before `M…`). A `0x` address is
 * returned for each of `evmChains` (default: just {@link DEFAULT_EVM_CHAIN}, as {@link detectChain}).
 * Empty when no codec accepts the input; an EVM address with a bad EIP-55 checksum is rejected too.
 *
 * Forms that carry no checksum can match by chance: any Base58 string of 32 bytes is a Solana
 * address, and any 64-hex string is taken for the hex value OFAC lists under XMR.
 *
 * @example
 * detectChains('1LrxsRd7zNuxPJcL5rttnoeJFy1y4AffYY'); // ['bitcoin', 'bitcoin-cash', 'bitcoin-sv']
 * detectChains('0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c', ['ethereum', 'arbitrum', 'bsc']);
 * // ['ethereum', 'arbitrum', 'bsc']
 * detectChains('LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb'); // ['litecoin']
 * detectChains('hello'); // []
 */
export function detectChains(
  input: string,
  evmChains: readonly string[] = [DEFAULT_EVM_CHAIN],
): string[] {
  if (typeof input !== 'string') return [];
  const s = input.trim();
  if (s.length === 0) return [];
  // `0x` is only ever EVM (Tron's hex form has no 0x when it is 42 characters long; with 0x it is 44).
  if (
    s.length === EVM_HEX_LENGTH &&
    s.charCodeAt(0) === 48 /* 0 */ &&
    (s[1] === 'x' || s[1] === 'X')
  ) {
    return evmChains.filter((chain) => getAddressCodec(chain).isValid(s));
  }
  return FORM_CHAINS.filter((chain) => getAddressCodec(chain).isValid(s));
}

/**
 * Chains whose address forms overlap: Bitcoin Cash and Bitcoin SV kept Bitcoin's legacy versions
 * (0x00 P2PKH, 0x05 P2SH), and Litecoin's old P2SH version is 0x05 too. Every other chain's forms are
 * its own (other version bytes, prefixes, alphabets or lengths). An address valid on several chains of
 * a group has the same canonical form on each (base58check, as given). detect-chain.test.ts checks
 * both against every address {@link detectChains} accepts on several chains.
 */
const SHARED_FORM_GROUPS: readonly (readonly string[])[] = [
  ['bitcoin', 'bitcoin-cash', 'bitcoin-sv', 'litecoin'],
];
const NO_CHAINS: readonly string[] = Object.freeze([]);

/**
 * The other chains on which some address of `chain` can also be valid (the candidates a screening of
 * a `chain` address must look at besides it): a short list, instead of trying every codec.
 *
 * @example
 * sameFormChains('bitcoin'); // ['bitcoin-cash', 'bitcoin-sv', 'litecoin']
 * sameFormChains('tron'); // []
 */
export function sameFormChains(chain: string): readonly string[] {
  const group = SHARED_FORM_GROUPS.find((g) => g.includes(chain));
  return group ? group.filter((c) => c !== chain) : NO_CHAINS;
}
