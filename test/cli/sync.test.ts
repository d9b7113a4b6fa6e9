import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../../src/chains/evm/anvil.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/chaintrail.js');
const dir = makeTempDir();
let anvil: Anvil;

async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(anvil.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await res.json()) as { result: T }).result;
}

beforeAll(async () => {
  anvil = await startAnvil();
  // A chain long enough for a sync to be killed half way: transfers, then 1,500 empty blocks, then more.
  const [a, b] = await rpc<string[]>('eth_accounts');
  for (let i = 1; i <= 5; i++)
    await rpc('eth_sendTransaction', [{ from: a, to: b, value: `0x${i.toString(16)}` }]);
  await rpc('anvil_mine', ['0x5dc']);
  for (let i = 6; i <= 10; i++)
    await rpc('eth_sendTransaction', [{ from: b, to: a, value: `0x${i.toString(16)}` }]);
});
afterAll(async () => {
  await anvil?.stop();
  dir.cleanup();
});

async function stats(db: string) {
  const run = await runCli(['stats', '--json', '--db', db]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as unknown;
}

describe('chaintrail sync (CLI) against anvil', () => {
  it('resumes after SIGKILL with nothing lost or doubled', async () => {
    const direct = path.join(dir.path, 'direct.duckdb');
    const first = await runCli(['sync', '--rpc', anvil.url, '--db', direct, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ chain: 'anvil', transfers: 10 });

    const killed = path.join(dir.path, 'killed.duckdb');
    const child = spawn(
      process.execPath,
      [BIN, 'sync', '--rpc', anvil.url, '--db', killed, '--batch', '10'],
      { env: { ...process.env, CHAINTRAIL_PROGRESS: '1' } },
    );
    const closed = new Promise((resolve) => child.on('close', resolve));
    // Kill once a few batches are committed (the progress bar reports blocks).
    await Promise.race([
      closed,
      new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          const m = /(\d+)\/\d+ blocks/.exec(String(d));
          if (m && Number(m[1]) >= 50) resolve();
        }),
      ),
    ]);
    expect(child.kill('SIGKILL')).toBe(true);
    await closed;
    const resumed = await runCli(['sync', '--rpc', anvil.url, '--db', killed, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).fromBlock).not.toBe('0');
    expect(await stats(killed)).toEqual(await stats(direct));
  });
});
