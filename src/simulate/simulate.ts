import { type BcoinNode, SEGWIT_ACTIVATION_HEIGHT } from '../chains/bitcoin/bcoin-node.ts';
import { UserError } from '../errors/base.ts';
import { createBackground } from './background.ts';
import { createBitcoinDriver } from './bitcoin/bitcoin-driver.ts';
import { createBitcoinTruthRecorder } from './bitcoin/bitcoin-truth.ts';
import { type BitcoinSimEntity, createBitcoinWorld } from './bitcoin/bitcoin-world.ts';
import { SIM_BITCOIN_CHAIN } from './bitcoin/keys.ts';
import { createChainDriver, type Movement } from './chain-driver.ts';
import { compileContracts } from './compile-contracts.ts';
import { createRandom, type Random } from './random.ts';
import { type BitcoinPayoutRequest, createScenarioContext, type Scenario } from './scenario.ts';
import { createSweeper } from './sweeper.ts';
import { bybit2025 } from './scenarios/bybit-2025.ts';
import { itWorkerSalaries } from './scenarios/it-worker-salaries.ts';
import { peelChain } from './scenarios/peel-chain.ts';
import { ronin2022 } from './scenarios/ronin-2022.ts';
import type { TronTestChain } from './tron/tron-test-chain.ts';
import { createTronTruthRecorder } from './tron/tron-truth.ts';
import {
  createTronWorld,
  SIM_TRON_CHAIN,
  SIM_TRON_STABLECOIN,
  type TronSimEntity,
} from './tron/tron-world.ts';
import { createTruthRecorder, type Truth } from './truth.ts';
import { createWorld, type SimEntity, type World } from './world.ts';

/** Every scenario `chaintrail simulate` can play, by name. */
export const SCENARIOS: readonly Scenario[] = [bybit2025, ronin2022, itWorkerSalaries, peelChain];

/**
 * anvil arguments for a simulation node: a fixed genesis time (so every fresh node starts from the
 * same block 0) and first-in-first-out ordering of pending transactions (so blocks come out the
 * same on every run).
 */
export const SIMULATOR_ANVIL_ARGS: readonly string[] = [
  '--timestamp',
  '1700000000',
  '--order',
  'fifo',
];

/** Blocks of ordinary activity before the first scenario, so the chain has a history. */
const WARMUP_BLOCKS = 40;
/** The Bitcoin world opens this long before the first payout (its funding blocks come first). */
const BITCOIN_LEAD_SECONDS = 86_400;

export type SimulateParameters = {
  rpcUrl: string;
  scenarios: readonly string[];
  seed?: number | undefined;
  /** Multiplies the number of actors and transactions (not the amounts); default 1. */
  scale?: number | undefined;
  contractsDir: string;
  cacheDir?: string | undefined;
  /** Called as the simulation advances, e.g. for a progress line. */
  onProgress?: (message: string) => void;
  /**
   * A fresh bcoin regtest node ({@link startBcoinNode}) to play the scenarios' Bitcoin part on (the
   * services' payouts and what the attacker does with them). Without one the Bitcoin part is
   * skipped; the EVM chain is the same either way (its memos name the same regtest keys).
   */
  bitcoin?: BcoinNode | undefined;
  /**
   * A fresh Tron test chain ({@link createTronTestChain}) to play the scenarios' Tron part on;
   * serve it with `startTronTestNode` to sync it. Without one the Tron part is skipped.
   */
  tron?: TronTestChain | undefined;
};

/** The Tron part of a run, when it was played. */
export type SimulatedTron = {
  /** Chain key of the Tron test chain in the truth and the labels: `tron-test`. */
  chain: string;
  entities: TronSimEntity[];
  /** The simulated stablecoin's contract and metadata. */
  stablecoin: { asset: string; symbol: string; decimals: number };
  lastBlock: bigint;
  transactions: number;
};

/** The Bitcoin part of a run, when it was played. */
export type SimulatedBitcoin = {
  /** Chain key of the node's chain in the truth and the labels: `bitcoin-regtest`. */
  chain: string;
  /** Every simulated service address on Bitcoin (vault, exchanges, coordinator), with what it is. */
  entities: BitcoinSimEntity[];
  /** Height of the last block mined. */
  lastBlock: bigint;
  /** Transactions the simulator sent (coinbases not counted). */
  transactions: number;
};

/** One row of the simulator's record: what moved, per asset and kind. */
export type RecordTotal = { asset: string; kind: Movement['kind']; count: number; amount: bigint };

export type SimulateReturnType = {
  chainId: number;
  seed: number;
  scale: number;
  truths: Truth[];
  /** Every simulated contract, service and exchange address, with what it is. */
  entities: SimEntity[];
  /** The simulator's tokens: symbol, name and decimals. */
  assets: World['assets'];
  /** Every value movement the simulator caused, fees included. */
  movements: readonly Movement[];
  /** The record summed per asset and kind (what a sync of this chain must reproduce exactly). */
  totals: RecordTotal[];
  /** Last block the simulation mined. */
  lastBlock: bigint;
  transactions: number;
  /** The Bitcoin part, when a node was given and a scenario pays out in bitcoin. */
  bitcoin?: SimulatedBitcoin | undefined;
  /** The Tron part, when a Tron test chain was given and a scenario plays on Tron. */
  tron?: SimulatedTron | undefined;
};

/**
 * Sums movements per asset and kind, sorted.
 *
 * @example
 * recordTotals(result.movements); // [{ asset: 'native', kind: 'fee', count: 912, amount: … }, …]
 */
export function recordTotals(movements: readonly Movement[]): RecordTotal[] {
  const totals = new Map<string, RecordTotal>();
  for (const m of movements) {
    const key = `${m.asset}|${m.kind}`;
    const t = totals.get(key) ?? { asset: m.asset, kind: m.kind, count: 0, amount: 0n };
    t.count++;
    t.amount += m.amount;
    totals.set(key, t);
  }
  return [...totals.values()].sort((a, b) =>
    a.asset === b.asset ? a.kind.localeCompare(b.kind) : a.asset.localeCompare(b.asset),
  );
}

/**
 * Plays scenarios on a fresh development chain (anvil): deploys the simulator's contracts, runs
 * background activity and each scenario in turn, checks the chain against its own ledger, and
 * returns the truth (who the attackers are, where every stolen unit ended) and its record of every
 * value movement. The same seed and scale on the same fresh node give the same chain.
 *
 * @example
 * const result = await simulate({ rpcUrl: anvil.url, scenarios: ['bybit-2025'], seed: 1, contractsDir: 'contracts' });
 */
export async function simulate(parameters: SimulateParameters): Promise<SimulateReturnType> {
  const seed = parameters.seed ?? 1;
  const scale = parameters.scale ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new UserError(`--seed must be a non-negative integer, got ${seed}`, {
      code: 'BAD_USAGE',
    });
  if (!(scale > 0) || scale > 100)
    throw new UserError(`--scale must be above 0 and at most 100, got ${scale}`, {
      code: 'BAD_USAGE',
    });
  const scenarios = parameters.scenarios.map((name) => {
    const s = SCENARIOS.find((x) => x.name === name);
    if (!s)
      throw new UserError(
        `Unknown scenario "${name}" (known: ${SCENARIOS.map((x) => x.name).join(', ')})`,
        { code: 'UNKNOWN_SCENARIO' },
      );
    return s;
  });
  if (scenarios.length === 0)
    throw new UserError('Name at least one scenario', { code: 'BAD_USAGE' });
  const progress = parameters.onProgress ?? (() => undefined);
  // Like the EVM chain, the Bitcoin chain must be fresh: the same seed then gives the same blocks.
  if (parameters.bitcoin && parameters.bitcoin.height() !== SEGWIT_ACTIVATION_HEIGHT)
    throw new UserError(
      `This bcoin node already holds more than its ${SEGWIT_ACTIVATION_HEIGHT} start blocks (height ${parameters.bitcoin.height()}): give simulate a fresh one`,
      { code: 'SIM_CHAIN_USED' },
    );
  const contracts = compileContracts({
    contractsDir: parameters.contractsDir,
    cacheDir: parameters.cacheDir,
  });
  // Warm-up starts a day before the first case, so the chain has ordinary history before it.
  const driver = await createChainDriver({
    rpcUrl: parameters.rpcUrl,
    startTime: scenarios[0]!.startTime - 86_400,
  });
  // A failed simulation must not leave half a scenario on the chain: revert to this snapshot.
  const snapshot = await driver.rpc.request<string>('evm_snapshot', []);
  let completed = false;
  try {
    const random = createRandom(seed);
    progress('deploying contracts');
    const world = await createWorld({
      driver,
      contracts,
      seed,
      scale,
      random: random.fork('world'),
    });
    const background = createBackground(world, random.fork('background'));
    const sweeper = createSweeper(world);
    for (let i = 0; i < WARMUP_BLOCKS; i++) await driver.step(background.tick());
    const truths: Truth[] = [];
    const payouts: (readonly BitcoinPayoutRequest[])[] = [];
    for (const scenario of scenarios) {
      progress(`playing ${scenario.name}`);
      const truth = createTruthRecorder({
        scenario: scenario.name,
        seed,
        scale,
        description: [
          scenario.description,
          parameters.bitcoin ? scenario.bitcoinDescription : undefined,
          parameters.tron ? scenario.tronDescription : undefined,
        ]
          .filter((d) => d !== undefined)
          .join(' '),
        trackedAssets: scenario.trackedAssets(world),
      });
      const ctx = createScenarioContext({
        world,
        random: random.fork(scenario.name),
        truth,
        background,
        sweeper,
      });
      ctx.waitUntil(scenario.startTime);
      await scenario.play(ctx);
      truths.push(truth.close(driver));
      payouts.push(ctx.bitcoinPayouts);
    }
    // The exchanges' last sweep: no deposit is left waiting at the end of the chain.
    await sweeper.sweep();
    progress('checking the chain against the record');
    await driver.verify();
    const head = BigInt(await driver.rpc.request<string>('eth_blockNumber', []));
    const bitcoin = parameters.bitcoin
      ? await playBitcoin({
          node: parameters.bitcoin,
          scenarios,
          payouts,
          truths,
          seed,
          scale,
          random: random.fork('bitcoin'),
          progress,
        })
      : undefined;
    const tron = parameters.tron
      ? await playTron({
          chain: parameters.tron,
          scenarios,
          truths,
          scale,
          startTime: scenarios[0]!.startTime,
          random: random.fork('tron'),
          progress,
        })
      : undefined;
    completed = true;
    return {
      chainId: driver.chainId,
      seed,
      scale,
      truths,
      entities: world.entities,
      assets: world.assets,
      movements: driver.movements,
      totals: recordTotals(driver.movements),
      lastBlock: head,
      transactions: driver.transactions,
      ...(bitcoin ? { bitcoin } : {}),
      ...(tron ? { tron } : {}),
    };
  } finally {
    if (!completed) await driver.rpc.request('evm_revert', [snapshot]).catch(() => undefined);
    await driver.close();
  }
}

/**
 * The scenarios' Bitcoin parts, after every EVM part: one Bitcoin world, funded by mining for all
 * the payouts asked for, then each scenario in turn, its truth closed per scenario and the chain
 * checked against the record. Nothing when no scenario asked for a payout.
 */
async function playBitcoin(parameters: {
  node: BcoinNode;
  scenarios: readonly Scenario[];
  payouts: readonly (readonly BitcoinPayoutRequest[])[];
  truths: Truth[];
  seed: number;
  scale: number;
  random: Random;
  progress: (message: string) => void;
}): Promise<SimulatedBitcoin | undefined> {
  const { node, scenarios, payouts, truths, seed, scale, random, progress } = parameters;
  const all = scenarios.flatMap((s, i) => (s.bitcoin ? payouts[i]! : []));
  if (all.length === 0) return undefined;
  progress('playing the Bitcoin side');
  const driver = createBitcoinDriver({
    node,
    startTime: Math.min(...all.map((r) => r.time)) - BITCOIN_LEAD_SECONDS,
  });
  const world = await createBitcoinWorld({ driver, seed, scale, requests: all });
  for (const [i, scenario] of scenarios.entries()) {
    if (!scenario.bitcoin || payouts[i]!.length === 0) continue;
    const truth = createBitcoinTruthRecorder({ scenario: scenario.name });
    await scenario.bitcoin({ world, random: random.fork(scenario.name), truth }, payouts[i]!);
    truths[i]!.bitcoin = truth.close(driver);
  }
  progress('checking the Bitcoin chain against the record');
  await driver.verify();
  return {
    chain: SIM_BITCOIN_CHAIN,
    entities: world.entities,
    lastBlock: BigInt(driver.height),
    transactions: driver.transactions,
  };
}

/**
 * The scenarios' Tron parts, after every EVM part: one Tron world on the test chain, each scenario
 * in turn, its truth closed per scenario. Nothing when no scenario plays on Tron.
 */
async function playTron(parameters: {
  chain: TronTestChain;
  scenarios: readonly Scenario[];
  truths: Truth[];
  scale: number;
  startTime: number;
  random: Random;
  progress: (message: string) => void;
}): Promise<SimulatedTron | undefined> {
  const { chain, scenarios, truths, random, progress } = parameters;
  if (!scenarios.some((s) => s.tron)) return undefined;
  progress('playing the Tron side');
  const world = createTronWorld({
    chain,
    random: random.fork('world'),
    startTime: parameters.startTime,
  });
  for (const [i, scenario] of scenarios.entries()) {
    if (!scenario.tron) continue;
    const truth = createTronTruthRecorder();
    const from = chain.height + 1n;
    await scenario.tron({
      world,
      scale: parameters.scale,
      random: random.fork(scenario.name),
      truth,
    });
    truths[i]!.tron = truth.close(world, { from, to: chain.height });
  }
  return {
    chain: SIM_TRON_CHAIN,
    entities: world.entities,
    stablecoin: { asset: world.stablecoin, ...SIM_TRON_STABLECOIN },
    lastBlock: chain.height,
    transactions: world.transactions,
  };
}
