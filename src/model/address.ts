/**
 * Address codecs: one canonical stored form per chain family, a display form, and validation.
 *
 * - EVM: canonical = lowercase `0x` + 40 hex; display = EIP-55 checksum.
 * - Bitcoin: Base58Check P2PKH/P2SH kept as given; bech32 P2WPKH/P2WSH (witness v0) and
 *   bech32m P2TR (witness v1, 32 bytes) stored lowercase; networks mainnet (`bc`), testnet (`tb`)
 *   and regtest (`bcrt`); an output without an address is `nonstandard<40 hex>` (bitcoin-etl's form).
 * - Tron: Base58Check `T…` form (version byte 0x41); the hex form `41…` is converted to it.
 * - Family `other`, each chain with its own codec (every asset OFAC's SDN list gives addresses for):
 *   - Litecoin (`L…` 0x30, `M…` 0x32, `3…` 0x05; `ltc1…`), Bitcoin SV (`1…`, `3…`), Bitcoin Gold
 *     (`G…` 0x26, `A…` 0x17; `btg1…`), Zcash transparent (`t1…` 0x1cb8, `t3…` 0x1cbd), Dash (`X…`
 *     0x4c, `7…` 0x10), Verge (`D…` 0x1e, 0x21): Base58Check kept as given, bech32 lowercase.
 *   - Bitcoin Cash: CashAddr (`bitcoincash:` optional) stored lowercase without the prefix; legacy
 *     `1…`/`3…` kept as given.
 *   - XRP (`r…`, XRP-alphabet Base58Check), Monero (`4…`, `8…`; and the 64-hex value OFAC lists
 *     under XMR, lowercased), Solana (Base58 of 32 bytes): kept as given. BNB Beacon (`bnb1…`):
 *     lowercase.
 *   - A chain of family `other` without a codec keeps the address exactly as given (trimmed); only
 *     empty input and whitespace or control characters are rejected.
 *
 * Hashing and checksums come from viem (Keccak-256, SHA-256) and @scure/base (Base58, Base58Check,
 * the XRP and Monero Base58 alphabets, bech32, bech32m); nothing here hashes by hand. The one
 * checksum written here is CashAddr's polymod, which no installed library implements.
 */
import { base58, base58xmr, base58xrp, bech32, bech32m, createBase58check } from '@scure/base';
import { checksumAddress, hexToBytes, keccak256, sha256, type Address } from 'viem';

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

/**
 * The last input decoded and its result: detecting an address's chains (src/screen/detect-chain.ts)
 * runs a dozen Base58Check codecs on the same string in a row, and this makes that one decode.
 * Callers only read the payload.
 */
let lastBase58check: { input: string; result: Uint8Array | Invalid } | null = null;

/** Decodes Base58Check; returns the payload (version byte included) or the reason it failed. */
function decodeBase58check(s: string): Uint8Array | Invalid {
  if (lastBase58check?.input === s) return lastBase58check.result;
  let result: Uint8Array | Invalid;
  try {
    result = base58check.decode(s);
  } catch {
    result = BASE58_ALPHABET.test(s)
      ? new Invalid('bad base58check checksum')
      : new Invalid('invalid base58 character');
  }
  lastBase58check = { input: s, result };
  return result;
}

function hexByte(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Bitcoin

type BitcoinNetwork = {
  name: 'mainnet' | 'testnet' | 'regtest';
  hrp: string;
  pubKeyHash: number;
  scriptHash: number;
};

const BITCOIN_NETWORKS: Record<'mainnet' | 'testnet' | 'regtest', BitcoinNetwork> = {
  mainnet: { name: 'mainnet', hrp: 'bc', pubKeyHash: 0x00, scriptHash: 0x05 },
  testnet: { name: 'testnet', hrp: 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4 },
  // Bitcoin Core's regtest (chainparams.cpp): testnet's version bytes, bech32 prefix `bcrt`.
  regtest: { name: 'regtest', hrp: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4 },
};
/**
 * What an output whose script has no address (OP_RETURN, bare multisig, non-standard) is stored
 * under: bitcoin-etl's `nonstandard` + the first 40 hex digits of the script's SHA-256
 * (src/chains/bitcoin/script-address.ts). Accepted so that such an output can be looked up.
 */
const BITCOIN_PSEUDO_ADDRESS = /^nonstandard[0-9a-f]{40}$/;

/**
 * Whether a stored Bitcoin-family address is the pseudo-address of an output whose script has none
 * (OP_RETURN, bare multisig, non-standard): no one can be asked about it, and pages say so.
 *
 * @example
 * isBitcoinPseudoAddress('nonstandarde3b0c44298fc1c149afbf4c8996fb92427ae41e4'); // true
 * isBitcoinPseudoAddress('1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ'); // false
 */
export function isBitcoinPseudoAddress(address: string): boolean {
  return BITCOIN_PSEUDO_ADDRESS.test(address);
}
/** Bech32 prefixes of every Bitcoin network, to name the network of an address given on another. */
const BITCOIN_HRPS = Object.values(BITCOIN_NETWORKS).map((n) => n.hrp);
const BECH32_MAX_LENGTH = 90;
const BECH32_DATA = /^[qpzry9x8gf2tvdw0s3jn54khce6mua7l]*$/;

function parseBitcoin(input: string, net: BitcoinNetwork, other: BitcoinNetwork): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  const s = input.trim();
  if (s.length === 0) return EMPTY;
  const lower = s.toLowerCase();
  if (lower.startsWith(`${net.hrp}1`)) return parseSegwit(s, lower, net);
  if (BITCOIN_PSEUDO_ADDRESS.test(lower)) return lower;
  const foreign = BITCOIN_HRPS.find((hrp) => hrp !== net.hrp && lower.startsWith(`${hrp}1`));
  if (foreign !== undefined) {
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
function parseSegwit(s: string, lower: string, net: Pick<BitcoinNetwork, 'hrp'>): Parsed {
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
// Bitcoin-derived chains: Base58Check (and for some, bech32) with their own version bytes

/**
 * One Bitcoin-derived chain's mainnet address forms, from its chain parameters. Version prefixes are
 * one byte, except Zcash's two (`t1` = 0x1cb8, `t3` = 0x1cbd).
 */
type UtxoSpec = {
  /** Human-readable chain name for messages. */
  name: string;
  /** Mainnet Base58Check version prefixes (P2PKH, P2SH), each 1 or 2 bytes. */
  versions: readonly (readonly number[])[];
  /** Bech32 segwit prefix, when the chain has segwit addresses. */
  hrp?: string;
};

/** RIPEMD-160 of SHA-256: the 20-byte hash every legacy form carries after its version prefix. */
const HASH160_LENGTH = 20;

/**
 * Version bytes of other networks' legacy addresses, to say which network an address belongs to when
 * it is refused (the chains' chainparams; 0x1e is also Dogecoin's, 0x05 Bitcoin's and Litecoin's old).
 */
const FOREIGN_VERSIONS: ReadonlyMap<number, string> = new Map([
  [0x00, 'Bitcoin P2PKH'],
  [0x05, 'Bitcoin P2SH'],
  [0x6f, 'Bitcoin testnet P2PKH'],
  [0xc4, 'Bitcoin testnet P2SH'],
  [0x30, 'Litecoin P2PKH'],
  [0x32, 'Litecoin P2SH'],
  [0x26, 'Bitcoin Gold P2PKH'],
  [0x17, 'Bitcoin Gold P2SH'],
  [0x4c, 'Dash P2PKH'],
  [0x10, 'Dash P2SH'],
  [0x1e, 'Verge (or Dogecoin) P2PKH'],
  [0x21, 'Verge P2SH'],
  [0x41, 'Tron'],
]);

/** Bech32 prefixes of other chains, for the same purpose. */
const FOREIGN_HRPS: readonly string[] = ['bc', 'tb', 'bcrt', 'ltc', 'tltc', 'btg', 'tbtg', 'bnb'];

function hasPrefix(payload: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => payload[i] === b);
}

function prefixHex(bytes: readonly number[] | Uint8Array): string {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Legacy (Base58Check) and, where the chain has them, segwit addresses of a Bitcoin-derived chain. */
function parseUtxo(input: string, spec: UtxoSpec): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  const s = input.trim();
  if (s.length === 0) return EMPTY;
  const lower = s.toLowerCase();
  if (spec.hrp !== undefined && lower.startsWith(`${spec.hrp}1`)) {
    return parseSegwit(s, lower, { hrp: spec.hrp });
  }
  const foreignHrp = FOREIGN_HRPS.find((hrp) => lower.startsWith(`${hrp}1`));
  if (foreignHrp !== undefined) {
    return new Invalid(
      `wrong network: bech32 prefix "${foreignHrp}" is not ${spec.name}` +
        (spec.hrp === undefined ? ` (${spec.name} has no segwit addresses)` : ` ("${spec.hrp}")`),
    );
  }
  const payload = decodeBase58check(s);
  if (payload instanceof Invalid) return payload;
  const versionLength = spec.versions[0]?.length ?? 1;
  const expected = versionLength + HASH160_LENGTH;
  const version = spec.versions.find((v) => hasPrefix(payload, v));
  if (version !== undefined) {
    if (payload.length === expected) return s;
    return new Invalid(`base58check payload is ${payload.length} bytes, expected ${expected}`);
  }
  const foreign =
    payload.length === 1 + HASH160_LENGTH ? FOREIGN_VERSIONS.get(payload[0]!) : undefined;
  const shown = prefixHex(payload.subarray(0, versionLength));
  return new Invalid(
    foreign === undefined
      ? `unknown ${spec.name} base58check version ${shown}`
      : `wrong network: version byte ${hexByte(payload[0]!)} is ${foreign}, not ${spec.name}`,
  );
}

const LITECOIN: UtxoSpec = {
  name: 'Litecoin',
  // L… (0x30), M… (0x32, P2SH since 2017) and 3… (0x05, the P2SH version Litecoin used before M…).
  versions: [[0x30], [0x32], [0x05]],
  hrp: 'ltc',
};
/** Bitcoin Cash and Bitcoin SV kept Bitcoin's legacy versions: a `1…`/`3…` key controls all three. */
const BITCOIN_CASH_LEGACY: UtxoSpec = { name: 'Bitcoin Cash', versions: [[0x00], [0x05]] };
const BITCOIN_SV: UtxoSpec = { name: 'Bitcoin SV', versions: [[0x00], [0x05]] };
const BITCOIN_GOLD: UtxoSpec = { name: 'Bitcoin Gold', versions: [[0x26], [0x17]], hrp: 'btg' };
/** Zcash transparent addresses only (t1…, t3…); shielded (z…, u…) addresses are not listed by OFAC. */
const ZCASH: UtxoSpec = {
  name: 'Zcash',
  versions: [
    [0x1c, 0xb8],
    [0x1c, 0xbd],
  ],
};
const DASH: UtxoSpec = { name: 'Dash', versions: [[0x4c], [0x10]] };
const VERGE: UtxoSpec = { name: 'Verge', versions: [[0x1e], [0x21]] };

// ---------------------------------------------------------------------------------------------
// Bitcoin Cash CashAddr

const CASHADDR_PREFIX = 'bitcoincash';
const CASHADDR_OTHER_PREFIXES = ['bchtest', 'bchreg'];
const CASHADDR_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
/** 8 five-bit words: the 40-bit BCH-code checksum. */
const CASHADDR_CHECKSUM_WORDS = 8;
/** Hash sizes in bytes indexed by the type byte's 3 size bits (spec, "Type byte"). */
const CASHADDR_HASH_SIZES = [20, 24, 28, 32, 40, 48, 56, 64];
const CASHADDR_TYPE_P2PKH = 0;
const CASHADDR_TYPE_P2SH = 1;
/** P2SH32 (32-byte script hash, Bitcoin Cash May 2023 upgrade); every other address is 20 bytes. */
const P2SH32_LENGTH = 32;
const CASHADDR_GENERATORS = [
  0x98f2bc8e61n,
  0x79b76d99e2n,
  0xf33e5fb3c4n,
  0xae2eabe2a8n,
  0x1e4f43e470n,
] as const;
const LOW_35_BITS = 0x07ffffffffn;

/**
 * The CashAddr BCH-code checksum (spec "Checksum", `PolyMod`), over five-bit words; an address is
 * intact when this is 0 over prefix, separator and payload. No library at hand implements it (it is
 * not bech32's polymod: 40 bits, other generators), so it is transcribed from the spec's C++ code.
 */
function cashaddrPolymod(words: readonly number[]): bigint {
  let c = 1n;
  for (const d of words) {
    const c0 = Number(c >> 35n);
    c = ((c & LOW_35_BITS) << 5n) ^ BigInt(d);
    for (let bit = 0; bit < CASHADDR_GENERATORS.length; bit++) {
      if ((c0 >> bit) & 1) c ^= CASHADDR_GENERATORS[bit]!;
    }
  }
  return c ^ 1n;
}

/**
 * CashAddr (https://github.com/bitcoincashorg/bitcoincash.org/blob/master/spec/cashaddr.md), with or
 * without the `bitcoincash:` prefix. Canonical form: lowercase without the prefix (mainnet's is
 * implied; the checksum covers it either way). OFAC lists CashAddr addresses that way, and rows
 * stored before this codec (kept as given) are in that form; one stored form means a label found
 * under one spelling is found under the other.
 */
function parseCashAddr(s: string): Parsed {
  const lower = s.toLowerCase();
  if (s !== lower && s !== s.toUpperCase()) return new Invalid('mixed-case cashaddr');
  const colon = lower.indexOf(':');
  const prefix = colon === -1 ? CASHADDR_PREFIX : lower.slice(0, colon);
  const payload = lower.slice(colon + 1);
  if (prefix !== CASHADDR_PREFIX) {
    return CASHADDR_OTHER_PREFIXES.includes(prefix)
      ? new Invalid(`wrong network: cashaddr prefix "${prefix}" is not mainnet ("bitcoincash")`)
      : new Invalid(`unknown cashaddr prefix "${prefix}"`);
  }
  const words: number[] = [];
  for (const ch of payload) {
    const w = CASHADDR_CHARSET.indexOf(ch);
    if (w === -1) return new Invalid(`invalid cashaddr character ${JSON.stringify(ch)}`);
    words.push(w);
  }
  if (words.length <= CASHADDR_CHECKSUM_WORDS) return new Invalid('cashaddr too short');
  // Prefix characters contribute their low 5 bits, then a 0 for the ':' separator (spec).
  const checked = [...Array.from(prefix, (ch) => ch.charCodeAt(0) & 31), 0, ...words];
  if (cashaddrPolymod(checked) !== 0n) return new Invalid('bad cashaddr checksum');
  const bytes = bech32.fromWordsUnsafe(words.slice(0, -CASHADDR_CHECKSUM_WORDS));
  if (!bytes || bytes.length === 0) return new Invalid('invalid cashaddr payload padding');
  const versionByte = bytes[0]!;
  const hashLength = bytes.length - 1;
  if (versionByte & 0x80) return new Invalid('cashaddr type byte has its reserved bit set');
  if (CASHADDR_HASH_SIZES[versionByte & 7] !== hashLength) {
    return new Invalid(
      `cashaddr size bits say ${CASHADDR_HASH_SIZES[versionByte & 7]} bytes, payload has ${hashLength}`,
    );
  }
  const type = versionByte >> 3;
  const supported =
    (type === CASHADDR_TYPE_P2PKH && hashLength === HASH160_LENGTH) ||
    (type === CASHADDR_TYPE_P2SH &&
      (hashLength === HASH160_LENGTH || hashLength === P2SH32_LENGTH));
  if (!supported) {
    return new Invalid(
      `unsupported cashaddr type ${type} with a ${hashLength}-byte hash (supported: P2PKH 20, P2SH 20 or 32)`,
    );
  }
  return payload;
}

/** A CashAddr without prefix starts with its type character: `q` (P2PKH) or `p` (P2SH). */
const CASHADDR_SHAPE = /^(?:[a-z]+:)?[qp][02-9ac-hj-np-z]+$/i;

function parseBitcoinCash(input: string): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  const s = input.trim();
  if (s.length === 0) return EMPTY;
  if (s.includes(':') || CASHADDR_SHAPE.test(s)) return parseCashAddr(s);
  return parseUtxo(s, BITCOIN_CASH_LEGACY);
}

// ---------------------------------------------------------------------------------------------
// XRP Ledger

const XRP_ACCOUNT_VERSION = 0x00;
const XRP_CHECKSUM_LENGTH = 4;
const XRP_PAYLOAD_LENGTH = 1 + HASH160_LENGTH;

/** True when the last 4 bytes are the first 4 of `hash(rest)`. */
function checksumMatches(
  bytes: Uint8Array,
  length: number,
  hash: (data: Uint8Array) => Uint8Array,
): boolean {
  const body = bytes.subarray(0, bytes.length - length);
  const sum = hash(body);
  for (let i = 0; i < length; i++) if (sum[i] !== bytes[body.length + i]) return false;
  return true;
}

const doubleSha256 = (data: Uint8Array): Uint8Array => sha256(sha256(data, 'bytes'), 'bytes');

/**
 * Classic XRP addresses (`r…`): Base58Check with XRP's own alphabet (@scure/base `base58xrp`),
 * version 0x00 and a 20-byte account ID. X-addresses (`X…`) are not accepted.
 */
function parseXrp(input: string): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  const s = input.trim();
  if (s.length === 0) return EMPTY;
  if (!s.startsWith('r')) return new Invalid('a classic XRP address starts with "r"');
  let bytes: Uint8Array;
  try {
    bytes = base58xrp.decode(s);
  } catch {
    return new Invalid('invalid base58 (XRP alphabet) character');
  }
  if (bytes.length !== XRP_PAYLOAD_LENGTH + XRP_CHECKSUM_LENGTH) {
    return new Invalid(
      `payload is ${bytes.length - XRP_CHECKSUM_LENGTH} bytes, expected ${XRP_PAYLOAD_LENGTH}`,
    );
  }
  if (!checksumMatches(bytes, XRP_CHECKSUM_LENGTH, doubleSha256))
    return new Invalid('bad base58check checksum');
  if (bytes[0] !== XRP_ACCOUNT_VERSION)
    return new Invalid(`version byte ${hexByte(bytes[0]!)} is not an XRP account's 0x00`);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Monero

/** Mainnet network bytes (one-byte varints): standard `4…`, integrated `4…`, subaddress `8…`. */
const MONERO_STANDARD = 18;
const MONERO_INTEGRATED = 19;
const MONERO_SUBADDRESS = 42;
/** Testnet (53, 54, 63) and stagenet (24, 25, 36) network bytes, to name them when refused. */
const MONERO_OTHER_NETWORKS: ReadonlyMap<number, string> = new Map([
  [53, 'testnet'],
  [54, 'testnet'],
  [63, 'testnet'],
  [24, 'stagenet'],
  [25, 'stagenet'],
  [36, 'stagenet'],
]);
/** Network byte + public spend key (32) + public view key (32) + checksum (4). */
const MONERO_STANDARD_BYTES = 1 + 32 + 32 + 4;
/** The same with an 8-byte payment ID before the checksum. */
const MONERO_INTEGRATED_BYTES = MONERO_STANDARD_BYTES + 8;
const MONERO_CHECKSUM_LENGTH = 4;
const HEX_64 = /^[0-9a-fA-F]{64}$/;

const keccak = (data: Uint8Array): Uint8Array => keccak256(data, 'bytes');

/**
 * Monero addresses: Monero's block Base58 (@scure/base `base58xmr`) of network byte, keys and a
 * checksum that is the first 4 bytes of Keccak-256 of the rest. Kept as given.
 *
 * A 64-hex string is also accepted, lowercased: the SDN list of 2025-11-19 gives one under XMR
 * (KARASAVIDI Dmitrii, `5be5543f…c320`). It is no Monero address form (its length is that of a key or
 * transaction hash), but the list is what screening must match, so it is stored as listed, in
 * lowercase so that its hex digits compare whatever case they are typed in.
 */
function parseMonero(input: string): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  const s = input.trim();
  if (s.length === 0) return EMPTY;
  if (HEX_64.test(s)) return s.toLowerCase();
  let bytes: Uint8Array;
  try {
    bytes = base58xmr.decode(s);
  } catch {
    return BASE58_ALPHABET.test(s)
      ? new Invalid('not a Monero base58 length')
      : new Invalid('invalid base58 character');
  }
  const network = bytes[0]!;
  const other = MONERO_OTHER_NETWORKS.get(network);
  if (other !== undefined)
    return new Invalid(`wrong network: network byte ${network} is Monero ${other}`);
  const expected =
    network === MONERO_INTEGRATED
      ? MONERO_INTEGRATED_BYTES
      : network === MONERO_STANDARD || network === MONERO_SUBADDRESS
        ? MONERO_STANDARD_BYTES
        : undefined;
  if (expected === undefined) return new Invalid(`unknown Monero network byte ${network}`);
  if (bytes.length !== expected)
    return new Invalid(`decodes to ${bytes.length} bytes, expected ${expected}`);
  if (!checksumMatches(bytes, MONERO_CHECKSUM_LENGTH, keccak))
    return new Invalid('bad Monero checksum');
  return s;
}

// ---------------------------------------------------------------------------------------------
// Solana

/** An Ed25519 public key (or a program-derived address): 32 bytes. */
const SOLANA_KEY_BYTES = 32;

/**
 * Solana addresses are plain Base58 of 32 bytes, with no checksum: a mistyped character is caught
 * only when it changes the length. Kept as given (Base58 is case-sensitive).
 */
function parseSolana(input: string): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  const s = input.trim();
  if (s.length === 0) return EMPTY;
  if (!BASE58_ALPHABET.test(s)) return new Invalid('invalid base58 character');
  const bytes = base58.decode(s);
  if (bytes.length !== SOLANA_KEY_BYTES) {
    return new Invalid(`decodes to ${bytes.length} bytes, expected ${SOLANA_KEY_BYTES}`);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// BNB Beacon Chain

const BNB_HRP = 'bnb';
const BNB_TESTNET_HRP = 'tbnb';

/** BNB Beacon Chain (Cosmos SDK) accounts: bech32 `bnb1…` of a 20-byte address; stored lowercase. */
function parseBnbBeacon(input: string): Parsed {
  if (typeof input !== 'string') return NOT_A_STRING;
  const s = input.trim();
  if (s.length === 0) return EMPTY;
  const lower = s.toLowerCase();
  if (s !== lower && s !== s.toUpperCase()) return new Invalid('mixed-case bech32');
  if (lower.startsWith(`${BNB_TESTNET_HRP}1`))
    return new Invalid('wrong network: "tbnb" is BNB Beacon testnet');
  if (!lower.startsWith(`${BNB_HRP}1`))
    return new Invalid('a BNB Beacon Chain address starts with "bnb1"');
  const decoded = bech32.decodeUnsafe(lower, BECH32_MAX_LENGTH);
  if (!decoded) {
    const data = lower.slice(BNB_HRP.length + 1);
    return new Invalid(BECH32_DATA.test(data) ? 'bad bech32 checksum' : 'invalid bech32 character');
  }
  const bytes = bech32.fromWordsUnsafe(decoded.words);
  if (!bytes) return new Invalid('invalid bech32 padding');
  if (bytes.length !== HASH160_LENGTH)
    return new Invalid(`decodes to ${bytes.length} bytes, expected ${HASH160_LENGTH}`);
  return lower;
}

/** Codecs of chains of family `other`, by chain key; a chain not listed keeps addresses as given. */
const OTHER_PARSERS: ReadonlyMap<string, (input: string) => Parsed> = new Map([
  ['litecoin', (input: string) => parseUtxo(input, LITECOIN)],
  ['bitcoin-cash', parseBitcoinCash],
  ['bitcoin-sv', (input: string) => parseUtxo(input, BITCOIN_SV)],
  ['bitcoin-gold', (input: string) => parseUtxo(input, BITCOIN_GOLD)],
  ['zcash', (input: string) => parseUtxo(input, ZCASH)],
  ['dash', (input: string) => parseUtxo(input, DASH)],
  ['verge', (input: string) => parseUtxo(input, VERGE)],
  ['xrp', parseXrp],
  ['monero', parseMonero],
  ['solana', parseSolana],
  ['bnb-beacon', parseBnbBeacon],
]);

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
      return makeCodec(chain, OTHER_PARSERS.get(chain.key) ?? parseAsGiven, identity);
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
 * A pattern (RE2 and JavaScript alike) that the canonical form of an address on `chain` matches in
 * full and that the codec returns unchanged: a store may keep text matching it as written. Null
 * when the chain has none that simple (Base58 and bech32 forms need their checksums verified).
 *
 * @example
 * canonicalAddressPattern(getChain('ethereum')); // '0x[0-9a-f]{40}'
 */
export function canonicalAddressPattern(chain: Chain): string | null {
  // parseEvm returns all-lowercase 0x + 40 hex as given: only mixed case carries a checksum.
  return chain.family === 'evm' ? '0x[0-9a-f]{40}' : null;
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
