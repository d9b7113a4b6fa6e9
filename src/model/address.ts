/**
 * Address codecs: one canonical stored form per chain family, a display form, and validation.
 *
 * - EVM: canonical = lowercase `0x` + 40 hex; display = EIP-55 checksum.
 * - Bitcoin: Base58Check P2PKH/P2SH kept as given; bech32 P2WPKH/P2WSH (witness v0) and
 *   bech32m P2TR (witness v1, 32 bytes) stored lowercase.
 * - Tron: Base58Check `T…` form (version byte 0x41); the hex form `41…` is converted to it.
 * - Other chains (family `other`: Litecoin, Monero, XRP, …): no codec yet, so the address is stored
 *   exactly as given (trimmed); only empty input and whitespace or control characters are rejected.
 *
 * Hashing and checksums come from viem (Keccak-256, SHA-256) and @scure/base (Base58Check,
 * bech32, bech32m); nothing here hashes by hand.
 */
import { bech32, bech32m, createBase58check } from '@scure/base';
import { checksumAddress, hexToBytes, sha256, type Address } from 'viem';

import { UserError } from '../errors/base.ts';
import { getChain, type Chain } from './chains.ts';

const MAX_INPUT_IN_MESSAGE = 80;

/**
 * An address that is not valid for its chain. A {@link UserError} with code `INVALID_ADDRESS`;
 * the message names the chain, the input (truncated to 80 characters) and the reason.
 *
 * @example
 * try {
 *   normalizeAddress('ethereum', '0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135d');
 * } catch (e) {
 *   if (e instanceof InvalidAddressError) console.log(e.code, e.reason); // 'INVALID_ADDRESS' 'bad EIP-55 checksum'
 * }
 */
export class InvalidAddressError extends UserError {
  override name = 'InvalidAddressError';
  /** Chain key the address was checked against. */
  readonly chainKey: string;
  /** The input exactly as given (not truncated). */
  readonly input: string;
  /** Why the input was rejected, e.g. `bad EIP-55 checksum`. */
  readonly reason: string;

  constructor(chainKey: string, input: string, reason: string) {
    const text = String(input);
    const shown =
      text.length > MAX_INPUT_IN_MESSAGE ? `${text.slice(0, MAX_INPUT_IN_MESSAGE - 1)}…` : text;
    super(`Invalid ${chainKey} address ${JSON.stringify(shown)}: ${reason}`, {
      code: 'INVALID_ADDRESS',
    });
    this.chainKey = chainKey;
    this.input = text;
    this.reason = reason;
  }
}

/**
 * Validation, canonical form and display form of addresses on one chain.
 *
 * @example
 * const codec = getAddressCodec('ethereum');
 * const stored = codec.normalize('0xD37BbE5744D730a1d98d8DC97c42F0Ca46aD7146');
 * // '0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146'
 * codec.display(stored); // '0xD37BbE5744D730a1d98d8DC97c42F0Ca46aD7146'
 * codec.isValid('0x123'); // false
 */
export type AddressCodec = {
  chain: Chain;
  /** canonical stored form; throws InvalidAddressError */
  normalize(input: string): string;
  /** display form of a canonical address (EVM: EIP-55 checksummed) */
  display(canonical: string): string;
  isValid(input: string): boolean;
};

/** A rejection reason; returned (not thrown) by the parsers so `isValid` never pays for a throw. */
class Invalid {
  constructor(readonly reason: string) {}
}
type Parsed = string | Invalid;

const NOT_A_STRING = new Invalid('not a string');
const EMPTY = new Invalid('empty address');

function makeCodec(
  chain: Chain,
  parse: (input: string) => Parsed,
  show: (canonical: string) => string,
): AddressCodec {
  const normalize = (input: string): string => {
    const parsed = parse(input);
    if (typeof parsed === 'string') return parsed;
    throw new InvalidAddressError(chain.key, input, parsed.reason);
  };
  return {
    chain,
    normalize,
    display: (canonical: string) => show(normalize(canonical)),
    isValid: (input: string) => typeof parse(input) === 'string',
  };
}

// ---------------------------------------------------------------------------------------------
// EVM

const EVM_LENGTH = 42; // '0x' + 40 hex
const EVM_BAD_LENGTH = new Invalid('expected 0x followed by 40 hex characters');
const EVM_BAD_PREFIX = new Invalid('must start with lowercase "0x"');
const EVM_BAD_CHECKSUM = new Invalid('bad EIP-55 checksum');

/**
 * Hot path: a charCode scan, no regex, no allocation for the all-lowercase case.
 * Only mixed-case input pays for Keccak-256 (viem `checksumAddress`, which caches).
 */
function parseEvm(input: string): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  let s = input;
  if (s.length !== EVM_LENGTH) {
    s = s.trim();
    if (s.length !== EVM_LENGTH) return s.length === 0 ? EMPTY : EVM_BAD_LENGTH;
  }
  if (s.charCodeAt(0) !== 48 /* 0 */ || s.charCodeAt(1) !== 120 /* x */) return EVM_BAD_PREFIX;
  let hasUpper = false;
  let hasLower = false;
  for (let i = 2; i < EVM_LENGTH; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue; // 0-9
    if (c >= 97 && c <= 102) {
      hasLower = true; // a-f
      continue;
    }
    if (c >= 65 && c <= 70) {
      hasUpper = true; // A-F
      continue;
    }
    return new Invalid(`invalid hex character ${JSON.stringify(s[i])} at position ${i}`);
  }
  if (!hasUpper) return s;
  const lower = s.toLowerCase();
  // EIP-55: an all-uppercase hex body carries no checksum.
  if (!hasLower) return lower;
  return checksumAddress(lower as Address) === s ? lower : EVM_BAD_CHECKSUM;
}

function displayEvm(canonical: string): string {
  return checksumAddress(canonical as Address);
}

// ---------------------------------------------------------------------------------------------
// Base58Check (Bitcoin and Tron)

const base58check = createBase58check((data: Uint8Array) => sha256(data, 'bytes'));
const BASE58_ALPHABET = /^[1-9A-HJ-NP-Za-km-z]+$/;

/** Decodes Base58Check; returns the payload (version byte included) or the reason it failed. */
function decodeBase58check(s: string): Uint8Array | Invalid {
  try {
    return base58check.decode(s);
  } catch {
    if (!BASE58_ALPHABET.test(s)) return new Invalid('invalid base58 character');
    return new Invalid('bad base58check checksum');
  }
}

function hexByte(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Bitcoin

type BitcoinNetwork = {
  name: 'mainnet' | 'testnet';
  hrp: string;
  pubKeyHash: number;
  scriptHash: number;
};

const BITCOIN_NETWORKS: Record<'mainnet' | 'testnet', BitcoinNetwork> = {
  mainnet: { name: 'mainnet', hrp: 'bc', pubKeyHash: 0x00, scriptHash: 0x05 },
  testnet: { name: 'testnet', hrp: 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4 },
};
const BECH32_MAX_LENGTH = 90;
const BECH32_DATA = /^[qpzry9x8gf2tvdw0s3jn54khce6mua7l]*$/;

function parseBitcoin(input: string, net: BitcoinNetwork, other: BitcoinNetwork): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  const s = input.trim();
  if (s.length === 0) return EMPTY;
  const lower = s.toLowerCase();
  if (lower.startsWith(`${net.hrp}1`)) return parseSegwit(s, lower, net);
  if (lower.startsWith(`${other.hrp}1`) || lower.startsWith('bcrt1')) {
    return new Invalid(
      `wrong network: bech32 prefix "${lower.slice(0, lower.indexOf('1'))}" is not ${net.name} ("${net.hrp}")`,
    );
  }
  const payload = decodeBase58check(s);
  if (payload instanceof Invalid) return payload;
  if (payload.length !== 21)
    return new Invalid(`base58check payload is ${payload.length} bytes, expected 21`);
  const version = payload[0];
  if (version === net.pubKeyHash || version === net.scriptHash) return s;
  if (version === other.pubKeyHash || version === other.scriptHash) {
    return new Invalid(`wrong network: version byte ${hexByte(version)} is ${other.name}`);
  }
  const hint = version === 0x41 ? ' (a Tron address)' : '';
  return new Invalid(`unknown base58check version byte ${hexByte(version ?? 0)}${hint}`);
}

/** BIP-173 / BIP-350 segwit address decoding, restricted to P2WPKH, P2WSH and P2TR. */
function parseSegwit(s: string, lower: string, net: BitcoinNetwork): Parsed {
  if (s !== lower && s !== s.toUpperCase()) return new Invalid('mixed-case bech32');
  if (lower.length > BECH32_MAX_LENGTH)
    return new Invalid(`bech32 longer than ${BECH32_MAX_LENGTH} characters`);
  let encoding: 'bech32' | 'bech32m' = 'bech32';
  let decoded = bech32.decodeUnsafe(lower, BECH32_MAX_LENGTH);
  if (!decoded) {
    encoding = 'bech32m';
    decoded = bech32m.decodeUnsafe(lower, BECH32_MAX_LENGTH);
  }
  if (!decoded) {
    const data = lower.slice(lower.lastIndexOf('1') + 1);
    if (!BECH32_DATA.test(data)) return new Invalid('invalid bech32 character');
    return new Invalid(
      data.length < 6 ? 'bech32 checksum too short' : 'bad bech32/bech32m checksum',
    );
  }
  if (decoded.prefix !== net.hrp)
    return new Invalid(`unexpected bech32 prefix "${decoded.prefix}"`);
  const [version, ...programWords] = decoded.words;
  if (version === undefined) return new Invalid('empty witness data');
  if (version > 16) return new Invalid(`invalid witness version ${version}`);
  const program = bech32.fromWordsUnsafe(programWords);
  if (!program) return new Invalid('invalid witness program padding');
  if (program.length < 2 || program.length > 40) {
    return new Invalid(`witness program is ${program.length} bytes, expected 2 to 40`);
  }
  const expected = version === 0 ? 'bech32' : 'bech32m';
  if (encoding !== expected)
    return new Invalid(`witness v${version} must use ${expected}, not ${encoding}`);
  if (version === 0) {
    if (program.length === 20 || program.length === 32) return lower;
    return new Invalid(
      `witness v0 program is ${program.length} bytes, expected 20 (P2WPKH) or 32 (P2WSH)`,
    );
  }
  if (version === 1 && program.length === 32) return lower;
  return new Invalid(
    `unsupported witness v${version} program of ${program.length} bytes (supported: v0 P2WPKH/P2WSH, v1 P2TR)`,
  );
}

// ---------------------------------------------------------------------------------------------
// Tron

const TRON_VERSION = 0x41;
const TRON_HEX = /^(?:0x)?41[0-9a-fA-F]{40}$/;
const HEX_ONLY = /^(?:0x)?[0-9a-fA-F]+$/;
const TRON_BAD_HEX = new Invalid('hex form must be "41" followed by 40 hex digits');

function parseTron(input: string): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  const s = input.trim();
  if (s.length === 0) return EMPTY;
  if (TRON_HEX.test(s)) {
    const hex = s.startsWith('0x') ? s : `0x${s}`;
    return base58check.encode(hexToBytes(hex as `0x${string}`));
  }
  // A base58 Tron address always starts with "T", so a hex-only string is a malformed hex form.
  if (HEX_ONLY.test(s)) return TRON_BAD_HEX;
  const payload = decodeBase58check(s);
  if (payload instanceof Invalid) return payload;
  if (payload.length !== 21)
    return new Invalid(`base58check payload is ${payload.length} bytes, expected 21`);
  if (payload[0] !== TRON_VERSION) {
    return new Invalid(`version byte ${hexByte(payload[0] ?? 0)} is not Tron's 0x41`);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Chains without a codec

/** Longer than any address format we know of (Monero integrated addresses have 106 characters). */
const AS_GIVEN_MAX_LENGTH = 128;
const AS_GIVEN_BAD_CHARACTER = new Invalid('whitespace or control character inside the address');

/**
 * Without a codec nothing can be checked or normalised, so the address is kept as given; case is
 * never changed because most of these chains use case-sensitive base58.
 */
function parseAsGiven(input: string): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  const s = input.trim();
  if (s.length === 0) return EMPTY;
  if (s.length > AS_GIVEN_MAX_LENGTH)
    return new Invalid(`longer than ${AS_GIVEN_MAX_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(s)) return AS_GIVEN_BAD_CHARACTER;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Registry

const identity = (canonical: string): string => canonical;
const codecsByKey = new Map<string, AddressCodec>();
const codecsByName = new Map<string, AddressCodec>();

function createCodec(chain: Chain): AddressCodec {
  switch (chain.family) {
    case 'evm':
      return makeCodec(chain, parseEvm, displayEvm);
    case 'bitcoin': {
      const network = chain.bitcoinNetwork ?? 'mainnet';
      const net = BITCOIN_NETWORKS[network];
      const other = BITCOIN_NETWORKS[network === 'mainnet' ? 'testnet' : 'mainnet'];
      return makeCodec(chain, (input) => parseBitcoin(input, net, other), identity);
    }
    case 'tron':
      return makeCodec(chain, parseTron, identity);
    case 'other':
      return makeCodec(chain, parseAsGiven, identity);
    default: {
      const family: never = chain.family;
      throw new UserError(`No address codec for chain family "${String(family)}"`, {
        code: 'UNKNOWN_CHAIN',
      });
    }
  }
}

/**
 * The address codec of a chain (a {@link Chain} or anything {@link getChain} resolves).
 * One codec is built per chain key and cached.
 *
 * @example
 * const btc = getAddressCodec('bitcoin');
 * btc.normalize('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4'); // 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
 * getAddressCodec('eth') === getAddressCodec(getChain('ethereum')); // true
 */
export function getAddressCodec(chain: Chain | string): AddressCodec {
  if (typeof chain === 'string') {
    const named = codecsByName.get(chain);
    if (named) return named;
    const codec = getAddressCodec(getChain(chain));
    codecsByName.set(chain, codec);
    return codec;
  }
  let codec = codecsByKey.get(chain.key);
  if (!codec) {
    codec = createCodec(chain);
    codecsByKey.set(chain.key, codec);
  }
  return codec;
}

/**
 * The canonical stored form of `input` on `chain`; throws {@link InvalidAddressError}.
 *
 * @example
 * normalizeAddress('ethereum', '0xD37BbE5744D730a1d98d8DC97c42F0Ca46aD7146');
 * // '0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146'
 * normalizeAddress('tron', '41' + '00'.repeat(20)); // 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb' (hex form → T-form)
 */
export function normalizeAddress(chain: Chain | string, input: string): string {
  return getAddressCodec(chain).normalize(input);
}

/**
 * The display form of a canonical address (EVM: EIP-55 checksum; Bitcoin, Tron: unchanged).
 * Throws {@link InvalidAddressError} when `canonical` is not a valid address.
 *
 * @example
 * formatAddress('ethereum', '0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146');
 * // '0xD37BbE5744D730a1d98d8DC97c42F0Ca46aD7146'
 */
export function formatAddress(chain: Chain | string, canonical: string): string {
  return getAddressCodec(chain).display(canonical);
}
