import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { keccak256, stringToBytes } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/api/alerts/types.ts';
import { type BcoinNode, startBcoinNode } from '../../src/chains/bitcoin/bcoin-node.ts';
import { p2wpkhKey } from '../../src/chains/bitcoin/p2wpkh-key.ts';
import { EXIT_OK } from '../../src/cli/exit-codes.ts';
import { type BitcoinActivity, createBitcoinActivity } from '../helpers/bitcoin-activity.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The real binary, as a user runs it: `chaintrail serve --follow` on a bcoin regtest node this test
// starts (in this process; the server runs in a child process).
const BIN = path.resolve(import.meta.dirname, '../../bin/chaintrail.js');
const CHAIN = 'bitcoin-regtest';
/** How long `serve` may take to print its URL. */
const START_TIMEOUT_MS = 60_000;
const env = { CHAINTRAIL_NO_REFERENCE: '1' };

const dir = makeTempDir();
let node: BcoinNode;
let activity: BitcoinActivity;
beforeAll(async () => {
  node = await startBcoinNode();
  activity = createBitcoinActivity({ node, seed: 2, walletCount: 4 });
  await activity.addBlocks(3, { txsPerBlock: 3 });
});
afterAll(async () => {
  await node?.stop();
  dir.cleanup();
});

async function createKey(db: string, org: string): Promise<string> {
  const run = await runCli(
    ['keys', 'create', '--role', 'investigator', '--org', org, '--db', db, '--json'],
    { env },
  );
  expect(run.code, run.stderr).toBe(EXIT_OK);
  return (JSON.parse(run.stdout) as { key: string }).key;
}

describe('chaintrail serve --follow on a Bitcoin node', () => {
  it('follows bitcoin-regtest; a watched address spending to a labelled deposit address fires one service_reached alert, for its organisation only', async () => {
    const db = path.join(dir.path, 'serve.duckdb');
    const acme = await createKey(db, 'acme');
    const globex = await createKey(db, 'globex');
    const args = ['serve', '--port', '0', '--db', db, '--json'];
    const follow = ['--follow', '--rpc', node.rpcUrl, '--chain', CHAIN, '--poll-ms', '50'];
    const child = spawn(process.execPath, [BIN, ...args, ...follow], {
      env: { ...process.env, ...env, CHAINTRAIL_LOG_LEVEL: 'info' },
    });
    let stderr = '';
    /** The newest block the follower committed and evaluated, and who waits for which. */
    let evaluated = -1n;
    const waiters: { block: bigint; resolve: () => void }[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr += `${line}\n`;
      if (!line.includes('"follow batch committed and evaluated"')) return;
      evaluated = BigInt((JSON.parse(line) as { toBlock: string }).toBlock);
      for (const w of waiters.filter((x) => x.block <= evaluated)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const evaluatedTo = (block: number) =>
      BigInt(block) <= evaluated
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ block: BigInt(block), resolve });
            void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
          });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`serve did not start: ${stderr}`)),
          START_TIMEOUT_MS,
        );
        void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
        createInterface({ input: child.stdout }).once('line', (line) => {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { url: string }).url);
        });
      });
      const api = async (key: string, route: string, body?: unknown) => {
        const res = await fetch(`${url}${route}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      await evaluatedTo(node.height());
      expect((await api(acme, '/v1/alerts/following')).body).toMatchObject({
        following: true,
        chains: [{ chain: CHAIN, lastBlock: String(node.height()) }],
      });

      // acme watches one of the activity's wallets and knows an exchange deposit address.
      const watched = activity.wallets[0]!;
      const deposit = p2wpkhKey(keccak256(stringToBytes('serve-follow-bitcoin.test:deposit')));
      const label = await api(acme, '/v1/labels/private', {
        chain: CHAIN,
        address: deposit.address,
        category: 'deposit_wallet',
        entity: 'Test Exchange',
      });
      expect(label.status).toBe(201);
      const watchlist = await api(acme, '/v1/watchlists', {
        name: 'Bitcoin loot',
        addresses: [{ chain: CHAIN, address: watched.address }],
      });
      expect(watchlist.status).toBe(201);

      // The watched wallet pays the deposit address, its change back to itself, in a new block.
      const amount = 1_234_567n;
      const txid = await activity.pay(watched, deposit.script, amount);
      await activity.addBlocks(1, { txsPerBlock: 0 });
      await evaluatedTo(node.height());

      const alerts = (await api(acme, '/v1/alerts')).body.alerts as Alert[];
      // One alert: the output it paid to the deposit address; not its change, nor its inputs.
      expect(alerts).toEqual([
        expect.objectContaining({
          kind: 'service_reached',
          chain: CHAIN,
          txHash: txid,
          blockNumber: String(node.height()),
          position: 'out:0',
          from: watched.address,
          to: deposit.address,
          amount: String(amount),
          transferKind: 'utxo_out',
          service: { category: 'deposit_wallet', entity: 'Test Exchange' },
          watchlistName: 'Bitcoin loot',
        }),
      ]);
      // The other organisation watches nothing and sees no alert.
      expect((await api(globex, '/v1/alerts')).body.alerts).toEqual([]);
      expect(stderr).not.toContain(new URL(node.rpcUrl).password);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(EXIT_OK);
  });
});
