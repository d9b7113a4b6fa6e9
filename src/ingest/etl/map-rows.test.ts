import { readFileSync } from 'node:fs';

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

import type { DecodeLogContext } from '../../chains/evm/decode-log.ts';
import { UserError } from '../../errors/base.ts';
import type { Transfer } from '../../model/transfer.ts';
import {
  EtlRowError,
  mapBlockFeeRow,
  mapBlockRow,
  mapLogRow,
  mapReceiptRow,
  mapTokenRow,
  mapTokenTransferRow,
  mapTransactionFeeRow,
  mapTraceRow,
  mapTransactionRow,
  parseEtlJsonLine,
  type EtlRow,
} from './map-rows.ts';

const FIXTURES = new URL('../../../test/fixtures/ethereum-etl/', import.meta.url);
const STREAM = 'test_stream/blocks_17173049_17173050';
const CTX: DecodeLogContext = {
  wrappedNative: new Set(['0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2']),
  bridgeRouters: new Set(),
};

function text(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}
function csv(path: string): Record<string, string>[] {
  return parse(text(path), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}
function jsonLines(path: string): Record<string, unknown>[] {
  return text(path)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(parseEtlJsonLine);
}

/** The ethereum-etl token_transfers columns, rebuilt from a Transfer (values as decimal strings). */
function asTokenTransferRow(t: Transfer) {
  return {
    token_address: t.asset,
    from_address: t.from,
    to_address: t.to,
    value: t.amount.toString(),
    transaction_hash: t.txHash,
    log_index: t.position.replace(/^log:/, ''),
    block_number: t.blockNumber.toString(),
  };
}
function expectedTokenTransferRow(row: Record<string, unknown>) {
  return {
    token_address: String(row['token_address']),
    from_address: String(row['from_address']),
    to_address: String(row['to_address']),
    value: String(row['value']),
    transaction_hash: String(row['transaction_hash']),
    log_index: String(row['log_index']),
    block_number: String(row['block_number']),
  };
}

function transfersFromLogs(rows: EtlRow[]): Transfer[] {
  return rows.flatMap((row) => {
    const { transfer } = mapLogRow(row, 'ethereum', CTX);
    return transfer ? [transfer] : [];
  });
}

describe('logs -> token transfers reproduce ethereum-etl exactly', () => {
  it('test_extract_token_transfers_job/logs: logs.csv gives expected_token_transfers.csv', () => {
    const logs = csv('test_extract_token_transfers_job/logs/logs.csv');
    const expected = csv('test_extract_token_transfers_job/logs/expected_token_transfers.csv');
    expect(logs).toHaveLength(3);
    const got = transfersFromLogs(logs);
    expect(got.map(asTokenTransferRow)).toEqual(expected.map(expectedTokenTransferRow));
    expect(got).toHaveLength(2);
  });

  it('test_export_receipts_job logs give test_export_token_transfers_job transfers (block 483920)', () => {
    const logs = csv('test_export_receipts_job/receipts_with_logs/expected_logs.csv');
    const expected = csv(
      'test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv',
    );
    const got = transfersFromLogs(logs);
    expect(got.map(asTokenTransferRow)).toEqual(expected.map(expectedTokenTransferRow));
    expect(got).toHaveLength(2);
  });

  it('block 17173049-17173050 JSON lines: all 681 logs give the 291 expected token transfers', () => {
    const logs = jsonLines(`${STREAM}/expected_logs.json`);
    const expected = jsonLines(`${STREAM}/expected_token_transfers.json`);
    expect(logs).toHaveLength(681);
    expect(expected).toHaveLength(291);
    const got = transfersFromLogs(logs);
    expect(got.map(asTokenTransferRow)).toEqual(expected.map(expectedTokenTransferRow));
    expect(got.map((t) => t.blockTime)).toEqual(expected.map((row) => row['block_timestamp']));
    // At least one value is above 2^53: exactness matters.
    expect(got.some((t) => t.amount > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
  });

  it('mapTokenTransferRow on the expected rows gives the same Transfer objects as decoding the logs', () => {
    const csvPairs: [string, string][] = [
      [
        'test_extract_token_transfers_job/logs/logs.csv',
        'test_extract_token_transfers_job/logs/expected_token_transfers.csv',
      ],
      [
        'test_export_receipts_job/receipts_with_logs/expected_logs.csv',
        'test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv',
      ],
    ];
    for (const [logsPath, transfersPath] of csvPairs) {
      expect(csv(transfersPath).map((row) => mapTokenTransferRow(row, 'ethereum'))).toEqual(
        transfersFromLogs(csv(logsPath)),
      );
    }
    expect(
      jsonLines(`${STREAM}/expected_token_transfers.json`).map((row) =>
        mapTokenTransferRow(row, 'eth'),
      ),
    ).toEqual(transfersFromLogs(jsonLines(`${STREAM}/expected_logs.json`)));
  });

  it('keys token transfers as chain + tx hash + log:<index> with the canonical chain key', () => {
    const [first] = csv(
      'test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv',
    );
    expect(mapTokenTransferRow(first!, 'mainnet')).toEqual({
      chain: 'ethereum',
      blockNumber: 483920n,
      blockTime: null,
      txHash: '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8',
      position: 'log:0',
      from: '0x1b63142628311395ceafeea5667e7c9026c862ca',
      to: '0xac4df82fe37ea2187bc8c011a23d743b4f39019a',
      asset: '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd',
      amount: 100000n,
      kind: 'token',
    });
  });
});

describe('mapLogRow events on block 17173049', () => {
  it('finds the swaps and WETH wraps through the row mapper too', () => {
    const counts: Record<string, number> = {};
    for (const row of jsonLines(`${STREAM}/expected_logs.json`)) {
      const { event } = mapLogRow(row, 'ethereum', CTX);
      if (event) {
        const key = event.type === 'swap' ? `swap:${event.protocol}` : event.type;
        counts[key] = (counts[key] ?? 0) + 1;
      }
    }
    expect(counts).toEqual({ 'swap:uniswap-v2': 69, 'swap:uniswap-v3': 10, wrap: 30, unwrap: 31 });
  });
});

describe('mapBlockRow', () => {
  it('maps the CSV blocks', () => {
    expect(
      csv('test_export_blocks_job/blocks_with_transactions/expected_blocks.csv').map((r) =>
        mapBlockRow(r, 'ethereum'),
      ),
    ).toEqual([
      {
        chain: 'ethereum',
        number: 47218n,
        hash: '0x889c421abc62a48641eee140519e6da8c9dc01d85d8f5c4fbc3c13e3c6e4cb3e',
        parentHash: '0xfc1dd3249585b593ad18822a95873c75779ccbe8a420b457be380b977fc38e87',
        time: 1438936285,
      },
      {
        chain: 'ethereum',
        number: 47219n,
        hash: '0x944f09177142833c644c979a83900d8cae1ee67369774b88b3b330bb72825082',
        parentHash: '0x889c421abc62a48641eee140519e6da8c9dc01d85d8f5c4fbc3c13e3c6e4cb3e',
        time: 1438936326,
      },
    ]);
  });

  it('maps JSON-lines blocks (numbers as numbers) and links parents', () => {
    const [a, b] = jsonLines(`${STREAM}/expected_blocks.json`).map((r) =>
      mapBlockRow(r, 'ethereum'),
    );
    expect(a).toMatchObject({ number: 17173049n, time: 1683029999 });
    expect(b).toMatchObject({ number: 17173050n, parentHash: a!.hash, time: 1683030011 });
  });

  it('accepts 0x-hex numbers', () => {
    const [row] = csv('test_export_blocks_job/blocks_with_transactions/expected_blocks.csv');
    expect(
      mapBlockRow({ ...row, number: '0xb872', timestamp: '0x55c46cdd' }, 'ethereum'),
    ).toMatchObject({
      number: 47218n,
      time: 1438936285,
    });
  });
});

describe('mapReceiptRow', () => {
  it('maps pre-Byzantium receipts (empty status) to status null, with their gas used and price', () => {
    const receipts = csv('test_export_receipts_job/receipts_with_logs/expected_receipts.csv').map(
      (r) => mapReceiptRow(r),
    );
    expect(receipts).toHaveLength(4);
    expect(receipts[0]).toEqual({
      txHash: '0x463d53f0ad57677a3b430a007c1c31d15d62c37fab5eee598551697c297c235c',
      status: null,
      contractAddress: null,
      gasUsed: 21000n,
      effectiveGasPrice: 50_000_000_000n,
    });
    expect(receipts.every((r) => r.status === null && r.contractAddress === null)).toBe(true);
  });

  it('reads status 0/1 and a created contract address', () => {
    const [row] = csv('test_export_receipts_job/receipts_with_logs/expected_receipts.csv');
    expect(mapReceiptRow({ ...row, status: '0' }).status).toBe(0);
    expect(
      mapReceiptRow({
        ...row,
        status: 1,
        contract_address: '0x303ABF64FE75964565D2B44B9E4518E6126F1F0E',
      }),
    ).toMatchObject({
      status: 1,
      contractAddress: '0x303abf64fe75964565d2b44b9e4518e6126f1f0e',
    });
  });
});

describe('mapTransactionRow', () => {
  const csvTxs = csv('test_export_blocks_job/blocks_with_transactions/expected_transactions.csv');
  const streamTxs = jsonLines(`${STREAM}/expected_transactions.json`);

  it('maps each CSV transaction to its native value at position call:', () => {
    const got = csvTxs.map((r) => mapTransactionRow(r, 'ethereum'));
    expect(got[0]).toEqual({
      chain: 'ethereum',
      blockNumber: 47218n,
      blockTime: 1438936285,
      txHash: '0x99f1097abd8f33a68f0ed63d60de5f3e7e2a3e0579b90d5f46a4f201c658b46d',
      position: 'call:',
      from: '0x1406854d149e081ac09cb4ca560da463f3123059',
      to: '0xa0e74ae010d51894734c308d612131056bb721ad',
      asset: 'native',
      amount: 110000000000000000000n,
      kind: 'native',
    });
    expect(got.map((t) => t?.amount.toString())).toEqual(csvTxs.map((r) => r['value']));
  });

  it('skips zero-value and failed transactions of block 17173049 (receipt_status in the row)', () => {
    const got = streamTxs.map((r) => mapTransactionRow(r, 'ethereum'));
    const failedWithValue = streamTxs.filter((r) => r['receipt_status'] === 0 && r['value'] !== 0);
    expect(failedWithValue.length).toBeGreaterThan(0);
    for (const row of failedWithValue) expect(mapTransactionRow(row, 'ethereum')).toBeNull();
    const moving = streamTxs.filter((r) => r['receipt_status'] === 1 && r['value'] !== 0);
    expect(got.filter((t) => t !== null).map((t) => t!.txHash)).toEqual(
      moving.map((r) => r['hash']),
    );
    // A failed transaction moves no value even though the row states one.
    const failed = streamTxs.find(
      (r) => r['hash'] === '0x7831885ee487449f4766db92e66fa47ab8a27af0beaca3103146e68fb7b4c19a',
    )!;
    expect(failed['value']).toBe('44371473389270320'); // above 2^53: kept exact as text
    expect(mapTransactionRow(failed, 'ethereum')).toBeNull();
    expect(mapTransactionRow({ ...failed, receipt_status: 1 }, 'ethereum')?.amount).toBe(
      44371473389270320n,
    );
  });

  it('asks ctx.failedTx when the row has no receipt status', () => {
    const row = csvTxs[0]!;
    expect(mapTransactionRow(row, 'ethereum', { failedTx: () => true })).toBeNull();
    expect(mapTransactionRow(row, 'ethereum', { failedTx: () => false })).not.toBeNull();
    expect(mapTransactionRow(row, 'ethereum', { failedTx: () => undefined })).not.toBeNull();
    // An explicit receipt_status wins over the context.
    expect(
      mapTransactionRow({ ...row, receipt_status: '1' }, 'ethereum', { failedTx: () => true }),
    ).not.toBeNull();
  });

  it('sends a contract creation to receipt_contract_address, or to null without it', () => {
    const create = streamTxs.find((r) => r['to_address'] === null)!;
    expect(create['receipt_contract_address']).toBe('0x303abf64fe75964565d2b44b9e4518e6126f1f0e');
    expect(mapTransactionRow(create, 'ethereum')).toBeNull(); // value 0
    expect(mapTransactionRow({ ...create, value: '0x1' }, 'ethereum')).toMatchObject({
      to: '0x303abf64fe75964565d2b44b9e4518e6126f1f0e',
      amount: 1n,
      blockTime: 1683030011, // block 17173050
    });
    const { receipt_contract_address: _dropped, ...withoutReceipt } = create;
    expect(mapTransactionRow({ ...withoutReceipt, value: 5 }, 'ethereum')?.to).toBeNull();
  });

  it('keeps values above 2^53 exact when the JSON line is read with parseEtlJsonLine', () => {
    const big = streamTxs.find(
      (r) => r['hash'] === '0xec7cc4df1ff542793053335700f18d59c3f870e1e4820a42d558c76db832bd14',
    )!;
    expect(big['value']).toBe('7400000000000000000');
    expect(mapTransactionRow(big, 'ethereum')?.amount).toBe(7400000000000000000n);
  });
});

describe('mapTraceRow', () => {
  const traces = (name: string) => csv(`test_export_traces_job/${name}/expected_traces.csv`);
  const mapAll = (name: string) => traces(name).map((r) => mapTraceRow(r, 'ethereum'));

  it('block_with_error: skips the failed call (Out of gas) and the reward, keeps the successful call', () => {
    const rows = traces('block_with_error');
    expect(rows.map((r) => [r['trace_type'], r['status'], r['error']])).toEqual([
      ['call', '0', 'Out of gas'],
      ['call', '1', ''],
      ['reward', '1', ''],
    ]);
    expect(mapAll('block_with_error')).toEqual([
      null,
      {
        chain: 'ethereum',
        blockNumber: 1000895n,
        blockTime: null,
        txHash: '0xc7fec96b2dd4cadaade2721dc9b5386a39ab00e96e7c1060e441f273801b39de',
        position: 'call:',
        from: '0x9288fe5be3be048b5c7a68bfd4b9a0746b7e4a00',
        to: '0xe05ff93a9978bbb48356accc74088f3841fc5d72',
        asset: 'native',
        amount: 1100000000000000000n,
        kind: 'native',
      },
      null,
    ]);
    // A failure reported only by `error` (geth-style rows carry no status) is skipped as well.
    expect(mapTraceRow({ ...rows[0]!, status: '' }, 'ethereum')).toBeNull();
    expect(mapTraceRow({ ...rows[1]!, error: 'Reverted' }, 'ethereum')).toBeNull();
  });

  it('block_with_subtraces: skips the callcode subtrace (value stays in the caller context)', () => {
    const got = mapAll('block_with_subtraces');
    expect(traces('block_with_subtraces')[1]).toMatchObject({
      call_type: 'callcode',
      trace_address: '0',
    });
    expect(got.map((t) => t && [t.txHash.slice(0, 10), t.position, t.kind, t.amount])).toEqual([
      ['0xea1093d4', 'call:', 'native', 100000000000000000000n],
      null,
      ['0xe9e91f1e', 'call:', 'native', 437194980000000000n],
      null,
    ]);
  });

  it('block_with_suicide: the selfdestruct is an internal transfer from the contract to the beneficiary', () => {
    expect(mapAll('block_with_suicide')).toEqual([
      null, // top-level call with value 0
      {
        chain: 'ethereum',
        blockNumber: 1011973n,
        blockTime: null,
        txHash: '0x91acb43c5f141c393a189e091c190c9ffb20e4e8a502e4cc3087be9587bdbc89',
        position: 'call:0',
        from: '0x474faa5018639791952fae334e2911700ac7fe9b',
        to: '0x83973747eec131bf9a08ac64fb1a518e891bdf4b',
        asset: 'native',
        amount: 50000000000000000n,
        kind: 'internal',
      },
      null, // reward
    ]);
  });

  it('block_with_create: keeps the value call, skips the zero-value create and the reward', () => {
    const got = mapAll('block_with_create');
    expect(got.map((t) => t && t.amount)).toEqual([64655529900000002048n, null, null]);
    const create = traces('block_with_create')[1]!;
    expect(mapTraceRow({ ...create, value: '7' }, 'ethereum')).toMatchObject({
      position: 'call:',
      kind: 'native',
      to: '0xa7e3cf952ea8d9438a26ee346c295f1ada328ae1',
      amount: 7n,
    });
  });

  it('block_without_transactions: an empty export maps to nothing', () => {
    expect(mapAll('block_without_transactions')).toEqual([]);
  });

  it('a top-level trace has the same key as the transaction value, so importing both dedupes', () => {
    const trace = traces('block_with_error')[1]!;
    const fromTrace = mapTraceRow(trace, 'ethereum')!;
    const fromTx = mapTransactionRow(
      {
        hash: trace['transaction_hash'],
        block_number: trace['block_number'],
        from_address: trace['from_address'],
        to_address: trace['to_address'],
        value: trace['value'],
      },
      'ethereum',
    )!;
    expect(fromTx).toEqual(fromTrace);
  });

  it('maps JSON-lines traces (trace_address arrays, null columns)', () => {
    const rows = jsonLines('test_stream/blocks_2112234_2112234/expected_traces.json');
    expect(rows.map((r) => r['trace_type'])).toEqual(['create', 'reward']);
    expect(rows.map((r) => mapTraceRow(r, 'ethereum'))).toEqual([null, null]);
    expect(mapTraceRow({ ...rows[0]!, value: 3, trace_address: [1, 0] }, 'ethereum')).toMatchObject(
      {
        position: 'call:1.0',
        kind: 'internal',
        amount: 3n,
        blockTime: 1471774428,
        to: '0xdbdacfc9eb9d42559ac1efbdb40460c728139e6a',
      },
    );
  });

  it('skips delegatecall and staticcall, and accepts geth create2 / selfdestruct names', () => {
    const call = traces('block_with_subtraces')[2]!;
    expect(mapTraceRow({ ...call, call_type: 'delegatecall' }, 'ethereum')).toBeNull();
    expect(mapTraceRow({ ...call, call_type: 'staticcall' }, 'ethereum')).toBeNull();
    expect(mapTraceRow({ ...call, trace_type: 'create2', call_type: '' }, 'ethereum')?.amount).toBe(
      437194980000000000n,
    );
    expect(
      mapTraceRow({ ...call, trace_type: 'selfdestruct', call_type: '' }, 'ethereum')?.amount,
    ).toBe(437194980000000000n);
  });
});

describe('mapTokenRow', () => {
  it('reads the tokens exports (CSV and JSON lines) as metadata with source export', () => {
    const [eos] = csv(
      'test_export_tokens_job/token_with_alternative_return_type/expected_tokens.csv',
    );
    expect(mapTokenRow(eos!, 'ethereum')).toEqual({
      chain: 'ethereum',
      asset: '0x86fa049857e0209aa7d9e616f7eb3b3b78ecfdb0',
      symbol: 'EOS',
      name: null,
      decimals: 18,
      source: 'export',
    });
    // A token whose contract returned an empty symbol and name: nothing to show but its decimals.
    const [empty] = jsonLines('test_stream/blocks_2112234_2112234/expected_tokens.json');
    expect(mapTokenRow(empty!, 'ethereum')).toMatchObject({
      asset: '0xdbdacfc9eb9d42559ac1efbdb40460c728139e6a',
      symbol: null,
      name: null,
      decimals: 0,
    });
  });

  it('applies the rules for what contracts return: unsafe symbols and decimals above 255 become null', () => {
    const [row] = csv('test_export_tokens_job/token_with_invalid_data/expected_tokens.csv');
    expect(mapTokenRow({ ...row, symbol: 'ETH\u0000\u0000' }, 'ethereum').symbol).toBe('ETH');
    expect(mapTokenRow({ ...row, symbol: 'E\u001b[2JTH' }, 'ethereum').symbol).toBeNull();
    expect(
      mapTokenRow({ ...row, decimals: '1000000000000000000000000000000' }, 'ethereum').decimals,
    ).toBeNull();
    expect(() => mapTokenRow({ ...row, decimals: '1.5' }, 'ethereum')).toThrow(EtlRowError);
  });
});

describe('mapBlockFeeRow and mapTransactionFeeRow', () => {
  it('read miner, base fee, gas used and prices; an empty base fee is a block before London', () => {
    const [block] = jsonLines(`${STREAM}/expected_blocks.json`);
    expect(mapBlockFeeRow(block!, 'ethereum')).toEqual({
      number: BigInt(String(block!.number)),
      miner: String(block!.miner),
      baseFeePerGas: BigInt(String(block!.base_fee_per_gas)),
      time: Number(block!.timestamp),
    });
    const [old] = csv('test_export_blocks_job/block_with_logs/expected_blocks.csv');
    expect(mapBlockFeeRow(old!, 'ethereum').baseFeePerGas).toBeNull();
    const { base_fee_per_gas: _, ...noColumn } = old!;
    expect(() => mapBlockFeeRow(noColumn, 'ethereum')).toThrow(/base_fee_per_gas.*missing column/);

    const [tx] = jsonLines(`${STREAM}/expected_transactions.json`);
    expect(mapTransactionFeeRow(tx!, 'ethereum')).toEqual({
      txHash: String(tx!.hash),
      blockNumber: BigInt(String(tx!.block_number)),
      blockTime: Number(tx!.block_timestamp),
      from: String(tx!.from_address),
      gasUsed: BigInt(String(tx!.receipt_gas_used)),
      effectiveGasPrice: BigInt(String(tx!.receipt_effective_gas_price)),
      gasPrice: BigInt(String(tx!.gas_price)),
    });
    const [plain] = csv('test_export_blocks_job/block_with_logs/expected_transactions.csv');
    expect(mapTransactionFeeRow(plain!, 'ethereum')).toMatchObject({
      gasUsed: null,
      effectiveGasPrice: null,
      gasPrice: BigInt(plain!.gas_price!),
    });
  });
});

describe('parseEtlJsonLine', () => {
  it('keeps unsafe integers exact as strings and leaves strings and small numbers alone', () => {
    expect(
      parseEtlJsonLine(
        '{"value": 150188698577042438264952193024, "n": 12, "s": "12:19:59 99999999999999999999", "f": 1.5, "neg": -3}',
      ),
    ).toEqual({
      value: '150188698577042438264952193024',
      n: 12,
      s: '12:19:59 99999999999999999999',
      f: 1.5,
      neg: -3,
    });
    expect(parseEtlJsonLine('{"a": "quote \\" 123456789012345678901"}')).toEqual({
      a: 'quote " 123456789012345678901',
    });
  });

  it('throws EtlRowError for invalid JSON or a non-object', () => {
    expect(() => parseEtlJsonLine('{"a": ')).toThrow(EtlRowError);
    expect(() => parseEtlJsonLine('[1, 2]')).toThrow(EtlRowError);
  });
});

describe('malformed rows throw EtlRowError naming the column', () => {
  const tokenRow = csv(
    'test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv',
  )[0]!;
  const logRow = csv('test_export_receipts_job/receipts_with_logs/expected_logs.csv')[0]!;
  const txRow = csv(
    'test_export_blocks_job/blocks_with_transactions/expected_transactions.csv',
  )[0]!;
  const traceRow = csv('test_export_traces_job/block_with_error/expected_traces.csv')[1]!;
  const blockRow = csv('test_export_blocks_job/blocks_with_transactions/expected_blocks.csv')[0]!;

  function errorOf(fn: () => unknown): EtlRowError {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(EtlRowError);
      expect(error).toBeInstanceOf(UserError);
      expect((error as EtlRowError).code).toBe('ETL_INVALID_ROW');
      return error as EtlRowError;
    }
    throw new Error('expected an EtlRowError');
  }
  function without(row: Record<string, unknown>, name: string): Record<string, unknown> {
    const copy = { ...row };
    delete copy[name];
    return copy;
  }

  it.each([
    [
      'bad hex hash',
      () =>
        mapTokenTransferRow({ ...tokenRow, transaction_hash: `0x${'zz'.repeat(32)}` }, 'ethereum'),
      'transaction_hash',
    ],
    [
      'short hash',
      () => mapBlockRow({ ...blockRow, parent_hash: '0x1234' }, 'ethereum'),
      'parent_hash',
    ],
    [
      'bad address',
      () => mapTokenTransferRow({ ...tokenRow, from_address: '0x1234' }, 'ethereum'),
      'from_address',
    ],
    [
      'bad checksum',
      () =>
        mapTransactionRow(
          { ...txRow, to_address: '0xA0e74ae010d51894734c308d612131056bb721ad' },
          'ethereum',
        ),
      'to_address',
    ],
    ['bad number', () => mapTokenTransferRow({ ...tokenRow, value: '12a' }, 'ethereum'), 'value'],
    ['negative number', () => mapTokenTransferRow({ ...tokenRow, value: -1 }, 'ethereum'), 'value'],
    [
      'unsafe JS number',
      () => mapTokenTransferRow({ ...tokenRow, value: 7056176614974947328 }, 'ethereum'),
      'value',
    ],
    ['bad hex number', () => mapBlockRow({ ...blockRow, number: '0xg1' }, 'ethereum'), 'number'],
    ['missing column', () => mapTokenTransferRow(without(tokenRow, 'value'), 'ethereum'), 'value'],
    [
      'missing log_index',
      () => mapLogRow(without(logRow, 'log_index'), 'ethereum', CTX),
      'log_index',
    ],
    [
      'bad topic',
      () => mapLogRow({ ...logRow, topics: `${String(logRow['topics'])},0x12` }, 'ethereum', CTX),
      'topics',
    ],
    ['odd-length data', () => mapLogRow({ ...logRow, data: '0x123' }, 'ethereum', CTX), 'data'],
    [
      'bad log address',
      () =>
        mapLogRow(
          { ...logRow, address: 'f4eced2f682ce333f96f2d8966c613ded8fc95dd' },
          'ethereum',
          CTX,
        ),
      'address',
    ],
    [
      'bad receipt status',
      () => mapReceiptRow({ transaction_hash: txRow['hash'], status: '2', contract_address: '' }),
      'status',
    ],
    [
      'bad receipt_status',
      () => mapTransactionRow({ ...txRow, receipt_status: 'yes' }, 'ethereum'),
      'receipt_status',
    ],
    [
      'missing to_address',
      () => mapTransactionRow(without(txRow, 'to_address'), 'ethereum'),
      'to_address',
    ],
    [
      'bad trace_address',
      () => mapTraceRow({ ...traceRow, trace_address: '0,x' }, 'ethereum'),
      'trace_address',
    ],
    [
      'unknown trace_type',
      () => mapTraceRow({ ...traceRow, trace_type: 'teleport' }, 'ethereum'),
      'trace_type',
    ],
    [
      'unknown call_type',
      () => mapTraceRow({ ...traceRow, call_type: 'warp' }, 'ethereum'),
      'call_type',
    ],
    [
      'missing trace hash',
      () => mapTraceRow({ ...traceRow, transaction_hash: '' }, 'ethereum'),
      'transaction_hash',
    ],
  ])('%s', (_label, fn, columnName) => {
    const error = errorOf(fn);
    expect(error.column).toBe(columnName);
    expect(error.message).toContain(`"${columnName}"`);
  });

  it('says "missing column" for an absent column and shows the bad value otherwise', () => {
    expect(errorOf(() => mapTokenTransferRow(without(tokenRow, 'value'), 'ethereum')).reason).toBe(
      'missing column',
    );
    expect(
      errorOf(() => mapTokenTransferRow({ ...tokenRow, value: '12a' }, 'ethereum')).message,
    ).toContain('12a');
    expect(
      errorOf(() => mapTokenTransferRow({ ...tokenRow, value: 7056176614974947328 }, 'ethereum'))
        .reason,
    ).toContain('parseEtlJsonLine');
  });

  it('validates a row even when its value is zero', () => {
    expect(
      errorOf(() => mapTransactionRow({ ...txRow, value: '0', from_address: 'nope' }, 'ethereum'))
        .column,
    ).toBe('from_address');
  });

  it('rejects a non-EVM chain', () => {
    expect(() => mapTokenTransferRow(tokenRow, 'bitcoin')).toThrow(/EVM chain/);
  });
});

describe('block numbers beyond 64 bits', () => {
  it('are rejected with the column named, before they reach the store', () => {
    const row = {
      token_address: '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd',
      from_address: '0x1b63142628311395ceafeea5667e7c9026c862ca',
      to_address: '0xac4df82fe37ea2187bc8c011a23d743b4f39019a',
      value: '100000',
      transaction_hash: '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8',
      log_index: '0',
      block_number: String(2n ** 64n),
    };
    expect(() => mapTokenTransferRow(row, 'ethereum')).toThrow(
      expect.objectContaining({ column: 'block_number' }),
    );
    expect(
      mapTokenTransferRow({ ...row, block_number: String(2n ** 64n - 1n) }, 'ethereum').blockNumber,
    ).toBe(2n ** 64n - 1n);
  });
});
