import { bech32 } from '@scure/base';
import { type Hex, hexToBytes, keccak256, stringToBytes } from 'viem';
import { NATIVE_ASSET } from '../model/asset.ts';
import type { SimAccount } from './accounts.ts';
import type { BitcoinTruth } from './bitcoin/bitcoin-truth.ts';
import type { TronTruth } from './tron/tron-truth.ts';
import { type ChainDriver, SimulationError } from './chain-driver.ts';

/** Where a share of the illicit value ended. Amounts are raw units of `asset`. */
export type TruthEndpoint = {
  /** Chain key when not the simulated EVM chain (`bitcoin-regtest` for the Bitcoin part). */
  chain?: string;
  /** The address holding or receiving it on the simulated chain (null for gas burnt or paid). */
  address: string | null;
  category:
    | 'bridge'
    | 'instant_exchange'
    | 'deposit_wallet'
    | 'mixer'
    | 'otc'
    | 'frozen'
    | 'unspent'
    | 'fee';
  entity: string | null;
  asset: string;
  amount: bigint;
  /** Where a bridge or instant exchange pays out, e.g. `{ chain: 'bitcoin-regtest', address: 'bcrt1q…' }`. */
  destination?: { chain: string; address: string };
};

/** A swap of illicit value from one asset into another. */
export type TruthConversion = {
  txHash: string | null;
  assetIn: string;
  amountIn: bigint;
  assetOut: string;
  amountOut: bigint;
};

/** The attacker-controlled addresses, by role (`exploiter`, `split`, `peel`, `post-mixer`, …). */
export type TruthAddress = { address: string; role: string };

/** Everything the simulator knows about one scenario: what to judge tracing against. */
export type Truth = {
  scenario: string;
  seed: number;
  scale: number;
  description: string;
  /** Transactions of the theft itself (or of the first illicit payments). */
  theftTransactions: string[];
  /** The victim's address the value left from. */
  victim: string | null;
  /** Illicit value taken, per asset. */
  stolen: { asset: string; amount: bigint }[];
  attackerAddresses: TruthAddress[];
  conversions: TruthConversion[];
  endpoints: TruthEndpoint[];
  /** Assets whose every unit is accounted for by `endpoints`. */
  trackedAssets: string[];
  /** First and last block of the scenario. */
  blocks: { from: bigint; to: bigint };
  /** Where the bitcoin the services paid out went, when the Bitcoin part ran. */
  bitcoin?: BitcoinTruth | undefined;
  /** Its part on Tron, when the Tron test chain ran. */
  tron?: TronTruth | undefined;
};

/**
 * Collects a scenario's truth while it plays, then closes it with the unspent balances and the gas
 * its laundering addresses paid, checking that every stolen unit is accounted for.
 */
export type TruthRecorder = {
  theft(txHash: string, victim: string): void;
  stolen(asset: string, amount: bigint): void;
  /** An attacker address; `holdsLoot` when everything it holds is illicit value (fees and unspent are then counted). */
  attacker(account: SimAccount | string, role: string, holdsLoot?: boolean): void;
  conversion(c: TruthConversion): void;
  endpoint(e: TruthEndpoint): void;
  markBlock(block: bigint): void;
  /** What an attacker address's remaining balance is, when not simply unspent (e.g. frozen). */
  holding(address: string, category: TruthEndpoint['category'], entity: string): void;
  close(driver: ChainDriver): Truth;
};

/**
 * A recorder for one scenario.
 *
 * @example
 * const truth = createTruthRecorder({ scenario: 'peel-chain', seed, scale, description, trackedAssets: ['native'] });
 */
export function createTruthRecorder(parameters: {
  scenario: string;
  seed: number;
  scale: number;
  description: string;
  trackedAssets: string[];
}): TruthRecorder {
  const theftTransactions: string[] = [];
  let victim: string | null = null;
  const stolen = new Map<string, bigint>();
  const attackers = new Map<string, TruthAddress>();
  const loot = new Set<string>();
  const conversions: TruthConversion[] = [];
  const endpoints = new Map<string, TruthEndpoint>();
  const holdings = new Map<string, { category: TruthEndpoint['category']; entity: string }>();
  let from: bigint | null = null;
  let to: bigint | null = null;
  const addEndpoint = (e: TruthEndpoint) => {
    if (e.amount === 0n) return;
    const key = [e.address, e.category, e.asset, e.destination?.chain, e.destination?.address].join(
      '|',
    );
    const existing = endpoints.get(key);
    if (existing) existing.amount += e.amount;
    else endpoints.set(key, { ...e });
  };
  return {
    theft(txHash, v) {
      theftTransactions.push(txHash);
      victim = v;
    },
    stolen(asset, amount) {
      stolen.set(asset, (stolen.get(asset) ?? 0n) + amount);
    },
    attacker(account, role, holdsLoot = true) {
      const address = typeof account === 'string' ? account : account.address;
      if (!attackers.has(address)) attackers.set(address, { address, role });
      if (holdsLoot) loot.add(address);
    },
    conversion(c) {
      conversions.push(c);
    },
    endpoint: addEndpoint,
    holding(address, category, entity) {
      holdings.set(address, { category, entity });
    },
    markBlock(block) {
      if (from === null || block < from) from = block;
      if (to === null || block > to) to = block;
    },
    close(driver) {
      for (const address of loot) {
        const held = holdings.get(address);
        for (const asset of parameters.trackedAssets)
          addEndpoint({
            address,
            category: held?.category ?? 'unspent',
            entity: held?.entity ?? null,
            asset,
            amount: driver.balance(address, asset),
          });
      }
      if (parameters.trackedAssets.includes(NATIVE_ASSET)) {
        let fees = 0n;
        for (const m of driver.movements)
          if (m.kind === 'fee' && m.from && loot.has(m.from)) fees += m.amount;
        addEndpoint({
          address: null,
          category: 'fee',
          entity: null,
          asset: NATIVE_ASSET,
          amount: fees,
        });
      }
      // Every stolen unit must end somewhere: stolen + converted into = converted away + endpoints.
      for (const asset of parameters.trackedAssets) {
        let expected = stolen.get(asset) ?? 0n;
        for (const c of conversions) {
          if (c.assetOut === asset) expected += c.amountOut;
          if (c.assetIn === asset) expected -= c.amountIn;
        }
        let found = 0n;
        for (const e of endpoints.values()) if (e.asset === asset) found += e.amount;
        if (found !== expected)
          throw new SimulationError(
            `Scenario ${parameters.scenario}: endpoints hold ${found} of ${asset} but ${expected} was stolen or converted into it`,
            { code: 'SIM_TRUTH_UNBALANCED' },
          );
      }
      return {
        scenario: parameters.scenario,
        seed: parameters.seed,
        scale: parameters.scale,
        description: parameters.description,
        theftTransactions,
        victim,
        stolen: [...stolen].map(([asset, amount]) => ({ asset, amount })),
        attackerAddresses: [...attackers.values()],
        conversions,
        endpoints: [...endpoints.values()],
        trackedAssets: parameters.trackedAssets,
        blocks: { from: from ?? 0n, to: to ?? 0n },
      };
    },
  };
}

/**
 * A simulated Bitcoin payout address (bech32 P2WPKH): the hash is keccak256 of the seed and label,
 * so it is reproducible and belongs to nobody.
 *
 * @example
 * simBitcoinAddress(1, 'bybit/split/3/0'); // 'bc1q…'
 */
export function simBitcoinAddress(seed: number, label: string): string {
  const hash = hexToBytes(
    keccak256(stringToBytes(`chaintrail-sim-btc:${seed}:${label}`)) as Hex,
  ).slice(0, 20);
  return bech32.encode('bc', [0, ...bech32.toWords(hash)]);
}

/**
 * The truth as JSON-ready data: bigints become decimal strings.
 *
 * @example
 * fs.writeFileSync('truth.json', JSON.stringify(truthToJson(truths), null, 2));
 */
export function truthToJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  );
}
