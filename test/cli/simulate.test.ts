import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../../src/chains/evm/anvil.ts';
import { SIMULATOR_ANVIL_ARGS } from '../../src/simulate/simulate.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const dir = makeTempDir();
let anvil: Anvil;
beforeAll(async () => {
  anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
});
afterAll(async () => {
  await anvil?.stop();
  dir.cleanup();
});

type TruthFile = {
  chainId: number;
  lastBlock: string;
  scenarios: {
    scenario: string;
    stolen: { asset: string; amount: string }[];
    conversions: { assetIn: string; amountIn: string; assetOut: string; amountOut: string }[];
    endpoints: { address: string | null; category: string; asset: string; amount: string }[];
    attackerAddresses: { address: string; role: string }[];
  }[];
  record: { asset: string; kind: string; count: number; amount: string }[];
};

describe('chaintrail simulate (CLI)', () => {
  it('plays a scenario and writes a truth file whose endpoints add up to what was stolen', async () => {
    const truthFile = path.join(dir.path, 'truth.json');
    const run = await runCli([
      'simulate',
      'peel-chain',
      '--rpc',
      anvil.url,
      '--seed',
      '3',
      '--scale',
      '0.5',
      '--truth',
      truthFile,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/peel-chain:[\s\S]*deposit_wallet[\s\S]*Truth written to/);
    const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8')) as TruthFile;
    expect(truth.chainId).toBe(31337);
    const [peel] = truth.scenarios;
    expect(peel!.scenario).toBe('peel-chain');
    const stolen = peel!.stolen.reduce((s, x) => s + BigInt(x.amount), 0n);
    const ended = peel!.endpoints.reduce((s, x) => s + BigInt(x.amount), 0n);
    expect(ended).toBe(stolen);
    // 15 hops at scale 0.5, each peeling to its own deposit address.
    expect(peel!.attackerAddresses.filter((a) => a.role === 'peel')).toHaveLength(15);
    expect(peel!.endpoints.filter((e) => e.category === 'deposit_wallet')).toHaveLength(15);
  });

  it('refuses a chain that already holds a simulation, an unknown scenario, a bad scale and an unreachable node: exit 2, one clear line', async () => {
    const again = await runCli(['simulate', 'peel-chain', '--rpc', anvil.url]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a simulation/);
    const unknown = await runCli(['simulate', 'bybit-2024', '--rpc', anvil.url]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown scenario "bybit-2024" \(known: bybit-2025, /);
    const scale = await runCli(['simulate', 'peel-chain', '--rpc', anvil.url, '--scale', '0']);
    expect(scale.code).toBe(2);
    expect(scale.stderr).toMatch(/--scale/);
    const down = await runCli(['simulate', 'peel-chain', '--rpc', 'http://127.0.0.1:9/']);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/Cannot reach the JSON-RPC endpoint/);
    for (const r of [again, unknown, down]) expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('chaintrail simulate (CLI): the Bitcoin part', () => {
  it('plays bybit-2025 on Bitcoin by default (a bcoin node in memory), and not with --no-bitcoin', async () => {
    const nodes = await Promise.all([0, 1].map(() => startAnvil({ args: SIMULATOR_ANVIL_ARGS })));
    try {
      const withFile = path.join(dir.path, 'bitcoin.json');
      const withoutFile = path.join(dir.path, 'no-bitcoin.json');
      const args = (url: string, file: string) => [
        'simulate',
        'bybit-2025',
        '--rpc',
        url,
        '--scale',
        '0.1',
        '--truth',
        file,
      ];
      const [run, skipped] = await Promise.all([
        runCli(args(nodes[0]!.url, withFile)),
        runCli([...args(nodes[1]!.url, withoutFile), '--no-bitcoin']),
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /on Bitcoin \(bitcoin-regtest, a bcoin node in memory for the run\): \d+ transactions/,
      );
      expect(run.stdout).toMatch(
        /on Bitcoin \(bitcoin-regtest, blocks \d+-\d+\): \d+ payouts of [\d.]+ BTC/,
      );
      const truth = JSON.parse(fs.readFileSync(withFile, 'utf8')) as {
        bitcoin: { chain: string; entities: { category: string }[] };
        scenarios: {
          bitcoin: {
            received: string;
            payouts: { amount: string }[];
            endpoints: { amount: string }[];
          };
        }[];
      };
      expect(truth.bitcoin.chain).toBe('bitcoin-regtest');
      const btc = truth.scenarios[0]!.bitcoin;
      const sum = (xs: { amount: string }[]) => xs.reduce((s, x) => s + BigInt(x.amount), 0n);
      expect(btc.payouts.length).toBeGreaterThan(0);
      expect(sum(btc.endpoints)).toBe(sum(btc.payouts));
      expect(BigInt(btc.received)).toBe(sum(btc.payouts));
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(skipped.stdout).not.toMatch(/on Bitcoin \(bitcoin-regtest/);
      const without = JSON.parse(fs.readFileSync(withoutFile, 'utf8')) as Record<string, unknown>;
      expect(without.bitcoin).toBeUndefined();
      // The EVM chain is the same either way.
      const evm = (t: Record<string, unknown>) => [t.lastBlock, t.record];
      expect(evm(without)).toEqual(evm(truth as unknown as Record<string, unknown>));
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  });
});
