import { type Hex, keccak256, stringToBytes } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';

/** A simulated actor's externally owned account. */
export type SimAccount = {
  /** What the account is in the simulation, e.g. `exploiter/split/7`. */
  label: string;
  /** Lowercase hex address. */
  address: Hex;
  signer: PrivateKeyAccount;
};

/**
 * Label of the account that deploys every simulator contract. It is the same for every seed, so the
 * contracts land at the same addresses on any fresh chain (see `SIMULATOR_CONTRACTS` in
 * src/chains/evm/known-contracts.ts, which lets the sync decode their events).
 */
export const DEPLOYER_LABEL = 'deployer';

/**
 * The account with this label for this seed: its key is keccak256 of `chaintrail-sim:<seed>:<label>`,
 * so the same seed always yields the same actors. The deployer ignores the seed.
 *
 * @example
 * simAccount(7, 'exploiter').address; // the same on every run with seed 7
 */
export function simAccount(seed: number, label: string): SimAccount {
  const material =
    label === DEPLOYER_LABEL ? `chaintrail-sim:${label}` : `chaintrail-sim:${seed}:${label}`;
  const signer = privateKeyToAccount(keccak256(stringToBytes(material)));
  return { label, address: signer.address.toLowerCase() as Hex, signer };
}
