import type { TruthAddress, TruthEndpoint } from '../truth.ts';
import { SIM_TRON_CHAIN, type TronWorld } from './tron-world.ts';

/** A scenario's truth on Tron: the illicit stablecoin it paid and where every unit ended. */
export type TronTruth = {
  chain: string;
  /** The transactions of the illicit payments (the salaries). */
  theftTransactions: string[];
  /** Illicit value, per asset (the stablecoin's contract `T…`). */
  stolen: { asset: string; amount: bigint }[];
  attackerAddresses: TruthAddress[];
  /** Where it ended, each with `chain`; amounts in raw units of `asset`. */
  endpoints: TruthEndpoint[];
  /** First and last block of the scenario's Tron part. */
  blocks: { from: bigint; to: bigint };
};

/** Collects a scenario's Tron truth while its Tron part plays. */
export type TronTruthRecorder = {
  theft(txid: string): void;
  stolen(asset: string, amount: bigint): void;
  /** An attacker address; what it holds at the end is an endpoint of `holding`'s category (default unspent). */
  attacker(
    address: string,
    role: string,
    holding?: { category: TruthEndpoint['category']; entity: string },
  ): void;
  endpoint(e: Omit<TruthEndpoint, 'chain'>): void;
  close(world: TronWorld, blocks: { from: bigint; to: bigint }): TronTruth;
};

/**
 * A recorder for one scenario's Tron part; `close` adds what each attacker address still holds and
 * checks that the endpoints account for every illicit unit.
 *
 * @example
 * const truth = createTronTruthRecorder();
 */
export function createTronTruthRecorder(): TronTruthRecorder {
  const theftTransactions: string[] = [];
  const stolen = new Map<string, bigint>();
  const attackers = new Map<string, TruthAddress>();
  const holdings = new Map<string, { category: TruthEndpoint['category']; entity: string }>();
  const endpoints = new Map<string, TruthEndpoint>();
  const add = (e: TruthEndpoint) => {
    if (e.amount === 0n) return;
    const key = [e.address, e.category, e.asset].join('|');
    const existing = endpoints.get(key);
    if (existing) existing.amount += e.amount;
    else endpoints.set(key, { ...e });
  };
  return {
    theft: (txid) => void theftTransactions.push(txid),
    stolen: (asset, amount) => void stolen.set(asset, (stolen.get(asset) ?? 0n) + amount),
    attacker(address, role, holding) {
      if (!attackers.has(address)) attackers.set(address, { address, role });
      if (holding) holdings.set(address, holding);
    },
    endpoint: (e) => add({ ...e, chain: SIM_TRON_CHAIN }),
    close(world, blocks) {
      for (const { address } of attackers.values())
        for (const asset of stolen.keys()) {
          const held = holdings.get(address);
          add({
            chain: SIM_TRON_CHAIN,
            address,
            category: held?.category ?? 'unspent',
            entity: held?.entity ?? null,
            asset,
            amount: world.balance(address, asset),
          });
        }
      const truth: TronTruth = {
        chain: SIM_TRON_CHAIN,
        theftTransactions,
        stolen: [...stolen].map(([asset, amount]) => ({ asset, amount })),
        attackerAddresses: [...attackers.values()],
        endpoints: [...endpoints.values()],
        blocks,
      };
      // Every illicit unit ends somewhere: a scenario that loses track of one is a bug.
      for (const { asset, amount } of truth.stolen) {
        const ended = truth.endpoints
          .filter((e) => e.asset === asset)
          .reduce((sum, e) => sum + e.amount, 0n);
        if (ended !== amount)
          throw new Error(`Tron truth: ${amount} of ${asset} paid, ${ended} accounted for`);
      }
      return truth;
    },
  };
}
