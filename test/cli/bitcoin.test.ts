import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etlTransactions } from '../helpers/bitcoin-etl-expected.ts';
import { BITCOIN_ETL_FIXTURES, startReplayBitcoinRpc } from '../helpers/replay-bitcoin-rpc.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const dir = makeTempDir();
const env = { CHAINTRAIL_NO_REFERENCE: '1' };
/** A store filled by syncing mainnet blocks 50001-50002 from the recorded node answers. */
const synced = path.join(dir.path, 'synced.duckdb');

/** What `chaintrail sync --json` printed when the store was filled. */
let syncRun: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  // As a user syncs: the real binary against the recorded node, credentials in the URL.
  const node = await startReplayBitcoinRpc({ folders: ['stream_50001_50002', 'block_0'] });
  try {
    syncRun = await runCli(
      [
        'sync',
        '--chain',
        'bitcoin',
        '--rpc',
        node.url,
        '--from',
        '50001',
        '--to',
        '50002',
        '--json',
        '--db',
        synced,
      ],
      { env },
    );
  } finally {
    await node.close();
  }
});
afterAll(() => dir.cleanup());

type TxJson = {
  chain: string;
  txid: string;
  block: string;
  time: string;
  coinbase: boolean;
  inputs: { index: number; address: string; value: string }[];
  outputs: { index: number; address: string; value: string }[];
  fee: string | null;
};

describe('chaintrail sync --chain bitcoin --rpc (the real binary, recorded mainnet answers)', () => {
  it('syncs blocks 50001-50002: 3 inputs, 4 outputs, 2 fees, and never prints the credentials', () => {
    expect(syncRun.code, syncRun.stderr).toBe(0);
    expect(JSON.parse(syncRun.stdout)).toMatchObject({
      chain: 'bitcoin',
      fromBlock: '50001',
      toBlock: '50002',
      blocks: 2,
      transfers: 9,
    });
    expect(syncRun.stdout + syncRun.stderr).not.toContain('replay-secret');
  });

  it('syncs from a node that has only the recorded stream (no block 0) when --chain says which chain', async () => {
    const node = await startReplayBitcoinRpc({ folders: ['stream_50001_50002'] });
    try {
      const db = path.join(dir.path, 'stream-only.duckdb');
      const args = ['sync', '--rpc', node.url, '--from', '50001', '--to', '50002', '--db', db];
      const told = await runCli([...args, '--chain', 'bitcoin'], { env });
      expect(told.code, told.stderr).toBe(0);
      expect(told.stderr).toContain('the chain is taken from --chain: bitcoin');
      expect(told.stdout).toContain('bitcoin: synced blocks 50001-50002 (2 blocks): 9 transfers');
      // Without --chain, an EVM node is assumed and the Bitcoin node does not answer as one.
      const untold = await runCli(args, { env });
      expect(untold.code).not.toBe(0);
      expect(untold.stdout + untold.stderr).not.toContain('replay-secret');
    } finally {
      await node.close();
    }
  });

  it('then clusters what it synced: cluster --json puts the two inputs of 7940cdde… together', async () => {
    const run = await runCli(
      [
        'cluster',
        '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9',
        '--chain',
        'bitcoin',
        '--json',
        '--db',
        synced,
      ],
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      size: 2,
      addresses: ['1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae', '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9'],
      links: [{ txHash: '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a' }],
    });
  });

  it('refuses a sync without a node, or with both kinds, before opening the store', async () => {
    const db = path.join(dir.path, 'none.duckdb');
    const neither = await runCli(['sync', '--chain', 'bitcoin', '--db', db], { env });
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--rpc <url> or --esplora <url>');
  });
});

describe('chaintrail tx (the real binary, a store synced from recorded mainnet answers)', () => {
  it('prints every transaction of blocks 50001-50002 as bitcoin-etl exported it: inputs, outputs, fee, block, time', async () => {
    for (const t of etlTransactions('stream_50001_50002')) {
      const run = await runCli(['tx', t.hash, '--chain', 'bitcoin', '--json', '--db', synced], {
        env,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout) as TxJson).toEqual({
        chain: 'bitcoin',
        txid: t.hash,
        block: String(t.block_number),
        blockHash: expect.stringMatching(/^0{8}[0-9a-f]{56}$/),
        time: new Date(t.block_timestamp * 1000).toISOString().replace('.000Z', 'Z'),
        coinbase: t.is_coinbase,
        inputs: t.inputs.map((i) => ({
          index: i.index,
          address: i.addresses[0],
          value: String(i.value),
        })),
        outputs: t.outputs.map((o) => ({
          index: o.index,
          address: o.addresses[0],
          value: String(o.value),
        })),
        fee: t.is_coinbase ? null : String(t.fee),
        events: [],
      });
    }
  });

  it('reads as a person would: addresses, BTC values and the fee; an unknown or malformed id is exit 2', async () => {
    const txid = '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a';
    const run = await runCli(['tx', txid.toUpperCase(), '--db', synced], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `${txid} on bitcoin\nblock 50001 000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141, 2010-04-10T16:31:40Z`,
    );
    expect(run.stdout).toMatch(
      /inputs \(2\):[\s\S]*0 +1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae +50 BTC\n1 +1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9 +50 BTC/,
    );
    expect(run.stdout).toMatch(
      /outputs \(1\):[\s\S]*0 +1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ +100 BTC/,
    );
    expect(run.stdout).toContain('fee: 0 BTC');

    const missing = await runCli(['tx', 'ab'.repeat(32), '--db', synced], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error \[TX_NOT_FOUND\]: No bitcoin transaction abab/);
    const malformed = await runCli(['tx', 'xyz', '--db', synced], { env });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^error \[INVALID_TX_HASH\]/);
  });
});

describe('chaintrail import bitcoin-etl', () => {
  const folder = (f: string) => [
    path.join(BITCOIN_ETL_FIXTURES, f, 'expected_blocks.json'),
    path.join(BITCOIN_ETL_FIXTURES, f, 'expected_transactions.json'),
  ];

  it('imports the export once (a second run stores nothing new) and then tx reads what the sync gave', async () => {
    const db = path.join(dir.path, 'imported.duckdb');
    const first = await runCli(
      ['import', 'bitcoin-etl', ...folder('stream_50001_50002'), '--db', db, '--json'],
      { env },
    );
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      blocks: 2,
      transactions: 4,
      transfersWritten: 9,
    });
    const second = await runCli(
      ['import', 'bitcoin-etl', ...folder('stream_50001_50002'), '--db', db],
      { env },
    );
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(
      'Imported 2 blocks and 4 transactions of bitcoin: 0 new transfers (9 already stored), 0 new events.\n',
    );
    // The second spend of block 50001, as bitcoin-etl lists it.
    const txid = etlTransactions('stream_50001_50002')[2]!.hash;
    const fromSync = await runCli(['tx', txid, '--json', '--db', synced], { env });
    const fromImport = await runCli(['tx', txid, '--json', '--db', db], { env });
    expect(fromImport.code, fromImport.stderr).toBe(fromSync.code);
    expect(JSON.parse(fromImport.stdout)).toEqual({
      ...JSON.parse(fromSync.stdout),
      blockHash: expect.any(String),
    });
  });

  it('refuses an export without input values: exit 2 naming file and line', async () => {
    const db = path.join(dir.path, 'refused.duckdb');
    const run = await runCli(
      ['import', 'bitcoin-etl', ...folder('block_with_transactions'), '--db', db],
      { env },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error \[INVALID_ROW\]: .*block_with_transactions\/expected_transactions\.json:2: Input 7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a:0 spends 76a8d70a757be5055f60be076b683897cadaad6b7bdf78c43e39b9d59cb4a6ea:0/,
    );
  });
});
