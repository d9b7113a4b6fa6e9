import { hash } from 'node:crypto';
import { UserError } from '../../errors/base.ts';
import type { BitcoinBlock, BitcoinInput, BitcoinOutput, BitcoinTransaction } from './types.ts';

/** Block header: version, previous hash, merkle root, time, bits, nonce. */
const HEADER_BYTES = 80;
const HASH_BYTES = 32;
const PREV_HASH_OFFSET = 4;
const TIME_OFFSET = 68;
/** Outpoint hash + index, then after the script the sequence. */
const OUTPOINT_BYTES = 36;
const SEQUENCE_BYTES = 4;
const VALUE_BYTES = 8;
const VERSION_BYTES = 4;
const LOCKTIME_BYTES = 4;
/** BIP-144: a serialisation with witnesses has 0x00 0x01 after the version. */
const SEGWIT_MARKER = 0x00;
const SEGWIT_FLAG = 0x01;
/** CompactSize prefixes of a 2-, 4- and 8-byte length. */
const VARINT_16 = 0xfd;
const VARINT_32 = 0xfe;
const TWO_POW_32 = 2 ** 32;
/** A value's high word below this makes the whole value a safe integer (2^53 / 2^32). */
const SAFE_HIGH_WORD = 2 ** 21;

/** What is wrong with the bytes, and where; wrapped into a UserError naming the block. */
class MalformedBlock extends Error {}

/** The double SHA-256 of `bytes`, in display order (byte-reversed hex), as ids are written. */
function displayHash256(bytes: Uint8Array): string {
  return hash('sha256', hash('sha256', bytes, 'buffer'), 'buffer')
    .reverse()
    .toString('hex');
}

/**
 * A cursor over one block's bytes. Every read checks its bounds; lengths must be CompactSize in
 * its shortest form, as Bitcoin Core reads them ("non-canonical ReadCompactSize()"), so the slices
 * of the serialisation are the bytes a transaction id commits to.
 */
class WireReader {
  pos = 0;
  /** A 32-byte scratch for outpoint hashes, reversed into display order. */
  private readonly reversed = Buffer.alloc(HASH_BYTES);
  /**
   * A scratch for a segwit transaction's serialisation without witnesses: copied together and
   * hashed in one call, which was faster than a streaming hash of its three parts.
   */
  private stripped: Buffer = Buffer.alloc(0);
  constructor(readonly bytes: Buffer) {}

  /**
   * The id of the transaction from `start` to the cursor: the double SHA-256 of its serialisation
   * without marker, flag and witnesses (version, `body` = inputs and outputs, locktime).
   */
  txid(start: number, bodyStart: number, bodyEnd: number, segwit: boolean): string {
    const b = this.bytes;
    if (!segwit) return displayHash256(b.subarray(start, this.pos));
    const length = VERSION_BYTES + (bodyEnd - bodyStart) + LOCKTIME_BYTES;
    if (this.stripped.length < length)
      this.stripped = Buffer.allocUnsafe(Math.max(length, b.length));
    const s = this.stripped;
    b.copy(s, 0, start, start + VERSION_BYTES);
    b.copy(s, VERSION_BYTES, bodyStart, bodyEnd);
    b.copy(s, length - LOCKTIME_BYTES, this.pos - LOCKTIME_BYTES, this.pos);
    return displayHash256(s.subarray(0, length));
  }

  need(n: number, what: string): void {
    if (n > this.bytes.length - this.pos)
      throw new MalformedBlock(
        `${what} needs ${n} bytes at offset ${this.pos}, but the block ends at ${this.bytes.length}`,
      );
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.bytes.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A CompactSize; one past Number.MAX_SAFE_INTEGER cannot be a length in a block anyway. */
  varint(what: string): number {
    const at = this.pos;
    const first = this.u8(what);
    if (first < VARINT_16) return first;
    let v: number;
    let min: number;
    if (first === VARINT_16) {
      this.need(2, what);
      v = this.bytes.readUInt16LE(this.pos);
      this.pos += 2;
      min = VARINT_16;
    } else if (first === VARINT_32) {
      this.need(4, what);
      v = this.bytes.readUInt32LE(this.pos);
      this.pos += 4;
      min = 0x10000;
    } else {
      this.need(8, what);
      const lo = this.bytes.readUInt32LE(this.pos);
      const hi = this.bytes.readUInt32LE(this.pos + 4);
      this.pos += 8;
      if (hi >= SAFE_HIGH_WORD) throw new MalformedBlock(`${what} at offset ${at} is too large`);
      v = hi * TWO_POW_32 + lo;
      min = TWO_POW_32;
    }
    if (v < min)
      throw new MalformedBlock(`${what} at offset ${at} is not in its shortest form (${v})`);
    return v;
  }

  /** A count of items of at least `minBytes` each: more than the bytes left can hold is an error. */
  count(what: string, minBytes: number): number {
    const at = this.pos;
    const n = this.varint(what);
    if (n * minBytes > this.bytes.length - this.pos)
      throw new MalformedBlock(
        `${what} at offset ${at} is ${n}, more than the ${this.bytes.length - this.pos} bytes left hold`,
      );
    return n;
  }

  /** `n` bytes as a view into the block (no copy). */
  view(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + this.pos, n);
    this.pos += n;
    return v;
  }

  /** The 32 bytes at the cursor in display order (reversed hex); the cursor moves past them. */
  displayHash(): string {
    this.need(HASH_BYTES, 'an outpoint');
    const b = this.bytes;
    const r = this.reversed;
    for (let i = 0, p = this.pos + HASH_BYTES - 1; i < HASH_BYTES; i++, p--) r[i] = b[p]!;
    this.pos += HASH_BYTES;
    return r.toString('hex');
  }

  /** Whether the 32 bytes at `at` are all zero (a coinbase's outpoint). */
  zeroHash(at: number): boolean {
    for (let i = at; i < at + HASH_BYTES; i++) if (this.bytes[i] !== 0) return false;
    return true;
  }

  /** An output's value: satoshis as a signed 64-bit integer, as bitcoinjs-lib reads it. */
  value(): bigint {
    this.need(VALUE_BYTES, 'an output value');
    const b = this.bytes;
    const lo = b.readUInt32LE(this.pos);
    const hi = b.readUInt32LE(this.pos + 4);
    const v = hi < SAFE_HIGH_WORD ? BigInt(hi * TWO_POW_32 + lo) : b.readBigInt64LE(this.pos);
    this.pos += VALUE_BYTES;
    return v;
  }
}

/** One transaction at the reader's cursor; the cursor moves past it. */
function readTransaction(r: WireReader): BitcoinTransaction {
  const start = r.pos;
  r.need(VERSION_BYTES, 'a transaction version');
  r.pos += VERSION_BYTES;
  const b = r.bytes;
  const segwit = r.pos + 1 < b.length && b[r.pos] === SEGWIT_MARKER && b[r.pos + 1] === SEGWIT_FLAG;
  if (segwit) r.pos += 2;
  const bodyStart = r.pos;
  const inputCount = r.count('an input count', OUTPOINT_BYTES + 1 + SEQUENCE_BYTES);
  const coinbase = inputCount === 1 && r.pos + HASH_BYTES <= b.length && r.zeroHash(r.pos);
  const inputs: BitcoinInput[] = [];
  for (let i = 0; i < inputCount; i++) {
    const txid = r.displayHash();
    const vout = r.u32('an outpoint index');
    const scriptLength = r.varint('an input script length');
    r.need(scriptLength + SEQUENCE_BYTES, 'an input script and sequence');
    r.pos += scriptLength + SEQUENCE_BYTES;
    if (!coinbase) inputs.push({ txid, vout, prevout: null });
  }
  const outputCount = r.count('an output count', VALUE_BYTES + 1);
  const outputs: BitcoinOutput[] = [];
  for (let n = 0; n < outputCount; n++) {
    const value = r.value();
    const script = r.view(r.varint('an output script length'), 'an output script');
    outputs.push({ value, script });
  }
  const bodyEnd = r.pos;
  if (segwit) {
    let witnessed = false;
    for (let i = 0; i < inputCount; i++) {
      const items = r.count('a witness item count', 1);
      if (items > 0) witnessed = true;
      for (let k = 0; k < items; k++) {
        const length = r.varint('a witness item length');
        r.need(length, 'a witness item');
        r.pos += length;
      }
    }
    // bitcoinjs-lib and Core refuse the marker with no witness at all.
    if (!witnessed)
      throw new MalformedBlock(`a transaction at offset ${start} has superfluous witness data`);
  }
  r.need(LOCKTIME_BYTES, 'a transaction locktime');
  r.pos += LOCKTIME_BYTES;
  const txid = r.txid(start, bodyStart, bodyEnd, segwit);
  return { txid, coinbase, inputs, outputs };
}

/**
 * A block from its serialisation (`getblock <hash> 0`, or `false` where the node takes only a
 * boolean, as bcoin does). The serialisation has no height: the caller knows which one it asked
 * for.
 *
 * Read here rather than by bitcoinjs-lib's `Block.fromHex`, for the sync's CPU (measured, bench/
 * decode-bitcoin-cpu.ts, the 633 blocks and 24,665 transfers of the Bitcoin sync benchmark's
 * regtest chain): bitcoinjs-lib copies every slice and script and, for each id, serialises the
 * transaction again and hashes it with a JavaScript SHA-256; here scripts are views into one
 * Buffer and ids are node:crypto's double SHA-256 of the serialisation's own bytes. Parsing took
 * 12.0-13.9 µs of CPU per transfer with bitcoinjs-lib, 3.4-3.6 µs here (the same runs, interleaved,
 * machine loaded). Malformed bytes (short, a bad or non-minimal CompactSize, bytes after the last
 * transaction) are a UserError naming the block; bitcoinjs-lib let trailing bytes and non-minimal
 * sizes through.
 *
 * @example
 * const block = parseRawBlock(await getBlock(rpc, hash, false), 50001n);
 */
export function parseRawBlock(hex: string, height: bigint): BitcoinBlock {
  const bytes = Buffer.from(hex, 'hex');
  try {
    // Buffer.from stops at the first character that is not hex.
    if (bytes.length * 2 !== hex.length)
      throw new MalformedBlock(`not hex (stops at character ${bytes.length * 2} of ${hex.length})`);
    if (bytes.length < HEADER_BYTES)
      throw new MalformedBlock(`${bytes.length} bytes, shorter than a block header (80)`);
    const header = bytes.subarray(0, HEADER_BYTES);
    const r = new WireReader(bytes);
    r.pos = HEADER_BYTES;
    const transactions: BitcoinTransaction[] = [];
    // A bare header (80 bytes) has no transactions, as bitcoinjs-lib reads it.
    if (bytes.length > HEADER_BYTES) {
      const count = r.count('the transaction count', VERSION_BYTES + 2 + LOCKTIME_BYTES);
      for (let i = 0; i < count; i++) transactions.push(readTransaction(r));
      if (r.pos !== bytes.length)
        throw new MalformedBlock(
          `${bytes.length - r.pos} bytes after its last transaction (offset ${r.pos})`,
        );
    }
    return {
      header: {
        number: height,
        hash: displayHash256(header),
        parentHash: Buffer.from(header.subarray(PREV_HASH_OFFSET, PREV_HASH_OFFSET + HASH_BYTES))
          .reverse()
          .toString('hex'),
        time: header.readUInt32LE(TIME_OFFSET),
      },
      transactions,
    };
  } catch (error) {
    if (!(error instanceof MalformedBlock)) throw error;
    throw new UserError(`Block ${height} cannot be decoded: ${error.message}`, {
      code: 'RPC_BAD_RESPONSE',
      cause: error,
    });
  }
}
