import { describe, expect, it } from 'vitest';
import { traceStore } from '../trace/trace-store.ts';
import type { TraceResult } from '../trace/types.ts';
import { FIXTURE, handBuiltTrace } from '../../test/helpers/trace-fixture.ts';
import { ETH, SIM, seedSimulatedTheft, simTransfers } from '../../test/helpers/simulated-theft.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { buildReport } from './build-report.ts';
import { reportDataHash } from './report-data-hash.ts';

const move = simTransfers('report-model-test');

/** The simulated theft with a gas fee paid by mule 2, so part of the seed is untraced. */
async function theftTrace(store: Parameters<typeof seedSimulatedTheft>[0]): Promise<TraceResult> {
  await seedSimulatedTheft(store, move);
  await store.write((w) =>
    w.appendTransfers([move(5, SIM.mule2, null, ETH / 100n, { kind: 'fee' })]),
  );
  const { result } = await traceStore({
    store,
    seeds: [{ kind: 'address', chain: 'anvil', address: SIM.thief }],
    direction: 'forward',
    policy: 'haircut',
  });
  return result;
}

describe('buildReport on a stored trace', () => {
  const ctx = useTempStore();

  it('lists the exchange with the exact amount and arrival, and reconciles seed = traced + untraced to the wei', async () => {
    const trace = await theftTrace(ctx.store);
    const report = await buildReport({ trace, store: ctx.store, db: 'theft.duckdb' });

    expect(report.freezeRequests).toHaveLength(1);
    const [request] = report.freezeRequests!;
    expect(request!.service).toBe('Simulated Exchange');
    expect(request!.totals).toEqual([
      { chain: 'anvil', asset: 'native', raw: (60n * ETH).toString(), symbol: 'ETH', decimals: 18 },
    ]);
    const [deposit] = request!.deposits;
    expect(deposit!.address).toBe(SIM.deposit.toLowerCase());
    expect(deposit!.attribution).toEqual({ kind: 'labelled' });
    expect(deposit!.arrivals.map((a) => [a.txHash, a.amount.raw])).toEqual([
      [move.txHash(4), (60n * ETH).toString()],
    ]);
    // A simulated chain has no block explorer: no link is made up for it.
    expect(deposit!.arrivals[0]!.explorerUrl).toBeNull();

    // 100 ETH seeded; 60 at the exchange, 39.99 still held, 0.01 paid as gas.
    expect(report.reconciliation.assets).toHaveLength(1);
    const [asset] = report.reconciliation.assets;
    expect(asset!.seed.raw).toBe((100n * ETH).toString());
    expect(asset!.traced.raw).toBe((100n * ETH - ETH / 100n).toString());
    expect(asset!.untraced.raw).toBe((ETH / 100n).toString());
    expect(report.reconciliation.ok, JSON.stringify(report.reconciliation.checks)).toBe(true);
    const untracedRow = report.summary.where.find((r) => r.bucket === 'untraced')!;
    expect(untracedRow.amounts.map((a) => a.raw)).toEqual([(ETH / 100n).toString()]);
    expect(report.summary.untracedBy.fees).toBeGreaterThan(0);

    // Evidence: the exchange's path, hop by hop, with each hop's transaction.
    const exchange = report.evidence.find((e) => e.category === 'deposit_wallet')!;
    expect(exchange.paths[0]!.map((h) => h.transfers.map((t) => t.txHash))).toEqual([
      [move.txHash(2)],
      [move.txHash(4)],
    ]);

    // Data: the chain's block range and the simulator's label list.
    expect(report.data.store).toBe(true);
    expect(report.data.chains).toEqual([
      expect.objectContaining({ chain: 'anvil', firstBlock: '1', lastBlock: '5', transfers: 5 }),
    ]);
    expect(report.data.labelLists.map((l) => l.format)).toEqual(['simulator']);
    expect(report.reproduction.command).toBe(
      `chaintrail trace ${SIM.thief.toLowerCase()} --chain anvil --direction forward --policy haircut --max-hops 10 --json --db theft.duckdb`,
    );
    expect(report.reproduction.dataSha256).toBe(reportDataHash(report.data));
  });

  it("sets the trace beside every other taint policy's on the same store, and says why not without one", async () => {
    const trace = await theftTrace(ctx.store);
    const report = await buildReport({ trace, store: ctx.store, comparePolicies: true });
    const rows = report.method.comparison!;
    expect(rows.map((r) => r.policy)).toEqual(['poison', 'haircut', 'fifo', 'lifo', 'tiho']);
    // The report's own policy is its trace's figures; another is that policy traced again.
    expect(rows[1]).toMatchObject({
      traced: trace.summary.traced,
      endpoints: trace.endpoints.length,
    });
    const { result: fifo } = await traceStore({
      store: ctx.store,
      seeds: trace.parameters.seeds,
      direction: 'forward',
      policy: 'fifo',
    });
    expect(rows[2]).toMatchObject({
      traced: fifo.summary.traced,
      endpoints: fifo.endpoints.length,
    });
    for (const r of rows) expect(r.traced + r.untraced).toBeCloseTo(1, 9);
    expect(report.method.comparisonNote).toMatch(/same database with the same seeds/);
    const without = await buildReport({ trace });
    expect(without.method.comparison).toBeNull();
    expect(without.method.comparisonNote).toMatch(/without the database/);
  });

  it('gives the same data hash for the same trace and store, and another when the trace differs', async () => {
    const trace = await theftTrace(ctx.store);
    const a = await buildReport({ trace, store: ctx.store, now: new Date(0) });
    const b = await buildReport({ trace, store: ctx.store, now: new Date() });
    expect(b.reproduction.dataSha256).toBe(a.reproduction.dataSha256);
    const other = structuredClone(trace);
    other.endpoints[0]!.amount = '1';
    const c = await buildReport({ trace: other, store: ctx.store });
    expect(c.reproduction.dataSha256).not.toBe(a.reproduction.dataSha256);
  });
});

describe('buildReport reconciliation', () => {
  it('names the value a path left behind (dust at a split) and a bridge hop to another chain', async () => {
    const trace = handBuiltTrace();
    const report = await buildReport({ trace });
    expect(report.reconciliation.ok, JSON.stringify(report.reconciliation.checks)).toBe(true);
    const balances = report.reconciliation.checks.find((c) => c.name.startsWith('every address'))!;
    // Split 2 received 40, passed on 35 and holds 4: 1 ETH stopped being followed there.
    expect(balances.text).toContain('1 keep value the trace stopped following');
    expect(report.reconciliation.assets[0]!.untraced.raw).toBe(ETH.toString());
    expect(report.data.store).toBe(false);
    expect(report.freezeRequests!.map((r) => r.service)).toEqual([FIXTURE.exchangeEntity]);
  });

  it('says where the figures do not reconcile instead of hiding it', async () => {
    const trace = handBuiltTrace();
    // An endpoint claiming more than arrived, and endpoints over the seed.
    trace.endpoints.find((e) => e.address === FIXTURE.deposit)!.amount = (31n * ETH).toString();
    trace.endpoints.find((e) => e.address === FIXTURE.split2)!.amount = (40n * ETH).toString();
    const report = await buildReport({ trace });
    expect(report.reconciliation.ok).toBe(false);
    const failed = report.reconciliation.checks.filter((c) => !c.ok).map((c) => c.text);
    expect(failed.join('\n')).toContain(`anvil:${FIXTURE.deposit}`);
    expect(failed.join('\n')).toContain('more than the seed');
  });

  it('reconciles value bridged to another chain by shares, not by adding raw units of two chains', async () => {
    const trace = handBuiltTrace();
    // The 35 ETH bridged through THORChain, followed on Bitcoin to the payout address, where it rests.
    const bridge = trace.endpoints.findIndex((e) => e.address === FIXTURE.thorRouter);
    trace.nodes.push({
      id: `bitcoin-regtest:${FIXTURE.btcPayout}`,
      chain: 'bitcoin-regtest',
      address: FIXTURE.btcPayout,
      category: null,
      entity: null,
    });
    trace.endpoints[bridge] = {
      chain: 'bitcoin-regtest',
      address: FIXTURE.btcPayout,
      category: 'unspent',
      entity: null,
      asset: 'native',
      amount: '70000000',
      share: 0.35,
      finding: `still held at ${FIXTURE.btcPayout}`,
      paths: [[FIXTURE.exploiter, FIXTURE.split2, FIXTURE.thorRouter, FIXTURE.btcPayout]],
    };
    const report = await buildReport({ trace });
    expect(report.reconciliation.ok, JSON.stringify(report.reconciliation.checks)).toBe(true);
    expect(report.reconciliation.assets).toEqual([]);
    const names = report.reconciliation.checks.map((c) => c.name);
    expect(names).toContain('seed = traced + untraced, by share');
    expect(names).not.toContain('seed = traced + untraced, in raw units');
    // No untraced amount is made up from a difference of two chains' units: only its share.
    const untraced = report.summary.where.find((r) => r.bucket === 'untraced')!;
    expect(untraced.amounts).toEqual([]);
    expect(untraced.share).toBe(0.01);
    const held = report.summary.where.filter((r) => r.bucket === 'held');
    expect(held.flatMap((r) => r.amounts.map((a) => `${a.raw} ${a.symbol}`)).sort()).toEqual([
      '4000000000000000000 ETH',
      '70000000 rBTC',
    ]);
    // The evidence path crosses the bridge: the hop between the chains says so.
    const onBitcoin = report.evidence.find((e) => e.chain === 'bitcoin-regtest')!;
    const hops = onBitcoin.paths[0]!;
    expect(hops.map((h) => h.transfers.length)).toEqual([1, 1, 0]);
    expect(hops[2]!.note).toMatch(/^bridged/);
  });

  it('reports a shares mismatch', async () => {
    const trace = handBuiltTrace();
    trace.summary.untraced = 0.2;
    const report = await buildReport({ trace });
    const failed = report.reconciliation.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toContain('traced + untraced = 100%');
  });
});
