import { hash } from 'node:crypto';
import { bech32, bech32m, createBase58check } from '@scure/base';
import { crypto, type Network, opcodes, script as bscript } from 'bitcoinjs-lib';

/**
 * An output script's type, named as Bitcoin Core's `scriptPubKey.type` (and bitcoin-etl's `type`)
 * names it.
 */
export type ScriptType =
  | 'pubkey'
  | 'pubkeyhash'
  | 'scripthash'
  | 'multisig'
  | 'nulldata'
  | 'witness_v0_keyhash'
  | 'witness_v0_scripthash'
  | 'witness_v1_taproot'
  | 'anchor'
  | 'witness_unknown'
  | 'nonstandard';

/** What {@link scriptAddress} returns. */
export type ScriptAddress = {
  type: ScriptType;
  /** The stored address: a real one, or {@link nonstandardAddress} for a script without one. */
  address: string;
  /** `nulldata` (OP_RETURN): the bytes pushed after OP_RETURN, joined. */
  data?: Uint8Array;
};

/** Hex digits of the script's SHA-256 that bitcoin-etl keeps in a pseudo-address. */
const PSEUDO_ADDRESS_HEX_DIGITS = 40;
const P2SH_LENGTH = 23; // OP_HASH160 <20> OP_EQUAL
const P2PKH_LENGTH = 25; // OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
const COMPRESSED_KEY_LENGTH = 33;
const UNCOMPRESSED_KEY_LENGTH = 65;
const HASH160_LENGTH = 20;
const SHA256_LENGTH = 32;
/** A witness program is 2 to 40 bytes after its version opcode and one push (BIP-141). */
const WITNESS_PROGRAM_MIN = 2;
const WITNESS_PROGRAM_MAX = 40;
/** Pay-to-anchor (Bitcoin Core 28): witness v1 with the 2-byte program 0x4e73. */
const ANCHOR_PROGRAM = [0x4e, 0x73];
const MAX_MULTISIG_KEYS = 16;

const sha256 = (bytes: Uint8Array): Uint8Array => hash('sha256', bytes, 'buffer');
/**
 * Base58Check (P2PKH, P2SH) and bech32/bech32m (witness programs) by @scure/base, with node:crypto's
 * SHA-256, instead of bitcoinjs-lib's `payments.p2pkh/p2sh` and `address.toBech32`, which validate
 * the script again, build lazy objects and hash in JavaScript: the sync's decode CPU
 * (bench/decode-bitcoin-cpu.ts, the Bitcoin sync benchmark's 24,665 transfers) fell from 16.2 to
 * 14.9 µs per transfer with this alone. A hand-written bech32 encoder was no faster than
 * @scure/base's (3-10 µs each, 20,000 P2WPKH programs, loaded machine).
 */
const base58check = createBase58check(sha256);
/** A version byte then a 20-byte hash: what a P2PKH or P2SH address encodes. */
const VERSIONED_HASH_LENGTH = 1 + 20;
/** Bech32 addresses may be up to 90 characters (BIP-173); segwit v0-v16 programs stay within it. */
const BECH32_LIMIT = 90;

/** The Base58Check address of `hash` (20 bytes) under `version` (network.pubKeyHash, scriptHash). */
function base58Address(version: number, hash: Uint8Array): string {
  const payload = new Uint8Array(VERSIONED_HASH_LENGTH);
  payload[0] = version;
  payload.set(hash, 1);
  return base58check.encode(payload);
}

/** The segwit address of a witness program: bech32 for version 0, bech32m after (BIP-350). */
function segwitAddress(version: number, program: Uint8Array, prefix: string): string {
  const words = [version, ...bech32.toWords(program)];
  return (version === 0 ? bech32 : bech32m).encode(prefix, words, BECH32_LIMIT);
}

/**
 * The stand-in address of an output script that has none (OP_RETURN, bare multisig, anything
 * non-standard), as bitcoin-etl writes it: `nonstandard` + the first 40 hex digits of the SHA-256
 * of the script bytes (blockchain-etl/bitcoin-etl @ b62aedd, bitcoinetl/service/btc_script_service.py
 * `script_hex_to_non_standard_address`, applied in btc_service.py `_add_non_standard_addresses` to
 * every output for which the node gives no address). Stable: the same script always gives the
 * same pseudo-address, on every chain. bitcoin-etl has no separate convention for multisig (no
 * `multisig…` form anywhere in it): older Bitcoin Core listed each key's P2PKH address in
 * `addresses`, which bitcoin-etl kept as a list; Core 22 dropped `addresses` and gives bare
 * multisig no address, so bitcoin-etl then writes `nonstandard…`. A transfer has one receiver, so
 * chaintrail always takes the pseudo-address.
 *
 * @example
 * nonstandardAddress(new Uint8Array()); // 'nonstandarde3b0c44298fc1c149afbf4c8996fb92427ae41e4'
 */
export function nonstandardAddress(script: Uint8Array): string {
  return `nonstandard${hash('sha256', script, 'hex').slice(0, PSEUDO_ADDRESS_HEX_DIGITS)}`;
}

/**
 * Core's `CPubKey::ValidSize`: a 33-byte key starts with 02 or 03, a 65-byte one with 04, 06 or 07
 * (hybrid). The point itself is not checked, as Core's script solver does not check it.
 */
function validKeySize(key: Uint8Array): boolean {
  const t = key[0];
  if (key.length === COMPRESSED_KEY_LENGTH) return t === 0x02 || t === 0x03;
  if (key.length === UNCOMPRESSED_KEY_LENGTH) return t === 0x04 || t === 0x06 || t === 0x07;
  return false;
}

/** `OP_1`..`OP_16` as a number, else null. */
function smallInt(op: number | Uint8Array | undefined): number | null {
  return typeof op === 'number' && op >= opcodes.OP_1 && op <= opcodes.OP_16
    ? op - opcodes.OP_1 + 1
    : null;
}

/** A witness program (BIP-141): its version and program, or null. */
function witnessProgram(s: Uint8Array): { version: number; program: Uint8Array } | null {
  if (s.length < WITNESS_PROGRAM_MIN + 2 || s.length > WITNESS_PROGRAM_MAX + 2) return null;
  const op = s[0]!;
  const version = op === opcodes.OP_0 ? 0 : smallInt(op);
  if (version === null || s[1] !== s.length - 2) return null;
  return { version, program: s.subarray(2) };
}

/** The type of a witness program's script (BIP-141; v0 of another length has no address). */
function witnessType(version: number, program: Uint8Array): ScriptType {
  if (version === 0) {
    if (program.length === HASH160_LENGTH) return 'witness_v0_keyhash';
    if (program.length === SHA256_LENGTH) return 'witness_v0_scripthash';
    return 'nonstandard';
  }
  if (version === 1 && program.length === SHA256_LENGTH) return 'witness_v1_taproot';
  if (
    version === 1 &&
    program.length === ANCHOR_PROGRAM.length &&
    program[0] === ANCHOR_PROGRAM[0] &&
    program[1] === ANCHOR_PROGRAM[1]
  )
    return 'anchor';
  return 'witness_unknown';
}

/** The pushed bytes after OP_RETURN, or null when anything but pushes follows (Core: non-standard). */
function nullData(s: Uint8Array): Uint8Array | null {
  if (s[0] !== opcodes.OP_RETURN) return null;
  const chunks = bscript.decompile(s.subarray(1));
  if (chunks === null) return null;
  const parts: Uint8Array[] = [];
  for (const c of chunks) {
    if (c instanceof Uint8Array) parts.push(c);
    else if (c > opcodes.OP_16) return null; // an opcode that pushes nothing
  }
  return Uint8Array.from(Buffer.concat(parts));
}

/** A bare multisig script: `OP_m <keys> OP_n OP_CHECKMULTISIG` with valid key sizes. */
function isMultisig(s: Uint8Array): boolean {
  if (s[s.length - 1] !== opcodes.OP_CHECKMULTISIG) return false;
  const chunks = bscript.decompile(s);
  if (chunks === null || chunks.length < 4) return false;
  const m = smallInt(chunks[0]);
  const n = smallInt(chunks[chunks.length - 2]);
  const keys = chunks.slice(1, -2);
  return (
    m !== null &&
    n !== null &&
    m <= n &&
    n === keys.length &&
    n <= MAX_MULTISIG_KEYS &&
    keys.every((k) => k instanceof Uint8Array && validKeySize(k))
  );
}

/**
 * The address an output script pays, derived with explicit network parameters
 * ({@link bitcoinNetworkOf}), classified in the order of Bitcoin Core's script solver
 * (src/script/solver.cpp `Solver`):
 *
 * - P2SH, P2PKH: Base58Check; P2WPKH, P2WSH: bech32; P2TR, pay-to-anchor and future witness
 *   versions: bech32m (bitcoinjs-lib's encoders; Core gives these an address too);
 * - P2PK (`<key> OP_CHECKSIG`): the P2PKH address of the key as written, as bitcoin-etl's
 *   exports have it (older Bitcoin Core printed it so; the recorded responses in
 *   test/fixtures/bitcoin-etl show it) and block explorers show it: the genesis output is
 *   `1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa`. Newer Core prints none, and bitcoin-etl run on it then
 *   writes `nonstandard…` (its issue #43): chaintrail keeps the address;
 * - OP_RETURN (`nulldata`), bare multisig and anything else: {@link nonstandardAddress}; OP_RETURN
 *   also gives its pushed bytes (`data`), for memos.
 *
 * @example
 * scriptAddress(Buffer.from('76a914b5cd7aaed869cd5ccb45868e8666e7e934a2373688ac', 'hex'), networks.bitcoin);
 * // { type: 'pubkeyhash', address: '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ' }
 */
export function scriptAddress(script: Uint8Array, network: Network): ScriptAddress {
  const s = script;
  if (
    s.length === P2SH_LENGTH &&
    s[0] === opcodes.OP_HASH160 &&
    s[1] === HASH160_LENGTH &&
    s[22] === opcodes.OP_EQUAL
  ) {
    return { type: 'scripthash', address: base58Address(network.scriptHash, s.subarray(2, 22)) };
  }
  const witness = witnessProgram(s);
  if (witness) {
    const { version, program } = witness;
    const type = witnessType(version, program);
    return {
      type,
      address:
        type === 'nonstandard'
          ? nonstandardAddress(s)
          : segwitAddress(version, program, network.bech32),
    };
  }
  const data = nullData(s);
  if (data) return { type: 'nulldata', address: nonstandardAddress(s), data };
  if (
    (s.length === COMPRESSED_KEY_LENGTH + 2 || s.length === UNCOMPRESSED_KEY_LENGTH + 2) &&
    s[0] === s.length - 2 &&
    s[s.length - 1] === opcodes.OP_CHECKSIG
  ) {
    const key = s.subarray(1, -1);
    if (validKeySize(key)) {
      return { type: 'pubkey', address: base58Address(network.pubKeyHash, crypto.hash160(key)) };
    }
  }
  if (
    s.length === P2PKH_LENGTH &&
    s[0] === opcodes.OP_DUP &&
    s[1] === opcodes.OP_HASH160 &&
    s[2] === HASH160_LENGTH &&
    s[23] === opcodes.OP_EQUALVERIFY &&
    s[24] === opcodes.OP_CHECKSIG
  ) {
    return { type: 'pubkeyhash', address: base58Address(network.pubKeyHash, s.subarray(3, 23)) };
  }
  if (isMultisig(s)) return { type: 'multisig', address: nonstandardAddress(s) };
  return { type: 'nonstandard', address: nonstandardAddress(s) };
}
