import { keccak256, stringToBytes } from 'viem';
import { type P2wpkhKey, p2wpkhKey } from '../../chains/bitcoin/p2wpkh-key.ts';

/** Chain key of the simulator's Bitcoin chain (a regtest node) in the store and the truth. */
export const SIM_BITCOIN_CHAIN = 'bitcoin-regtest';

/** A simulated actor's Bitcoin key (P2WPKH on regtest), e.g. the THORChain vault or a peel hop. */
export type SimBitcoinKey = P2wpkhKey & {
  /** What the key is in the simulation, e.g. `bybit/btc/split/3/0`. */
  label: string;
};

/**
 * The Bitcoin key with this label for this seed: its private key is keccak256 of
 * `chaintrail-sim-btc:<seed>:<label>`, so the same seed always yields the same addresses, and every
 * address the simulator names (a THORChain memo's destination included) is one it can spend from.
 *
 * @example
 * simBitcoinKey(1, 'bybit/split/3/0').address; // 'bcrt1q…', the same on every run with seed 1
 */
export function simBitcoinKey(seed: number, label: string): SimBitcoinKey {
  const key = p2wpkhKey(keccak256(stringToBytes(`chaintrail-sim-btc:${seed}:${label}`)));
  return { ...key, label };
}
