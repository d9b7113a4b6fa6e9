import { createBase58check } from '@scure/base';
import { sha256 } from 'viem';
import { UserError } from '../../errors/base.ts';

/** Tron's address version byte: the `41` of the hex form, the `T` of the base58 form. */
const TRON_PREFIX = '41';
const HEX41 = /^41[0-9a-f]{40}$/;
const HEX20 = /^(?:0x)?[0-9a-f]{40}$/;
/**
 * Conversions remembered before the cache starts again: a batch names the same few thousand
 * addresses over and over (USDT's contract in most logs), and base58check costs two SHA-256s.
 */
const CACHE_ENTRIES = 200_000;

/** Converts the node's hex addresses to the stored base58 `T…` form. */
export type TronAddressCodec = {
  /** `41` + 20 bytes hex (transactions, internal transactions) to `T…`. */
  fromHex41(hex: string, where: string): string;
  /** 20 bytes hex, with or without `0x` (logs, ABI words), to `T…`. */
  fromHex20(hex: string, where: string): string;
  /** A stored `T…` address as the node's `41…` hex. */
  toHex41(address: string): string;
};

/**
 * A codec with a bounded cache, one per sync source (no module state).
 *
 * @example
 * const codec = createTronAddressCodec();
 * codec.fromHex41('41a614f803b6fd780986a42c78ec9c7f77e6ded13c', 'owner_address'); // 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'
 */
export function createTronAddressCodec(): TronAddressCodec {
  const codec = createBase58check((data: Uint8Array) => sha256(data, 'bytes'));
  const cache = new Map<string, string>();
  const encode = (hex41: string) => {
    let out = cache.get(hex41);
    if (out !== undefined) return out;
    const bytes = new Uint8Array(21);
    for (let i = 0; i < 21; i++) bytes[i] = parseInt(hex41.slice(i * 2, i * 2 + 2), 16);
    out = codec.encode(bytes);
    if (cache.size >= CACHE_ENTRIES) cache.clear();
    cache.set(hex41, out);
    return out;
  };
  return {
    fromHex41(hex, where) {
      const h = typeof hex === 'string' ? hex.toLowerCase() : '';
      if (!HEX41.test(h))
        throw new UserError(
          `The Tron node gave ${where} as ${JSON.stringify(hex)}: not a hex address (41 + 20 bytes)`,
          { code: 'RPC_BAD_RESPONSE' },
        );
      return encode(h);
    },
    fromHex20(hex, where) {
      const h = typeof hex === 'string' ? hex.toLowerCase() : '';
      if (!HEX20.test(h))
        throw new UserError(
          `The Tron node gave ${where} as ${JSON.stringify(hex)}: not a 20-byte hex address`,
          { code: 'RPC_BAD_RESPONSE' },
        );
      return encode(TRON_PREFIX + h.slice(-40));
    },
    toHex41(address) {
      let hex = '';
      for (const b of codec.decode(address)) hex += b.toString(16).padStart(2, '0');
      return hex;
    },
  };
}
