import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BITCOIN_SYNC_STREAM } from '../../src/chains/bitcoin/bitcoin-source.ts';
import {
  type BcoinNode,
  SEGWIT_ACTIVATION_HEIGHT,
  startBcoinNode,
} from '../../src/chains/bitcoin/bcoin-node.ts';
import { EXIT_OK, EXIT_TEMPORARY, EXIT_USAGE } from '../../src/cli/exit-codes.ts';
import { createSourceRegistry, openChainSource } from '../../src/ingest/sync/registry.ts';
import { syncChain } from '../../src/ingest/sync/sync-chain.ts';
import { createRandom } from '../../src/simulate/random.ts';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { type ActivityCounts, createBitcoinActivity } from '../helpers/bitcoin-activity.ts';
import { startFaultProxy } from '../helpers/fault-proxy.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The real `chaintrail` binary, as a user runs it, against a bcoin regtest node this test starts
// (in this process: the CLI runs in child processes, so the node keeps answering) and fills.
const BIN = path.resolve(import.meta.dirname, '../../bin/chaintrail.js');
const CHAIN = 'bitcoin-regtest';
/** Blocks of activity after the node's start blocks, and transactions in each. */
const ACTIVITY_BLOCKS = 50;
const TXS_PER_BLOCK = 6;
/** Blocks per batch where a test wants many batches. */
const SMALL_BATCH = '2';
const env = { CHAINTRAIL_NO_REFERENCE: '1' };
/** The kill test runs the binary 12 times (see there). */
const KILL_TEST_TIMEOUT_MS = 300_000;

const dir = makeTempDir();
const db = (name: string) => path.join(dir.path, `${name}.duckdb`);
let node: BcoinNode;
let activity: ReturnType<typeof createBitcoinActivity>;
let filled: ActivityCounts;
/** The node's API key: the password of its RPC URL. */
let apiKey: string;

beforeAll(async () => {
  node = await startBcoinNode();
  apiKey = new URL(node.rpcUrl).password;
  activity = createBitcoinActivity({ node, seed: 18 });
  filled = await activity.addBlocks(ACTIVITY_BLOCKS, { txsPerBlock: TXS_PER_BLOCK });
});
afterAll(async () => {
  await node?.stop();
  dir.cleanup();
});

/** `chaintrail sync --chain bitcoin-regtest …` to completion; its output never holds the key. */
async function sync(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const run = await runCli(['sync', '--chain', CHAIN, ...args], { env: { ...env, ...extraEnv } });
  expect(run.stdout + run.stderr).not.toContain(apiKey);
  return run;
}

/**
 * A sync in this process through the library the binary runs (`openChainSource` + `syncChain`):
 * the reference stores and starting points, where the binary is not what is tested.
 */
async function syncHere(dbPath: string, to?: number) {
  const store = await createDuckDbStore({ path: dbPath });
  try {
    const source = await openChainSource(createSourceRegistry(), CHAIN, {
      store,
      url: node.rpcUrl,
    });
    return await syncChain({ store, source, to: to === undefined ? undefined : BigInt(to) });
  } finally {
    await store.close();
  }
}

/** Everything a sync stored, as the store gives it back. */
async function contents(dbPath: string) {
  const store = await createDuckDbStore({ path: dbPath });
  try {
    const checkpoint = await store.getCheckpoint(CHAIN, BITCOIN_SYNC_STREAM);
    const heights = Array.from({ length: node.height() + 10 }, (_, i) => BigInt(i));
    return {
      checkpoint,
      blocks: await store.getBlocks(CHAIN, heights),
      transfers: await store.listTransfers({ chain: CHAIN }),
      events: await store.listEvents({ chain: CHAIN }),
    };
  } finally {
    await store.close();
  }
}

type Committed = { fromBlock: bigint; toBlock: bigint; target: bigint };

/**
 * The CLI in a child process, its log read line by line: each committed batch (the sync's
 * `sync batch committed` info line) is reported as it happens.
 */
function startCli(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      ...env,
      CHAINTRAIL_LOG_LEVEL: 'info',
      CHAINTRAIL_PROGRESS: '0',
      ...extraEnv,
    },
  });
  let stdout = '';
  let stderr = '';
  const batches: Committed[] = [];
  const waiters: { test: (b: Committed) => boolean; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr += `${line}\n`;
    if (!line.includes('"sync batch committed"')) return;
    const b = JSON.parse(line) as { fromBlock: string; toBlock: string; target: string };
    const batch = {
      fromBlock: BigInt(b.fromBlock),
      toBlock: BigInt(b.toBlock),
      target: BigInt(b.target),
    };
    batches.push(batch);
    for (const w of [...waiters])
      if (w.test(batch)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    child,
    closed,
    batches,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** Resolves at the first committed batch that passes `test` (true), or when the CLI ends (false). */
    until(test: (b: Committed) => boolean): Promise<boolean> {
      if (batches.some(test)) return Promise.resolve(true);
      return Promise.race([
        new Promise<boolean>((resolve) => waiters.push({ test, resolve: () => resolve(true) })),
        closed.then(() => false),
      ]);
    },
  };
}

describe('chaintrail sync --chain bitcoin-regtest (the real binary against a bcoin node)', () => {
  it('fills the node with what a Bitcoin sync must handle', () => {
    // The activity this file syncs: consolidations, memos, spends of earlier batches' outputs.
    expect(filled.transactions).toBeGreaterThanOrEqual(ACTIVITY_BLOCKS * (TXS_PER_BLOCK - 1));
    expect(filled.multiInput).toBeGreaterThan(20);
    expect(filled.opReturns).toBeGreaterThan(5);
    expect(filled.thorchainMemos).toBeGreaterThan(2);
    expect(filled.spendsOfEarlierBlocks).toBeGreaterThan(100);
    expect(filled.spendsInBlock).toBeGreaterThan(5);
  });

  it(
    'resumes after kill -9 at 10 seeded moments, mid-batch included, to the store a one-shot sync makes, row for row',
    async () => {
      const direct = db('direct');
      const once = await sync(['--rpc', node.rpcUrl, '--db', direct, '--json']);
      expect(once.code, once.stderr).toBe(EXIT_OK);
      const tip = BigInt(node.height());
      expect(JSON.parse(once.stdout)).toMatchObject({
        chain: CHAIN,
        fromBlock: '0',
        toBlock: String(tip),
        blocks: Number(tip) + 1,
        reorgs: 0,
      });
      const clean = await contents(direct);
      // Every kind of row is there: inputs valued, outputs, fees, and THORChain events.
      expect(new Set(clean.transfers.map((t) => t.kind))).toEqual(
        new Set(['utxo_in', 'utxo_out', 'fee']),
      );
      expect(clean.events.filter((e) => e.type === 'bridge_withdrawal')).toHaveLength(
        filled.thorchainMemos,
      );

      // The start blocks (coinbases only) first: the kills then all land among the activity's
      // blocks, whose inputs spend outputs of earlier batches.
      const killed = db('killed');
      await syncHere(killed, SEGWIT_ACTIVATION_HEIGHT);

      const random = createRandom('sync-bitcoin kills');
      let kills = 0;
      let midBatch = 0;
      for (let round = 0; round < 10; round++) {
        // After 1 to 3 committed batches of 2 blocks, and then 0-30 ms later (seeded), so the kill
        // lands anywhere in the next batch: its fetch, the inputs' lookup in the store, or its write.
        const threshold = random.int(1, 3);
        const delayMs = random.int(0, 30);
        const cli = startCli([
          'sync',
          '--chain',
          CHAIN,
          '--rpc',
          node.rpcUrl,
          '--db',
          killed,
          '--batch',
          SMALL_BATCH,
        ]);
        if (await cli.until(() => cli.batches.length >= threshold))
          await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (cli.child.kill('SIGKILL')) kills++;
        const code = await cli.closed;
        expect(cli.stdout + cli.stderr).not.toContain(apiKey);
        // Whatever the moment, the store holds whole batches up to its checkpoint and nothing above.
        const after = await contents(killed);
        const checkpoint = after.checkpoint!.blockNumber;
        expect(after.blocks.at(-1)!.number).toBe(checkpoint);
        expect(after.blocks.at(-1)!.hash).toBe(after.checkpoint!.blockHash);
        expect(after.transfers.every((t) => t.blockNumber <= checkpoint)).toBe(true);
        const last = cli.batches.at(-1);
        // Killed (not ended) with its last logged batch still the checkpoint: the next batch was under way.
        if (code === null && last && checkpoint === last.toBlock && checkpoint < tip) midBatch++;
      }
      expect(kills).toBeGreaterThanOrEqual(8);
      expect(midBatch).toBeGreaterThanOrEqual(1);

      const resumed = await sync(['--rpc', node.rpcUrl, '--db', killed, '--json']);
      expect(resumed.code, resumed.stderr).toBe(EXIT_OK);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ toBlock: String(tip) });
      // Row for row: every block, transfer, event and the checkpoint, nothing lost or doubled.
      expect(await contents(killed)).toEqual(clean);
      // 12 runs of the binary: 44 s at load 7 on the 2 shared cores, over 120 s (the default
      // timeout) at load 8 with other tests running.
    },
    KILL_TEST_TIMEOUT_MS,
  );

  it('--follow picks up blocks mined while it runs; Ctrl-C stops it after a batch, and it prints its --json result', async () => {
    const followed = db('followed');
    const args = [
      'sync',
      '--chain',
      CHAIN,
      '--rpc',
      node.rpcUrl,
      '--db',
      followed,
      '--follow',
      '--poll-ms',
      '50',
      '--batch',
      '20',
      '--json',
    ];
    // Interrupted while catching up: it ends after the batch under way, with that batch committed.
    const first = startCli(args);
    expect(await first.until(() => first.batches.length >= 5)).toBe(true);
    first.child.kill('SIGINT');
    expect(await first.closed).toBe(EXIT_OK);
    const stopped = first.batches.at(-1)!.toBlock;
    expect(stopped).toBeLessThan(BigInt(node.height()));
    expect(JSON.parse(first.stdout)).toMatchObject({ fromBlock: '0', toBlock: String(stopped) });
    expect((await contents(followed)).checkpoint!.blockNumber).toBe(stopped);

    // Again: it catches up, then takes the blocks mined while it polls.
    const second = startCli(args);
    const tip = BigInt(node.height());
    expect(await second.until((b) => b.toBlock === tip)).toBe(true);
    const added = await activity.addBlocks(3, { txsPerBlock: TXS_PER_BLOCK });
    const newTip = BigInt(node.height());
    expect(newTip).toBe(tip + 3n);
    expect(await second.until((b) => b.toBlock === newTip)).toBe(true);
    second.child.kill('SIGINT');
    expect(await second.closed).toBe(EXIT_OK);
    expect(second.stdout + second.stderr).not.toContain(apiKey);
    expect(JSON.parse(second.stdout)).toMatchObject({
      fromBlock: String(stopped + 1n),
      toBlock: String(newTip),
    });
    const store = await contents(followed);
    const newTxs = new Set(
      store.transfers.filter((t) => t.blockNumber > tip && t.kind === 'fee').map((t) => t.txHash),
    );
    expect(newTxs.size).toBe(added.transactions);
    // The same as a one-shot sync of the chain as it is now.
    const once = db('followed-once');
    await syncHere(once);
    expect(store).toEqual(await contents(once));
  });

  it('follows a reorganisation to a longer branch of other transactions: the old blocks’ rows go, the new ones come, as a clean sync of the new chain', async () => {
    const reorged = db('reorged');
    await syncHere(reorged);
    const before = await contents(reorged);
    const { removed, fork, added } = await activity.reorg(3);
    expect(added.transactions).toBeGreaterThan(0);
    const gone = before.transfers.filter((t) => t.blockNumber > BigInt(fork));
    expect(gone.length).toBeGreaterThan(0);

    const run = await sync(['--rpc', node.rpcUrl, '--db', reorged, '--json']);
    expect(run.code, run.stderr).toBe(EXIT_OK);
    expect(JSON.parse(run.stdout)).toMatchObject({
      reorgs: 1,
      fromBlock: String(fork + 1),
      toBlock: String(node.height()),
    });
    expect(run.stderr).toContain(
      `chain reorganisation: rolled back blocks ${fork + 1}-${fork + removed.length}`,
    );
    const after = await contents(reorged);
    // The removed blocks and their transactions are gone (bcoin deleted them; no new block is one).
    const hashes = new Set(after.blocks.map((b) => b.hash));
    for (const hash of removed) expect(hashes.has(hash)).toBe(false);
    const txids = new Set(after.transfers.map((t) => t.txHash));
    for (const t of gone.filter((t) => t.kind === 'fee')) expect(txids.has(t.txHash)).toBe(false);
    // The branch's own transactions are there, one fee row each.
    const branchFees = after.transfers.filter((t) => t.kind === 'fee' && t.blockNumber > fork);
    expect(branchFees).toHaveLength(added.transactions);
    const fresh = db('reorged-once');
    await syncHere(fresh);
    expect(after).toEqual(await contents(fresh));
  });

  it('never shows the node’s key: not in logs at debug level, nor in errors; a wrong key is one clear line and exit 2', async () => {
    const debugged = await sync(['--rpc', node.rpcUrl, '--db', db('debug'), '--to', '440'], {
      CHAINTRAIL_LOG_LEVEL: 'debug',
    });
    expect(debugged.code, debugged.stderr).toBe(EXIT_OK);
    expect(debugged.stderr).toContain('sync batch committed');

    const wrong = new URL(node.rpcUrl);
    wrong.password = 'not-the-key';
    const refused = await sync(['--rpc', wrong.toString(), '--db', db('wrong-key')]);
    expect(refused.code).toBe(EXIT_USAGE);
    expect(refused.stderr).toMatch(
      /^error \[RPC_AUTH_FAILED\]: The node refused the credentials of the RPC URL \(HTTP 401\)\n/,
    );
    expect(refused.stderr).not.toContain('not-the-key');

    // The node answers, then fails in mid-sync: a retried 503 (logged), then an HTTP 400 that is
    // not retried; the error names the endpoint without its key.
    const proxy = await startFaultProxy(`http://127.0.0.1:${node.port}/`, (n) =>
      n === 3
        ? { kind: 'status', status: 503 }
        : n === 6
          ? { kind: 'status', status: 400 }
          : { kind: 'forward' },
    );
    try {
      const url = new URL(proxy.url);
      url.username = 'chaintrail';
      url.password = apiKey;
      const failed = await sync(
        ['--rpc', url.toString(), '--db', db('failing'), '--batch', SMALL_BATCH],
        {
          CHAINTRAIL_LOG_LEVEL: 'debug',
        },
      );
      expect(failed.code).toBe(EXIT_TEMPORARY);
      expect(failed.stderr).toContain('"msg":"RPC retry"');
      expect(failed.stderr).toMatch(
        /error \[RPC_FAILED\]: RPC .* failed: HTTP 400\nendpoint http:\/\/127\.0\.0\.1:\d+\/…/,
      );
      expect(proxy.counts.injected).toEqual({ 'status 503': 1, 'status 400': 1 });
    } finally {
      await proxy.close();
    }
  });

  it('--rps caps the calls the node gets in any second, batches included; progress prints on a pipe without breaking --json', async () => {
    const capped = db('capped');
    await syncHere(capped, 440);
    const proxy = await startFaultProxy(`http://127.0.0.1:${node.port}/`, () => ({
      kind: 'forward',
    }));
    const rps = 15;
    try {
      const url = new URL(proxy.url);
      url.username = 'chaintrail';
      url.password = apiKey;
      const run = await sync(
        ['--rpc', url.toString(), '--db', capped, '--rps', String(rps), '--batch', '10', '--json'],
        { CHAINTRAIL_PROGRESS: '1' },
      );
      expect(run.code, run.stderr).toBe(EXIT_OK);
      // stdout is the JSON result alone; the progress went to stderr, a pipe here.
      expect(JSON.parse(run.stdout)).toMatchObject({
        fromBlock: '441',
        toBlock: String(node.height()),
      });
      expect(run.stderr).toMatch(/\d+\/\d+ blocks \| \d+ blocks\/s \| \d+ transfers\/s/);
      // Every call counts, each of a JSON-RPC batch too: no second holds more than --rps of them.
      const { arrivals } = proxy;
      expect(proxy.counts.calls).toBeGreaterThan(2 * rps);
      let most = 0;
      for (const [i, a] of arrivals.entries()) {
        let calls = 0;
        for (const b of arrivals.slice(i)) if (b.atMs - a.atMs < 1000) calls += b.calls;
        most = Math.max(most, calls);
      }
      expect(most).toBeLessThanOrEqual(rps);
    } finally {
      await proxy.close();
    }
  });
});
