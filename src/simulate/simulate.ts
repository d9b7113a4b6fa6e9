import { UserError } from '../errors/base.ts';
import { createBackground } from './background.ts';
import { createChainDriver, type Movement } from './chain-driver.ts';
import { compileContracts } from './compile-contracts.ts';
import { createRandom } from './random.ts';
import { createScenarioContext, type Scenario } from './scenario.ts';
import { createSweeper } from './sweeper.ts';
import { bybit2025 } from './scenarios/bybit-2025.ts';
import { itWorkerSalaries } from './scenarios/it-worker-salaries.ts';
import { peelChain } from './scenarios/peel-chain.ts';
import { ronin2022 } from './scenarios/ronin-2022.ts';
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
    for (const scenario of scenarios) {
      progress(`playing ${scenario.name}`);
      const truth = createTruthRecorder({
        scenario: scenario.name,
        seed,
        scale,
        description: scenario.description,
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
    }
    // The exchanges' last sweep: no deposit is left waiting at the end of the chain.
    await sweeper.sweep();
    progress('checking the chain against the record');
    await driver.verify();
    const head = BigInt(await driver.rpc.request<string>('eth_blockNumber', []));
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
    };
  } finally {
    if (!completed) await driver.rpc.request('evm_revert', [snapshot]).catch(() => undefined);
    await driver.close();
  }
}
