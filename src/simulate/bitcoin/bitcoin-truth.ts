import type { Hex } from 'viem';
import { NATIVE_ASSET } from '../../model/asset.ts';
import { SimulationError } from '../chain-driver.ts';
import type { TruthAddress, TruthEndpoint } from '../truth.ts';
import type { BitcoinDriver } from './bitcoin-driver.ts';
import { SIM_BITCOIN_CHAIN, type SimBitcoinKey } from './keys.ts';

/** A service's payout of ether it took into bitcoin: where a scenario's Bitcoin part starts. */
export type BitcoinPayout = {
  /** `THORChain` or `Simulated Instant Exchange`. */
  service: string;
  /** The service's paying address (THORChain's vault). */
  from: string;
  /** The Ethereum transaction the payout answers (the bridge deposit, the order). */
  inboundTxHash: Hex;
  txid: string;
  /** The attacker's address paid, and how many satoshis. */
  address: string;
  amount: bigint;
  /** The payout's OP_RETURN (`OUT:<inbound hash>`), null when it has none. */
  memo: string | null;
};

/** A scenario's truth on Bitcoin: every satoshi the services paid the attacker, and where it ended. */
export type BitcoinTruth = {
  chain: string;
  payouts: BitcoinPayout[];
  /** Satoshis paid to the attacker in all: what `endpoints` add up to. */
  received: bigint;
  /** The attacker's Bitcoin addresses by role (`destination`, `peel`, `premix`, `postmix`, `change`). */
  attackerAddresses: TruthAddress[];
  /** Where the bitcoin ended, amounts in satoshis (asset `native`), each with `chain`. */
  endpoints: TruthEndpoint[];
  /** First and last block (height) of the scenario's Bitcoin part. */
  blocks: { from: bigint; to: bigint };
};

/** Collects a scenario's Bitcoin truth while its Bitcoin part plays, then closes and checks it. */
export type BitcoinTruthRecorder = {
  payout(payout: BitcoinPayout): void;
  /** An attacker key; what it holds at the end is an endpoint of `holding`'s category (default unspent). */
  attacker(
    key: SimBitcoinKey,
    role: string,
    holding?: { category: TruthEndpoint['category']; entity: string },
  ): void;
  /** Bitcoin the attacker paid away (to a deposit address, a coordinator) or burnt as fees. */
  endpoint(e: Omit<TruthEndpoint, 'chain' | 'asset'>): void;
  markBlock(height: number): void;
  close(driver: BitcoinDriver): BitcoinTruth;
};

/**
 * A recorder for one scenario's Bitcoin part.
 *
 * @example
 * const truth = createBitcoinTruthRecorder({ scenario: 'bybit-2025' });
 */
export function createBitcoinTruthRecorder(parameters: { scenario: string }): BitcoinTruthRecorder {
  const payouts: BitcoinPayout[] = [];
  const attackers = new Map<
    string,
    {
      address: TruthAddress;
      key: SimBitcoinKey;
      holding?: { category: TruthEndpoint['category']; entity: string };
    }
  >();
  const endpoints = new Map<string, TruthEndpoint>();
  let from: number | null = null;
  let to: number | null = null;
  const addEndpoint = (e: Omit<TruthEndpoint, 'chain' | 'asset'>) => {
    if (e.amount === 0n) return;
    const key = [e.address, e.category, e.entity].join('|');
    const existing = endpoints.get(key);
    if (existing) existing.amount += e.amount;
    else endpoints.set(key, { chain: SIM_BITCOIN_CHAIN, ...e, asset: NATIVE_ASSET });
  };
  return {
    payout(p) {
      payouts.push(p);
    },
    attacker(key, role, holding) {
      if (!attackers.has(key.address))
        attackers.set(key.address, {
          address: { address: key.address, role },
          key,
          ...(holding ? { holding } : {}),
        });
    },
    endpoint: addEndpoint,
    markBlock(height) {
      if (from === null || height < from) from = height;
      if (to === null || height > to) to = height;
    },
    close(driver) {
      for (const { key, holding } of attackers.values())
        addEndpoint({
          address: key.address,
          category: holding?.category ?? 'unspent',
          entity: holding?.entity ?? null,
          amount: driver.balance(key),
        });
      const received = payouts.reduce((s, p) => s + p.amount, 0n);
      let found = 0n;
      for (const e of endpoints.values()) found += e.amount;
      if (found !== received)
        throw new SimulationError(
          `Scenario ${parameters.scenario}: Bitcoin endpoints hold ${found} sat but the services paid the attacker ${received}`,
          { code: 'SIM_TRUTH_UNBALANCED' },
        );
      return {
        chain: SIM_BITCOIN_CHAIN,
        payouts,
        received,
        attackerAddresses: [...attackers.values()].map((a) => a.address),
        endpoints: [...endpoints.values()],
        blocks: { from: BigInt(from ?? 0), to: BigInt(to ?? 0) },
      };
    },
  };
}
