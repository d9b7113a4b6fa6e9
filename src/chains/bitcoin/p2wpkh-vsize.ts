/**
 * Virtual size of a transaction spending only P2WPKH inputs, in vbytes (weight / 4, rounded up), at
 * its largest: signatures are DER of 71 or 72 bytes (73 with the sighash byte) and this counts 72,
 * so a fee of `vsize × rate` pays at least `rate` whatever the signatures come out as.
 * Weights (BIP-141): 4 per non-witness byte, 1 per witness byte.
 */
const OVERHEAD_WEIGHT =
  4 * (4 + 1 + 1 + 4) + // version, input count, output count, locktime (counts below 253)
  2; // segwit marker and flag
/** Outpoint (36) + empty scriptSig length (1) + sequence (4), non-witness. */
const P2WPKH_INPUT_WEIGHT = 4 * (36 + 1 + 4) + (1 + 1 + 72 + 1 + 33); // witness: count, sig, pubkey
/** Value (8) and script length (1), before the script itself. */
const OUTPUT_FIXED_BYTES = 8 + 1;

/**
 * @example
 * p2wpkhVsize(1, [p2wpkhScript, p2wpkhScript]); // 141: one input, two P2WPKH outputs
 */
export function p2wpkhVsize(inputs: number, outputScripts: readonly Uint8Array[]): number {
  let weight = OVERHEAD_WEIGHT + inputs * P2WPKH_INPUT_WEIGHT;
  for (const script of outputScripts) weight += 4 * (OUTPUT_FIXED_BYTES + script.length);
  return Math.ceil(weight / 4);
}
