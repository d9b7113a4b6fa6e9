/**
 * Pure mappers from ethereum-etl export rows to chaintrail model objects.
 *
 * Rows come either from CSV (every value a string, `''` for empty) or from JSON lines (numbers may be
 * numbers, empty values `null`, `topics` and `trace_address` arrays). Integers are accepted in decimal
 * or `0x` hex; amounts are always `bigint`. A JS `number` amount above 2^53 has already lost precision,
 * so it is rejected: read JSON lines with {@link parseEtlJsonLine}, which keeps such integers exact.
 *
 * Every mapper validates what it uses and throws {@link EtlRowError} (a `UserError`, code
 * `ETL_INVALID_ROW`) naming the offending column.
 */
import { decodeLog, type DecodedLog, type DecodeLogContext } from '../../chains/evm/decode-log.ts';
import { UserError } from '../../errors/base.ts';
import { getAddressCodec, InvalidAddressError, type AddressCodec } from '../../model/address.ts';
import { NATIVE_ASSET, type Asset } from '../../model/asset.ts';
import { MAX_NAME_LENGTH, sanitizeSymbol, tokenDecimals } from '../../model/token-metadata.ts';
import { callPosition, logPosition, type Transfer } from '../../model/transfer.ts';

/**
 * One ethereum-etl row: a CSV record (strings) or a parsed JSON-lines item.
 *
 * @example
 * const row: EtlRow = { hash: '0x99f1…', value: '110000000000000000000', to_address: '' };
 */
export type EtlRow = Readonly<Record<string, unknown>>;

/**
 * A malformed ethereum-etl row. `column` names the offending column, `reason` says what is wrong.
 *
 * @example
 * try {
 *   mapTokenTransferRow({ ...row, value: 'abc' }, 'ethereum');
 * } catch (e) {
 *   if (e instanceof EtlRowError) console.log(e.code, e.column); // 'ETL_INVALID_ROW' 'value'
 * }
 */
export class EtlRowError extends UserError {
  override name = 'EtlRowError';
  /** The column at fault. */
  readonly column: string;
  /** Why the value was rejected. */
  readonly reason: string;

  constructor(column: string, reason: string, cause?: unknown) {
    super(`Invalid ethereum-etl row: column "${column}": ${reason}`, {
      code: 'ETL_INVALID_ROW',
      cause,
    });
    this.column = column;
    this.reason = reason;
  }
}

/**
 * A block header as chaintrail keeps it.
 *
 * @example
 * const b: EtlBlock = { chain: 'ethereum', number: 47218n, hash: '0x889c…', parentHash: '0xfc1d…', time: 1438936285 };
 */
export type EtlBlock = {
  chain: string;
  number: bigint;
  hash: string;
  parentHash: string;
  /** Unix seconds. */
  time: number;
};

/**
 * What a receipt says about its transaction's outcome.
 *
 * @example
 * const r: EtlReceipt = { txHash: '0x04cb…', status: 1, contractAddress: null };
 */
export type EtlReceipt = {
  txHash: string;
  /** 1 = success, 0 = failed (reverted), null = unknown (pre-Byzantium receipts carry a state root instead). */
  status: 0 | 1 | null;
  /** The created contract for a contract-creation transaction, else null. */
  contractAddress: string | null;
  /** Gas the transaction used (`gas_used`), null when the export lacks it. */
  gasUsed: bigint | null;
  /** Wei per gas paid (`effective_gas_price`, in exports of 2022 on), null when absent. */
  effectiveGasPrice: bigint | null;
};

/**
 * What a block tells about the fees of its transactions.
 *
 * @example
 * const b: EtlBlockFees = { number: 17173049n, miner: '0x1f90…c326', baseFeePerGas: 80869370967n, time: 1683029999 };
 */
export type EtlBlockFees = {
  number: bigint;
  /** The block's producer, who gets the tips. */
  miner: string;
  /** EIP-1559 base fee per gas; null before London (an empty value). */
  baseFeePerGas: bigint | null;
  /** Unix seconds. */
  time: number;
};

/**
 * What a transaction row tells about its gas fee. The `receipt_*` columns are in stream exports
 * (`ethereumetl stream`); other exports carry them in the separate receipts export.
 *
 * @example
 * const f: EtlTransactionFee = { txHash: '0xeb10…', blockNumber: 17173049n, blockTime: 1683029999,
 *   from: '0xae2f…', gasUsed: 85143n, effectiveGasPrice: 80869370967n, gasPrice: 80869370967n };
 */
export type EtlTransactionFee = {
  txHash: string;
  blockNumber: bigint;
  blockTime: number | null;
  from: string;
  /** `receipt_gas_used`, null when absent or empty. */
  gasUsed: bigint | null;
  /** `receipt_effective_gas_price`, null when absent or empty. */
  effectiveGasPrice: bigint | null;
  /** `gas_price` (nodes give the effective price for mined transactions), null when absent or empty. */
  gasPrice: bigint | null;
};

/**
 * Lookups {@link mapTransactionRow} uses when the row itself does not carry the receipt status.
 *
 * @example
 * const failed = new Set(['0xa2f0…']);
 * const ctx: EtlTransactionContext = { failedTx: (hash) => failed.has(hash) };
 */
export type EtlTransactionContext = {
  /** true = the transaction failed, false = it succeeded, undefined = unknown (treated as success). */
  failedTx(txHash: string): boolean | undefined;
};

const UNKNOWN_STATUS: EtlTransactionContext = { failedTx: () => undefined };

// ---------------------------------------------------------------------------------------------
// JSON lines

/** A JSON string (skipped as is) or a number literal. */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const INTEGER = /^-?\d+$/;

/**
 * Parses one ethereum-etl JSON line, keeping integers above 2^53 exact: they become decimal strings
 * (which every mapper here accepts) instead of rounded numbers. `JSON.parse` alone would turn the
 * value `150188698577042438264952193024` into `1.5018869857704244e29`.
 *
 * @example
 * parseEtlJsonLine('{"value": 7056176614974947328, "log_index": 0}');
 * // { value: '7056176614974947328', log_index: 0 }
 */
export function parseEtlJsonLine(line: string): Record<string, unknown> {
  const text = line.replace(JSON_TOKEN, (token) => {
    if (token.charCodeAt(0) === 34 /* " */ || !INTEGER.test(token)) return token;
    return Number.isSafeInteger(Number(token)) ? token : `"${token}"`;
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EtlRowError('(line)', `not valid JSON: ${(error as Error).message}`, error);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new EtlRowError('(line)', 'expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Column readers

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The raw value; a column that is absent from the row is an error. */
function column(row: EtlRow, name: string): unknown {
  const value = row[name];
  if (value === undefined) throw new EtlRowError(name, 'missing column');
  return value;
}

/** True for `''` (CSV) and `null` (JSON): the column is there but empty. */
function isEmpty(value: unknown): boolean {
  return value === null || value === '';
}

function requiredText(row: EtlRow, name: string): string {
  const value = column(row, name);
  if (isEmpty(value)) throw new EtlRowError(name, 'empty value');
  if (typeof value !== 'string')
    throw new EtlRowError(name, `expected a string, got ${show(value)}`);
  return value;
}

const HASH = /^0x[0-9a-fA-F]{64}$/;

function hash(row: EtlRow, name: string): string {
  const value = requiredText(row, name);
  if (!HASH.test(value))
    throw new EtlRowError(name, `expected 0x followed by 64 hex digits, got ${show(value)}`);
  return value.toLowerCase();
}

function address(row: EtlRow, name: string, codec: AddressCodec): string {
  const value = requiredText(row, name);
  try {
    return codec.normalize(value);
  } catch (error) {
    if (error instanceof InvalidAddressError) throw new EtlRowError(name, error.reason, error);
    throw error;
  }
}

function optionalAddress(row: EtlRow, name: string, codec: AddressCodec): string | null {
  const value = row[name];
  return value === undefined || isEmpty(value) ? null : address(row, name, codec);
}

const DECIMAL = /^[0-9]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;

/** A non-negative integer of any size: decimal or 0x-hex text, a safe JS integer, or a bigint. */
function toBigint(name: string, value: unknown): bigint {
  if (typeof value === 'string') {
    const text = value.trim();
    if (DECIMAL.test(text) || HEX.test(text)) return BigInt(text);
    throw new EtlRowError(
      name,
      `expected a non-negative integer (decimal or 0x hex), got ${show(value)}`,
    );
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return BigInt(value);
    if (Number.isInteger(value) && value > 0) {
      throw new EtlRowError(
        name,
        `number ${show(value)} is above 2^53 and has lost precision; read JSON lines with parseEtlJsonLine`,
      );
    }
    throw new EtlRowError(name, `expected a non-negative integer, got ${show(value)}`);
  }
  if (typeof value === 'bigint' && value >= 0n) return value;
  throw new EtlRowError(name, `expected a non-negative integer, got ${show(value)}`);
}

/** Block numbers are stored as unsigned 64-bit integers. */
const MAX_BLOCK_NUMBER = 2n ** 64n - 1n;

function blockNumberColumn(row: EtlRow, name: string): bigint {
  const value = bigintColumn(row, name);
  if (value > MAX_BLOCK_NUMBER) throw new EtlRowError(name, `${value} is beyond 2^64 - 1`);
  return value;
}

/** A non-negative integer, or null when the column is absent or empty. */
function optionalBigint(row: EtlRow, name: string): bigint | null {
  const value = row[name];
  return value === undefined || isEmpty(value) ? null : toBigint(name, value);
}

function bigintColumn(row: EtlRow, name: string): bigint {
  const value = column(row, name);
  if (isEmpty(value)) throw new EtlRowError(name, 'empty value');
  return toBigint(name, value);
}

/** A non-negative integer that fits a JS number (log index, timestamp). */
function smallInt(name: string, value: unknown): number {
  const big = toBigint(name, value);
  if (big > BigInt(Number.MAX_SAFE_INTEGER))
    throw new EtlRowError(name, `${show(value)} is too large`);
  return Number(big);
}

function smallIntColumn(row: EtlRow, name: string): number {
  const value = column(row, name);
  if (isEmpty(value)) throw new EtlRowError(name, 'empty value');
  return smallInt(name, value);
}

/** `block_timestamp` when the row has it, else null (older exports and per-job CSVs lack it). */
function blockTime(row: EtlRow): number | null {
  const value = row['block_timestamp'];
  return value === undefined || isEmpty(value) ? null : smallInt('block_timestamp', value);
}

/** 0/1 status, or null when the column is absent or empty. */
function optionalStatus(row: EtlRow, name: string): 0 | 1 | null {
  const value = row[name];
  if (value === undefined || isEmpty(value)) return null;
  if (value === 1 || value === '1' || value === '0x1') return 1;
  if (value === 0 || value === '0' || value === '0x0') return 0;
  throw new EtlRowError(name, `expected 0 or 1, got ${show(value)}`);
}

function evmCodec(chain: string): AddressCodec {
  const codec = getAddressCodec(chain);
  if (codec.chain.family !== 'evm') {
    throw new UserError(`ethereum-etl rows need an EVM chain, not "${codec.chain.key}"`, {
      code: 'ETL_NOT_EVM',
    });
  }
  return codec;
}

// ---------------------------------------------------------------------------------------------
// Mappers

/**
 * A `blocks` row (columns `number`, `hash`, `parent_hash`, `timestamp`).
 *
 * @example
 * mapBlockRow({ number: '47218', hash: '0x889c…cb3e', parent_hash: '0xfc1d…8e87', timestamp: '1438936285' }, 'ethereum');
 * // { chain: 'ethereum', number: 47218n, hash: '0x889c…cb3e', parentHash: '0xfc1d…8e87', time: 1438936285 }
 */
export function mapBlockRow(row: EtlRow, chain: string): EtlBlock {
  const codec = evmCodec(chain);
  return {
    chain: codec.chain.key,
    number: blockNumberColumn(row, 'number'),
    hash: hash(row, 'hash'),
    parentHash: hash(row, 'parent_hash'),
    time: smallIntColumn(row, 'timestamp'),
  };
}

/**
 * A `receipts` row (columns `transaction_hash`, `status`, `contract_address`). `status` is empty in
 * pre-Byzantium receipts (before block 4,370,000 on Ethereum): the outcome is then unknown (null).
 *
 * @example
 * mapReceiptRow({ transaction_hash: '0x04cb…fab8', status: '1', contract_address: '' });
 * // { txHash: '0x04cb…fab8', status: 1, contractAddress: null }
 */
export function mapReceiptRow(row: EtlRow, chain = 'ethereum'): EtlReceipt {
  const codec = evmCodec(chain);
  column(row, 'status');
  column(row, 'contract_address');
  return {
    txHash: hash(row, 'transaction_hash'),
    status: optionalStatus(row, 'status'),
    contractAddress: optionalAddress(row, 'contract_address', codec),
    gasUsed: optionalBigint(row, 'gas_used'),
    effectiveGasPrice: optionalBigint(row, 'effective_gas_price'),
  };
}

/**
 * A `blocks` row's fee facts (columns `number`, `miner`, `base_fee_per_gas`, `timestamp`). An empty
 * `base_fee_per_gas` is a block before London; a missing column is an error (the caller checks the
 * export's columns first and warns instead).
 *
 * @example
 * mapBlockFeeRow({ number: 17173049, miner: '0x1f90…c326', base_fee_per_gas: 80869370967, timestamp: 1683029999 }, 'ethereum');
 * // { number: 17173049n, miner: '0x1f90…c326', baseFeePerGas: 80869370967n, time: 1683029999 }
 */
export function mapBlockFeeRow(row: EtlRow, chain: string): EtlBlockFees {
  const codec = evmCodec(chain);
  column(row, 'base_fee_per_gas');
  return {
    number: blockNumberColumn(row, 'number'),
    miner: address(row, 'miner', codec),
    baseFeePerGas: optionalBigint(row, 'base_fee_per_gas'),
    time: smallIntColumn(row, 'timestamp'),
  };
}

/**
 * A `transactions` row's fee facts: the sender and, when the row has them, gas used and prices.
 *
 * @example
 * mapTransactionFeeRow({ hash: '0xeb10…', block_number: 17173049, from_address: '0xae2f…',
 *   gas_price: 80869370967, receipt_gas_used: 85143, receipt_effective_gas_price: 80869370967 }, 'ethereum');
 * // { gasUsed: 85143n, effectiveGasPrice: 80869370967n, gasPrice: 80869370967n, … }
 */
export function mapTransactionFeeRow(row: EtlRow, chain: string): EtlTransactionFee {
  const codec = evmCodec(chain);
  return {
    txHash: hash(row, 'hash'),
    blockNumber: blockNumberColumn(row, 'block_number'),
    blockTime: blockTime(row),
    from: address(row, 'from_address', codec),
    gasUsed: optionalBigint(row, 'receipt_gas_used'),
    effectiveGasPrice: optionalBigint(row, 'receipt_effective_gas_price'),
    gasPrice: optionalBigint(row, 'gas_price'),
  };
}

/**
 * A `transactions` row as the transaction's own value: kind `native`, position `call:` (the same key
 * as its top-level trace, so importing both keeps one row), asset `native`.
 * Returns null when the value is 0 or the transaction failed: the status comes from
 * `receipt_status` when the row has it (stream exports), else from `ctx.failedTx` (unknown = success).
 * Contract creation (empty `to_address`): `to` is `receipt_contract_address` when present, else null.
 *
 * @example
 * mapTransactionRow(
 *   { hash: '0x99f1…b46d', block_number: '47218', from_address: '0x1406…3059',
 *     to_address: '0xa0e7…21ad', value: '110000000000000000000', block_timestamp: '1438936285' },
 *   'ethereum',
 * );
 * // { kind: 'native', position: 'call:', asset: 'native', amount: 110000000000000000000n, blockTime: 1438936285, … }
 */
export function mapTransactionRow(
  row: EtlRow,
  chain: string,
  ctx: EtlTransactionContext = UNKNOWN_STATUS,
): Transfer | null {
  const codec = evmCodec(chain);
  const txHash = hash(row, 'hash');
  const blockNumber = blockNumberColumn(row, 'block_number');
  const from = address(row, 'from_address', codec);
  const toValue = column(row, 'to_address');
  const to = isEmpty(toValue)
    ? optionalAddress(row, 'receipt_contract_address', codec)
    : address(row, 'to_address', codec);
  const amount = bigintColumn(row, 'value');
  const time = blockTime(row);
  if (amount === 0n) return null;
  const status = optionalStatus(row, 'receipt_status');
  const failed = status === null ? ctx.failedTx(txHash) === true : status === 0;
  if (failed) return null;
  return {
    chain: codec.chain.key,
    blockNumber,
    blockTime: time,
    txHash,
    position: callPosition([]),
    from,
    to,
    asset: NATIVE_ASSET,
    amount,
    kind: 'native',
  };
}

/** Trace types that move no value we can key (no transaction) and are skipped. */
const SKIPPED_TRACE_TYPES = new Set(['reward', 'genesis', 'daofork']);
const VALUE_TRACE_TYPES = new Set(['call', 'create', 'create2', 'suicide', 'selfdestruct']);
/** `callcode` runs the callee's code in the caller's context: value stays with the caller. */
const SKIPPED_CALL_TYPES = new Set(['delegatecall', 'staticcall', 'callcode']);

function traceAddress(row: EtlRow): number[] {
  const value = column(row, 'trace_address');
  const parts: unknown[] = Array.isArray(value)
    ? value
    : isEmpty(value)
      ? []
      : typeof value === 'string'
        ? value.split(',')
        : [value];
  return parts.map((part) => {
    if (typeof part === 'number' && Number.isSafeInteger(part) && part >= 0) return part;
    if (typeof part === 'string' && DECIMAL.test(part.trim())) return Number(part.trim());
    throw new EtlRowError(
      'trace_address',
      `expected comma-separated non-negative integers, got ${show(value)}`,
    );
  });
}

/**
 * A `traces` row, when it moves value: successful `call` traces with call_type `call`, `create`
 * (and geth's `create2`) and `suicide` (selfdestruct: from = the destroyed contract, to = the
 * beneficiary). Returns null for `reward`/`genesis`/`daofork` traces (no sender or no transaction),
 * `delegatecall`/`staticcall`/`callcode` (no value leaves the caller's context), zero value, and failed
 * traces (`status` 0 or a non-empty `error`; ethereum-etl marks every trace under a failed one as
 * failed too). An empty `trace_address` is the transaction's own value: kind `native`, position
 * `call:`, the same key as {@link mapTransactionRow}; deeper traces are kind `internal`.
 *
 * @example
 * mapTraceRow(
 *   { block_number: '1000000', transaction_hash: '0xea10…f49f', from_address: '0x39fa…66d3',
 *     to_address: '0xc083…fd47', value: '100000000000000000000', trace_type: 'call', call_type: 'call',
 *     trace_address: '', error: '', status: '1' },
 *   'ethereum',
 * );
 * // { kind: 'native', position: 'call:', amount: 100000000000000000000n, … }
 */
export function mapTraceRow(row: EtlRow, chain: string): Transfer | null {
  const codec = evmCodec(chain);
  const traceType = requiredText(row, 'trace_type');
  if (SKIPPED_TRACE_TYPES.has(traceType)) return null;
  if (!VALUE_TRACE_TYPES.has(traceType))
    throw new EtlRowError('trace_type', `unknown trace type ${show(traceType)}`);
  if (traceType === 'call') {
    const callType = requiredText(row, 'call_type');
    if (SKIPPED_CALL_TYPES.has(callType)) return null;
    if (callType !== 'call')
      throw new EtlRowError('call_type', `unknown call type ${show(callType)}`);
  }
  const txHash = hash(row, 'transaction_hash');
  const blockNumber = blockNumberColumn(row, 'block_number');
  const path = traceAddress(row);
  const from = address(row, 'from_address', codec);
  const to = optionalAddress(row, 'to_address', codec);
  const amount = bigintColumn(row, 'value');
  const error = column(row, 'error');
  const status = optionalStatus(row, 'status');
  const time = blockTime(row);
  if (amount === 0n || status === 0 || !isEmpty(error)) return null;
  return {
    chain: codec.chain.key,
    blockNumber,
    blockTime: time,
    txHash,
    position: callPosition(path),
    from,
    to,
    asset: NATIVE_ASSET,
    amount,
    kind: path.length === 0 ? 'native' : 'internal',
  };
}

/**
 * A `token_transfers` row (columns `token_address`, `from_address`, `to_address`, `value`,
 * `transaction_hash`, `log_index`, `block_number`; `block_timestamp` when present). Zero-value
 * transfers are kept, as ethereum-etl keeps them. For ERC-721 rows `value` is the token id.
 *
 * @example
 * mapTokenTransferRow(
 *   { token_address: '0xf4ec…95dd', from_address: '0x1b63…62ca', to_address: '0xac4d…019a', value: '100000',
 *     transaction_hash: '0x04cb…fab8', log_index: '0', block_number: '483920' },
 *   'ethereum',
 * );
 * // { kind: 'token', position: 'log:0', asset: '0xf4ec…95dd', amount: 100000n, … }
 */
export function mapTokenTransferRow(row: EtlRow, chain: string): Transfer {
  const codec = evmCodec(chain);
  return {
    chain: codec.chain.key,
    blockNumber: blockNumberColumn(row, 'block_number'),
    blockTime: blockTime(row),
    txHash: hash(row, 'transaction_hash'),
    position: logPosition(smallIntColumn(row, 'log_index')),
    from: address(row, 'from_address', codec),
    to: address(row, 'to_address', codec),
    asset: address(row, 'token_address', codec),
    amount: bigintColumn(row, 'value'),
    kind: 'token',
  };
}

const TOPIC = /^0x[0-9a-fA-F]{64}$/;
const DATA = /^0x(?:[0-9a-fA-F]{2})*$/;

function topics(row: EtlRow): string[] {
  const value = column(row, 'topics');
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (isEmpty(value)) list = [];
  else if (typeof value === 'string') list = value.split(',');
  else
    throw new EtlRowError(
      'topics',
      `expected a comma-separated list or an array, got ${show(value)}`,
    );
  return list.map((topic) => {
    if (typeof topic !== 'string' || !TOPIC.test(topic.trim())) {
      throw new EtlRowError('topics', `expected 0x followed by 64 hex digits, got ${show(topic)}`);
    }
    return topic.trim().toLowerCase();
  });
}

function logData(row: EtlRow): string {
  const value = column(row, 'data');
  if (isEmpty(value)) return '0x';
  if (typeof value !== 'string' || !DATA.test(value)) {
    throw new EtlRowError('data', `expected 0x followed by whole bytes of hex, got ${show(value)}`);
  }
  return value.toLowerCase();
}

/**
 * A `logs` row decoded with {@link decodeLog} (columns `log_index`, `transaction_hash`,
 * `block_number`, `address`, `data`, `topics`; `block_timestamp` when present). `topics` is a
 * comma-joined string in CSV and an array in JSON lines. The row is validated first; what the log
 * means is then up to `decodeLog`, which returns `{}` for logs it does not understand.
 *
 * @example
 * const { transfer, event } = mapLogRow(row, 'ethereum', {
 *   wrappedNative: new Set(['0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2']),
 *   bridgeRouters: new Set(),
 * });
 */
export function mapLogRow(row: EtlRow, chain: string, ctx: DecodeLogContext): DecodedLog {
  const codec = evmCodec(chain);
  return decodeLog(
    {
      chain: codec.chain.key,
      blockNumber: blockNumberColumn(row, 'block_number'),
      blockTime: blockTime(row),
      txHash: hash(row, 'transaction_hash'),
      logIndex: smallIntColumn(row, 'log_index'),
      address: address(row, 'address', codec),
      data: logData(row),
      topics: topics(row),
    },
    ctx,
  );
}

/**
 * Maps a `tokens` export row (address, symbol, name, decimals) to asset metadata with source
 * `export`. What ethereum-etl wrote is what the contract returned, so the same rules apply as to the
 * sync's answers: a symbol with control characters or bytes that were not UTF-8 becomes null
 * ({@link sanitizeSymbol}), and so do decimals above 255. Tokens that returned nothing (ethereum-etl
 * writes them empty) keep null there. Decimals that are not an integer are a malformed row.
 *
 * @example
 * mapTokenRow({ address: '0x86fa…cdb0', symbol: 'EOS', name: '', decimals: '18' }, 'ethereum');
 * // { chain: 'ethereum', asset: '0x86fa…cdb0', symbol: 'EOS', name: null, decimals: 18, source: 'export' }
 */
export function mapTokenRow(row: EtlRow, chain: string): Asset {
  const codec = evmCodec(chain);
  const text = (name: string): string | null => {
    const value = row[name];
    return value === undefined || isEmpty(value) ? null : String(value);
  };
  const decimalsValue = row['decimals'];
  const decimals =
    decimalsValue === undefined || isEmpty(decimalsValue)
      ? null
      : tokenDecimals(toBigint('decimals', decimalsValue));
  return {
    chain: codec.chain.key,
    asset: address(row, 'address', codec),
    symbol: sanitizeSymbol(text('symbol')),
    name: sanitizeSymbol(text('name'), MAX_NAME_LENGTH),
    decimals,
    source: 'export',
  };
}
