import { type Network, networks, payments } from 'bitcoinjs-lib';
import { type Hex, hexToBytes } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/** Length of a compressed SEC1 public key: a parity byte, then the 32-byte x coordinate. */
const COMPRESSED_PUBLIC_KEY_BYTES = 33;

/** A key paying to P2WPKH (native segwit v0, `OP_0 <hash160(pubkey)>`), as Bitcoin wallets use today. */
export type P2wpkhKey = {
  /** secp256k1 private key, 32 bytes as hex. */
  privateKey: Hex;
  /** Compressed public key (33 bytes): P2WPKH commits to this form only. */
  publicKey: Uint8Array;
  /** The output script paying to the key: `0014<hash160>`. */
  script: Uint8Array;
  /** The address on `network` (`bcrt1q…` on regtest, Core's form). */
  address: string;
};

/**
 * The P2WPKH key, script and address of a private key. The address is written with the network's
 * parameters given here (bitcoinjs-lib's), never as a node writes it: bcoin's regtest says `rb1…`
 * where Bitcoin Core says `bcrt1…` for the same script.
 *
 * @example
 * p2wpkhKey(keccak256(stringToBytes('seed'))).address; // 'bcrt1q…'
 * p2wpkhKey(privateKey, networks.bitcoin).address; // 'bc1q…'
 */
export function p2wpkhKey(privateKey: Hex, network: Network = networks.regtest): P2wpkhKey {
  // viem derives the uncompressed key (0x04 ‖ x ‖ y); compressed is 0x02/0x03 (y's parity) ‖ x.
  const uncompressed = hexToBytes(privateKeyToAccount(privateKey).publicKey);
  const publicKey = new Uint8Array(COMPRESSED_PUBLIC_KEY_BYTES);
  publicKey[0] = (uncompressed[64]! & 1) === 1 ? 0x03 : 0x02;
  publicKey.set(uncompressed.subarray(1, COMPRESSED_PUBLIC_KEY_BYTES), 1);
  const payment = payments.p2wpkh({ pubkey: publicKey, network });
  return { privateKey, publicKey, script: payment.output!, address: payment.address! };
}
