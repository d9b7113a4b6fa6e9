import { createHash } from 'node:crypto';
import { base58, base58xrp, bech32, createBase58check, hex } from '@scure/base';

/**
 * Valid addresses of many chains made from seeded pseudo-random bytes (SHA-256 in counter mode), so
 * a test that screens them is the same on every run. They are real encodings (checksums included)
 * of hashes no one holds a key for, so no list can name them: screening must flag none.
 */

const sha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();
const base58checkBitcoin = createBase58check(sha256);

/** A function returning `n` pseudo-random bytes per call, from `seed`. */
function randomBytes(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let filled = 0; filled < n; filled += 32) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, n - filled)), filled);
    }
    return out;
  };
}

const concat = (a: readonly number[], b: Uint8Array): Uint8Array => new Uint8Array([...a, ...b]);

/** Base58check with Ripple's alphabet (XRP): the same double-SHA-256 checksum. */
function base58checkXrp(payload: Uint8Array): string {
  const checksum = sha256(sha256(payload)).subarray(0, 4);
  return base58xrp.encode(new Uint8Array([...payload, ...checksum]));
}

/** One address form: its name and how to make one from random bytes. */
type Form = { form: string; make: (bytes: (n: number) => Uint8Array) => string };

/** The forms made, with the chain family or chain each belongs to (version bytes as in address.ts). */
export const RANDOM_ADDRESS_FORMS: readonly Form[] = [
  { form: 'evm lowercase', make: (b) => `0x${hex.encode(b(20))}` },
  { form: 'bitcoin p2pkh', make: (b) => base58checkBitcoin.encode(concat([0x00], b(20))) },
  { form: 'bitcoin p2sh', make: (b) => base58checkBitcoin.encode(concat([0x05], b(20))) },
  { form: 'bitcoin p2wpkh', make: (b) => bech32.encode('bc', [0, ...bech32.toWords(b(20))]) },
  { form: 'tron', make: (b) => base58checkBitcoin.encode(concat([0x41], b(20))) },
  { form: 'litecoin L', make: (b) => base58checkBitcoin.encode(concat([0x30], b(20))) },
  { form: 'litecoin M', make: (b) => base58checkBitcoin.encode(concat([0x32], b(20))) },
  { form: 'bitcoin gold', make: (b) => base58checkBitcoin.encode(concat([0x26], b(20))) },
  { form: 'zcash t1', make: (b) => base58checkBitcoin.encode(concat([0x1c, 0xb8], b(20))) },
  { form: 'dash', make: (b) => base58checkBitcoin.encode(concat([0x4c], b(20))) },
  { form: 'verge', make: (b) => base58checkBitcoin.encode(concat([0x1e], b(20))) },
  { form: 'xrp', make: (b) => base58checkXrp(concat([0x00], b(20))) },
  { form: 'solana', make: (b) => base58.encode(b(32)) },
  { form: 'bnb beacon', make: (b) => bech32.encode('bnb', bech32.toWords(b(20))) },
];

/**
 * `perForm` addresses of each of {@link RANDOM_ADDRESS_FORMS}, from `seed`.
 *
 * @example
 * randomAddresses('screen', 30).length; // 30 * 14
 */
export function randomAddresses(
  seed: string,
  perForm: number,
): { form: string; address: string }[] {
  const bytes = randomBytes(seed);
  return RANDOM_ADDRESS_FORMS.flatMap(({ form, make }) =>
    Array.from({ length: perForm }, () => ({ form, address: make(bytes) })),
  );
}
