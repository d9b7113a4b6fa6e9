import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { formatUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The real mainnet blocks 17173049-17173050 (ethereum-etl's stream export) imported as a user
// would, then read back through `stats`, `address` and `trace`. Expected amounts are computed here
// from the fixture and the shipped token list's CSV, with viem's formatUnits and the locale's
// digit grouping, not with chaintrail's formatting.
const SAMPLE = path.resolve(
  import.meta.dirname,
  '../fixtures/ethereum-etl/test_stream/blocks_17173049_17173050',
);
const TOKEN_LIST = path.resolve(import.meta.dirname, '../../data/reference/tokens-metamask.csv');
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';

const dir = makeTempDir();
afterAll(() => dir.cleanup());
const db = path.join(dir.path, 'sample.duckdb');
/** The reference labels are not needed here; leaving them out saves about 3 s. */
const env = { CHAINTRAIL_NO_REFERENCE: '1' };

/** Whole units grouped in threes, every fraction digit kept: `1234567.5` -> `1,234,567.5`. */
function units(raw: bigint, decimals: number): string {
  const [whole, fraction] = formatUnits(raw, decimals).split('.');
  return `${BigInt(whole!).toLocaleString('en-US')}${fraction ? `.${fraction}` : ''}`;
}

type Row = { token: string; from: string; to: string; value: bigint; tx: string };
/** Token transfers of the fixture; values above 2^53 are read as text, exactly. */
const transfers: Row[] = fs
  .readFileSync(path.join(SAMPLE, 'expected_token_transfers.json'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => ({
    token: /"token_address": "(0x[0-9a-f]{40})"/.exec(l)![1]!,
    from: /"from_address": "(0x[0-9a-f]{40})"/.exec(l)![1]!,
    to: /"to_address": "(0x[0-9a-f]{40})"/.exec(l)![1]!,
    value: BigInt(/"value": (\d+)/.exec(l)![1]!),
    tx: /"transaction_hash": "(0x[0-9a-f]{64})"/.exec(l)![1]!,
  }));
const listed = new Map(
  (parse(fs.readFileSync(TOKEN_LIST), { columns: true }) as Record<string, string>[])
    .filter((r) => r.chain === 'ethereum')
    .map((r) => [r.address!.toLowerCase(), { symbol: r.symbol!, decimals: Number(r.decimals) }]),
);

describe('token amounts in real units on the real blocks 17173049-17173050', () => {
  beforeAll(async () => {
    const run = await runCli(['import', 'etl', SAMPLE, '--db', db], { env });
    expect(run.code, run.stderr).toBe(0);
  });

  it('stats prints each token known to the shipped list in its units with its symbol, the others in raw units', async () => {
    const run = await runCli(['stats', '--db', db]);
    expect(run.code).toBe(0);
    const sums = new Map<string, bigint>();
    for (const t of transfers) sums.set(t.token, (sums.get(t.token) ?? 0n) + t.value);
    let known = 0;
    for (const [token, sum] of sums) {
      const line = run.stdout
        .split('\n')
        .find((l) => l.includes(` ${token} `) && / token /.test(l));
      const meta = listed.get(token);
      if (meta) known++;
      expect(line, token).toMatch(
        meta
          ? new RegExp(` ${meta.symbol} +token .* ${units(sum, meta.decimals)} ${meta.symbol}$`)
          : new RegExp(` ${sum.toLocaleString('en-US')} raw units$`),
      );
    }
    expect(known).toBeGreaterThan(0);
    console.info(`stats: ${known} of ${sums.size} tokens in units with their symbol`);
    // Gas fees are ether: Σ gas used x effective price over the blocks' transactions.
    const fees = fs
      .readFileSync(path.join(SAMPLE, 'expected_transactions.json'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(
        (l) => JSON.parse(l) as { receipt_gas_used: number; receipt_effective_gas_price: number },
      )
      .reduce(
        (sum, t) => sum + BigInt(t.receipt_gas_used) * BigInt(t.receipt_effective_gas_price),
        0n,
      );
    expect(run.stdout).toMatch(new RegExp(` native +ETH +fee .* ${units(fees, 18)} ETH\\n`));
  });

  it('address shows what an address received and sent of a known token in units with its symbol', async () => {
    // The address with the most USDT transfers in the blocks.
    const counts = new Map<string, number>();
    for (const t of transfers.filter((t) => t.token === USDT))
      for (const a of [t.from, t.to]) counts.set(a, (counts.get(a) ?? 0) + 1);
    const [address] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    const received = transfers
      .filter((t) => t.token === USDT && t.to === address)
      .reduce((s, t) => s + t.value, 0n);
    const sent = transfers
      .filter((t) => t.token === USDT && t.from === address)
      .reduce((s, t) => s + t.value, 0n);
    const run = await runCli(['address', address, '--db', db]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`${USDT} +USDT +${units(received, 6)} USDT +${units(sent, 6)} USDT `),
    );
  });

  it("trace's summary shows a USDT seed in USDT", async () => {
    const usdt = transfers.find((t) => t.token === USDT)!;
    const inTx = transfers
      .filter((t) => t.tx === usdt.tx && t.token === USDT)
      .reduce((s, t) => s + t.value, 0n);
    const run = await runCli(['trace', usdt.tx, '--db', db]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Seed value: .*\\b${units(inTx, 6)} USDT\\b`));
    expect(run.stdout).not.toMatch(new RegExp(`${USDT} raw`));
  });
});
