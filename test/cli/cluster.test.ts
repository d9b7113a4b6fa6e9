import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { etlBitcoinTransfers } from '../helpers/bitcoin-etl-transfers.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The real `chaintrail` binary on bitcoin-etl's blocks 50001-50002 (test/fixtures/bitcoin-etl):
// 7940cdde… spends from 1DoQeKfU… and 1PZMgkF2…, which the heuristic puts in one cluster.
const INPUT_A = '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae';
const INPUT_B = '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9';
const TX = '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a';
const dir = makeTempDir();
const db = path.join(dir.path, 'cluster.duckdb');
const env = { CHAINTRAIL_NO_REFERENCE: '1' };
const cli = (...args: string[]) => runCli([...args, '--db', db], { env });

beforeAll(async () => {
  const store = await createDuckDbStore({ path: db });
  await store.write((w) => w.appendTransfers(etlBitcoinTransfers()));
  await store.close();
});
afterAll(() => dir.cleanup());

describe('chaintrail cluster', () => {
  it('clusters the stored blocks on first use (as after a sync, no build step), then shows the cluster of either input of 7940cdde…', async () => {
    const first = await cli('cluster', INPUT_B);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(
      'clustered bitcoin blocks 50001-50002 first (1 multi-input transactions, 0 CoinJoins left out)',
    );
    // Up to date now: an explicit build has nothing new to read.
    const built = await cli('cluster', 'build', '--json');
    expect(built.code, built.stderr).toBe(0);
    expect(JSON.parse(built.stdout)).toMatchObject({
      chain: 'bitcoin',
      fromBlock: null,
      state: { clusters: 1, addresses: 2, blockNumber: '50002' },
    });

    const shown = await cli('cluster', INPUT_B, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      address: INPUT_B,
      id: INPUT_A,
      size: 2,
      addresses: [INPUT_A, INPUT_B],
      links: [{ txHash: TX, blockNumber: '50001', joined: 2, inputs: 2 }],
      linksTotal: 1,
      refusals: [],
    });
    const text = await cli('cluster', INPUT_A, '--limit', '1');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${INPUT_A} on bitcoin: cluster ${INPUT_A} of 2 addresses`);
    expect(text.stdout).toContain('addresses 1-1 of 2');
    expect(text.stdout).toContain(TX);

    const again = await cli('cluster', 'build');
    expect(again.stdout).toContain('bitcoin: no new blocks to cluster');
    // The build that changed the clusters (the first `cluster`'s) is in the audit log; the ones that
    // found nothing are not.
    const store = await createDuckDbStore({ path: db });
    try {
      expect(await store.listAudit({ action: 'clusters.build' })).toEqual([
        expect.objectContaining({
          actor: 'cli',
          target: 'bitcoin',
          detail: expect.objectContaining({
            fromBlock: '50001',
            toBlock: '50002',
            transactions: 1,
          }),
        }),
      ]);
    } finally {
      await store.close();
    }
    // Options after `build` count: another chain, in JSON.
    const testnet = await cli('cluster', 'build', '--chain', 'bitcoin-testnet', '--json');
    expect(testnet.code, testnet.stderr).toBe(0);
    expect(JSON.parse(testnet.stdout)).toMatchObject({ chain: 'bitcoin-testnet', fromBlock: null });
  });

  it('names what is wrong: a chain without UTXO transactions, a bad address, a bad limit', async () => {
    const evm = await cli(
      'cluster',
      '0x098B716B8Aaf21512996dC57EB0615e2383E2f96',
      '--chain',
      'ethereum',
    );
    expect(evm.code).toBe(2);
    expect(evm.stderr).toMatch(/error \[CLUSTER_CHAIN_NOT_UTXO\]/);
    const bad = await cli('cluster', '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m8');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error \[INVALID_ADDRESS\]/);
    const limit = await cli('cluster', INPUT_A, '--limit', '0');
    expect(limit.code).toBe(2);
    expect(limit.stderr).toMatch(/--limit/);
  });
});
