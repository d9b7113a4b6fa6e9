// Trace engine evaluation (issue 5), part of `npm run eval`:
// 1. the simulator's laundering scenarios, traced from their theft transactions, scored against the
//    simulator's own truth (needs only anvil, a dependency: always runs);
// 2. the MFTracer hand-verified ground truth (five Ethereum cases in ../shared/data), its edges mixed
//    with generated background activity, traced from the case's source addresses and scored on
//    terminal recall and value-weighted precision (skipped visibly when the data is absent).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { startAnvil } from '../src/chains/evm/anvil.ts';
import { importTransfersCsv, parseColumnMap } from '../src/ingest/transfers-csv.ts';
import { syncEvm } from '../src/ingest/sync/sync-evm.ts';
import { parseTimestamp } from '../src/model/time.ts';
import { createRandom } from '../src/simulate/random.ts';
import { SIMULATOR_ANVIL_ARGS, simulate } from '../src/simulate/simulate.ts';
import { labelSimulatedServices } from '../src/simulate/simulator-labels.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import type { Store } from '../src/store/store.ts';
import { buildGraphIndex, edgeSource } from '../src/trace/graph-index.ts';
import { type MfTracerCase, readMfTracerCase } from '../src/trace/read-mftracer-case.ts';
import { scoreAgainstGroundTruth, scoreAgainstSimulatorTruth } from '../src/trace/score.ts';
import { TAINT_POLICIES, traceFunds } from '../src/trace/trace-funds.ts';
import { endpointLabels, traceStore } from '../src/trace/trace-store.ts';
import { loadReferenceLabels } from '../src/labels/reference.ts';
import { simulatorPaths } from '../src/cli/commands/simulate.ts';
import type { GraphIndex, TaintPolicy, TraceResult } from '../src/trace/types.ts';
import { traceAmountToBigInt } from '../src/trace/raw-amount.ts';
import type { Truth } from '../src/simulate/truth.ts';

/** Scenarios of the simulator evaluated (issue 5). */
const SIM_SCENARIOS = ['bybit-2025', 'ronin-2022', 'it-worker-salaries', 'peel-chain'];
const SIM_SEED = 1;
const SIM_SCALE = 1;
/** Hops followed in the simulator traces: above the longest laundering path a scenario plays. */
const SIM_MAX_HOPS = 64;
/** The shipped label set (data/reference), as every new database gets it. */
const REFERENCE_DIR = path.join(import.meta.dirname, '../data/reference');
/** Issue 5 targets: share of stolen value at the right endpoint, and relative amount error. */
const TARGET_ATTRIBUTED = 0.99;
const TARGET_AMOUNT_TOLERANCE = 0.001;

/** MFTracer evaluation: hops, targets, and the paper's anchor figure. */
const MF_MAX_HOPS = 20;
const TARGET_RECALL = 0.95;
const TARGET_PRECISION = 0.9;
const MFTRACER_PAPER_COVERAGE = 0.9409;
const USD_DECIMALS = 18;
const MF_MAP = 'from=From,to=To,amount=Value_in_USD,time=Timestamp,tx=Tx_hash,block=Block';
/** Background: per address of a case, this many generated transfers in and this many out. */
const BACKGROUND_IN_PER_ADDRESS = 2;
const BACKGROUND_OUT_PER_ADDRESS = 2;
/** A background transfer's USD amount: this range of fractions of the address's median case edge. */
const BACKGROUND_MIN_FRACTION = 0.01;
const BACKGROUND_MAX_FRACTION = 0.5;
const BACKGROUND_SEED = 5;
/**
 * Generated addresses and tx hashes: a fixed, obviously synthetic prefix (`0xbac6…`, "background")
 * followed by a counter. They are never real addresses.
 */
const SYNTHETIC_ADDRESS_PREFIX = 'bac6';
const SYNTHETIC_TX_PREFIX = 'bac6bac6';

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
    return await withTempStore(async (store) => {
      const sync = await syncEvm({ store, rpcUrl: anvil.url });
      await labelSimulatedServices(store, simulated, { chain: sync.chain });
      // As a user would: the store's index, labels and THORChain memos (traceStore).
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
      };
    });
  } finally {
    await anvil.stop();
  }
}

function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    '  ' +
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(headers));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
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
  return attributedOk && amountsOk;
}

const syntheticAddress = (n: number) =>
  `0x${SYNTHETIC_ADDRESS_PREFIX}${n.toString(16).padStart(40 - SYNTHETIC_ADDRESS_PREFIX.length, '0')}`;
const syntheticTx = (n: number) =>
  `0x${SYNTHETIC_TX_PREFIX}${n.toString(16).padStart(64 - SYNTHETIC_TX_PREFIX.length, '0')}`;

function isoSeconds(t: number): string {
  return new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Position text of the eval's own transfer seeds: the index's edge id (see victimOutflows). */
const EDGE_POSITION = 'edge:';

/**
 * The seeds: the theft, as an investigator has it from the victims' reports, i.e. the transfers out
 * of a victim in the window made by the case's own transactions (the victims' background payments
 * are not theft and not seeds). An address seed would not do: traced forward it starts from what
 * the address *received*, which suits an attacker's address, while a victim's stolen value is what
 * it *sent*. They are `transfer` seeds whose position names the index edge.
 */
function victimOutflows(
  index: GraphIndex,
  victims: readonly string[],
  theftTxs: ReadonlySet<string>,
  since: number,
  until: number,
) {
  const seeds: { kind: 'transfer'; chain: string; txHash: string; position: string }[] = [];
  const nodes = new Set<number>();
  for (const address of victims) {
    const node = index.nodeId('ethereum', address);
    if (node !== undefined) nodes.add(node);
  }
  for (let e = 0; e < index.edgeCount; e++)
    if (nodes.has(edgeSource(index, e)) && theftTxs.has(index.txHash(index.tx[e]!)))
      if (index.time[e]! >= since && index.time[e]! <= until)
        seeds.push({
          kind: 'transfer',
          chain: 'ethereum',
          txHash: index.txHash(index.tx[e]!),
          position: `${EDGE_POSITION}${e}`,
        });
  return seeds;
}

type CaseRow = {
  /** Terminals a time-respecting path from a source reaches over the case's own edges: the bound. */
  reachable: number;
  /** Terminals the same trace reaches without the background. */
  reachedAlone: number;
  precisionAlone: number | null;
  /** The same case with background, by policy (haircut first). */
  policies: { policy: TaintPolicy; reached: number; precision: number | null }[];
  atBackground: number;
  untraced: number;
  name: string;
  edges: number;
  background: number;
  backgroundUsd: number;
  caseUsd: number;
  sources: number;
  terminals: number;
  reached: number;
  recall: number;
  precision: number | null;
  precisionAtTerminals: number | null;
  edgeRecall: number | null;
  edgeRecallUsd: number | null;
  note: string;
};

async function evalMfTracerCase(dir: string): Promise<CaseRow> {
  const c = readMfTracerCase(dir);
  const file = path.join(dir, `${c.name}.csv`);
  const records = parse(fs.readFileSync(file), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const times = records.map((r) => parseTimestamp(r.Timestamp!));
  const since = Math.min(...times);
  const until = Math.max(...times);
  // Block numbers are required by the importer but unused by the trace (it orders by time).
  const block = records.reduce((m, r) => Math.min(m, Number(r.Block)), Infinity);
  // Background: every address of the case gets clean value in from, and sends some out to,
  // generated addresses at random times of the case's window.
  // The simulator's seeded generator: every run generates the same background.
  const random = createRandom(BACKGROUND_SEED).next;
  const amounts = new Map<string, number[]>();
  for (const e of c.edges)
    for (const a of [e.from, e.to]) {
      const list = amounts.get(a) ?? [];
      list.push(e.valueUsd ?? 0);
      amounts.set(a, list);
    }
  const lines = [records.length > 0 ? Object.keys(records[0]!).join(',') : ''];
  const raw = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== '');
  lines.push(...raw);
  let counter = 0;
  let backgroundUsd = 0;
  for (const [address, list] of [...amounts].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...list].sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const emit = (from: string, to: string) => {
      counter++;
      const t = since + Math.floor(random() * (until - since + 1));
      const usd =
        median *
        (BACKGROUND_MIN_FRACTION + random() * (BACKGROUND_MAX_FRACTION - BACKGROUND_MIN_FRACTION));
      backgroundUsd += usd;
      lines.push(
        [
          isoSeconds(t),
          String(block),
          syntheticTx(counter),
          from,
          'synthetic',
          to,
          'synthetic',
          usd.toFixed(6),
        ].join(','),
      );
    };
    for (let i = 0; i < BACKGROUND_IN_PER_ADDRESS; i++)
      emit(syntheticAddress(counter + 1), address);
    for (let i = 0; i < BACKGROUND_OUT_PER_ADDRESS; i++)
      emit(address, syntheticAddress(counter + 1));
  }
  const alone = (await traceCaseCsv(c, lines.slice(0, 1 + raw.length), since, until))[0]!;
  const byPolicy = await traceCaseCsv(c, lines, since, until, [
    'haircut',
    ...TAINT_POLICIES.filter((p) => p !== 'haircut'),
  ]);
  const mixed = byPolicy[0]!;
  return {
    name: c.name,
    edges: c.edges.length,
    background: counter,
    backgroundUsd,
    caseUsd: c.edges.reduce((s, e) => s + (e.valueUsd ?? 0), 0),
    sources: c.sources.length,
    terminals: mixed.score.terminals,
    reachable: timeRespectingReach(c, times),
    reachedAlone: alone.score.terminalsReached,
    precisionAlone: alone.score.precision,
    reached: mixed.score.terminalsReached,
    recall: mixed.score.terminalRecall,
    precision: mixed.score.precision,
    precisionAtTerminals: mixed.score.precisionAtTerminals,
    edgeRecall: mixed.score.edgeRecall,
    edgeRecallUsd: mixed.score.edgeRecallUsd,
    atBackground:
      mixed.result.endpoints
        .filter((e) => e.address.startsWith(`0x${SYNTHETIC_ADDRESS_PREFIX}`))
        .reduce((sum, e) => sum + e.share, 0) /
      Math.max(
        Number.MIN_VALUE,
        mixed.result.endpoints.reduce((sum, e) => sum + e.share, 0),
      ),
    untraced: Math.max(0, mixed.result.summary.untraced),
    policies: byPolicy.map((p) => ({
      policy: p.policy,
      reached: p.score.terminalsReached,
      precision: p.score.precision,
    })),
    note: c.sources.length === 0 ? 'no source addresses' : '',
  };
}

/**
 * Terminals reached from a source by a time-respecting path over the case's own edges (each edge
 * no earlier than the one before it): what any tracer that respects time can reach at most.
 */
function timeRespectingReach(c: MfTracerCase, times: readonly number[]): number {
  const arrival = new Map<string, number>(c.sources.map((s) => [s, -Infinity]));
  const order = c.edges.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
  for (let changed = true; changed;) {
    changed = false;
    for (const i of order) {
      const e = c.edges[i]!;
      const from = arrival.get(e.from);
      if (from !== undefined && times[i]! >= from && (arrival.get(e.to) ?? Infinity) > times[i]!) {
        arrival.set(e.to, times[i]!);
        changed = true;
      }
    }
  }
  return [...c.terminals].filter((t) => arrival.has(t)).length;
}

/**
 * Imports the case's CSV lines (header first) into a new store and traces from its sources with
 * each policy (haircut first).
 */
async function traceCaseCsv(
  c: MfTracerCase,
  lines: readonly string[],
  since: number,
  until: number,
  policies: readonly TaintPolicy[] = ['haircut'],
) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaintrail-eval-mf-'));
  try {
    const file = path.join(tmp, `${c.name}.csv`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return await withTempStore(async (store) => {
      const imported = await importTransfersCsv({
        store,
        files: [file],
        map: parseColumnMap(MF_MAP),
        asset: 'USD',
        decimals: USD_DECIMALS,
      });
      if (imported.rejected > 0) throw new Error(`${c.name}: ${imported.rejected} rows rejected`);
      const index = await buildGraphIndex({ store });
      // The labels a user has: the shipped reference set (the case's own labels stay unread).
      await loadReferenceLabels({ store, dir: REFERENCE_DIR });
      const labels = await endpointLabels(store);
      return policies.map((policy) => {
        const result = traceFunds({
          index,
          labels,
          seeds: victimOutflows(
            index,
            c.sources,
            new Set(c.edges.map((e) => e.txHash)),
            since,
            until,
          ),
          transferEdge: (_chain, _txHash, position) => Number(position.slice(EDGE_POSITION.length)),
          direction: 'forward',
          policy,
          maxHops: MF_MAX_HOPS,
          since,
          until,
        });
        return {
          policy,
          result,
          score: scoreAgainstGroundTruth(result, { terminals: c.terminals, edges: c.edges }),
        };
      });
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function evalMfTracer(groundTruth: string): Promise<boolean | null> {
  console.log(
    `Trace vs MFTracer ground truth (forward, haircut, seeds = the case's transfers out of the source (victim) addresses, case time window, maxHops ${MF_MAX_HOPS}, labels: the shipped reference set, not the case's own)`,
  );
  if (!fs.existsSync(groundTruth)) {
    console.log(`  SKIPPED: ${groundTruth} not found (set CHAINTRAIL_SHARED_DATA)`);
    return null;
  }
  console.log(
    `  background: per case address ${BACKGROUND_IN_PER_ADDRESS} transfers in from and ${BACKGROUND_OUT_PER_ADDRESS} out to synthetic 0x${SYNTHETIC_ADDRESS_PREFIX}… addresses, ${pct(BACKGROUND_MIN_FRACTION, 0)}-${pct(BACKGROUND_MAX_FRACTION, 0)} of the address's median edge USD, uniform times in the case window (seed ${BACKGROUND_SEED})`,
  );
  const rows: CaseRow[] = [];
  for (const name of fs.readdirSync(groundTruth).sort()) {
    const dir = path.join(groundTruth, name);
    if (!fs.existsSync(path.join(dir, `${name}.csv`))) continue;
    rows.push(await evalMfTracerCase(dir));
  }
  printTable(
    [
      'case',
      'edges',
      'bg transfers',
      'bg USD / case USD',
      'sources',
      'reachable (bound)',
      'alone: reached',
      'alone: precision',
      'terminals reached',
      'recall',
      'precision',
      'prec@terminals',
      'edge recall',
      'edge recall USD',
      'endpoint value at bg addrs',
      'untraced',
    ],
    rows.map((r) => [
      r.name + (r.note ? ` (${r.note})` : ''),
      String(r.edges),
      String(r.background),
      pct(r.backgroundUsd / r.caseUsd, 1),
      String(r.sources),
      `${r.reachable}/${r.terminals}`,
      `${r.reachedAlone}/${r.terminals}`,
      pct(r.precisionAlone),
      `${r.reached}/${r.terminals}`,
      pct(r.recall),
      pct(r.precision),
      pct(r.precisionAtTerminals),
      pct(r.edgeRecall),
      pct(r.edgeRecallUsd),
      pct(r.atBackground),
      pct(r.untraced),
    ]),
  );
  console.log(
    '  note: "reachable (bound)" counts terminals a time-respecting path over the case\'s own edges reaches (terminals without any incoming edge in the data count as missed); "alone" is the trace without the background. Every asset is one "USD" asset valued at transfer time, so an address can send more USD than it got: an outflow larger than the known balance takes all the taint left (unknown earlier balance is clean) and later outflows carry none; "endpoint value at bg addrs" is the precision lost to background',
  );
  console.log('  by taint policy, with background: terminals reached / precision');
  printTable(
    ['policy', ...rows.map((r) => r.name), 'all: recall'],
    rows[0]!.policies.map((_, i) => {
      const reached = rows.reduce((s, r) => s + r.policies[i]!.reached, 0);
      const terminals = rows.reduce((s, r) => s + r.terminals, 0);
      return [
        rows[0]!.policies[i]!.policy,
        ...rows.map(
          (r) => `${r.policies[i]!.reached}/${r.terminals} ${pct(r.policies[i]!.precision, 1)}`,
        ),
        pct(reached / terminals),
      ];
    }),
  );
  const recallOk = rows.every((r) => r.recall >= TARGET_RECALL);
  const precisionOk = rows.every((r) => (r.precision ?? 0) >= TARGET_PRECISION);
  const terminals = rows.reduce((s, r) => s + r.terminals, 0);
  const reached = rows.reduce((s, r) => s + r.reached, 0);
  const reachable = rows.reduce((s, r) => s + r.reachable, 0);
  console.log(
    `  ${verdict(recallOk)} terminal recall >= ${pct(TARGET_RECALL, 0)} in every case (all cases: ${reached}/${terminals} = ${pct(reached / terminals)}; time-respecting bound ${reachable}/${terminals} = ${pct(reachable / terminals)}; MFTracer paper reports ${pct(MFTRACER_PAPER_COVERAGE)} coverage)`,
  );
  console.log(
    `  ${verdict(precisionOk)} value-weighted precision >= ${pct(TARGET_PRECISION, 0)} in every case (min ${pct(Math.min(...rows.map((r) => r.precision ?? 0)))})`,
  );
  return recallOk && precisionOk;
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
