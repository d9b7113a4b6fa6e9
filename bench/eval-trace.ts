// Trace engine evaluation (issue 5), part of `npm run eval`:
// 1. the simulator's laundering scenarios, traced from their theft transactions, scored against the
//    simulator's own truth (needs only anvil, a dependency: always runs);
// 2. the MFTracer hand-verified ground truth (five Ethereum cases in ../shared/data), through the
//    CLI (bench/eval-mftracer.ts; skipped visibly when the data is absent).
import { printTable } from './print-table.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAnvil } from '../src/chains/evm/anvil.ts';
import { syncEvm } from '../src/ingest/sync/sync-evm.ts';
import { SIMULATOR_ANVIL_ARGS, simulate } from '../src/simulate/simulate.ts';
import { labelSimulatedServices } from '../src/simulate/simulator-labels.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import type { Store } from '../src/store/store.ts';
import { scoreAgainstSimulatorTruth } from '../src/trace/score.ts';
import { traceStore } from '../src/trace/trace-store.ts';
import { simulatorPaths } from '../src/cli/commands/simulate.ts';
import { evalMfTracer } from './eval-mftracer.ts';
import type { TraceResult } from '../src/trace/types.ts';
import { traceAmountToBigInt } from '../src/trace/raw-amount.ts';
import type { Truth } from '../src/simulate/truth.ts';

/** Scenarios of the simulator evaluated (issue 5). */
const SIM_SCENARIOS = ['bybit-2025', 'ronin-2022', 'it-worker-salaries', 'peel-chain'];
const SIM_SEED = 1;
const SIM_SCALE = 1;
/** Hops followed in the simulator traces: above the longest laundering path a scenario plays. */
const SIM_MAX_HOPS = 64;
/** Issue 5 targets: share of stolen value at the right endpoint, and relative amount error. */
const TARGET_ATTRIBUTED = 0.99;
const TARGET_AMOUNT_TOLERANCE = 0.001;

const pct = (x: number | null, digits = 2) =>
  x === null ? 'n/a' : `${(x * 100).toFixed(digits)}%`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

async function withTempStore<T>(run: (store: Store) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaintrail-eval-trace-'));
  const store = await createDuckDbStore({ path: path.join(dir, 'eval.duckdb') });
  try {
    return await run(store);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Diagnostics beside the score: the worst endpoint's truth category, and the largest relative error
 * over endpoints other than `unspent` (an attacker address's remainder, which the trace overstates
 * by the gas it later paid: the index leaves gas out).
 */
function amountErrors(result: TraceResult, truth: Truth): { worst: string; notUnspent: number } {
  const traced = new Map<string, number>();
  for (const e of result.endpoints) {
    const key = `${e.address.toLowerCase()}|${e.asset}`;
    traced.set(key, (traced.get(key) ?? 0) + Number(traceAmountToBigInt(e.amount)));
  }
  const expected = new Map<string, { amount: number; category: string }>();
  for (const e of truth.endpoints) {
    if (e.address === null || e.category === 'fee') continue;
    const key = `${e.address.toLowerCase()}|${e.asset}`;
    const t = expected.get(key) ?? { amount: 0, category: e.category };
    t.amount += Number(e.amount);
    expected.set(key, t);
  }
  let worst = { error: -1, text: '' };
  let notUnspent = 0;
  for (const [key, t] of expected) {
    const error = t.amount === 0 ? 0 : Math.abs((traced.get(key) ?? 0) - t.amount) / t.amount;
    if (error > worst.error) worst = { error, text: `${t.category} ${t.amount.toExponential(2)}` };
    if (t.category !== 'unspent') notUnspent = Math.max(notUnspent, error);
  }
  return { worst: worst.text, notUnspent };
}

type SimRow = {
  /** The same trace with the deposit addresses unlabelled: the trace infers them from their sweeps. */
  unlabelled: {
    overall: number | null;
    within: number;
    endpoints: number;
    maxRelativeError: number;
    /** Truth deposit-address endpoints found, as inferred deposit addresses, at the right address. */
    depositsInferred: number;
    deposits: number;
  };
  worst: string;
  notUnspent: number;
  scenario: string;
  overall: number | null;
  byAsset: string;
  maxRelativeError: number;
  within: number;
  endpoints: number;
  spurious: number;
  mismatches: string;
  traced: number;
  seconds: number;
};

async function evalScenario(scenario: string): Promise<SimRow> {
  const started = Date.now();
  const anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
  try {
    const simulated = await simulate({
      rpcUrl: anvil.url,
      scenarios: [scenario],
      seed: SIM_SEED,
      scale: SIM_SCALE,
      ...simulatorPaths(),
    });
    const truth = simulated.truths.find((t) => t.scenario === scenario)!;
    // As a user would: the store's index, labels and THORChain memos (traceStore).
    const traceOf = async (depositAddresses: boolean) =>
      withTempStore(async (store) => {
        const sync = await syncEvm({ store, rpcUrl: anvil.url });
        await labelSimulatedServices(store, simulated, { chain: sync.chain, depositAddresses });
        const { result } = await traceStore({
          store,
          seeds: truth.theftTransactions.map((txHash) => ({
            kind: 'tx' as const,
            chain: sync.chain,
            txHash,
          })),
          direction: 'forward',
          policy: 'haircut',
          maxHops: SIM_MAX_HOPS,
        });
        return result;
      });
    const bare = await traceOf(false);
    const bareScore = scoreAgainstSimulatorTruth(bare, truth, {
      tolerance: TARGET_AMOUNT_TOLERANCE,
    });
    const truthDeposits = new Set(
      truth.endpoints
        .filter((e) => e.category === 'deposit_wallet' && e.address !== null)
        .map((e) => e.address!.toLowerCase()),
    );
    const unlabelled = {
      overall: bareScore.overall,
      within: bareScore.endpointsWithinTolerance,
      endpoints: bareScore.endpoints,
      maxRelativeError: bareScore.maxRelativeError,
      depositsInferred: new Set(
        bare.endpoints
          .filter((e) => e.inferred && truthDeposits.has(e.address.toLowerCase()))
          .map((e) => e.address.toLowerCase()),
      ).size,
      deposits: truthDeposits.size,
    };
    return await (async () => {
      const result = await traceOf(true);
      const errors = amountErrors(result, truth);
      const score = scoreAgainstSimulatorTruth(result, truth, {
        tolerance: TARGET_AMOUNT_TOLERANCE,
      });
      const truthTotal = score.assets.reduce((s, a) => s + Number(a.truth), 0);
      const spuriousTotal = score.assets.reduce((s, a) => s + Number(a.spurious), 0);
      return {
        scenario,
        overall: score.overall,
        byAsset: score.assets
          .map((a) => `${a.asset === 'native' ? 'native' : a.asset.slice(0, 8)} ${pct(a.share, 1)}`)
          .join(', '),
        maxRelativeError: score.maxRelativeError,
        worst: errors.worst,
        notUnspent: errors.notUnspent,
        within: score.endpointsWithinTolerance,
        endpoints: score.endpoints,
        // Spurious share over all assets in raw units (every simulated asset has 18 decimals).
        spurious: truthTotal === 0 ? 0 : spuriousTotal / truthTotal,
        mismatches:
          score.categoryMismatches.length === 0
            ? '0'
            : `${score.categoryMismatches.length} (${[
                ...new Set(score.categoryMismatches.map((m) => `${m.truth}->${m.trace}`)),
              ].join(', ')})`,
        traced: result.summary.traced,
        seconds: (Date.now() - started) / 1000,
        unlabelled,
      };
    })();
  } finally {
    await anvil.stop();
  }
}

async function evalSimulator(): Promise<boolean> {
  console.log(
    `Trace vs simulator truth (seed ${SIM_SEED}, scale ${SIM_SCALE}; forward, haircut, seeds = theft txs, maxHops ${SIM_MAX_HOPS})`,
  );
  const rows: SimRow[] = [];
  for (const s of SIM_SCENARIOS) rows.push(await evalScenario(s));
  printTable(
    [
      'scenario',
      'attributed',
      'per asset',
      'max rel err',
      'worst endpoint (truth raw)',
      'max err not unspent',
      `within ${pct(TARGET_AMOUNT_TOLERANCE, 1)}`,
      'spurious',
      'category mismatches',
      'traced',
      's',
    ],
    rows.map((r) => [
      r.scenario,
      pct(r.overall),
      r.byAsset,
      pct(r.maxRelativeError, 3),
      r.worst,
      pct(r.notUnspent, 3),
      `${r.within}/${r.endpoints}`,
      pct(r.spurious),
      r.mismatches,
      pct(r.traced, 1),
      r.seconds.toFixed(0),
    ]),
  );
  console.log(
    '  note: gas paid with stolen value is untraced (fees), not an endpoint; a stablecoin balance its issuer froze (the sync decodes the freeze) is "frozen"',
  );
  const attributedOk = rows.every((r) => (r.overall ?? 0) >= TARGET_ATTRIBUTED);
  const amountsOk = rows.every((r) => r.maxRelativeError <= TARGET_AMOUNT_TOLERANCE);
  console.log(
    `  ${verdict(attributedOk)} attributed to the right endpoint >= ${pct(TARGET_ATTRIBUTED, 0)} in every scenario (min ${pct(Math.min(...rows.map((r) => r.overall ?? 0)))})`,
  );
  console.log(
    `  ${verdict(amountsOk)} every endpoint amount within ${pct(TARGET_AMOUNT_TOLERANCE, 1)} (worst ${pct(Math.max(...rows.map((r) => r.maxRelativeError)), 3)})`,
  );
  console.log(
    "  the same traces with the exchanges' deposit addresses unlabelled (public label sets name hot wallets only): the trace infers deposit addresses from their sweeps (src/trace/infer-deposits.ts)",
  );
  printTable(
    [
      'scenario',
      'attributed',
      'max rel err',
      `within ${pct(TARGET_AMOUNT_TOLERANCE, 1)}`,
      'truth deposit addresses found as inferred endpoints',
    ],
    rows.map((r) => [
      r.scenario,
      pct(r.unlabelled.overall),
      pct(r.unlabelled.maxRelativeError, 3),
      `${r.unlabelled.within}/${r.unlabelled.endpoints}`,
      `${r.unlabelled.depositsInferred}/${r.unlabelled.deposits}`,
    ]),
  );
  return attributedOk && amountsOk;
}

/**
 * Runs both trace evaluations and prints their tables; false when a target is missed.
 *
 * @example
 * if (!(await evalTrace(sharedDataDir))) process.exitCode = 1;
 */
export async function evalTrace(
  shared: string,
  which: { simulator: boolean; mftracer: boolean } = { simulator: true, mftracer: true },
): Promise<boolean> {
  const sim = which.simulator ? await evalSimulator() : true;
  const mf = which.mftracer
    ? await evalMfTracer(path.join(shared, 'tracing-ground-truth/AnonymousMFTracer-Ground-Truth'))
    : null;
  return sim && mf !== false;
}
