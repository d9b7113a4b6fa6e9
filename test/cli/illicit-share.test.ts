import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTronTestChain } from '../../src/simulate/tron/tron-test-chain.ts';
import { startTronTestNode, type TronTestNode } from '../../src/simulate/tron/tron-test-node.ts';
import { runCli } from '../helpers/run-cli.ts';
import {
  CASE_MOVES,
  ETH_ACCOUNTS,
  ETH_BAD_FROM,
  noonOf,
  TRON_ACCOUNTS,
  TRON_BAD_FROM,
  TRON_USDC,
  TRON_USDT,
} from '../helpers/stablecoin-share-case.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The real `chaintrail` binary (built by `npm run build`) on the case of
// test/helpers/stablecoin-share-case.ts, stored as a user would: Tron synced from a Tron test node
// in this process (no Tron node can be installed here), Ethereum imported from an ethereum-etl
// token_transfers export (symbols and decimals from the shipped token list), the two label lists
// imported from CSV files. Reference labels are left out so the label set is the case's only.
const dir = makeTempDir();
const db = path.join(dir.path, 'case.duckdb');
const env = { CHAINTRAIL_NO_REFERENCE: '1' };
/** The Tron chain's first block (empty) is at this day's noon; one block per transfer after it. */
const TRON_GENESIS_DAY = '2025-01-01';
const tronMoves = CASE_MOVES.filter((m) => m.chain === 'tron');
const ethMoves = CASE_MOVES.filter((m) => m.chain === 'ethereum');
/** Ethereum blocks of the export: one per transfer from here (constructed numbers and hashes). */
const ETH_FIRST_BLOCK = 21_600_000;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
let node: TronTestNode;
let ethList: string;
let tronList: string;

async function cli(args: string[]) {
  const run = await runCli([...args, '--db', db], { env });
  expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
  return run;
}

beforeAll(async () => {
  const chain = createTronTestChain({ startTime: noonOf(TRON_GENESIS_DAY) });
  chain.addToken(TRON_USDT, 'USDT', 6);
  chain.addToken(TRON_USDC, 'USDC', 6);
  chain.mine([], noonOf(TRON_GENESIS_DAY));
  for (const m of tronMoves)
    chain.mine(
      [{ type: 'trc20', from: m.from, token: m.token, to: m.to, amount: m.amount }],
      noonOf(m.day),
    );
  node = await startTronTestNode(chain);
  // The Tron side on the test node: the local chain tron-test (a sync as `tron` is refused: not mainnet).
  await cli(['sync', '--chain', 'tron-test', '--rpc', node.url, '--from', '0']);

  const exportDir = path.join(dir.path, 'eth-export');
  fs.mkdirSync(exportDir);
  fs.writeFileSync(
    path.join(exportDir, 'token_transfers.csv'),
    [
      'token_address,from_address,to_address,value,transaction_hash,log_index,block_number,block_timestamp',
      ...ethMoves.map(
        (m, i) =>
          `${m.token},${m.from},${m.to},${m.amount},0x${createHash('sha256').update(m.name).digest('hex')},0,${ETH_FIRST_BLOCK + i},${noonOf(m.day)}`,
      ),
    ].join('\n') + '\n',
  );
  await cli(['import', 'etl', exportDir]);

  ethList = path.join(dir.path, 'eth-sanctioned.csv');
  fs.writeFileSync(ethList, `address,valid_from\n${ETH_ACCOUNTS.bad},${ETH_BAD_FROM}\n`);
  tronList = path.join(dir.path, 'tron-theft.csv');
  fs.writeFileSync(tronList, `address,valid_from\n${TRON_ACCOUNTS.bad},${TRON_BAD_FROM}\n`);
  for (const [file, chain, category, date] of [
    [ethList, 'ethereum', 'sanctioned', ETH_BAD_FROM],
    [tronList, 'tron-test', 'theft', TRON_BAD_FROM],
  ] as const)
    await cli([
      'labels',
      'import',
      'csv',
      file,
      '--chain',
      chain,
      '--category',
      category,
      '--entity',
      `case ${chain}`,
      '--list-date',
      date,
    ]);
}, 120_000);
afterAll(async () => {
  await node?.close();
  dir.cleanup();
});

const ARGS = ['stats', 'illicit-share', '--asset', 'USDT,USDC', '--chain', 'ethereum,tron-test'];

describe('chaintrail stats illicit-share --asset USDT,USDC --chain ethereum,tron-test --by month', () => {
  it('prints the per-chain and combined figures added up by hand, and the methodology', async () => {
    const { stdout } = await cli([...ARGS, '--by', 'month']);
    // The table of test/helpers/stablecoin-share-case.ts: illicit, total, share, illicit transfers,
    // transfers (whole tokens).
    const row = (cells: string[]) => new RegExp(`^${cells.join('\\s+')}$`, 'm');
    for (const cells of [
      ['ethereum', 'USDC', '2025-01', '0', '400', '0\\.0000%', '0', '1'],
      ['ethereum', 'USDC', '2025-02', '100', '400', '25\\.0000%', '1', '2'],
      ['ethereum', 'USDT', '2025-01', '250', '1,250', '20\\.0000%', '1', '2'],
      ['ethereum', 'USDT', '2025-02', '150', '1,000', '15\\.0000%', '1', '2'],
      ['tron-test', 'USDC', '2025-01', '0', '200', '0\\.0000%', '0', '1'],
      ['tron-test', 'USDC', '2025-02', '50', '250', '20\\.0000%', '1', '2'],
      ['tron-test', 'USDT', '2025-01', '0', '3,000', '0\\.0000%', '0', '2'],
      ['tron-test', 'USDT', '2025-02', '500', '2,000', '25\\.0000%', '1', '2'],
      ['ethereum\\+tron-test', 'USDC', '2025-01', '0', '600', '0\\.0000%', '0', '2'],
      ['ethereum\\+tron-test', 'USDC', '2025-02', '150', '650', '23\\.0769%', '2', '4'],
      ['ethereum\\+tron-test', 'USDT', '2025-01', '250', '4,250', '5\\.8824%', '1', '4'],
      ['ethereum\\+tron-test', 'USDT', '2025-02', '650', '3,000', '21\\.6667%', '2', '4'],
    ])
      expect(stdout).toMatch(row(cells));
    expect(stdout.match(/^(ethereum|tron-test|ethereum\+tron-test)\s/gm)).toHaveLength(12);
    expect(stdout).toContain(
      `  USDT = ethereum:0xdac17f958d2ee523a2206206994597c13d831ec7 (6 decimals) + tron-test:${TRON_USDT} (6 decimals), in units of 10^-6`,
    );
    expect(stdout).toContain(
      'numerator: value of the transfers of the asset sent from or to an address with a label',
    );
    expect(stdout).toMatch(/^denominator: value of all transfers of the asset/m);
    expect(stdout).toMatch(/^share: numerator \/ denominator, computed from exact integer sums/m);
    expect(stdout).toMatch(/^combined: per symbol shown on several chains/m);
    expect(stdout).toMatch(/^illicit categories counted: sanctioned, .*theft/m);
    // The two lists, with their names, dates and the SHA-256 of the files imported.
    expect(stdout).toMatch(
      new RegExp(
        `label set: 2 of 2 label imports matched:\\n  #1 ${escape(ethList)} \\(csv\\), list date ${ETH_BAD_FROM}, imported \\S+, sha256 ${sha256(ethList)}\\n  #2 ${escape(tronList)} \\(csv\\), list date ${TRON_BAD_FROM}, imported \\S+, sha256 ${sha256(tronList)}\\n`,
      ),
    );
    // Ethereum was imported (no sync checkpoint); Tron synced: its block 0 is empty, so its
    // transfers span blocks 1-7, and the sync stored up to the node's head, block 7.
    expect(stdout).toContain(
      `  ethereum: transfers stored in blocks ${ETH_FIRST_BLOCK}-${ETH_FIRST_BLOCK + 6} (2025-01-05T12:00:00Z to 2025-02-25T12:00:00Z); no sync checkpoint (imported, not synced)`,
    );
    expect(stdout).toContain(
      '  tron-test: transfers stored in blocks 1-7 (2025-01-07T12:00:00Z to 2025-02-20T12:00:00Z); synced to block 7',
    );
  });

  it('gives the same figures as JSON, exact raw units, and names an unknown chain', async () => {
    const { stdout } = await cli([...ARGS, '--json']);
    const r = JSON.parse(stdout) as {
      rows: { chain: string; symbol: string; illicitVolume: string; volume: string }[];
      combined: { symbol: string; illicitVolume: string; volume: string; share: number }[];
      ranges: { chain: string; syncedTo: string | null }[];
    };
    expect(r.rows.map((x) => [x.chain, x.symbol, x.illicitVolume, x.volume])).toEqual([
      ['ethereum', 'USDC', '100000000', '800000000'],
      ['ethereum', 'USDT', '400000000', '2250000000'],
      ['tron-test', 'USDC', '50000000', '450000000'],
      ['tron-test', 'USDT', '500000000', '5000000000'],
    ]);
    expect(r.combined.map((x) => [x.symbol, x.illicitVolume, x.volume])).toEqual([
      ['USDC', '150000000', '1250000000'],
      ['USDT', '900000000', '7250000000'],
    ]);
    expect(r.combined[0]!.share).toBe(0.12);
    expect(r.combined[1]!.share).toBeCloseTo(900 / 7_250, 11);
    expect(r.ranges).toEqual([
      expect.objectContaining({ chain: 'ethereum', syncedTo: null }),
      expect.objectContaining({ chain: 'tron-test', syncedTo: '7' }),
    ]);

    const bad = await runCli([...ARGS.slice(0, 4), '--chain', 'ethereum,dogechain', '--db', db], {
      env,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/UNKNOWN_CHAIN[\s\S]*Unknown chain "dogechain"/);
  });
});
