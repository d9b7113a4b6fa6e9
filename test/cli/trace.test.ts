import fs from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Anvil } from '../../src/chains/evm/anvil.ts';
import type { SimulateReturnType } from '../../src/simulate/simulate.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { simulatedDb } from '../helpers/simulated-db.ts';

// A simulated peel chain, synced and labelled as the demo does, traced through the real binary.
const dir = makeTempDir();
const db = path.join(dir.path, 'trace.duckdb');
const env = { env: { CHAINTRAIL_NO_REFERENCE: '1' } };
let anvil: Anvil;
let simulated: SimulateReturnType;

beforeAll(async () => {
  ({ anvil, simulated } = await simulatedDb(db, { scenario: 'peel-chain', scale: 0.3 }));
});
afterAll(async () => {
  await anvil?.stop();
  dir.cleanup();
});

type TraceJson = {
  endpoints: { address: string; category: string; share: number }[];
  nodes: unknown[];
  edges: unknown[];
  summary: { traced: number; untraced: number };
};

describe('chaintrail trace', () => {
  it('follows the ransom from its collector to exchange deposit addresses, the same bytes every run', async () => {
    const truth = simulated.truths[0]!;
    const collector = truth.attackerAddresses.find((a) => a.role === 'collector')!.address;
    const args = ['trace', collector, '--chain', 'anvil', '--max-hops', '20', '--json', '--db', db];
    const first = await runCli(args, env);
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(args, env);
    expect(again.stdout).toBe(first.stdout);
    const result = JSON.parse(first.stdout) as TraceJson;
    expect(result.summary.traced + result.summary.untraced).toBeCloseTo(1, 9);
    // Every peel of the truth is a deposit address the trace reaches.
    const deposits = new Set(
      result.endpoints.filter((e) => e.category === 'deposit_wallet').map((e) => e.address),
    );
    const truthDeposits = truth.endpoints.filter((e) => e.category === 'deposit_wallet');
    expect(truthDeposits.length).toBeGreaterThan(0);
    for (const e of truthDeposits) expect(deposits, e.address ?? '').toContain(e.address);
  });

  it("lists an address's transfers with the seed of each, and traces one of them alone", async () => {
    const truth = simulated.truths[0]!;
    const collector = truth.attackerAddresses.find((a) => a.role === 'collector')!.address;
    const listed = await runCli(
      [
        'address',
        collector,
        '--chain',
        'anvil',
        '--transfers',
        '50',
        '--direction',
        'out',
        '--json',
        '--db',
        db,
      ],
      env,
    );
    expect(listed.code, listed.stderr).toBe(0);
    const { transferList } = JSON.parse(listed.stdout) as {
      transferList: { seed: string; from: string; amount: string; kind: string }[];
    };
    const first = transferList.find((t) => t.kind !== 'fee')!;
    expect(first.from).toBe(collector.toLowerCase());
    const traced = await runCli(
      ['trace', first.seed, '--chain', 'anvil', '--json', '--db', db],
      env,
    );
    expect(traced.code, traced.stderr).toBe(0);
    const result = JSON.parse(traced.stdout) as { summary: { seedValue: { amount: string }[] } };
    // The seed is that one transfer, whatever else its transaction moved.
    expect(result.summary.seedValue).toEqual([expect.objectContaining({ amount: first.amount })]);
    const table = await runCli(
      ['address', collector, '--chain', 'anvil', '--transfers', '3', '--db', db],
      env,
    );
    expect(table.stdout).toContain(`${first.seed}`);
  });

  it('exports GraphML that parses, with every node and edge of the JSON result', async () => {
    const truth = simulated.truths[0]!;
    const collector = truth.attackerAddresses.find((a) => a.role === 'collector')!.address;
    const base = ['trace', collector, '--chain', 'anvil', '--db', db];
    const json = JSON.parse((await runCli([...base, '--json'], env)).stdout) as TraceJson;
    const out = path.join(dir.path, 'flow.graphml');
    const run = await runCli([...base, '--format', 'graphml', '--out', out], env);
    expect(run.code, run.stderr).toBe(0);
    const counts = { node: 0, edge: 0 };
    const parser = new SaxesParser();
    parser.on('opentag', (t) => {
      if (t.name === 'node' || t.name === 'edge') counts[t.name]++;
    });
    parser.write(fs.readFileSync(out, 'utf8')).close();
    expect(counts).toEqual({ node: json.nodes.length, edge: json.edges.length });
  });

  it('lists with --reach the addresses the ransom may have reached: every peel and hop, as table, JSON and CSV', async () => {
    const truth = simulated.truths[0]!;
    const collector = truth.attackerAddresses.find((a) => a.role === 'collector')!.address;
    const base = [
      'trace',
      collector,
      '--chain',
      'anvil',
      '--max-hops',
      '20',
      '--reach',
      '--db',
      db,
    ];
    const json = await runCli([...base, '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    const { addresses } = JSON.parse(json.stdout) as {
      addresses: { address: string; hops: number; category: string | null }[];
    };
    const reached = new Map(addresses.map((a) => [a.address, a]));
    // The seed itself, then every attacker hop and every deposit address the truth says value reached.
    expect(reached.get(collector)?.hops).toBe(0);
    for (const a of truth.attackerAddresses) expect(reached.has(a.address), a.address).toBe(true);
    for (const e of truth.endpoints.filter((x) => x.category === 'deposit_wallet'))
      expect(reached.get(e.address!)?.category).toBe('deposit_wallet');
    const csv = await runCli([...base, '--format', 'csv'], env);
    expect(csv.stdout.trim().split('\r\n')).toHaveLength(addresses.length + 1);
    const table = await runCli(base, env);
    expect(table.stdout).toContain(
      `${addresses.length} addresses may have received some of the value`,
    );
    const graphml = await runCli([...base, '--format', 'graphml'], env);
    expect(graphml.code).toBe(2);
  });

  it('exits 2 with one line for a seed of unknown chain or a bad policy', async () => {
    const unknown = await runCli(['trace', 'not-an-address', '--db', db], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const policy = await runCli(
      ['trace', '0x' + 'ab'.repeat(20), '--policy', 'magic', '--db', db],
      env,
    );
    expect(policy.code).toBe(2);
  });
});
