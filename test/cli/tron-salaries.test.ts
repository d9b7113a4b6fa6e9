import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../../src/chains/evm/anvil.ts';
import {
  SIMULATOR_ANVIL_ARGS,
  simulate,
  type SimulateReturnType,
} from '../../src/simulate/simulate.ts';
import { labelSimulatedServices } from '../../src/simulate/simulator-labels.ts';
import { createTronTestChain } from '../../src/simulate/tron/tron-test-chain.ts';
import { startTronTestNode, type TronTestNode } from '../../src/simulate/tron/tron-test-node.ts';
import type { Truth } from '../../src/simulate/truth.ts';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { scoreAgainstSimulatorTruth } from '../../src/trace/score.ts';
import type { TraceResult } from '../../src/trace/types.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The target: share of the illicit value attributed to the right endpoint, on each chain.
const TARGET_ATTRIBUTED = 0.99;
const CONTRACTS_DIR = path.resolve(import.meta.dirname, '../../contracts');
const CACHE_DIR = path.resolve(import.meta.dirname, '../../node_modules/.cache/chaintrail');
const ENV = { CHAINTRAIL_NO_REFERENCE: '1', CHAINTRAIL_PROGRESS: '0' };

const dir = makeTempDir();
const db = path.join(dir.path, 'salaries.duckdb');
let anvil: Anvil;
let node: TronTestNode;
let simulated: SimulateReturnType;
let truth: Truth;

async function cli<T>(args: string[]): Promise<T> {
  const run = await runCli([...args, '--db', db, '--json'], { env: ENV });
  if (run.code !== 0)
    throw new Error(`chaintrail ${args.join(' ')} failed (${run.code}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

beforeAll(async () => {
  anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
  const tron = createTronTestChain({ startTime: 0 });
  simulated = await simulate({
    rpcUrl: anvil.url,
    scenarios: ['it-worker-salaries'],
    contractsDir: CONTRACTS_DIR,
    cacheDir: CACHE_DIR,
    tron,
  });
  truth = simulated.truths[0]!;
  node = await startTronTestNode(tron);
  // Both chains into one database, as a user would sync them; then the simulator's service labels.
  await cli(['sync', '--rpc', anvil.url]);
  await cli(['sync', '--chain', 'tron-test', '--rpc', node.url, '--from', '0']);
  const store = await createDuckDbStore({ path: db });
  try {
    await labelSimulatedServices(store, simulated, { chain: 'anvil' });
  } finally {
    await store.close();
  }
}, 300_000);
afterAll(async () => {
  await node?.close();
  await anvil?.stop();
  dir.cleanup();
});

describe('it-worker-salaries on Ethereum and Tron, traced through the CLI', () => {
  it('plays the payroll on Tron with a truth that accounts for every sUSDT unit: OTC sales and a frozen consolidator', () => {
    const tron = truth.tron!;
    expect(tron.chain).toBe('tron-test');
    expect(new Set(tron.endpoints.map((e) => e.category))).toEqual(new Set(['otc', 'frozen']));
    const stolen = tron.stolen[0]!.amount;
    expect(tron.endpoints.reduce((s, e) => s + e.amount, 0n)).toBe(stolen);
  });

  it.each([
    ['Ethereum (anvil)', 'anvil'],
    ['Tron (test chain)', 'tron-test'],
  ])(
    '%s: the salaries traced forward from their payments end at the OTC desk and the frozen consolidator',
    async (_side, chain) => {
      const side: Truth =
        chain === 'anvil'
          ? truth
          : {
              ...truth,
              theftTransactions: truth.tron!.theftTransactions,
              stolen: truth.tron!.stolen,
              endpoints: truth.tron!.endpoints,
              attackerAddresses: truth.tron!.attackerAddresses,
              conversions: [],
              trackedAssets: truth.tron!.stolen.map((s) => s.asset),
            };
      const result = await cli<TraceResult>([
        'trace',
        '--chain',
        chain,
        '--max-hops',
        '20',
        ...side.theftTransactions,
      ]);
      const score = scoreAgainstSimulatorTruth(result, side);
      expect(score.overall).toBeGreaterThanOrEqual(TARGET_ATTRIBUTED);
      // The frozen consolidator is reported as frozen by the issuer, not as merely unspent.
      const frozen = side.endpoints.find((e) => e.category === 'frozen')!;
      const found = result.endpoints.find(
        (e) => e.address.toLowerCase() === frozen.address!.toLowerCase(),
      );
      expect(found?.category).toBe('frozen');
    },
  );
});
