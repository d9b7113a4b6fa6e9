import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { readReferenceTokenList } from '../../labels/reference-tokens.ts';
import type { Transfer } from '../../model/transfer.ts';
import { importEtl } from './import-etl.ts';

const ETL = path.resolve(import.meta.dirname, '../../../test/fixtures/ethereum-etl');
const STREAM = path.join(ETL, 'test_stream/blocks_17173049_17173050');
const REFERENCE = path.resolve(import.meta.dirname, '../../../data/reference');
const TOKEN_LIST_FILE = path.join(REFERENCE, 'tokens-metamask.csv');
const tokenList = readReferenceTokenList(REFERENCE)!;

/** JSON lines of a fixture (the fields read here are below 2^53, so JSON.parse keeps them exact). */
function jsonLines(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
function csvRows(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file), { columns: true }) as Record<string, string>[];
}

/** The fee transfers a transaction should give, computed here from the export's own numbers. */
function expectedFees(tx: {
  hash: string;
  from: string;
  gasUsed: bigint;
  price: bigint;
  baseFee: bigint;
  miner: string;
}): [string, string, string | null, bigint][] {
  const burn = tx.gasUsed * (tx.baseFee < tx.price ? tx.baseFee : tx.price);
  const tip = tx.gasUsed * tx.price - burn;
  const out: [string, string, string | null, bigint][] = [];
  if (burn > 0n) out.push([tx.hash, 'fee:burn', null, burn]);
  if (tip > 0n) out.push([tx.hash, 'fee:tip', tx.miner, tip]);
  return out;
}
const feeRows = (transfers: Transfer[]) =>
  transfers
    .map((t): [string, string, string | null, bigint] => [t.txHash, t.position, t.to, t.amount])
    .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));

describe('importEtl: token metadata on the real blocks 17173049-17173050', () => {
  const ctx = useTempStore();

  it('gives every token of the blocks that the shipped list knows its symbol and decimals, and no other', async () => {
    // The tokens of the blocks and the list's entries, read here from the files themselves.
    const blockTokens = new Set(
      jsonLines(path.join(STREAM, 'expected_token_transfers.json')).map((r) =>
        String(r.token_address),
      ),
    );
    const listed = new Map(
      csvRows(TOKEN_LIST_FILE)
        .filter((r) => r.chain === 'ethereum')
        .map((r) => [r.address!.toLowerCase(), r]),
    );
    const covered = [...blockTokens].filter((t) => listed.has(t)).sort();
    const uncovered = [...blockTokens].filter((t) => !listed.has(t)).sort();
    console.info(
      `blocks 17173049-17173050: ${blockTokens.size} tokens, ${covered.length} in the shipped list; not in it: ${uncovered.join(' ')}`,
    );
    expect(covered.length).toBeGreaterThan(0);

    const result = await importEtl({ store: ctx.store, paths: [STREAM], tokenList });
    expect(result.tokenMetadata).toEqual({ fromExport: 0, fromTokenList: covered.length });
    const tokens = (await ctx.store.listAssets('ethereum')).filter((a) => a.asset !== 'native');
    // Covered tokens have the list's symbol and decimals; the uncovered ones have no metadata.
    expect(tokens.map((a) => a.asset)).toEqual(covered);
    for (const a of tokens)
      expect(a).toMatchObject({
        symbol: listed.get(a.asset)!.symbol,
        decimals: Number(listed.get(a.asset)!.decimals),
        source: 'token-list',
      });
    const stats = await ctx.store.getStats();
    for (const t of uncovered)
      expect(stats.assets.find((s) => s.asset === t)).toMatchObject({
        symbol: null,
        decimals: null,
      });
  });

  it('reads a JSON-lines tokens export too (a token whose contract returned an empty symbol)', async () => {
    const file = path.join(ETL, 'test_stream/blocks_2112234_2112234/expected_tokens.json');
    const [row] = jsonLines(file);
    const result = await importEtl({ store: ctx.store, paths: [file] });
    expect(result.tokenMetadata).toEqual({ fromExport: 1, fromTokenList: 0 });
    expect((await ctx.store.listAssets('ethereum')).find((a) => a.asset === row!.address)).toEqual({
      chain: 'ethereum',
      asset: row!.address,
      symbol: null,
      name: null,
      decimals: row!.decimals,
      source: 'export',
    });
  });

  it('lets a tokens export win over the list, whichever is imported first', async () => {
    const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
    await importEtl({ store: ctx.store, paths: [STREAM], tokenList });
    const fromList = (await ctx.store.listAssets('ethereum')).find((a) => a.asset === USDT);
    expect(fromList).toMatchObject({ source: 'token-list', decimals: 6 });
    // A tokens export for USDT, in ethereum-etl's columns, with the list's own values.
    const dir = path.join(ctx.dir, 'export');
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'tokens.csv'),
      `address,symbol,name,decimals,total_supply,block_number\n${USDT},${fromList!.symbol},${fromList!.name},6,,\n`,
    );
    const exported = await importEtl({ store: ctx.store, paths: [dir], tokenList });
    expect(exported.tokenMetadata).toEqual({ fromExport: 1, fromTokenList: 0 });
    const again = await importEtl({ store: ctx.store, paths: [STREAM], tokenList });
    expect(again.tokenMetadata.fromTokenList).toBe(0);
    expect((await ctx.store.listAssets('ethereum')).find((a) => a.asset === USDT)).toMatchObject({
      source: 'export',
    });
  });
});

describe('importEtl: gas fees', () => {
  const ctx = useTempStore();

  it('on the real blocks equal gas used x effective price per transaction, split into burnt base fee and tip', async () => {
    const blocks = new Map(
      jsonLines(path.join(STREAM, 'expected_blocks.json')).map((b) => [
        Number(b.number),
        { baseFee: BigInt(String(b.base_fee_per_gas)), miner: String(b.miner) },
      ]),
    );
    const txs = jsonLines(path.join(STREAM, 'expected_transactions.json'));
    const expected = txs.flatMap((t) =>
      expectedFees({
        hash: String(t.hash),
        from: String(t.from_address),
        gasUsed: BigInt(String(t.receipt_gas_used)),
        price: BigInt(String(t.receipt_effective_gas_price)),
        ...blocks.get(Number(t.block_number))!,
      }),
    );
    const paid = txs.reduce(
      (sum, t) =>
        sum + BigInt(String(t.receipt_gas_used)) * BigInt(String(t.receipt_effective_gas_price)),
      0n,
    );

    const result = await importEtl({ store: ctx.store, paths: [STREAM] });
    const fees = await ctx.store.listTransfers({ kind: 'fee' });
    expect(result.fees).toBe(expected.length);
    expect(feeRows(fees)).toEqual(
      expected.sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`)),
    );
    expect(fees.reduce((sum, f) => sum + f.amount, 0n)).toBe(paid);
    // Every sender pays its own fee, failed transactions too.
    const sender = new Map(txs.map((t) => [String(t.hash), String(t.from_address)]));
    for (const f of fees) expect(f.from).toBe(sender.get(f.txHash));
    expect(new Set(fees.map((f) => f.txHash)).size).toBe(txs.length);

    // Imported again: everything is stored once.
    const again = await importEtl({ store: ctx.store, paths: [STREAM] });
    expect(again.transfersWritten).toBe(0);
    expect(await ctx.store.listTransfers({ kind: 'fee' })).toEqual(fees);
  });

  it('joins a receipts export when the transactions lack receipt columns (block 483920, before London: all to the miner)', async () => {
    const blockFile = path.join(ETL, 'test_export_blocks_job/block_with_logs/expected_blocks.csv');
    const txFile = path.join(
      ETL,
      'test_export_blocks_job/block_with_logs/expected_transactions.csv',
    );
    const receiptFile = path.join(
      ETL,
      'test_export_receipts_job/receipts_with_logs/expected_receipts.csv',
    );
    const [block] = csvRows(blockFile);
    expect(block!.base_fee_per_gas).toBe('');
    const receipts = new Map(csvRows(receiptFile).map((r) => [r.transaction_hash!, r]));
    const expected = csvRows(txFile).flatMap((t) =>
      expectedFees({
        hash: t.hash!,
        from: t.from_address!,
        gasUsed: BigInt(receipts.get(t.hash!)!.gas_used!),
        price: BigInt(receipts.get(t.hash!)!.effective_gas_price!),
        baseFee: 0n,
        miner: block!.miner!,
      }),
    );
    const warnings: string[] = [];
    await importEtl({
      store: ctx.store,
      paths: [blockFile, txFile, receiptFile],
      onWarning: (m) => warnings.push(m),
    });
    expect(warnings).toEqual([]);
    expect(feeRows(await ctx.store.listTransfers({ kind: 'fee' }))).toEqual(
      expected.sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`)),
    );
  });

  it('imports no fees, with a warning naming what is missing, without blocks or gas used', async () => {
    const warnings: string[] = [];
    const onWarning = (m: string) => warnings.push(m);
    await importEtl({
      store: ctx.store,
      paths: [path.join(STREAM, 'expected_transactions.json')],
      onWarning,
    });
    expect(warnings).toEqual([
      'no gas fees imported: they need a blocks export (miner, base_fee_per_gas)',
    ]);
    warnings.length = 0;
    await importEtl({
      store: ctx.store,
      paths: [
        path.join(ETL, 'test_export_blocks_job/block_with_logs/expected_blocks.csv'),
        path.join(ETL, 'test_export_blocks_job/block_with_logs/expected_transactions.csv'),
      ],
      onWarning,
    });
    expect(warnings.join('\n')).toMatch(
      /no gas fees imported: they need gas used: the transactions export's receipt_gas_used column or a receipts export's gas_used column/,
    );
    expect(await ctx.store.listTransfers({ kind: 'fee' })).toEqual([]);
  });
});
