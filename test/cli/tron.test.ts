import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/simulate/random.ts';
import {
  createTronTestChain,
  constructedTronAddresses,
  tronHex41,
  type TronTestChain,
  type TronTestMove,
} from '../../src/simulate/tron/tron-test-chain.ts';
import { startTronTestNode, type TronTestNode } from '../../src/simulate/tron/tron-test-node.ts';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { killSyncsAtBatches } from '../helpers/killed-syncs.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// These tests run the real `chaintrail` binary (built by `npm run build`, which `npm test` runs
// first) against a Tron test node in this process: no Tron node can be installed here.
const dir = makeTempDir();
const NO_REFERENCE = { CHAINTRAIL_NO_REFERENCE: '1' };
/** USDT-TRC20's contract on Tron mainnet (Tether's published address). */
const USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const BLOCKS = 120;
let chain: TronTestChain;
let node: TronTestNode;

/** Salaries in USDT and TRX for gas, CONSTRUCTED: seeded addresses no one holds a key for. */
function salaryChain(): TronTestChain {
  const c = createTronTestChain({ startTime: 1_717_200_000 });
  c.addToken(USDT, 'USDT', 6);
  const r = createRandom('tron-cli');
  const people = constructedTronAddresses('tron-cli-people', 12);
  c.mine([]);
  for (let n = 1; n <= BLOCKS; n++) {
    const moves: TronTestMove[] = [];
    for (let k = 0; k < 6; k++) {
      const from = r.pick(people);
      const to = r.pick(people);
      moves.push(
        k % 2 === 0
          ? {
              type: 'trc20',
              from,
              token: USDT,
              to,
              amount: BigInt(r.int(1, 9_000)) * 1_000_000n,
              fee: 13_844_850n,
            }
          : { type: 'trx', from, to, amount: BigInt(r.int(1, 100)) * 1_000_000n, fee: 268_000n },
      );
    }
    c.mine(moves);
  }
  return c;
}

beforeAll(async () => {
  chain = salaryChain();
  node = await startTronTestNode(chain);
});
afterAll(async () => {
  await node.close();
  dir.cleanup();
});

/** Every stored Tron transfer as one sortable line. */
async function contents(db: string): Promise<string[]> {
  const store = await createDuckDbStore({ path: db });
  try {
    return (await store.listTransfers({ chain: 'tron-test' }))
      .map(
        (t) =>
          `${t.blockNumber} ${t.txHash} ${t.position} ${t.kind} ${t.from} ${t.to} ${t.asset} ${t.amount}`,
      )
      .sort();
  } finally {
    await store.close();
  }
}

describe('chaintrail sync --chain tron', () => {
  it('syncs the test node, and syncs killed with SIGKILL at random batches resume with nothing lost or doubled', async () => {
    const args = (db: string) => [
      'sync',
      '--chain',
      'tron-test',
      '--rpc',
      node.url,
      '--db',
      db,
      '--from',
      '0',
      '--batch',
      '5',
    ];
    const clean = path.join(dir.path, 'clean.duckdb');
    const run = await runCli([...args(clean), '--json'], { env: NO_REFERENCE });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { blocks: number; transfers: number };
    expect(summary.blocks).toBe(BLOCKS + 1);
    const expected = chain.moves
      .map((m) => `${m.blockNumber} ${m.txHash} ${m.kind} ${m.from} ${m.to} ${m.asset} ${m.amount}`)
      .sort();
    const stored = await contents(clean);
    // The record has no positions: compare without them, then the killed run with them.
    expect(
      stored
        .map((l) =>
          l
            .split(' ')
            .filter((_, i) => i !== 2)
            .join(' '),
        )
        .sort(),
    ).toEqual(expected);

    const killed = path.join(dir.path, 'killed.duckdb');
    const kills = await killSyncsAtBatches({
      args: args(killed),
      rounds: 6,
      maxBatches: 5,
      env: NO_REFERENCE,
    });
    expect(kills).toBeGreaterThan(0);
    const resumed = await runCli([...args(killed), '--json'], { env: NO_REFERENCE });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await contents(killed)).toEqual(stored);
  });

  it('never sends the API key on to where a redirect points, and says why it stopped', async () => {
    // A host that would collect the key, and an endpoint that redirects every request to it.
    const seen: (string | undefined)[] = [];
    const collector = http.createServer((req, res) => {
      seen.push(req.headers['tron-pro-api-key'] as string | undefined);
      res.end('{}');
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const to = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const redirecting = http.createServer((req, res) => {
      res.writeHead(307, { location: `${to}${req.url}` });
      res.end();
    });
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
      const db = path.join(dir.path, 'redirected.duckdb');
      const run = await runCli(['sync', '--chain', 'tron', '--rpc', url, '--db', db], {
        env: { ...NO_REFERENCE, TRON_PRO_API_KEY: 'secret-key-123' },
      });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/getnowblock: the node answered with a redirect \(HTTP 307\)/);
      expect(run.stderr).not.toContain('secret-key-123');
      expect(seen).toEqual([]);
    } finally {
      collector.close();
      redirecting.close();
    }
  });
});

describe('chaintrail screen: Tron addresses', () => {
  it('gives every OFAC-listed Tron address the same sanctioned answer in base58, 41… hex and 0x41… hex', async () => {
    // The shipped reference list (data/reference/, loaded into a new database) from OFAC's SDN list.
    const reference = parse(
      fs.readFileSync(
        path.resolve(import.meta.dirname, '../../data/reference/ofac-sdn-2025-11-19.csv'),
      ),
      { columns: true },
    ) as { chain: string; address: string }[];
    const tron = [...new Set(reference.filter((r) => r.chain === 'tron').map((r) => r.address))];
    expect(tron.length).toBeGreaterThan(100);
    const file = path.join(dir.path, 'tron.csv');
    const rows = tron.flatMap((a) => [a, tronHex41(a), `0x${tronHex41(a)}`]);
    fs.writeFileSync(file, ['address', ...rows].join('\n'));
    const db = path.join(dir.path, 'screen.duckdb');
    const run = await runCli([
      'screen',
      '--file',
      file,
      '--json',
      '--hops',
      '0',
      '--as-of',
      '2025-12-01',
      '--db',
      db,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout) as {
      input: string;
      address: string;
      chain: string;
      sanctioned: boolean;
      input_?: never;
    }[];
    expect(results).toHaveLength(rows.length);
    for (let i = 0; i < tron.length; i++) {
      const [b58, hex, hex0x] = results
        .slice(i * 3, i * 3 + 3)
        .map(({ input: _input, ...rest }) => rest);
      expect(b58).toMatchObject({ address: tron[i], chain: 'tron', sanctioned: true });
      expect(hex).toEqual(b58);
      expect(hex0x).toEqual(b58);
    }
  });
});
