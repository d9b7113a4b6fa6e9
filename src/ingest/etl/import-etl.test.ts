import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import type { Store } from '../../store/store.ts';
import { InvalidRowError } from '../import-session.ts';
import { importEtl } from './import-etl.ts';
import { parseEtlJsonLine } from './map-rows.ts';

const ETL = path.resolve(import.meta.dirname, '../../../test/fixtures/ethereum-etl');
const STREAM = path.join(ETL, 'test_stream/blocks_17173049_17173050');

type Expected = {
  token_address: string;
  from_address: string;
  to_address: string;
  value: string;
  transaction_hash: string;
  log_index: string;
  block_number: string;
};

function readExpectedCsv(file: string): Expected[] {
  return parse(fs.readFileSync(file), { columns: true }) as Expected[];
}
function readExpectedJson(file: string): Expected[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const r = parseEtlJsonLine(l);
      return Object.fromEntries(
        [
          'token_address',
          'from_address',
          'to_address',
          'value',
          'transaction_hash',
          'log_index',
          'block_number',
        ].map((k) => [k, String(r[k])]),
      ) as Expected;
    });
}

/** Token transfers in the store, in ethereum-etl's columns and order (block, log index). */
async function storedTokenTransfers(store: Store): Promise<Expected[]> {
  const rows = await store.listTransfers({ kind: 'token' });
  return rows
    .map((t) => ({
      token_address: t.asset,
      from_address: t.from!,
      to_address: t.to!,
      value: t.amount.toString(),
      transaction_hash: t.txHash,
      log_index: t.position.replace(/^log:/, ''),
      block_number: t.blockNumber.toString(),
    }))
    .sort(
      (a, b) =>
        Number(a.block_number) - Number(b.block_number) ||
        Number(a.log_index) - Number(b.log_index),
    );
}
const byLog = (a: Expected, b: Expected) =>
  Number(a.block_number) - Number(b.block_number) || Number(a.log_index) - Number(b.log_index);

describe('importEtl on ethereum-etl test resources', () => {
  const ctx = useTempStore();

  it('reproduces extract_token_transfers_job from logs.csv exactly', async () => {
    await importEtl({
      store: ctx.store,
      paths: [path.join(ETL, 'test_extract_token_transfers_job/logs/logs.csv')],
    });
    expect(await storedTokenTransfers(ctx.store)).toEqual(
      readExpectedCsv(
        path.join(ETL, 'test_extract_token_transfers_job/logs/expected_token_transfers.csv'),
      ).sort(byLog),
    );
  });

  it('reproduces export_token_transfers_job (block 483920) from the receipts job logs exactly', async () => {
    await importEtl({
      store: ctx.store,
      paths: [path.join(ETL, 'test_export_receipts_job/receipts_with_logs')],
    });
    expect(await storedTokenTransfers(ctx.store)).toEqual(
      readExpectedCsv(
        path.join(
          ETL,
          'test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv',
        ),
      ).sort(byLog),
    );
  });

  it('reproduces the 291 token transfers of blocks 17173049-17173050 from logs alone, and again with token_transfers', async () => {
    const expected = readExpectedJson(path.join(STREAM, 'expected_token_transfers.json')).sort(
      byLog,
    );
    expect(expected).toHaveLength(291);
    await importEtl({ store: ctx.store, paths: [path.join(STREAM, 'expected_logs.json')] });
    expect(await storedTokenTransfers(ctx.store)).toEqual(expected);
    // token_transfers.json describes the same logs: same natural keys, nothing added.
    const again = await importEtl({
      store: ctx.store,
      paths: [path.join(STREAM, 'expected_token_transfers.json')],
    });
    expect(again).toMatchObject({ transfersWritten: 0, transfersDuplicate: 291 });
    expect(await storedTokenTransfers(ctx.store)).toEqual(expected);
  });

  it('imports value-carrying traces and skips the failed call (trace_block fixture, block 1000895)', async () => {
    const result = await importEtl({
      store: ctx.store,
      paths: [path.join(ETL, 'test_export_traces_job/block_with_error/expected_traces.csv')],
    });
    expect(result.rejected).toBe(0);
    const stored = await ctx.store.listTransfers();
    // The "Out of gas" call of 0xa2f0… moved nothing; the 1.1 ETH call of 0xc7fe… did.
    expect(stored.map((t) => [t.txHash, t.position, t.amount])).toEqual([
      [
        '0xc7fec96b2dd4cadaade2721dc9b5386a39ab00e96e7c1060e441f273801b39de',
        'call:',
        1_100_000_000_000_000_000n,
      ],
    ]);
  });

  it('imports token metadata from a tokens export, so stats show symbols and decimals', async () => {
    await importEtl({
      store: ctx.store,
      paths: [
        path.join(
          ETL,
          'test_export_tokens_job/token_with_alternative_return_type/expected_tokens.csv',
        ),
      ],
    });
    expect(await ctx.store.listAssets('ethereum')).toEqual([
      {
        chain: 'ethereum',
        asset: '0x86fa049857e0209aa7d9e616f7eb3b3b78ecfdb0',
        symbol: 'EOS',
        name: null,
        decimals: 18,
        source: 'export',
      },
      {
        chain: 'ethereum',
        asset: 'native',
        symbol: 'ETH',
        name: 'Ethereum',
        decimals: 18,
        source: null,
      },
    ]);
  });

  it('is idempotent: a second import of the whole export writes nothing', async () => {
    const first = await importEtl({ store: ctx.store, paths: [STREAM] });
    const statsBefore = await ctx.store.getStats();
    const second = await importEtl({ store: ctx.store, paths: [STREAM] });
    expect(first.transfersWritten).toBeGreaterThan(0);
    expect(second).toMatchObject({ transfersWritten: 0, eventsWritten: 0 });
    expect(await ctx.store.getStats()).toEqual(statsBefore);
  });

  it('moves no value for failed transactions and fills block times from blocks', async () => {
    await importEtl({ store: ctx.store, paths: [STREAM] });
    const txs = fs
      .readFileSync(path.join(STREAM, 'expected_transactions.json'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(parseEtlJsonLine);
    const failed = txs.filter((t) => Number(t.receipt_status) === 0).map((t) => String(t.hash));
    const valued = txs.filter(
      (t) => Number(t.receipt_status) === 1 && BigInt(String(t.value)) > 0n,
    );
    expect(failed.length).toBe(9);
    const native = await ctx.store.listTransfers({ kind: 'native' });
    expect(native.map((t) => t.txHash).sort()).toEqual(valued.map((t) => String(t.hash)).sort());
    // Failed transactions still paid gas: fees are all they have.
    for (const hash of failed) {
      const kinds = (await ctx.store.listTransfers({ txHash: hash })).map((t) => t.kind);
      expect(kinds.length).toBeGreaterThan(0);
      expect(new Set(kinds)).toEqual(new Set(['fee']));
    }
    const times = new Set((await ctx.store.listTransfers()).map((t) => t.blockTime));
    expect(times).toEqual(new Set([1683029999, 1683030011]));
  });

  it('fails on a malformed row naming file:line and leaves the database unchanged', async () => {
    await importEtl({
      store: ctx.store,
      paths: [path.join(ETL, 'test_extract_token_transfers_job/logs/logs.csv')],
    });
    const before = await ctx.store.getStats();
    const lines = fs.readFileSync(path.join(STREAM, 'expected_logs.json'), 'utf8').split('\n');
    lines[41] = lines[41]!.replace(/"address": "0x[0-9a-f]{40}"/, '"address": "0xnot-an-address"');
    const bad = path.join(ctx.dir, 'logs.json');
    fs.writeFileSync(bad, lines.join('\n'));
    const error = await importEtl({ store: ctx.store, paths: [bad] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRowError);
    expect((error as InvalidRowError).message).toMatch(/logs\.json:42: .*address/);
    expect(await ctx.store.getStats()).toEqual(before);
  });

  it('with skipInvalid writes the valid rows and lists the rejected one', async () => {
    const lines = fs.readFileSync(path.join(STREAM, 'expected_logs.json'), 'utf8').split('\n');
    lines[0] = '{"type": "log", "log_index": "oops"';
    const bad = path.join(ctx.dir, 'logs.json');
    fs.writeFileSync(bad, lines.join('\n'));
    const rejectsPath = path.join(ctx.dir, 'rejects.csv');
    const result = await importEtl({
      store: ctx.store,
      paths: [bad],
      skipInvalid: true,
      rejectsPath,
    });
    expect(result.rejected).toBe(1);
    const rejects = parse(fs.readFileSync(rejectsPath), { columns: true }) as {
      file: string;
      line: string;
      reason: string;
    }[];
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ line: '1' });
    // The first log was a WETH transfer; the other 290 remain.
    expect((await ctx.store.listTransfers({ kind: 'token' })).length).toBe(290);
  });
});
