import fs from 'node:fs';
import path from 'node:path';
import {
  BIGINT,
  BIGNUM,
  DOUBLE,
  INTEGER,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBAppender,
  type DuckDBType,
  type DuckDBValue,
  UBIGINT,
  VARCHAR,
  listValue,
} from '@duckdb/node-api';
import { BaseError, RetryableError, UserError } from '../../errors/base.ts';
import type { Asset } from '../../model/asset.ts';
import type { ChainEvent, ChainEventType } from '../../model/events.ts';
import {
  NON_COUNTERPARTY_KINDS,
  UTXO_INPUT_KIND,
  UTXO_OUTPUT_KIND,
  VOLUME_KINDS,
} from '../../model/flow-rules.ts';
import { isCalendarDay, type PriceRow } from '../../model/price.ts';
import type { Transfer, TransferKind } from '../../model/transfer.ts';
import type {
  AuditEntry,
  AuditEntryInput,
  AuditFilter,
  DocumentFilter,
  StoredDocument,
  StoredDocumentInput,
  AddressSummary,
  AddressSummaryParameters,
  Block,
  Checkpoint,
  ClusterChanges,
  ClusterLink,
  ClusterRef,
  ClusterRefusal,
  ClusterState,
  Page,
  ScanUtxoParameters,
  UtxoColumns,
  UtxoExtent,
  CounterpartyFlows,
  CounterpartyFlowsParameters,
  EventFilter,
  FlowTransfers,
  FlowTransfersParameters,
  UtxoAddressFlows,
  UtxoFlows,
  UtxoFlowsParameters,
  ImportRecord,
  Label,
  ScanTransfersParameters,
  TransferColumns,
  TouchingTransfers,
  TransfersTouchingParameters,
  TransferCursor,
  LabelFilter,
  LabelImport,
  LabelImportRecord,
  LabelledVolume,
  LabelledVolumeParameters,
  Outpoint,
  PriceFilter,
  Store,
  StoreStats,
  StoreWriter,
  StoredOutput,
  TransferFilter,
  TransfersCsvLoad,
  WriteSummary,
} from '../store.ts';
import {
  applyClusterChanges,
  CLUSTER_STAGE_TABLES,
  dropClustersBuiltFrom,
  dropClustersOf,
  readClusterAddresses,
  readClusterChains,
  readClusterLinks,
  readClusterRefusals,
  readClusters,
  readClusterState,
  readUtxoExtent,
  scanUtxo,
  stageClusterChanges,
} from './clusters.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.ts';
import { insertTransfersCsvSql, normalizeLoadedAddresses } from './load-transfers-csv.ts';
import {
  assertClaimToken,
  auditColumns,
  auditEntryOf,
  auditTimeMs,
  type ClaimResult,
} from '../app-store.ts';
import {
  addWantedOutputs,
  eventRow,
  type Row,
  rowToAsset,
  rowToBlock,
  rowToCheckpoint,
  rowToEvent,
  rowToTransfer,
  toBig,
  toNum,
} from '../event-row.ts';

/** Counterparties returned per address and asset by default (see getCounterpartyFlows). */
const DEFAULT_MAX_COUNTERPARTIES = 1000;
/** Addresses per counterparty-flow query: bounds the parameter list and the result of one query. */
const FLOW_QUERY_ADDRESSES = 5000;
/** Transactions per query of getOutputs: bounds the parameter and the rows of one query. */
const OUTPUT_QUERY_TRANSACTIONS = 5000;
/** Joins the addresses of getAddressChains (and the hashes of getOutputs) into one parameter. */
const ADDRESS_SEPARATOR = ',';
/**
 * Addresses per getAddressChains query (2.2 MB of text for 0x addresses): on the demo database a
 * query costs about 1.7 ms plus 1 us per address, so fewer, larger queries are cheaper.
 */
const ADDRESS_CHAINS_QUERY_ADDRESSES = 50_000;
/** Up to this many addresses, getAddressChains filters the transfers instead of joining. */
const FEW_ADDRESSES = 16;
/** Transfers returned per address and asset by default (see getFlowTransfers). */
const DEFAULT_MAX_FLOW_TRANSFERS = 1000;
/** A SQL list of transfer kinds (the model's constants: fixed words, quoted all the same). */
function sqlKinds(kinds: readonly TransferKind[]): string {
  return `(${kinds.map((k) => `'${k.replaceAll("'", "''")}'`).join(', ')})`;
}

/** Kinds counted in volume figures: see `VOLUME_KINDS` in src/model/flow-rules.ts for why. */
const VOLUME_KINDS_SQL = sqlKinds(VOLUME_KINDS);

/**
 * The condition that transfer `t` is a flow between its `self` side and a counterparty on its
 * `other` side: see `isCounterpartyLeg` in src/model/flow-rules.ts for the rule and why.
 */
function counterpartyLegSql(t: string, self: string, other: string): string {
  return `${t}.kind NOT IN ${sqlKinds(NON_COUNTERPARTY_KINDS)} AND ${t}.${other} IS NOT NULL AND ${t}.${other} <> ${t}.${self}`;
}

/** Rows per DuckDB data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;
/**
 * How staged transfers reach DuckDB. They are written as CSV to a scratch file and loaded with
 * DuckDB's own parallel CSV reader, not with the Appender: measured on a 1 M-row import here, the
 * Appender path took 9-12 s (each VARCHAR value is a native call, appends run on the JS thread, and
 * staged rows had to be checkpointed every 65,536 rows to bound memory) and peaked at 240-335 MB RSS;
 * the scratch-file path took 5.6-6.4 s at 223-253 MB. The reader gets a small budget and buffer.
 */
const LOAD_MEMORY_LIMIT = '48MB';
const LOAD_BUFFER_BYTES = 2 * 1024 * 1024;
/**
 * A write of at most this many rows (transfers, events, blocks, labels, prices), removing or closing
 * no labels and with no cluster build step, keeps the query memory limit: lowering it for the write and raising it after made
 * DuckDB evict and reload its cache, 40-85 ms of each Bitcoin sync batch of 2,000 transfers
 * measured here, for rows that need a few MB. Above it, the write limits apply as they always did.
 */
export const SMALL_WRITE_ROWS = 20_000;
/** Staged rows merged per statement: bounds the merge's hash tables whatever the import's size. */
export const MERGE_SLICE_ROWS = 2_000_000;
/** DuckDB memory granted per staged row while merging (see `write`). */
const MERGE_BYTES_PER_ROW = 32;
/**
 * The same for a staged label: its duplicate checks sort and hash whole label rows. Measured: 100k
 * labels failed in 32 MB and passed in 64 MB; 300k failed in 64 MB and passed in 128 MB.
 */
const MERGE_BYTES_PER_LABEL = 1024;

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes of a DuckDB size setting such as `32MB` or `1GiB` (already validated). */
function parseByteSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  return m ? Number(m[1]) * (SIZE_UNITS[m[2]!.toLowerCase()] ?? 1) : 0;
}
/** Default DuckDB memory cap for queries (DuckDB spills to disk past it). */
export const DEFAULT_MEMORY_LIMIT = '512MB';
/**
 * DuckDB memory cap while a write stages rows. Staged rows spill to disk, so a small budget costs
 * little time and keeps RSS flat (a 192 MB budget made a 1 M-row import peak ~190 MB higher).
 * Loading the scratch file and merging get their own budgets (LOAD_MEMORY_LIMIT, MERGE_BYTES_PER_ROW).
 */
export const DEFAULT_WRITE_MEMORY_LIMIT = '32MB';

/** Input of {@link createDuckDbStore}. */
export type DuckDbStoreParameters = {
  /** Database file; created with the latest schema when missing. */
  path: string;
  /** DuckDB `memory_limit` for queries, e.g. `512MB`. */
  memoryLimit?: string | undefined;
  /** DuckDB `memory_limit` while a write runs. */
  writeMemoryLimit?: string | undefined;
  /** Staged rows merged per statement (tuning and tests; default {@link MERGE_SLICE_ROWS}). */
  mergeSliceRows?: number | undefined;
  /** Rows of a small write (tests; default {@link SMALL_WRITE_ROWS}). */
  smallWriteRows?: number | undefined;
  /** DuckDB worker threads (default: all cores). */
  threads?: number | undefined;
};

/**
 * How long a caller should wait before retrying a write refused because another is in progress: a
 * follow-loop batch or a label import takes about a second to a few seconds here.
 */
const STORE_BUSY_RETRY_MS = 2000;

/**
 * The store file is locked by another chaintrail process: retryable (CLI exit 75), since the other
 * process may finish.
 */
export class StoreLockedError extends RetryableError {
  override name = 'StoreLockedError';
  constructor(location: string, cause: unknown) {
    super(`Database ${location} is in use by another process`, {
      code: 'STORE_LOCKED',
      details:
        'DuckDB allows one writer process per file. Stop the other chaintrail command or use another --db.',
      cause,
    });
  }
}

/** The database was written by a newer chaintrail. */
export class SchemaTooNewError extends UserError {
  override name = 'SchemaTooNewError';
  constructor(location: string, version: number) {
    super(
      `Database ${location} has schema version ${version}, newer than this chaintrail (${LATEST_SCHEMA_VERSION})`,
      {
        code: 'SCHEMA_TOO_NEW',
        details: 'Upgrade chaintrail to open it.',
      },
    );
  }
}

const STAGE_EVENT_TYPES: DuckDBType[] = [
  VARCHAR,
  UBIGINT,
  BIGINT,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  BIGNUM,
  VARCHAR,
  BIGNUM,
  VARCHAR,
  VARCHAR,
  VARCHAR,
];

/**
 * Opens (or creates) a DuckDB store on disk and brings its schema up to date.
 *
 * @example
 * const store = await createDuckDbStore({ path: './chaintrail.duckdb' });
 * const stats = await store.getStats();
 * await store.close();
 */
export async function createDuckDbStore(parameters: DuckDbStoreParameters): Promise<Store> {
  const location = path.resolve(parameters.path);
  for (const limit of [parameters.memoryLimit, parameters.writeMemoryLimit]) {
    if (limit !== undefined && !/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(limit)) {
      throw new UserError(`Invalid DuckDB memory limit "${limit}"`, {
        code: 'BAD_USAGE',
        details: 'Use a size such as 512MB or 2GB.',
      });
    }
  }
  fs.mkdirSync(path.dirname(location), { recursive: true });
  const options: Record<string, string> = {
    memory_limit: parameters.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
    // Insertion order is not part of the store's contract; dropping it lets DuckDB stream and spill.
    preserve_insertion_order: 'false',
    // Hand freed memory back instead of caching it per thread (the defaults keep up to 512 MiB), and
    // bound the row groups buffered for appends: both otherwise grow RSS far past memory_limit.
    allocator_flush_threshold: '16MB',
    allocator_bulk_deallocation_flush_threshold: '32MB',
    write_buffer_row_group_memory_limit: '32MB',
  };
  if (parameters.threads) options.threads = String(parameters.threads);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(location, options);
  } catch (error) {
    if (/lock/i.test(String((error as Error).message))) throw new StoreLockedError(location, error);
    throw new UserError(`Cannot open database ${location}`, {
      code: 'STORE_OPEN_FAILED',
      details: String((error as Error).message).split('\n')[0],
      cause: error,
    });
  }
  const connection = await instance.connect();
  await migrate(connection, location);
  removeStaleStageFiles(location);
  return new DuckDbStore(
    location,
    instance,
    connection,
    {
      query: options.memory_limit!,
      write: parameters.writeMemoryLimit ?? DEFAULT_WRITE_MEMORY_LIMIT,
    },
    parameters.mergeSliceRows ?? MERGE_SLICE_ROWS,
    parameters.smallWriteRows ?? SMALL_WRITE_ROWS,
    await instance.connect(),
  );
}

async function migrate(connection: DuckDBConnection, location: string): Promise<void> {
  await connection.run(
    `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
  );
  const current = await readSchemaVersion(connection);
  if (current > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(location, current);
  let migrated = false;
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    await connection.run('BEGIN TRANSACTION');
    try {
      for (const statement of migration.statements) await connection.run(statement);
      await connection.run('INSERT INTO schema_version (version) VALUES ($1)', [migration.version]);
      await connection.run('COMMIT');
      migrated = true;
    } catch (error) {
      await connection.run('ROLLBACK');
      throw error;
    }
  }
  // Schema changes go into the database file at once, not only the write-ahead log: after a kill -9
  // right after migration 2, DuckDB 1.5 could not replay its log ("Calling
  // DatabaseManager::GetDefaultDatabase with no default database set") and the file would not open.
  if (migrated) await connection.run('CHECKPOINT');
}

async function readSchemaVersion(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(
    'SELECT coalesce(max(version), 0)::INTEGER AS v FROM schema_version',
  );
  return Number(reader.getRowObjectsJS()[0]!.v);
}

function appendRows(
  appender: DuckDBAppender,
  types: DuckDBType[],
  rows: readonly DuckDBValue[][],
): void {
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows.length - start);
    const columns: DuckDBValue[][] = types.map(() => new Array<DuckDBValue>(count));
    for (let r = 0; r < count; r++) {
      const row = rows[start + r]!;
      for (let c = 0; c < types.length; c++) columns[c]![r] = row[c] ?? null;
    }
    const chunk = DuckDBDataChunk.create(types, count);
    chunk.setColumns(columns);
    appender.appendDataChunk(chunk);
  }
}

/** Staged prices: days as text (`YYYY-MM-DD`), cast when merged. */
const STAGE_PRICE_TYPES: DuckDBType[] = [VARCHAR, VARCHAR, VARCHAR, DOUBLE, VARCHAR];

/** A price row's values, or a STORE_BAD_WRITE naming what is wrong with it. */
function priceRow(p: PriceRow): DuckDBValue[] {
  const bad = (what: string) =>
    new BaseError(`Bad price row ${JSON.stringify(p)}: ${what}`, { code: 'STORE_BAD_WRITE' });
  if (!p.chain || !p.asset || !p.source) throw bad('chain, asset and source must not be empty');
  if (!isCalendarDay(p.day)) throw bad('day must be a YYYY-MM-DD date');
  if (!Number.isFinite(p.usd) || p.usd < 0) throw bad('usd must be a finite number, 0 or more');
  return [p.chain, p.asset, p.day, p.usd, p.source];
}

/** Staged labels: dates as text (`YYYY-MM-DD`), cast when merged. */
const STAGE_LABEL_COLUMNS = `chain VARCHAR, address VARCHAR, entity VARCHAR, category VARCHAR, source VARCHAR,
  confidence INTEGER, actor VARCHAR, country VARCHAR, sanction_list VARCHAR, programs VARCHAR, valid_from VARCHAR,
  valid_to VARCHAR`;

/** The scratch tables of a write (see DuckDbStore.write), and their columns. */
const STAGE_TABLE_COLUMNS = {
  stage_transfers: `chain VARCHAR, block_number UBIGINT, block_time_s BIGINT, tx_hash VARCHAR, position VARCHAR,
    from_address VARCHAR, to_address VARCHAR, asset VARCHAR, amount BIGNUM, kind VARCHAR`,
  stage_events: `chain VARCHAR, block_number UBIGINT, block_time_s BIGINT, tx_hash VARCHAR, position VARCHAR,
    type VARCHAR, protocol VARCHAR, contract VARCHAR, account VARCHAR, recipient VARCHAR, asset_in VARCHAR,
    amount_in BIGNUM, asset_out VARCHAR, amount_out BIGNUM, memo VARCHAR, counterparty VARCHAR, extra VARCHAR`,
  stage_blocks: `chain VARCHAR, number UBIGINT, hash VARCHAR, parent_hash VARCHAR, time_s BIGINT`,
  stage_labels: STAGE_LABEL_COLUMNS,
  stage_prices: `chain VARCHAR, asset VARCHAR, day VARCHAR, usd DOUBLE, source VARCHAR`,
} as const;
type StageTable = keyof typeof STAGE_TABLE_COLUMNS;
const STAGE_LABEL_TYPES: DuckDBType[] = [
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  INTEGER,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
];
/** The columns of `labels` and `carried_labels`, in their order. */
const LABEL_COLUMNS = `chain, address, entity, category, source, confidence, added_at, actor, country, sanction_list,
  programs, valid_from, valid_to, import_id`;
/**
 * Labels `l` and `s` are equal as the store counts repeats: same address, category, entity, source
 * and sanctions list (an open one equal to an open one stored is not added again).
 */
const sameLabel = (l: string, s: string) =>
  `${l}.chain = ${s}.chain AND ${l}.address = ${s}.address AND ${l}.category = ${s}.category
   AND ${l}.entity IS NOT DISTINCT FROM ${s}.entity AND ${l}.source = ${s}.source
   AND ${l}.sanction_list IS NOT DISTINCT FROM ${s}.sanction_list`;
/** Separator of stored sanctions programs (codes such as `DPRK3` never contain it). */
const PROGRAM_SEPARATOR = ';';

function labelRow(l: Label): DuckDBValue[] {
  return [
    l.chain,
    l.address,
    l.entity,
    l.category,
    l.source,
    l.confidence,
    l.actor ?? null,
    l.country ?? null,
    l.sanctionList ?? null,
    l.programs && l.programs.length > 0 ? l.programs.join(PROGRAM_SEPARATOR) : null,
    l.validFrom ?? null,
    l.validTo ?? null,
  ];
}

function rowToLabel(r: Record<string, unknown>): Label {
  const programs = (r.programs as string | null) ?? null;
  return {
    chain: String(r.chain),
    address: String(r.address),
    entity: (r.entity as string | null) ?? null,
    category: String(r.category),
    actor: (r.actor as string | null) ?? null,
    country: (r.country as string | null) ?? null,
    source: String(r.source),
    confidence: r.confidence === null || r.confidence === undefined ? null : Number(r.confidence),
    sanctionList: (r.sanction_list as string | null) ?? null,
    programs: programs ? programs.split(PROGRAM_SEPARATOR) : [],
    validFrom: (r.valid_from as string | null) ?? null,
    validTo: (r.valid_to as string | null) ?? null,
    importId: r.import_id === null || r.import_id === undefined ? null : Number(r.import_id),
  };
}

/**
 * A WHERE clause built from optional filters: `add('kind = ?', v)` binds every `?` of the clause to
 * the one value `v` (as `$n`), so a clause may name it twice.
 */
function createWhere(): {
  add(clause: string, value: DuckDBValue): void;
  raw(clause: string): void;
  readonly sql: string;
  readonly values: DuckDBValue[];
} {
  const clauses: string[] = [];
  const values: DuckDBValue[] = [];
  return {
    add(clause, value) {
      values.push(value);
      clauses.push(clause.replaceAll('?', `$${values.length}`));
    },
    raw(clause) {
      clauses.push(clause);
    },
    get sql() {
      return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    },
    values,
  };
}

const CSV_SPECIAL = /[",\n\r\\]/;

/** A CSV field for DuckDB's CSV reader: `\\N` for null, quoted only when it must be. */
function csvField(value: string | null): string {
  if (value === null) return '\\N';
  if (value === '') return '""';
  return CSV_SPECIAL.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * DuckDB's reader of a scratch CSV of transfers ({@link transferCsvLines}), in the
 * `stage_transfers` column order.
 */
function readStageCsv(file: string): string {
  return `read_csv('${file.replaceAll("'", "''")}', header = false,
    nullstr = '\\N', allow_quoted_nulls = false, quote = '"', escape = '"', delim = ',', buffer_size = ${LOAD_BUFFER_BYTES},
    columns = {'chain': 'VARCHAR', 'block_number': 'UBIGINT', 'block_time_s': 'BIGINT', 'tx_hash': 'VARCHAR', 'position': 'VARCHAR',
               'from_address': 'VARCHAR', 'to_address': 'VARCHAR', 'asset': 'VARCHAR', 'amount': 'BIGNUM', 'kind': 'VARCHAR'})`;
}

/**
 * Staged transfers as CSV lines in the `stage_transfers` column order; widens `ranges` (per chain,
 * the lowest and highest block) to cover them.
 */
function transferCsvLines(
  transfers: readonly Transfer[],
  ranges: Map<string, { lo: bigint; hi: bigint }>,
): string {
  let out = '';
  let range: { lo: bigint; hi: bigint } | undefined;
  let rangeChain = '';
  for (const t of transfers) {
    if (t.chain !== rangeChain || range === undefined) {
      rangeChain = t.chain;
      range = ranges.get(t.chain);
      if (range === undefined) {
        range = { lo: t.blockNumber, hi: t.blockNumber };
        ranges.set(t.chain, range);
      }
    }
    if (t.blockNumber < range.lo) range.lo = t.blockNumber;
    if (t.blockNumber > range.hi) range.hi = t.blockNumber;
    out += `${csvField(t.chain)},${t.blockNumber},${t.blockTime === null ? '\\N' : t.blockTime},${csvField(t.txHash)},${csvField(t.position)},${csvField(t.from)},${csvField(t.to)},${csvField(t.asset)},${t.amount},${t.kind}\n`;
  }
  return out;
}

/** Widens `ranges` (per chain, the lowest and highest block) to cover block `number` of `chain`. */
function widenRange(
  ranges: Map<string, { lo: bigint; hi: bigint }>,
  chain: string,
  number: bigint,
): void {
  const range = ranges.get(chain);
  if (range === undefined) ranges.set(chain, { lo: number, hi: number });
  else if (number < range.lo) range.lo = number;
  else if (number > range.hi) range.hi = number;
}

/** The lowest and highest block of `ranges` (of any chain), or null when there are none. */
function rangeOf(ranges: Iterable<{ lo: bigint; hi: bigint }>): { lo: bigint; hi: bigint } | null {
  let out: { lo: bigint; hi: bigint } | null = null;
  for (const r of ranges)
    out =
      out === null
        ? { ...r }
        : { lo: r.lo < out.lo ? r.lo : out.lo, hi: r.hi > out.hi ? r.hi : out.hi };
  return out;
}

/**
 * The join that gives a staged row without a time (`s`) its block's (`b.time`), over the stored
 * blocks of `range` only. DuckDB runs it as a nested loop (the row's own time is in the join
 * condition), comparing each row with each block it reads: over the whole table a 5,000-transfer
 * write into a store of 200,000 blocks took 6.2 s (20-24 s staged). An equi-join would be hashed,
 * but its hash table ran a 40,000-transfer write out of the 32 MB write budget.
 */
function blockTimeJoin(range: { lo: bigint; hi: bigint } | null): string {
  const blocks =
    range === null
      ? 'blocks'
      : `(SELECT chain, number, time FROM blocks WHERE number BETWEEN ${range.lo} AND ${range.hi})`;
  return `LEFT JOIN ${blocks} b ON s.block_time_s IS NULL AND b.chain = s.chain AND b.number = s.block_number`;
}

/** A SQL string literal (the text must hold no NUL: see {@link fitsLiterals}), or NULL. */
function sqlText(value: string | null | undefined): string {
  return value === null || value === undefined ? 'NULL' : `'${value.replaceAll("'", "''")}'`;
}

/**
 * Whether the assets, checkpoints and chain names can be written as SQL literals: a NUL would end
 * the statement's text early, and a non-integer number of decimals is left to the bound
 * parameters of the staged way.
 */
function fitsLiterals(
  assets: readonly Asset[],
  checkpoints: readonly Checkpoint[],
  chains: readonly string[],
): boolean {
  const texts = [
    ...chains,
    ...assets.flatMap((a) => [a.chain, a.asset, a.symbol, a.name, a.source]),
    ...checkpoints.flatMap((cp) => [cp.chain, cp.stream, cp.blockHash]),
  ];
  return (
    texts.every((t) => t === null || t === undefined || !t.includes('\0')) &&
    assets.every((a) => a.decimals === null || Number.isSafeInteger(a.decimals))
  );
}

/** The message of the error a one-statement write raises when a key repeats (see commitInOne). */
const REPEATED_KEY = 'chaintrail: a key repeats in a one-statement write';

const STAGE_FILE_SUFFIX = '.csv';
const stageFilePrefix = (location: string) => `${path.basename(location)}.stage-`;

/** A scratch file beside the database for staged rows, removed when the write ends. */
function openStageFile(location: string): { fd: number; path: string } {
  const file = path.join(
    path.dirname(location),
    `${stageFilePrefix(location)}${process.pid}-${Date.now()}${STAGE_FILE_SUFFIX}`,
  );
  return { fd: fs.openSync(file, 'w'), path: file };
}

/** Removes scratch files a killed write left behind; safe because the open database is locked. */
function removeStaleStageFiles(location: string): void {
  const prefix = stageFilePrefix(location);
  for (const name of fs.readdirSync(path.dirname(location))) {
    if (name.startsWith(prefix) && name.endsWith(STAGE_FILE_SUFFIX))
      fs.rmSync(path.join(path.dirname(location), name), { force: true });
  }
}

/** How often a long statement's progress is read (see withProgress). */
const PROGRESS_POLL_MS = 250;

/**
 * Runs `fn` (one long statement on `c`) and, while it runs, tells `report` the share of it done, as
 * DuckDB estimates it (for a CSV read: the share of the file read).
 */
async function withProgress<T>(
  c: DuckDBConnection,
  report: ((share: number) => void) | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (!report) return fn();
  // DuckDB tracks a query's progress only with its progress bar on; it must not print it.
  await c.run('SET enable_progress_bar_print = false');
  await c.run('SET enable_progress_bar = true');
  const timer = setInterval(() => {
    const { percentage } = c.progress;
    if (percentage >= 0) report(Math.min(1, percentage / 100));
  }, PROGRESS_POLL_MS);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    await c.run('SET enable_progress_bar = false');
  }
}

/** Rows per batch of {@link Store.scanTransfers} unless asked otherwise: a few hundred MB of columns at most. */
const DEFAULT_SCAN_BATCH_ROWS = 1_000_000;

const DOCUMENT_SELECT = `kind, id, org, body::VARCHAR AS body,
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, strftime(updated_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS updated_at`;

function rowToDocument(r: Row): StoredDocument {
  return {
    kind: String(r.kind),
    id: String(r.id),
    org: (r.org as string | null) ?? null,
    body: JSON.parse(String(r.body)),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

const TRANSFER_SELECT = `chain, block_number, epoch(block_time)::BIGINT AS block_time, tx_hash, position, from_address, to_address, asset, amount::VARCHAR AS amount, kind`;
const EVENT_SELECT = `chain, block_number, epoch(block_time)::BIGINT AS block_time, tx_hash, position, type, protocol, contract, account, recipient,
  asset_in, amount_in::VARCHAR AS amount_in, asset_out, amount_out::VARCHAR AS amount_out, memo, counterparty, extra`;

/**
 * The row position a transfer cursor of this store holds (see {@link DuckDbStore.getTransferCursor}):
 * a cursor is the decimal row id after the last transfer it covers.
 */
function rowIdOfCursor(cursor: string, name: string): number {
  if (!/^\d{1,15}$/.test(cursor))
    throw new UserError(`Transfer cursor "${cursor.slice(0, 40)}" (${name}) is not a DuckDB one`, {
      code: 'STORE_BAD_CURSOR',
      details: 'Cursors come from getTransferCursor or a scan of the same store.',
    });
  return Number(cursor);
}

/** Digits of a row id in a touching transfer's order key (row ids stay below 10^16). */
const TOUCHING_ORDER_DIGITS = 16;

/** Where audit entries wait (JSON lines) until they are read or the store closes. */
function auditPendingPath(location: string): string {
  return `${location}.audit.jsonl`;
}

class DuckDbStore implements Store {
  private closed = false;
  private writing = false;
  /** Chains with a stored transfer (see getAddressChains); null until asked and after each write. */
  private transferChains: Promise<Set<string>> | null = null;
  /** Chains with stored clusters (see listClusterChains); null until asked and after each write. */
  private clusterChains: Promise<Set<string>> | null = null;
  /** Last block with UTXO transfers per chain (see getLastUtxoBlock); emptied after each write. */
  private lastUtxoBlocks = new Map<string, Promise<bigint | null>>();
  /** Appends to and ingests of the audit file, in order. */
  private auditQueue: Promise<void> = Promise.resolve();
  private nextAuditId: number | null = null;

  /** The database file: indexes are saved beside it (`<file>.trace-index`). */
  get indexLocation(): string {
    return this.location;
  }

  constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly memoryLimits: { query: string; write: string },
    private readonly mergeSliceRows: number,
    private readonly smallWriteRows: number,
    /** Reads run on their own connection: they see committed data only, even while a write runs. */
    private readonly reader: DuckDBConnection,
  ) {}

  private async rows(sql: string, values?: DuckDBValue[]): Promise<Row[]> {
    this.assertOpen();
    const reader = await this.reader.runAndReadAll(sql, values);
    return reader.getRowObjectsJS() as Row[];
  }

  private assertOpen(): void {
    if (this.closed) throw new BaseError('Store is closed', { code: 'STORE_CLOSED' });
  }

  async write(fn: (writer: StoreWriter) => Promise<void>): Promise<WriteSummary> {
    this.assertOpen();
    if (this.writing)
      throw new RetryableError('A write is already in progress on this store', {
        code: 'STORE_BUSY',
        retryAfterMs: STORE_BUSY_RETRY_MS,
      });
    this.writing = true;
    const c = this.connection;
    const scratch: { file: { fd: number | null; path: string } | null } = { file: null };
    let eventAppender: DuckDBAppender | null = null;
    const staged = { transfers: 0, events: 0 };
    /** The block range of the staged transfers, per chain (see `freshRanges`). */
    const transferRanges = new Map<string, { lo: bigint; hi: bigint }>();
    /** The block range of the staged events, per chain, as `transferRanges`. */
    const eventRanges = new Map<string, { lo: bigint; hi: bigint }>();
    /** The block range of the staged blocks, per chain, as `transferRanges`. */
    const blockRanges = new Map<string, { lo: bigint; hi: bigint }>();
    /** Whether a staged transfer or event has no time of its own (it takes its block's). */
    let untimed = false;
    // Small writes wait here and are applied inside the merge transaction.
    const pending: {
      assets: Asset[];
      prices: number;
      labels: number;
      labelImport: LabelImportRecord | null;
      closeDelisted: { sanctionList: string; validTo: string }[];
      closeNotRestaged: { format: string; validTo: string }[];
      removeLabelImports: number[];
      checkpoints: Checkpoint[];
      imports: ImportRecord[];
      deletions: { chain: string; fromBlock: bigint }[];
      clusterDrops: string[];
      clusters: ClusterChanges | null;
    } = {
      assets: [],
      prices: 0,
      labels: 0,
      labelImport: null,
      closeDelisted: [],
      closeNotRestaged: [],
      removeLabelImports: [],
      checkpoints: [],
      imports: [],
      deletions: [],
      clusterDrops: [],
      clusters: null,
    };
    let inTransaction = false;
    /** The scratch tables this write made (see `stage`): temporary ones while the write is small. */
    const staging = new Map<StageTable, 'temp' | 'file'>();
    /** The memory limit set now, and the rows staged so far (see SMALL_WRITE_ROWS). */
    let limit = this.memoryLimits.query;
    let stagedRows = 0;
    /** Whether a file was read by DuckDB's reader (loadTransfersCsv): a bulk write from then on. */
    let bulk = false;
    /** Whether files went straight into `transfers` (loadCsvDirectly), and what that stored. */
    let directLoaded = false;
    let directWritten = 0;
    let directDuplicates = 0;
    const setLimit = async (value: string) => {
      if (value === limit) return;
      await c.run(`SET memory_limit = '${value}'`);
      limit = value;
    };
    const large = () =>
      bulk ||
      stagedRows > this.smallWriteRows ||
      pending.clusters !== null ||
      pending.removeLabelImports.length +
        pending.closeDelisted.length +
        pending.closeNotRestaged.length +
        pending.clusterDrops.length >
        0;
    /**
     * Moves the temporary scratch tables into the database file once the write is no longer small,
     * so that a large one stages in constant memory as it always did (see `stage`).
     */
    const toFile = async () => {
      for (const [table, where] of staging) {
        if (where === 'file') continue;
        if (table === 'stage_events') {
          // Its appender stays open across calls: its rows go first, a new one opens on the copy.
          (eventAppender as DuckDBAppender | null)?.closeSync();
          eventAppender = null;
        }
        await c.run(`CREATE OR REPLACE TABLE main.${table} AS FROM temp.${table}`);
        await c.run(`DROP TABLE temp.${table}`);
        staging.set(table, 'file');
      }
    };
    /** Counts rows about to be staged; past a small write, the write's memory limit applies. */
    const count = async (rows: number) => {
      stagedRows += rows;
      if (large()) await setLimit(this.memoryLimits.write);
      if (stagedRows > this.smallWriteRows) await toFile();
    };
    try {
      // Bulk rows go to a scratch file and scratch tables first, committed outside the merge
      // transaction: DuckDB keeps uncommitted rows in memory, which made a 1 M-row import several
      // hundred MB larger. Nothing reads the scratch tables; only the merge transaction below makes rows
      // visible, all at once, so a failure or crash at any point leaves the real tables as they were
      // (the next write replaces the scratch tables; a crashed write's scratch file is removed at open).
      // Each scratch table is made when the write first needs it: a sync batch stages no labels or
      // prices, and making and dropping the five took about a fifth of a Bitcoin sync batch's write.
      // A small write's scratch tables are temporary (this connection's, in memory, unlogged): a
      // table made in the database file costs a catalog entry in the write-ahead log and its sync,
      // made and dropped for every sync batch (measured 10-45 ms each here, a third of a small write).
      // Temporary tables shadow the file's of the same name; only one of the two exists at a time.
      const stage = async (table: StageTable) => {
        if (staging.has(table)) return;
        const where = bulk || stagedRows > this.smallWriteRows ? 'file' : 'temp';
        await c.run(
          `CREATE OR REPLACE ${where === 'temp' ? 'TEMP ' : ''}TABLE ${table} (${STAGE_TABLE_COLUMNS[table]})`,
        );
        staging.set(table, where);
      };
      const writer: StoreWriter = {
        appendTransfers: async (transfers) => {
          if (transfers.length === 0) return;
          await count(transfers.length);
          scratch.file ??= openStageFile(this.location);
          fs.writeSync(scratch.file.fd!, transferCsvLines(transfers, transferRanges));
          untimed ||= transfers.some((t) => t.blockTime === null);
          staged.transfers += transfers.length;
        },
        appendEvents: async (events) => {
          if (events.length === 0) return;
          await count(events.length);
          await stage('stage_events');
          eventAppender ??= await c.createAppender('stage_events');
          appendRows(eventAppender, STAGE_EVENT_TYPES, events.map(eventRow));
          for (const e of events) widenRange(eventRanges, e.chain, e.blockNumber);
          untimed ||= events.some((e) => e.blockTime === null);
          staged.events += events.length;
        },
        putBlocks: async (blocks) => {
          if (blocks.length === 0) return;
          await count(blocks.length);
          await stage('stage_blocks');
          const appender = await c.createAppender('stage_blocks');
          appendRows(
            appender,
            [VARCHAR, UBIGINT, VARCHAR, VARCHAR, BIGINT],
            blocks.map((b) => [b.chain, b.number, b.hash, b.parentHash, BigInt(b.time)]),
          );
          appender.closeSync();
          for (const b of blocks) widenRange(blockRanges, b.chain, b.number);
        },
        putAssets: async (assets) => void pending.assets.push(...assets),
        putPrices: async (rows) => {
          if (rows.length === 0) return;
          const values = rows.map(priceRow);
          await count(rows.length);
          await stage('stage_prices');
          const appender = await c.createAppender('stage_prices');
          appendRows(appender, STAGE_PRICE_TYPES, values);
          appender.closeSync();
          pending.prices += rows.length;
        },
        addLabels: async (labels) => {
          if (labels.length === 0) return;
          await count(labels.length);
          await stage('stage_labels');
          const appender = await c.createAppender('stage_labels');
          appendRows(appender, STAGE_LABEL_TYPES, labels.map(labelRow));
          appender.closeSync();
          pending.labels += labels.length;
        },
        recordLabelImport: async (record) => {
          if (pending.labelImport)
            throw new BaseError('One write records at most one label import', {
              code: 'STORE_BAD_WRITE',
            });
          pending.labelImport = record;
        },
        closeDelisted: async (params) => void pending.closeDelisted.push(params),
        closeNotRestaged: async (params) => void pending.closeNotRestaged.push(params),
        removeLabelImport: async (importId) => void pending.removeLabelImports.push(importId),
        setCheckpoint: async (cp) => void pending.checkpoints.push(cp),
        recordImport: async (record) => void pending.imports.push(record),
        deleteFromBlock: async (chain, fromBlock) =>
          void pending.deletions.push({ chain, fromBlock }),
        writeClusters: async (changes) => {
          if (pending.clusters)
            throw new BaseError('One write applies at most one cluster build step', {
              code: 'STORE_BAD_WRITE',
            });
          pending.clusters = changes;
          await setLimit(this.memoryLimits.write);
          await stageClusterChanges(c, changes);
        },
        dropClusters: async (chain) => void pending.clusterDrops.push(chain),
        loadTransfersCsv: async (load) => {
          // Straight into `transfers`, inside the write's transaction (see loadCsvDirectly): only
          // as the first thing a write does, so that no staged row, block or deletion is missed.
          const first =
            !inTransaction &&
            staging.size === 0 &&
            scratch.file === null &&
            staged.transfers + staged.events === 0 &&
            pending.deletions.length + pending.clusterDrops.length === 0 &&
            pending.clusters === null;
          if (!first && !directLoaded) return { records: 0, taken: false };
          bulk = true;
          if (!inTransaction) {
            await c.run('BEGIN TRANSACTION');
            inTransaction = true;
          }
          directLoaded = true;
          const loaded = await this.loadCsvDirectly(load, setLimit);
          directWritten += loaded.written;
          directDuplicates += loaded.duplicates;
          return { records: loaded.records, taken: loaded.taken };
        },
      };
      /** Guards what a direct load (loadTransfersCsv) would not see: it must come first. */
      const notAfterDirectLoad =
        <A extends unknown[]>(name: string, f: (...args: A) => Promise<void>) =>
        async (...args: A) => {
          if (directLoaded)
            throw new BaseError(`${name} after loadTransfersCsv in one write`, {
              code: 'STORE_BAD_WRITE',
            });
          await f(...args);
        };
      writer.putBlocks = notAfterDirectLoad('putBlocks', writer.putBlocks);
      writer.deleteFromBlock = notAfterDirectLoad('deleteFromBlock', writer.deleteFromBlock);
      writer.writeClusters = notAfterDirectLoad('writeClusters', writer.writeClusters);
      writer.dropClusters = notAfterDirectLoad('dropClusters', writer.dropClusters);
      await fn(writer);
      if (scratch.file) {
        // Closed once only: the number is free for reuse at once, and DuckDB's own temporary files
        // took it (a second close then broke DuckDB's spill file with EBADF).
        fs.closeSync(scratch.file.fd!);
        scratch.file.fd = null;
      }
      // A small write of chain data alone (a sync batch, nearly always) commits in one statement
      // (see commitInOne); if a key turns out stored already or repeated, the staged way below.
      if (
        !large() &&
        !directLoaded &&
        pending.deletions.length === 0 &&
        pending.prices + pending.labels + pending.imports.length === 0 &&
        pending.labelImport === null &&
        fitsLiterals(pending.assets, pending.checkpoints, [
          ...blockRanges.keys(),
          ...transferRanges.keys(),
          ...eventRanges.keys(),
        ])
      ) {
        (eventAppender as DuckDBAppender | null)?.closeSync();
        eventAppender = null;
        inTransaction = true;
        const committed = await this.commitInOne({
          blockRanges,
          transfersFile: scratch.file?.path ?? null,
          events: staged.events > 0,
          transferRanges,
          eventRanges,
          untimed,
          assets: pending.assets,
          checkpoints: pending.checkpoints,
        });
        if (committed) {
          inTransaction = false;
          // Nothing was skipped: every key was new (the statement checked).
          return {
            transfersWritten: staged.transfers,
            transfersDuplicate: 0,
            eventsWritten: staged.events,
            eventsDuplicate: 0,
            labelsWritten: 0,
            labelsDuplicate: 0,
            labelsClosed: 0,
            labelsRemoved: 0,
            pricesWritten: 0,
            pricesReplaced: 0,
          };
        }
        await c.run('ROLLBACK');
        inTransaction = false;
      }
      // A small write of transfers into blocks the store holds none of (a sync batch past its
      // checkpoint, nearly always) can load them straight into `transfers` inside the merge
      // transaction: nothing stored can be a duplicate (a transaction's rows live in one block), so
      // staging and the duplicate search are skipped; a key repeated within the write is still
      // found after the load, which then falls back to the staged path (see `merge`).
      let direct =
        scratch.file !== null &&
        !large() &&
        pending.deletions.length === 0 &&
        (await this.holdsNoTransfers(transferRanges));
      // Twice at most: a direct load that finds a key repeated within the write is rolled back and
      // the write goes the staged way.
      for (;;) {
        if (scratch.file && !direct) {
          if (large()) await setLimit(LOAD_MEMORY_LIMIT);
          await stage('stage_transfers');
          await c.run(
            `INSERT INTO stage_transfers SELECT * FROM ${readStageCsv(scratch.file.path)}`,
          );
        }
        // The appenders' buffered rows must reach the staging tables before the merge reads them.
        (eventAppender as DuckDBAppender | null)?.closeSync();
        eventAppender = null;
        // Closing labels not staged again reads the staged labels, however many there are.
        if (pending.closeDelisted.length + pending.closeNotRestaged.length > 0)
          await stage('stage_labels');
        // One atomic merge keeps its inserted rows pinned until commit, so its budget grows with the
        // write: a fixed 48 MB ran out of memory on 5 M rows (which then peaked at 476 MB RSS with
        // 32 bytes per row); 1 M rows fit in 32 MB. Staging, before this, stays in constant memory.
        const mergeBytes = Math.max(
          parseByteSize(this.memoryLimits.write),
          (staged.transfers + staged.events) * MERGE_BYTES_PER_ROW +
            (pending.labels +
              (await this.labelsJoined(
                pending.removeLabelImports,
                pending.closeDelisted.length + pending.closeNotRestaged.length > 0,
              ))) *
              MERGE_BYTES_PER_LABEL,
        );
        // A cluster build step inserts into and updates tables with an ART index, which DuckDB keeps
        // in memory while it writes: under the 32 MB write budget a step of 130,000 rows into a table of
        // 235,000 addresses ran out of memory (and DuckDB could not roll back). It gets the queries'
        // budget.
        const budget = pending.clusters
          ? Math.max(mergeBytes, parseByteSize(this.memoryLimits.query))
          : mergeBytes;
        if (large()) await setLimit(`${Math.ceil(budget / 2 ** 20)}MiB`);
        // A direct load (loadTransfersCsv) began it already.
        if (!inTransaction) await c.run('BEGIN TRANSACTION');
        inTransaction = true;
        // Orphaned blocks go first, so that the rows re-ingested for them are not taken for duplicates.
        for (const d of pending.deletions) {
          await dropClustersBuiltFrom(c, d.chain, d.fromBlock);
          for (const [table, column] of [
            ['transfers', 'block_number'],
            ['events', 'block_number'],
            ['blocks', 'number'],
          ] as const) {
            const deleted = await c.run(
              `DELETE FROM ${table} WHERE chain = $1 AND ${column} >= $2`,
              [d.chain, d.fromBlock],
            );
            // Cursors (row ids) taken before no longer say which transfers a reader holds.
            if (table === 'transfers' && deleted.rowsChanged > 0)
              await c.run('UPDATE transfer_generation SET generation = generation + 1');
          }
        }
        for (const chain of pending.clusterDrops) await dropClustersOf(c, chain);
        if (pending.clusters) await applyClusterChanges(c, pending.clusters);
        let merged = await this.merge(
          direct ? { ...staged, transfers: 0 } : staged,
          staging.has('stage_blocks'),
          rangeOf([...transferRanges.values(), ...eventRanges.values()]),
        );
        if (direct) {
          // After the blocks: a transfer without its time takes its block's.
          const written = await this.loadTransfersDirectly(scratch.file!.path, transferRanges);
          if (written === null) {
            // A key repeated within the write (rare: a caller's mistake): the staged way keeps the
            // first copy of each.
            await c.run('ROLLBACK');
            inTransaction = false;
            direct = false;
            continue;
          }
          merged = { ...merged, transfersWritten: written, transfersDuplicate: 0 };
        }
        const summary = {
          ...merged,
          transfersWritten: merged.transfersWritten + directWritten,
          transfersDuplicate: merged.transfersDuplicate + directDuplicates,
          ...(await this.applyPending(pending)),
        };
        await c.run('COMMIT');
        inTransaction = false;
        return summary;
      }
    } catch (error) {
      try {
        (eventAppender as DuckDBAppender | null)?.closeSync();
      } catch {
        // The scratch tables are dropped below whatever the appenders held.
      }
      if (inTransaction) await c.run('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      if (scratch.file) {
        if (scratch.file.fd !== null) fs.closeSync(scratch.file.fd);
        fs.rmSync(scratch.file.path, { force: true });
      }
      await this.dropStaging(new Set(staging.keys()), pending.clusters !== null).catch(
        () => undefined,
      );
      await setLimit(this.memoryLimits.query).catch(() => undefined);
      this.transferChains = null;
      this.clusterChains = null;
      this.lastUtxoBlocks.clear();
      this.writing = false;
    }
  }

  /** Drops the scratch tables a write made (the cluster step's when it staged one). */
  private async dropStaging(tables: ReadonlySet<StageTable>, clusters: boolean): Promise<void> {
    // One statement: each waits for Node's event loop (see commitInOne).
    await this.connection.run(
      [...tables, ...(clusters ? CLUSTER_STAGE_TABLES : []), 'stage_skip']
        .map((table) => `DROP TABLE IF EXISTS ${table}`)
        .join(';\n'),
    );
  }

  private async applyPending(pending: {
    assets: Asset[];
    prices: number;
    labels: number;
    labelImport: LabelImportRecord | null;
    closeDelisted: { sanctionList: string; validTo: string }[];
    closeNotRestaged: { format: string; validTo: string }[];
    removeLabelImports: number[];
    checkpoints: Checkpoint[];
    imports: ImportRecord[];
  }): Promise<
    Pick<
      WriteSummary,
      | 'labelsWritten'
      | 'labelsDuplicate'
      | 'labelsClosed'
      | 'labelsRemoved'
      | 'pricesWritten'
      | 'pricesReplaced'
    >
  > {
    const c = this.connection;
    let labelsRemoved = 0;
    for (const id of pending.removeLabelImports)
      labelsRemoved += await this.removeLabelImport(BigInt(id));
    for (const a of pending.assets) {
      await c.run(
        `INSERT OR REPLACE INTO assets (chain, asset, symbol, name, decimals, source) VALUES ($1, $2, $3, $4, $5, $6)`,
        [a.chain, a.asset, a.symbol, a.name ?? null, a.decimals, a.source ?? null],
      );
    }
    const prices = pending.prices > 0 ? await this.mergePrices() : { written: 0, replaced: 0 };
    let importId: bigint | null = null;
    if (pending.labelImport) {
      const r = pending.labelImport;
      const reader = await c.runAndReadAll(
        `INSERT INTO label_imports (format, source, list_name, list_date, sha256) VALUES ($1, $2, $3, $4::DATE, $5) RETURNING id`,
        [r.format, r.source, r.listName, r.listDate, r.sha256],
      );
      importId = BigInt(reader.getRowObjectsJS()[0]!.id as bigint);
    }
    let labelsClosed = 0;
    // Before the insert: a label staged again with another confidence is closed here, then added anew.
    for (const d of pending.closeNotRestaged) {
      const result = await c.run(
        `UPDATE labels l SET valid_to = $2::DATE
         WHERE l.valid_to IS NULL AND l.import_id IN (SELECT id FROM label_imports WHERE format = $1)
           AND NOT EXISTS (SELECT 1 FROM stage_labels s WHERE s.chain = l.chain AND s.address = l.address
             AND s.category = l.category AND s.entity IS NOT DISTINCT FROM l.entity AND s.source = l.source
             AND s.confidence IS NOT DISTINCT FROM l.confidence)`,
        [d.format, d.validTo],
      );
      labelsClosed += Number(result.rowsChanged);
    }
    let labelsWritten = 0;
    if (pending.labels > 0) {
      // A label equal to an open one of the same address (or repeated in this write) adds nothing.
      const result = await c.run(
        `INSERT INTO labels (chain, address, entity, category, source, confidence, added_at, actor, country,
           sanction_list, programs, valid_from, valid_to, import_id)
         SELECT chain, address, entity, category, source, confidence, current_timestamp, actor, country,
           sanction_list, programs, valid_from::DATE, valid_to::DATE, $1
         FROM (SELECT DISTINCT ON (chain, address, category, entity, source, sanction_list, valid_to) * FROM stage_labels ORDER BY rowid) s
         WHERE NOT EXISTS (
           SELECT 1 FROM labels l WHERE l.chain = s.chain AND l.address = s.address AND l.category = s.category
             AND l.entity IS NOT DISTINCT FROM s.entity AND l.source = s.source
             AND l.sanction_list IS NOT DISTINCT FROM s.sanction_list AND l.valid_to IS NULL AND s.valid_to IS NULL)`,
        [importId],
      );
      labelsWritten = Number(result.rowsChanged);
    }
    if (importId !== null && labelsWritten < pending.labels)
      // An open label equal to one another import holds open was not added, but this import carries
      // it: it keeps its own copy (the first staged, as the insert takes), which takes the label's
      // place if that import is removed. Labels without an import are never removed with one, so
      // nothing is kept for them. Only a write that skipped labels asks: one of 100,000 repeats took
      // 2.2-2.8 s here keeping their copies, 1.1-1.6 s before. An inner join, not EXISTS, so that
      // DuckDB hashes the staged side: EXISTS hashed every label stored and ran out of the 32 MB
      // write budget loading the reference set.
      await c.run(
        `INSERT INTO carried_labels (${LABEL_COLUMNS})
         SELECT DISTINCT ON (s.chain, s.address, s.category, s.entity, s.source, s.sanction_list)
           s.chain, s.address, s.entity, s.category, s.source, s.confidence, current_timestamp, s.actor,
           s.country, s.sanction_list, s.programs, s.valid_from::DATE, NULL, $1
         FROM (SELECT *, rowid AS rid FROM stage_labels WHERE valid_to IS NULL) s
         JOIN labels l ON ${sameLabel('l', 's')}
         WHERE l.valid_to IS NULL AND l.import_id <> $1
         ORDER BY s.chain, s.address, s.category, s.entity, s.source, s.sanction_list, s.rid`,
        [importId],
      );
    for (const d of pending.closeDelisted) {
      const result = await c.run(
        `UPDATE labels l SET valid_to = $2::DATE
         WHERE l.sanction_list = $1 AND l.valid_to IS NULL
           AND NOT EXISTS (SELECT 1 FROM stage_labels s WHERE s.sanction_list = $1 AND s.chain = l.chain AND s.address = l.address)`,
        [d.sanctionList, d.validTo],
      );
      labelsClosed += Number(result.rowsChanged);
    }
    if (labelsClosed > 0)
      // A closed label is closed for every import that carried it: their copies go, so none of them
      // reopens it when the label's own import is removed. (An inner join that keeps the copies of
      // open labels: NOT EXISTS hashed every label stored and ran out of the 32 MB write budget on
      // 118,000 labels and 100,000 copies.)
      await c.run(
        `DELETE FROM carried_labels WHERE rowid NOT IN (
           SELECT c.rowid FROM carried_labels c JOIN labels l ON ${sameLabel('l', 'c')} WHERE l.valid_to IS NULL)`,
      );
    if (importId !== null)
      await c.run(`UPDATE label_imports SET labels = $2, closed = $3 WHERE id = $1`, [
        importId,
        BigInt(labelsWritten),
        BigInt(labelsClosed),
      ]);
    for (const cp of pending.checkpoints) {
      await c.run(
        `INSERT OR REPLACE INTO checkpoints (chain, stream, block_number, block_hash, updated_at) VALUES ($1, $2, $3, $4, current_timestamp)`,
        [cp.chain, cp.stream, cp.blockNumber, cp.blockHash],
      );
    }
    for (const r of pending.imports) {
      await c.run(
        `INSERT INTO imports (kind, source, rows, rejected, sha256) VALUES ($1, $2, $3, $4, $5)`,
        [r.kind, r.source, BigInt(r.rows), BigInt(r.rejected), r.sha256],
      );
    }
    return {
      labelsWritten,
      labelsDuplicate: pending.labels - labelsWritten,
      labelsClosed,
      labelsRemoved,
      pricesWritten: prices.written,
      pricesReplaced: prices.replaced,
    };
  }

  /**
   * Stores the staged prices inside the write's transaction: one row per chain, asset and day (the
   * last staged of a key), replacing a stored day's price and source.
   */
  private async mergePrices(): Promise<{ written: number; replaced: number }> {
    const c = this.connection;
    await c.run(
      `CREATE OR REPLACE TEMP TABLE merge_prices AS
       SELECT DISTINCT ON (chain, asset, day) chain, asset, day::DATE AS day, usd, source
       FROM (SELECT *, rowid AS rid FROM stage_prices) ORDER BY chain, asset, day, rid DESC`,
    );
    try {
      const replaced = await c.runAndReadAll(
        `SELECT count(*) AS n FROM merge_prices m JOIN prices p USING (chain, asset, day)`,
      );
      const written = await c.run(
        `INSERT OR REPLACE INTO prices (chain, asset, day, usd, source) SELECT chain, asset, day, usd, source FROM merge_prices`,
      );
      return {
        written: Number(written.rowsChanged),
        replaced: Number(replaced.getRowObjectsJS()[0]!.n),
      };
    } finally {
      // After a failed statement the transaction refuses this too; its rollback drops the table.
      await c.run('DROP TABLE IF EXISTS merge_prices').catch(() => undefined);
    }
  }

  /**
   * Rows that removing `importIds`, or closing labels, joins with the carried copies: the imports'
   * labels and every copy (see {@link removeLabelImport}). Such a write may stage nothing, and under
   * the 32 MB write budget removing an import of 100,000 labels that two others carried ran out of
   * memory: they are budgeted as as many staged labels.
   */
  private async labelsJoined(importIds: readonly number[], closes: boolean): Promise<number> {
    if (importIds.length === 0 && !closes) return 0;
    const reader =
      importIds.length === 0
        ? await this.connection.runAndReadAll(`SELECT count(*) AS n FROM carried_labels`)
        : await this.connection.runAndReadAll(
            `SELECT (SELECT count(*) FROM labels WHERE list_contains($1::BIGINT[], import_id))
                  + (SELECT count(*) FROM carried_labels) AS n`,
            [listValue(importIds.map(BigInt))],
          );
    return Number(reader.getRowObjectsJS()[0]!.n);
  }

  /**
   * Removes label import `id` inside the write's transaction and returns how many labels left the
   * store. Each open label of the import that another import carries stays: the copy of the oldest
   * such import takes its place (and counts in that import's `labels`). What the import carried goes
   * with it.
   */
  private async removeLabelImport(id: bigint): Promise<number> {
    const c = this.connection;
    await c.run(
      `CREATE OR REPLACE TEMP TABLE taken_over AS
       SELECT DISTINCT ON (c.chain, c.address, c.category, c.entity, c.source, c.sanction_list) c.*, c.rowid AS carried
       FROM carried_labels c JOIN labels l ON ${sameLabel('l', 'c')}
       WHERE l.import_id = $1 AND l.valid_to IS NULL AND c.import_id <> $1
       ORDER BY c.chain, c.address, c.category, c.entity, c.source, c.sanction_list, c.import_id`,
      [id],
    );
    try {
      const takenOver = await c.run(
        `INSERT INTO labels (${LABEL_COLUMNS}) SELECT ${LABEL_COLUMNS} FROM taken_over`,
      );
      await c.run(
        `DELETE FROM carried_labels WHERE import_id = $1 OR rowid IN (SELECT carried FROM taken_over)`,
        [id],
      );
      await c.run(
        `UPDATE label_imports SET labels = labels + t.n
         FROM (SELECT import_id, count(*) AS n FROM taken_over GROUP BY import_id) t
         WHERE label_imports.id = t.import_id`,
      );
      const removed = await c.run(`DELETE FROM labels WHERE import_id = $1`, [id]);
      await c.run(`DELETE FROM label_imports WHERE id = $1`, [id]);
      return Number(removed.rowsChanged) - Number(takenOver.rowsChanged);
    } finally {
      // After a failed statement the transaction refuses this too; its rollback drops the table.
      await c.run('DROP TABLE IF EXISTS taken_over').catch(() => undefined);
    }
  }

  /**
   * Moves staged rows into the real tables, skipping natural keys that already exist.
   * Invariant: a transaction's transfers live in one block, so the existing-key check only needs the
   * staged block range; the sync's reorg handling deletes orphaned blocks' rows before re-ingesting.
   */
  private async merge(
    staged: {
      transfers: number;
      events: number;
    },
    blocksStaged: boolean,
    /** The blocks of the staged rows, all chains together (see blockTimeJoin). */
    range: { lo: bigint; hi: bigint } | null,
  ): Promise<
    Pick<
      WriteSummary,
      'transfersWritten' | 'transfersDuplicate' | 'eventsWritten' | 'eventsDuplicate'
    >
  > {
    const c = this.connection;
    if (blocksStaged) {
      await c.run(
        `DELETE FROM blocks b USING stage_blocks s WHERE b.chain = s.chain AND b.number = s.number`,
      );
      await c.run(
        `INSERT INTO blocks SELECT DISTINCT ON (chain, number) chain, number, hash, parent_hash, make_timestamp(time_s::BIGINT * 1000000) FROM stage_blocks`,
      );
    }
    const timeJoin = blockTimeJoin(range);
    let transfersWritten = 0;
    for (let lo = 0; lo < staged.transfers; lo += this.mergeSliceRows) {
      const hi = lo + this.mergeSliceRows;
      await this.findSkippedRows('stage_transfers', 'transfers', lo, hi);
      const result = await c.run(`INSERT INTO transfers
        SELECT s.chain, s.block_number, coalesce(make_timestamp(s.block_time_s::BIGINT * 1000000), b.time), s.tx_hash, s.position,
               s.from_address, s.to_address, s.asset, s.amount, s.kind
        FROM stage_transfers s
        ${timeJoin}
        WHERE s.rowid >= ${lo} AND s.rowid < ${hi} AND s.rowid NOT IN (SELECT rid FROM stage_skip)`);
      transfersWritten += Number(result.rowsChanged);
    }
    let eventsWritten = 0;
    for (let lo = 0; lo < staged.events; lo += this.mergeSliceRows) {
      const hi = lo + this.mergeSliceRows;
      await this.findSkippedRows('stage_events', 'events', lo, hi);
      const result = await c.run(`INSERT INTO events
        SELECT s.chain, s.block_number, coalesce(make_timestamp(s.block_time_s::BIGINT * 1000000), b.time), s.tx_hash, s.position, s.type, s.protocol,
               s.contract, s.account, s.recipient, s.asset_in, s.amount_in, s.asset_out, s.amount_out, s.memo, s.counterparty, s.extra
        FROM stage_events s
        ${timeJoin}
        WHERE s.rowid >= ${lo} AND s.rowid < ${hi} AND s.rowid NOT IN (SELECT rid FROM stage_skip)`);
      eventsWritten += Number(result.rowsChanged);
    }
    return {
      transfersWritten,
      transfersDuplicate: staged.transfers - transfersWritten,
      eventsWritten,
      eventsDuplicate: staged.events - eventsWritten,
    };
  }

  /**
   * Loads a CSV file's transfers straight into `transfers`, inside the write's open transaction
   * (see load-transfers-csv.ts); not taken when SQL could not vouch for every record or the caller
   * refused an address (the caller then aborts the write). Then the loaded rows without a time
   * take their block's, and of a key (chain, tx hash, position) held twice in the loaded rows'
   * block range the later copy is removed, the stored one kept, as a merge does.
   *
   * Why not stage the rows like appended ones: staging wrote every row once more and the merge
   * read it back, looked for keys already stored and wrote it again; on 1 M generated transfers at
   * load 3.5 on 2 cores, staging and merging took 9-10 s where this took 6 s (DuckDB's own
   * read_csv of the file: 1.7 s). Rows inserted in a transaction are written to the database file
   * as they come (peak RSS 221 MB for 1 M rows here); only the commit makes them visible, and a
   * kill before it leaves none.
   */
  private async loadCsvDirectly(
    load: TransfersCsvLoad,
    /** Sets the memory limit (the write's own setter, which remembers it). */
    setLimit: (value: string) => Promise<void>,
  ): Promise<{ records: number; taken: boolean; written: number; duplicates: number }> {
    const c = this.connection;
    await setLimit(LOAD_MEMORY_LIMIT);
    // Rows inserted in a transaction get row ids past every stored one: this tells them apart.
    // A BIGINT kept as text: row ids made in a transaction start at 2^62, past a double's precision.
    const start = String(
      (await c.runAndReadAll('SELECT coalesce(max(rowid) + 1, 0) FROM transfers')).getRows()[0]![0],
    );
    const records = await withProgress(c, load.onProgress, async () =>
      Number((await c.run(insertTransfersCsvSql(load))).rowsChanged),
    );
    // Fewer rows than records: one had a value SQL cannot vouch for.
    if (records !== load.records || !(await normalizeLoadedAddresses(c, load, start)))
      return { records, taken: false, written: 0, duplicates: 0 };
    if (records === 0) return { records, taken: true, written: 0, duplicates: 0 };
    // Before the repeats: a key's copies all have their times alike then.
    if (load.columns.time !== null)
      await c.run(`UPDATE transfers SET block_time = b.time FROM blocks b
        WHERE transfers.rowid >= ${start} AND transfers.block_time IS NULL
          AND b.chain = transfers.chain AND b.number = transfers.block_number`);
    // The repeats' hash table grows with the rows, as a merge's does (see write).
    const budget = Math.max(parseByteSize(this.memoryLimits.write), records * MERGE_BYTES_PER_ROW);
    await setLimit(`${Math.ceil(budget / 2 ** 20)}MiB`);
    const [lo, hi] = (
      await c.runAndReadAll(
        `SELECT min(block_number), max(block_number) FROM transfers WHERE rowid >= ${start}`,
      )
    ).getRows()[0]!;
    // Hashes first (a small table), the real keys only for their candidates, as findSkippedRows.
    // A transaction's rows live in one block, so stored copies are looked for in the range only.
    await c.run(
      `CREATE OR REPLACE TEMP TABLE stage_repeated AS
       SELECT hash(tx_hash, position) AS k FROM transfers WHERE chain = $1 AND block_number BETWEEN $2 AND $3
       GROUP BY k HAVING count(*) > 1`,
      [load.chain, lo!, hi!],
    );
    const removed = await c.run(
      `DELETE FROM transfers WHERE rowid IN (
         SELECT rid FROM (
           SELECT rowid AS rid, row_number() OVER (PARTITION BY tx_hash, position ORDER BY rowid) AS n
           FROM transfers WHERE chain = $1 AND block_number BETWEEN $2 AND $3
             AND hash(tx_hash, position) IN (SELECT k FROM stage_repeated))
         WHERE n > 1 AND rid >= ${start})`,
      [load.chain, lo!, hi!],
    );
    await c.run('DROP TABLE stage_repeated');
    const duplicates = Number(removed.rowsChanged);
    return { records, taken: true, written: records - duplicates, duplicates };
  }

  /**
   * Commits a small write of chain data (a sync batch: blocks, transfers, events, assets and
   * checkpoints) in one statement of many: the blocks replace stored ones, the transfers go from the
   * write's CSV and the events from their scratch table straight into their tables, then a check
   * that no key (chain, tx hash, position) repeats in the written block ranges, which raises an
   * error before COMMIT if one does. Returns false then, with the transaction open for the caller
   * to roll back and stage the write (a transaction's rows live in one block, so a stored copy of
   * a key lies in the range). Why one statement: each statement of a write waits for Node's event
   * loop between DuckDB's answer and the next call, and a Bitcoin sync batch is written while the
   * next one is fetched and decoded on that loop; its ~16 statements took 17-23 ms alone but
   * 73-212 ms in the sync (Bitcoin sync benchmark, 5 batches of 50-16,290 transfers).
   */
  private async commitInOne(write: {
    blockRanges: ReadonlyMap<string, { lo: bigint; hi: bigint }>;
    transfersFile: string | null;
    events: boolean;
    transferRanges: ReadonlyMap<string, { lo: bigint; hi: bigint }>;
    eventRanges: ReadonlyMap<string, { lo: bigint; hi: bigint }>;
    untimed: boolean;
    assets: readonly Asset[];
    checkpoints: readonly Checkpoint[];
  }): Promise<boolean> {
    const sql = ['BEGIN TRANSACTION'];
    // The stored blocks looked at are only the written range's (zone maps skip the rest).
    for (const [chain, r] of write.blockRanges)
      sql.push(`DELETE FROM blocks b USING stage_blocks s WHERE b.chain = ${sqlText(chain)}
        AND b.number BETWEEN ${r.lo} AND ${r.hi} AND b.chain = s.chain AND b.number = s.number`);
    if (write.blockRanges.size > 0)
      sql.push(
        `INSERT INTO blocks SELECT DISTINCT ON (chain, number) chain, number, hash, parent_hash, make_timestamp(time_s::BIGINT * 1000000) FROM stage_blocks`,
      );
    // A row without a time takes its block's; rows that all have one need no join.
    const range = rangeOf([...write.transferRanges.values(), ...write.eventRanges.values()]);
    const time = write.untimed
      ? 'coalesce(make_timestamp(s.block_time_s::BIGINT * 1000000), b.time)'
      : 'make_timestamp(s.block_time_s::BIGINT * 1000000)';
    const join = write.untimed ? blockTimeJoin(range) : '';
    if (write.transfersFile !== null)
      sql.push(`INSERT INTO transfers
        SELECT s.chain, s.block_number, ${time}, s.tx_hash, s.position, s.from_address, s.to_address, s.asset, s.amount, s.kind
        FROM ${readStageCsv(write.transfersFile)} s ${join}`);
    if (write.events)
      sql.push(`INSERT INTO events
        SELECT s.chain, s.block_number, ${time}, s.tx_hash, s.position, s.type, s.protocol, s.contract, s.account,
               s.recipient, s.asset_in, s.amount_in, s.asset_out, s.amount_out, s.memo, s.counterparty, s.extra
        FROM stage_events s ${join}`);
    for (const a of write.assets)
      sql.push(
        `INSERT OR REPLACE INTO assets (chain, asset, symbol, name, decimals, source) VALUES (${sqlText(a.chain)}, ${sqlText(a.asset)}, ${sqlText(a.symbol)}, ${sqlText(a.name)}, ${a.decimals ?? 'NULL'}, ${sqlText(a.source)})`,
      );
    for (const cp of write.checkpoints)
      sql.push(
        `INSERT OR REPLACE INTO checkpoints (chain, stream, block_number, block_hash, updated_at) VALUES (${sqlText(cp.chain)}, ${sqlText(cp.stream)}, ${cp.blockNumber}, ${sqlText(cp.blockHash)}, current_timestamp)`,
      );
    const repeats = [
      ...[...write.transferRanges].map(([chain, r]) => ['transfers', chain, r] as const),
      ...[...write.eventRanges].map(([chain, r]) => ['events', chain, r] as const),
    ].map(
      ([table, chain, r]) =>
        `EXISTS (SELECT 1 FROM ${table} WHERE chain = ${sqlText(chain)} AND block_number BETWEEN ${r.lo} AND ${r.hi}
           GROUP BY tx_hash, position HAVING count(*) > 1)`,
    );
    if (repeats.length > 0)
      sql.push(`SELECT CASE WHEN ${repeats.join(' OR ')} THEN error(${sqlText(REPEATED_KEY)}) END`);
    sql.push('COMMIT');
    try {
      await this.connection.run(sql.join(';\n'));
      return true;
    } catch (error) {
      if (String((error as Error).message).includes(REPEATED_KEY)) return false;
      throw error;
    }
  }

  /**
   * Whether the store holds no transfer in any of `ranges` (per chain, blocks lo..hi): then none of
   * a write's transfers there can be stored already. Reads the write's connection; zone maps on
   * `block_number` keep it to the row groups that may hold the range.
   */
  private async holdsNoTransfers(
    ranges: ReadonlyMap<string, { lo: bigint; hi: bigint }>,
  ): Promise<boolean> {
    for (const [chain, { lo, hi }] of ranges) {
      const reader = await this.connection.runAndReadAll(
        `SELECT 1 FROM transfers WHERE chain = $1 AND block_number BETWEEN $2 AND $3 LIMIT 1`,
        [chain, lo, hi],
      );
      if (reader.currentRowCount > 0) return false;
    }
    return true;
  }

  /**
   * Loads the write's CSV of transfers straight into `transfers` (inside the merge transaction),
   * for ranges that held none ({@link holdsNoTransfers}); returns the rows written, or null when a
   * key (chain, tx hash, position) repeats within the write (looked for after the load: it is rare),
   * for the caller to roll back and stage.
   */
  private async loadTransfersDirectly(
    file: string,
    ranges: ReadonlyMap<string, { lo: bigint; hi: bigint }>,
  ): Promise<number | null> {
    const c = this.connection;
    const result = await c.run(`INSERT INTO transfers
      SELECT s.chain, s.block_number, coalesce(make_timestamp(s.block_time_s::BIGINT * 1000000), b.time), s.tx_hash, s.position,
             s.from_address, s.to_address, s.asset, s.amount, s.kind
      FROM ${readStageCsv(file)} s
      ${blockTimeJoin(rangeOf(ranges.values()))}`);
    for (const [chain, { lo, hi }] of ranges) {
      const repeats = await c.runAndReadAll(
        `SELECT 1 FROM transfers WHERE chain = $1 AND block_number BETWEEN $2 AND $3
         GROUP BY tx_hash, position HAVING count(*) > 1 LIMIT 1`,
        [chain, lo, hi],
      );
      if (repeats.currentRowCount > 0) return null;
    }
    return Number(result.rowsChanged);
  }

  /**
   * Collects in `stage_skip` the staged rows of slice [lo, hi) (by row id) not to insert: those whose
   * natural key (chain, tx hash, position) is already stored, and repeats of a key within the slice
   * (the first is kept). Slices are merged in order inside one transaction, so a key repeated across
   * slices is found as "already stored" once the earlier slice is inserted.
   *
   * Memory matters more than elegance here: joins and windows over whole rows or key strings of a
   * million-row import pushed RSS well past DuckDB's memory limit, and one pass over 5 M rows ran out of
   * a small budget. So each slice is bounded, and both checks first compare 64-bit hashes of the keys
   * (small hash tables), then compare the real keys only for the few candidates.
   * Invariant: a transaction's rows live in one block, so stored keys are looked for only in the
   * staged block range (reorg handling deletes orphaned blocks' rows before re-ingesting them).
   */
  private async findSkippedRows(
    stage: 'stage_transfers' | 'stage_events',
    table: 'transfers' | 'events',
    lo: number,
    hi: number,
  ): Promise<void> {
    await this.connection.run(`CREATE OR REPLACE TEMP TABLE stage_skip AS
      WITH slice AS (SELECT rowid AS rid, chain, tx_hash, position, block_number FROM ${stage} WHERE rowid >= ${lo} AND rowid < ${hi}),
      staged AS (SELECT rid, hash(chain, tx_hash, position) AS k FROM slice),
      range AS (SELECT chain, min(block_number) AS lo, max(block_number) AS hi FROM slice GROUP BY chain),
      stored AS (SELECT t.chain, t.tx_hash, t.position FROM ${table} t JOIN range r ON t.chain = r.chain AND t.block_number BETWEEN r.lo AND r.hi
                 WHERE hash(t.chain, t.tx_hash, t.position) IN (SELECT k FROM staged)),
      repeated AS (SELECT k FROM staged GROUP BY k HAVING count(*) > 1)
      SELECT s.rid FROM slice s SEMI JOIN stored e ON e.chain = s.chain AND e.tx_hash = s.tx_hash AND e.position = s.position
      UNION
      SELECT rid FROM (
        SELECT s.rid, row_number() OVER (PARTITION BY s.chain, s.tx_hash, s.position ORDER BY s.rid) AS n
        FROM slice s WHERE hash(s.chain, s.tx_hash, s.position) IN (SELECT k FROM repeated))
      WHERE n > 1`);
  }

  async getStats(): Promise<StoreStats> {
    const chains = await this.rows(`
      WITH t AS (SELECT chain, count(*) AS transfers, min(block_number) AS first_block, max(block_number) AS last_block,
                        epoch(min(block_time))::BIGINT AS first_time, epoch(max(block_time))::BIGINT AS last_time
                 FROM transfers GROUP BY chain),
           a AS (SELECT chain, count(DISTINCT address) AS addresses FROM (
                   SELECT chain, from_address AS address FROM transfers WHERE from_address IS NOT NULL
                   UNION ALL SELECT chain, to_address FROM transfers WHERE to_address IS NOT NULL) GROUP BY chain),
           e AS (SELECT chain, count(*) AS events FROM events GROUP BY chain)
      SELECT coalesce(t.chain, e.chain) AS chain, coalesce(t.transfers, 0) AS transfers, coalesce(e.events, 0) AS events,
             coalesce(a.addresses, 0) AS addresses, t.first_block, t.last_block, t.first_time, t.last_time
      FROM t FULL JOIN e ON t.chain = e.chain LEFT JOIN a ON a.chain = coalesce(t.chain, e.chain)
      ORDER BY chain`);
    const assets = await this.rows(`
      SELECT t.chain, t.asset, t.kind, count(*) AS transfers, sum(t.amount)::VARCHAR AS amount, any_value(a.symbol) AS symbol, any_value(a.decimals) AS decimals
      FROM transfers t LEFT JOIN assets a ON a.chain = t.chain AND a.asset = t.asset
      GROUP BY t.chain, t.asset, t.kind ORDER BY t.chain, t.asset, t.kind`);
    const events = await this.rows(
      `SELECT chain, type, count(*) AS count FROM events GROUP BY ALL ORDER BY chain, type`,
    );
    const labels = await this.rows(`SELECT count(*) AS n FROM labels`);
    return {
      chains: chains.map((r) => ({
        chain: String(r.chain),
        transfers: Number(r.transfers),
        events: Number(r.events),
        addresses: Number(r.addresses),
        firstBlock: r.first_block === null ? null : toBig(r.first_block),
        lastBlock: r.last_block === null ? null : toBig(r.last_block),
        firstTime: toNum(r.first_time),
        lastTime: toNum(r.last_time),
      })),
      assets: assets.map((r) => ({
        chain: String(r.chain),
        asset: String(r.asset),
        kind: r.kind as TransferKind,
        transfers: Number(r.transfers),
        amount: toBig(r.amount),
        symbol: (r.symbol as string | null) ?? null,
        decimals: toNum(r.decimals),
      })),
      events: events.map((r) => ({
        chain: String(r.chain),
        type: r.type as ChainEventType,
        count: Number(r.count),
      })),
      labels: Number(labels[0]!.n),
    };
  }

  async getAddressSummary(params: AddressSummaryParameters): Promise<AddressSummary> {
    const { chain, address } = params;
    const top = params.topCounterparties ?? 10;
    const totals = await this.rows(
      `
      SELECT t.asset, any_value(a.symbol) AS symbol, any_value(a.decimals) AS decimals,
             coalesce(sum(amount) FILTER (WHERE to_address = $2), 0::BIGNUM)::VARCHAR AS received,
             coalesce(sum(amount) FILTER (WHERE from_address = $2), 0::BIGNUM)::VARCHAR AS sent,
             count(*) FILTER (WHERE to_address = $2) AS n_in, count(*) FILTER (WHERE from_address = $2) AS n_out
      FROM transfers t LEFT JOIN assets a ON a.chain = t.chain AND a.asset = t.asset
      WHERE t.chain = $1 AND (from_address = $2 OR to_address = $2)
      GROUP BY t.asset ORDER BY count(*) DESC, t.asset`,
      [chain, address],
    );
    const seen = await this.rows(
      `
      SELECT count(*) AS n, min(block_number) AS first_block, max(block_number) AS last_block,
             epoch(min(block_time))::BIGINT AS first_time, epoch(max(block_time))::BIGINT AS last_time
      FROM transfers WHERE chain = $1 AND (from_address = $2 OR to_address = $2)`,
      [chain, address],
    );
    const counterparties = await this.rows(
      `
      WITH legs AS (
        SELECT to_address AS cp, asset, amount AS sent, 0::BIGNUM AS received FROM transfers WHERE chain = $1 AND from_address = $2 AND to_address IS NOT NULL
        UNION ALL
        SELECT from_address, asset, 0::BIGNUM, amount FROM transfers WHERE chain = $1 AND to_address = $2 AND from_address IS NOT NULL),
      per_asset AS (SELECT cp, asset, count(*) AS n, sum(sent)::VARCHAR AS sent, sum(received)::VARCHAR AS received FROM legs GROUP BY cp, asset),
      ranked AS (SELECT cp, sum(n) AS n FROM per_asset GROUP BY cp ORDER BY n DESC, cp LIMIT $3)
      SELECT r.cp, r.n, p.asset, p.sent, p.received FROM ranked r JOIN per_asset p USING (cp) ORDER BY r.n DESC, r.cp, p.asset`,
      [chain, address, BigInt(top)],
    );
    const byCp = new Map<string, AddressSummary['counterparties'][number]>();
    for (const r of counterparties) {
      const key = String(r.cp);
      let entry = byCp.get(key);
      if (!entry) {
        entry = { address: key, transfers: Number(r.n), assets: [] };
        byCp.set(key, entry);
      }
      entry.assets.push({
        asset: String(r.asset),
        sent: toBig(r.sent),
        received: toBig(r.received),
      });
    }
    const s = seen[0]!;
    const n = Number(s.n);
    return {
      chain,
      address,
      transfers: n,
      firstSeen: n === 0 ? null : { blockNumber: toBig(s.first_block), time: toNum(s.first_time) },
      lastSeen: n === 0 ? null : { blockNumber: toBig(s.last_block), time: toNum(s.last_time) },
      assets: totals.map((r) => ({
        asset: String(r.asset),
        symbol: (r.symbol as string | null) ?? null,
        decimals: toNum(r.decimals),
        received: toBig(r.received),
        sent: toBig(r.sent),
        transfersIn: Number(r.n_in),
        transfersOut: Number(r.n_out),
      })),
      counterparties: [...byCp.values()],
      labels: await this.getLabels(chain, address),
    };
  }

  async listTransfers(filter: TransferFilter = {}): Promise<Transfer[]> {
    const where = createWhere();
    const add = where.add;
    if (filter.chain !== undefined) add('chain = ?', filter.chain);
    if (filter.address !== undefined) add('(from_address = ? OR to_address = ?)', filter.address);
    if (filter.txHash !== undefined) add('tx_hash = ?', filter.txHash);
    if (filter.txHashes !== undefined) {
      if (filter.txHashes.length === 0) return [];
      add('tx_hash IN (SELECT unnest(?::VARCHAR[]))', listValue([...filter.txHashes]));
    }
    if (filter.kind !== undefined) add('kind = ?', filter.kind);
    if (filter.asset !== undefined) add('asset = ?', filter.asset);
    if (filter.fromBlock !== undefined) add('block_number >= ?', filter.fromBlock);
    if (filter.toBlock !== undefined) add('block_number <= ?', filter.toBlock);
    if (filter.direction !== undefined) {
      if (filter.address === undefined)
        throw new UserError('A transfer direction needs an address', { code: 'BAD_USAGE' });
      add(filter.direction === 'in' ? 'to_address = ?' : 'from_address = ?', filter.address);
    }
    if (filter.since !== undefined)
      add('block_time >= make_timestamp(?::BIGINT * 1000000)', filter.since);
    if (filter.until !== undefined)
      add('block_time <= make_timestamp(?::BIGINT * 1000000)', filter.until);
    let limit = filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    if (filter.offset) limit += ` OFFSET ${Math.max(0, Math.floor(filter.offset))}`;
    const rows = await this.rows(
      `SELECT ${TRANSFER_SELECT} FROM transfers ${where.sql}
       ORDER BY chain, block_number, tx_hash, position${limit}`,
      where.values,
    );
    return rows.map(rowToTransfer);
  }

  async *scanTransfers(params: ScanTransfersParameters = {}): AsyncIterable<TransferColumns> {
    const batchRows = Math.max(1, Math.floor(params.batchRows ?? DEFAULT_SCAN_BATCH_ROWS));
    const end = params.to === undefined ? await this.nextRowId() : rowIdOfCursor(params.to, 'to');
    const kinds = (params.excludeKinds ?? []).map((k) => `'${k.replaceAll("'", "''")}'`);
    const notKinds = kinds.length ? `AND kind NOT IN (${kinds.join(', ')})` : '';
    const start = params.after === undefined ? 0 : rowIdOfCursor(params.after, 'after');
    // Ranges of rowid, not LIMIT/OFFSET: each batch reads its own slice of the table only.
    for (let lo = start; lo < end; lo += batchRows) {
      this.assertOpen();
      const hi = Math.min(end, lo + batchRows);
      const result = await this.reader.runAndReadAll(
        // Through the decimal text: DuckDB 1.5's BIGNUM to DOUBLE is not correctly rounded (1 ulp
        // off for 47,543 of 2,000,000 amounts of 12-31 digits here, e.g. 151553041876899159101915312117
        // gave 1.5155304187689915e29, not 1.5155304187689917e29), and the trace index must hold the
        // double every backend and JavaScript's Number() give. About 0.4 us a row more.
        `SELECT chain, tx_hash, from_address, to_address, asset, kind, amount::VARCHAR::DOUBLE AS amount,
           coalesce(epoch(block_time)::DOUBLE, -1) AS time
         FROM transfers WHERE rowid >= ${lo} AND rowid < ${hi} ${notKinds} ORDER BY rowid`,
      );
      const [chain, txHash, from, to, asset, kind, amount, time] = result.getColumnsJS() as [
        string[],
        string[],
        (string | null)[],
        (string | null)[],
        string[],
        TransferKind[],
        number[],
        number[],
      ];
      yield {
        length: chain.length,
        chain,
        txHash,
        from,
        to,
        asset,
        kind,
        amount: Float64Array.from(amount),
        time: Float64Array.from(time),
        cursor: String(hi),
      };
    }
  }

  async listTransfersTouching(params: TransfersTouchingParameters): Promise<TouchingTransfers> {
    const addresses = [...(params.addresses ?? [])];
    const txHashes = [...(params.txHashes ?? [])];
    const touching: string[] = [];
    const values: DuckDBValue[] = [params.chain];
    if (addresses.length > 0) {
      touching.push(
        'from_address IN (SELECT unnest(?::VARCHAR[]))',
        'to_address IN (SELECT unnest(?::VARCHAR[]))',
      );
      values.push(listValue(addresses), listValue(addresses));
    }
    if (txHashes.length > 0) {
      touching.push('tx_hash IN (SELECT unnest(?::VARCHAR[]))');
      values.push(listValue(txHashes));
    }
    const out: TouchingTransfers = {
      length: 0,
      chain: [],
      txHash: [],
      from: [],
      to: [],
      asset: [],
      kind: [],
      amount: new Float64Array(0),
      time: new Float64Array(0),
      order: [],
    };
    if (touching.length === 0) return out;
    // Row ids are the store order of scanTransfers (DuckDB appends at increasing ids); amounts
    // through their text, correctly rounded, as the scan reads them.
    const rows = await this.rows(
      `SELECT rowid::DOUBLE AS row_id, tx_hash, from_address, to_address, asset, kind,
         amount::VARCHAR::DOUBLE AS amount, coalesce(epoch(block_time)::DOUBLE, -1) AS time
       FROM transfers WHERE chain = ? AND (${touching.join(' OR ')}) ORDER BY rowid`,
      values,
    );
    out.length = rows.length;
    out.amount = new Float64Array(rows.length);
    out.time = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      out.chain.push(params.chain);
      out.txHash.push(String(r.tx_hash));
      out.from.push((r.from_address as string | null) ?? null);
      out.to.push((r.to_address as string | null) ?? null);
      out.asset.push(String(r.asset));
      out.kind.push(r.kind as TransferKind);
      out.amount[i] = Number(r.amount);
      out.time[i] = Number(r.time);
      out.order.push(String(Number(r.row_id)).padStart(TOUCHING_ORDER_DIGITS, '0'));
    });
    return out;
  }

  /** The row id after the last transfer: DuckDB appends rows at increasing ids. */
  private async nextRowId(): Promise<number> {
    const [r] = await this.rows(
      `SELECT coalesce(max(rowid) + 1, 0)::DOUBLE AS next FROM transfers`,
    );
    return Number(r!.next);
  }

  async getTransferCursor(): Promise<TransferCursor> {
    // One statement: the position and the generation of the same snapshot.
    const [r] = await this.rows(
      `SELECT (SELECT coalesce(max(rowid) + 1, 0) FROM transfers)::DOUBLE AS next,
         (SELECT generation FROM transfer_generation)::DOUBLE AS generation`,
    );
    return { cursor: String(Number(r!.next)), generation: Number(r!.generation) };
  }

  async getOutputs(
    chain: string,
    outpoints: readonly Outpoint[],
  ): Promise<Map<string, StoredOutput>> {
    const found = new Map<string, StoredOutput>();
    const wanted = new Set(outpoints.map((o) => `${o.txHash}:${o.index}`));
    const hashes = [...new Set(outpoints.map((o) => o.txHash))].filter(
      (h) => !h.includes(ADDRESS_SEPARATOR),
    );
    for (let i = 0; i < hashes.length; i += OUTPUT_QUERY_TRANSACTIONS) {
      // Every output of the transactions, kept when its index was asked for: a position is
      // `out:<index>`, and comparing texts in SQL would build one key per stored row. No index on
      // tx_hash, so each query scans the table: on 1.5 M transfers (500,000 transactions) 153 ms
      // for 100 outpoints and 535 ms for 10,000 (medians of 5 on a 2-core VM). The Bitcoin source
      // asks only for what the node's answer and its own batch leave open.
      const rows = await this.rows(
        `SELECT tx_hash, position, to_address, amount::VARCHAR AS amount FROM transfers
         WHERE chain = $1 AND kind = 'utxo_out'
           AND tx_hash IN (SELECT unnest(string_split($2, '${ADDRESS_SEPARATOR}')))`,
        [chain, hashes.slice(i, i + OUTPUT_QUERY_TRANSACTIONS).join(ADDRESS_SEPARATOR)],
      );
      addWantedOutputs(rows, wanted, found);
    }
    return found;
  }

  async listEvents(filter: EventFilter = {}): Promise<ChainEvent[]> {
    const where = createWhere();
    if (filter.chain !== undefined) where.add('chain = ?', filter.chain);
    if (filter.txHash !== undefined) where.add('tx_hash = ?', filter.txHash);
    if (filter.txHashes !== undefined) {
      if (filter.txHashes.length === 0) return [];
      where.add('tx_hash IN (SELECT unnest(?::VARCHAR[]))', listValue([...filter.txHashes]));
    }
    if (filter.type !== undefined) where.add('type = ?', filter.type);
    const limit =
      filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    const rows = await this.rows(
      `SELECT ${EVENT_SELECT} FROM events ${where.sql} ORDER BY chain, block_number, tx_hash, position${limit}`,
      where.values,
    );
    return rows.map(rowToEvent);
  }

  async listAssets(chain?: string): Promise<Asset[]> {
    const rows =
      chain === undefined
        ? await this.rows(`SELECT * FROM assets ORDER BY chain, asset`)
        : await this.rows(`SELECT * FROM assets WHERE chain = $1 ORDER BY asset`, [chain]);
    return rows.map(rowToAsset);
  }

  async listPrices(filter: PriceFilter): Promise<PriceRow[]> {
    const where = createWhere();
    where.add('chain = ?', filter.chain);
    where.add('asset = ?', filter.asset);
    if (filter.from !== undefined) where.add('day >= ?::DATE', filter.from);
    if (filter.to !== undefined) where.add('day <= ?::DATE', filter.to);
    const rows = await this.rows(
      `SELECT chain, asset, strftime(day, '%Y-%m-%d') AS day, usd, source FROM prices ${where.sql} ORDER BY day`,
      where.values,
    );
    return rows.map((r) => ({
      chain: String(r.chain),
      asset: String(r.asset),
      day: String(r.day),
      usd: Number(r.usd),
      source: String(r.source),
    }));
  }

  async getBlocks(chain: string, numbers: readonly bigint[]): Promise<Block[]> {
    if (numbers.length === 0) return [];
    const list = numbers.map((n) => `${BigInt(n)}::UBIGINT`).join(',');
    const rows = await this.rows(
      `SELECT chain, number, hash, parent_hash, epoch(time)::BIGINT AS time FROM blocks WHERE chain = $1 AND number IN (${list}) ORDER BY number`,
      [chain],
    );
    return rows.map(rowToBlock);
  }

  async getCheckpoint(chain: string, stream: string): Promise<Checkpoint | null> {
    const rows = await this.rows(`SELECT * FROM checkpoints WHERE chain = $1 AND stream = $2`, [
      chain,
      stream,
    ]);
    return rows[0] ? rowToCheckpoint(rows[0]) : null;
  }

  async getLabels(chain: string, address: string): Promise<Label[]> {
    return this.listLabels({ chain, address });
  }

  async listLabels(filter: LabelFilter = {}): Promise<Label[]> {
    const where = createWhere();
    const add = where.add;
    if (filter.chain !== undefined) add('chain = ?', filter.chain);
    if (filter.address !== undefined) add('address = ?', filter.address);
    if (filter.category !== undefined) add('category = ?', filter.category);
    if (filter.sanctionList !== undefined) add('sanction_list = ?', filter.sanctionList);
    if (filter.importId !== undefined) add('import_id = ?', BigInt(filter.importId));
    if (filter.validOn !== undefined) {
      add('(valid_from IS NULL OR valid_from <= ?::DATE)', filter.validOn);
      add('(valid_to IS NULL OR valid_to >= ?::DATE)', filter.validOn);
    }
    if (filter.open) where.raw('valid_to IS NULL');
    const rows = await this.rows(
      `SELECT chain, address, entity, category, actor, country, source, confidence, sanction_list, programs,
         strftime(valid_from, '%Y-%m-%d') AS valid_from, strftime(valid_to, '%Y-%m-%d') AS valid_to, import_id
       FROM labels ${where.sql}
       ORDER BY chain, address, valid_from NULLS FIRST, source, category, entity`,
      where.values,
    );
    return rows.map(rowToLabel);
  }

  async listLabelImports(): Promise<LabelImport[]> {
    const rows = await this.rows(
      `SELECT id, format, source, list_name, strftime(list_date, '%Y-%m-%d') AS list_date, sha256, labels, closed,
         strftime(imported_at, '%Y-%m-%dT%H:%M:%SZ') AS imported_at FROM label_imports ORDER BY id`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      format: String(r.format),
      source: String(r.source),
      listName: (r.list_name as string | null) ?? null,
      listDate: (r.list_date as string | null) ?? null,
      sha256: (r.sha256 as string | null) ?? null,
      labels: Number(r.labels),
      closed: Number(r.closed),
      importedAt: String(r.imported_at),
    }));
  }

  async listTransferChains(): Promise<string[]> {
    return [...(await this.chainsWithTransfers())].sort();
  }

  /** Chains with a stored transfer, asked once and again after each write. */
  private chainsWithTransfers(): Promise<Set<string>> {
    this.transferChains ??= this.rows(`SELECT DISTINCT chain FROM transfers`).then(
      (rows) => new Set(rows.map((r) => String(r.chain))),
    );
    return this.transferChains;
  }

  async getAddressChains(addresses: readonly string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    // A store of labels only (a screening deployment) has nothing to look up: no query at all.
    if ((await this.chainsWithTransfers()).size === 0) return found;
    // The list goes as one string split in SQL: binding 10,000 addresses as a VARCHAR[] took 35 ms
    // of a 46 ms lookup on the demo database, the string 1 ms. No canonical address holds a comma.
    const unique = [...new Set(addresses)].filter((a) => !a.includes(ADDRESS_SEPARATOR));
    const add = (address: string, chain: string) => {
      const chains = found.get(address);
      if (chains === undefined) found.set(address, [chain]);
      else if (!chains.includes(chain)) chains.push(chain);
    };
    if (unique.length === 0) return found;
    if (unique.length <= FEW_ADDRESSES) {
      // A plain filter plans faster than the join below: 1.3-1.6 ms against 2.2-2.8 ms for one
      // address on the demo database (a request screening one address pays this once).
      const list = unique.map((_, i) => `$${i + 1}`).join(', ');
      const rows = await this.rows(
        `SELECT DISTINCT chain, from_address, to_address FROM transfers
        WHERE from_address IN (${list}) OR to_address IN (${list}) ORDER BY chain`,
        unique,
      );
      const wanted = new Set(unique);
      for (const r of rows) {
        if (wanted.has(r.from_address as string)) add(String(r.from_address), String(r.chain));
        if (wanted.has(r.to_address as string)) add(String(r.to_address), String(r.chain));
      }
      return found;
    }
    for (let i = 0; i < unique.length; i += ADDRESS_CHAINS_QUERY_ADDRESSES) {
      // Both ends of every transfer in one column, semi-joined once with the addresses.
      const rows = await this.rows(
        `WITH seeds AS (SELECT unnest(string_split($1, '${ADDRESS_SEPARATOR}')) AS address),
        ends AS (SELECT chain, from_address AS address FROM transfers
                 UNION ALL SELECT chain, to_address FROM transfers)
        SELECT DISTINCT e.address, e.chain FROM ends e SEMI JOIN seeds s ON e.address = s.address
        ORDER BY e.address, e.chain`,
        [unique.slice(i, i + ADDRESS_CHAINS_QUERY_ADDRESSES).join(ADDRESS_SEPARATOR)],
      );
      for (const r of rows) add(String(r.address), String(r.chain));
    }
    return found;
  }

  async getCounterpartyFlows(params: CounterpartyFlowsParameters): Promise<CounterpartyFlows[]> {
    const self = params.direction === 'in' ? 'to_address' : 'from_address';
    const other = params.direction === 'in' ? 'from_address' : 'to_address';
    const keep = BigInt(Math.max(1, params.maxCounterparties ?? DEFAULT_MAX_COUNTERPARTIES));
    const until =
      params.until === undefined
        ? ''
        : `AND (t.block_time IS NULL OR t.block_time <= make_timestamp(${Math.floor(params.until)}::BIGINT * 1000000))`;
    const out: CounterpartyFlows[] = [];
    const unique = [...new Set(params.addresses)];
    for (let i = 0; i < unique.length; i += FLOW_QUERY_ADDRESSES) {
      const batch = unique.slice(i, i + FLOW_QUERY_ADDRESSES);
      const rows = await this.rows(
        `WITH seeds AS (SELECT unnest($2::VARCHAR[]) AS address),
        per_cp AS (
          SELECT t.${self} AS address, t.asset, t.${other} AS cp, sum(t.amount) AS amount, count(*) AS n,
                 epoch(min(t.block_time))::BIGINT AS first_s, epoch(max(t.block_time))::BIGINT AS last_s,
                 arg_max(t.tx_hash, struct_pack(a := t.amount, h := t.tx_hash)) AS largest_tx
          FROM transfers t SEMI JOIN seeds s ON t.${self} = s.address
          WHERE t.chain = $1 AND ${counterpartyLegSql('t', self, other)} ${until}
          GROUP BY ALL),
        ranked AS (
          SELECT *, row_number() OVER w AS rk, sum(amount) OVER (PARTITION BY address, asset) AS total,
                 count(*) OVER (PARTITION BY address, asset) AS cps
          FROM per_cp WINDOW w AS (PARTITION BY address, asset ORDER BY amount DESC, cp))
        SELECT address, asset, cp, amount::VARCHAR AS amount, n, total::VARCHAR AS total, cps, first_s, last_s, largest_tx
        FROM ranked WHERE rk <= $3 ORDER BY address, asset, rk`,
        [params.chain, listValue(batch), keep],
      );
      let current: CounterpartyFlows | null = null;
      for (const r of rows) {
        if (!current || current.address !== r.address || current.asset !== r.asset) {
          current = {
            address: String(r.address),
            asset: String(r.asset),
            total: toBig(r.total),
            counterparties: Number(r.cps),
            flows: [],
          };
          out.push(current);
        }
        current.flows.push({
          counterparty: String(r.cp),
          amount: toBig(r.amount),
          transfers: Number(r.n),
          first: r.first_s === null ? null : Number(r.first_s),
          last: r.last_s === null ? null : Number(r.last_s),
          largestTx: String(r.largest_tx),
        });
      }
    }
    return out;
  }

  async getFlowTransfers(params: FlowTransfersParameters): Promise<FlowTransfers[]> {
    const inbound = params.direction === 'in';
    const keep = BigInt(Math.max(1, Math.floor(params.maxTransfers ?? DEFAULT_MAX_FLOW_TRANSFERS)));
    const until =
      params.until === undefined
        ? ''
        : `AND (t.block_time IS NULL OR t.block_time <= make_timestamp(${Math.floor(params.until)}::BIGINT * 1000000))`;
    // DuckDB cannot bind an empty list: '' is no address.
    const exclude = listValue(
      params.excludeCounterparties?.length ? [...params.excludeCounterparties] : [''],
    );
    const time = `coalesce(epoch(t.block_time)::BIGINT, 0)`;
    // What the addresses received, for the running sums: inflows up to the latest time asked about
    // (the bound, or a later `receivedAt`); outflows need it up to each payment, so all of it.
    const received = `SELECT t.to_address AS address, t.asset, t.from_address AS cp, t.amount, ${time} AS ts,
          t.tx_hash, t.position, tg.bound
        FROM transfers t JOIN tg ON t.to_address = tg.address
        WHERE t.chain = $1 AND ${counterpartyLegSql('t', 'to_address', 'from_address')}
          AND (tg.asset = '' OR t.asset = tg.asset) AND (tg.cutoff IS NULL OR ${time} <= tg.cutoff) ${until}`;
    const side = inbound
      ? `SELECT * FROM rx WHERE bound IS NULL OR ts <= bound`
      : `SELECT t.from_address AS address, t.asset, t.to_address AS cp, t.amount, ${time} AS ts, t.tx_hash, t.position
        FROM transfers t JOIN tg ON t.from_address = tg.address
        WHERE t.chain = $1 AND ${counterpartyLegSql('t', 'from_address', 'to_address')}
          AND (tg.asset = '' OR t.asset = tg.asset) AND (tg.bound IS NULL OR ${time} >= tg.bound) ${until}`;
    const out: FlowTransfers[] = [];
    for (let i = 0; i < params.targets.length; i += FLOW_QUERY_ADDRESSES) {
      const batch = params.targets.slice(i, i + FLOW_QUERY_ADDRESSES);
      const at = { address: [''], asset: [''], time: [0], target: [-1], index: [-1] };
      batch.forEach((t, ti) =>
        (t.asset === null ? [] : (t.receivedAt ?? [])).forEach((x, j) => {
          at.address.push(t.address);
          at.asset.push(t.asset!);
          at.time.push(Math.floor(x));
          at.target.push(ti);
          at.index.push(j);
        }),
      );
      const cutoff = (t: (typeof batch)[number]) =>
        !inbound || t.bound === null
          ? null
          : Math.floor(Math.max(t.bound, ...(t.asset === null ? [] : (t.receivedAt ?? []))));
      this.assertOpen();
      const result = await this.reader.runAndReadAll(
        `WITH tg AS (SELECT unnest($2::VARCHAR[]) AS address, unnest($3::VARCHAR[]) AS asset,
            unnest($4::BIGINT[]) AS bound, unnest($5::BIGINT[]) AS cutoff),
        rx AS MATERIALIZED (${received}),
        side AS (${side}),
        kept AS (
          SELECT * FROM (
            SELECT *, row_number() OVER w AS rk, count(*) OVER (PARTITION BY address, asset) AS n
            FROM side WHERE cp NOT IN (SELECT unnest($6::VARCHAR[]))
            WINDOW w AS (PARTITION BY address, asset ORDER BY amount DESC, ts, tx_hash, position))
          WHERE rk <= $7),
        pts AS (SELECT unnest($8::VARCHAR[]) AS address, unnest($9::VARCHAR[]) AS asset, unnest($10::BIGINT[]) AS t,
            unnest($11::INTEGER[]) AS target, unnest($12::INTEGER[]) AS idx),
        -- One running sum of the receipts, with the rows and times asked about in it (after the
        -- receipts of their second): an ASOF join of rows to running sums took 26 s on a hop of
        -- 181,560 transfers, this window 0.7 s.
        u AS (
          SELECT address, asset, ts, 0 AS k, amount::DOUBLE AS delta, NULL::VARCHAR AS cp, NULL::BIGNUM AS amount,
                 NULL::VARCHAR AS tx_hash, NULL::VARCHAR AS position, NULL::BIGINT AS n, NULL::BIGINT AS rk,
                 NULL::INTEGER AS target, NULL::INTEGER AS idx
          FROM rx
          UNION ALL
          SELECT address, asset, ts, 1, 0, cp, amount, tx_hash, position, n, rk, NULL, NULL FROM kept
          UNION ALL
          SELECT address, asset, t, 2, 0, NULL, NULL, NULL, NULL, NULL, NULL, target, idx
          FROM pts WHERE target >= 0),
        running AS (
          SELECT *, sum(delta) OVER (PARTITION BY address, asset ORDER BY ts, k ROWS UNBOUNDED PRECEDING) AS received
          FROM u)
        -- One row per address and asset, its transfers' fields each joined in one text: reading a
        -- result costs per value: the 181,560 transfers of a dense hop took 1.5 s to read as 12
        -- columns (its text ones most), 0.3 s this way.
        SELECT address, asset, max(n) FILTER (WHERE k = 1) AS n,
               string_agg(cp, '\n' ORDER BY rk) FILTER (WHERE k = 1) AS cps,
               string_agg(tx_hash, '\n' ORDER BY rk) FILTER (WHERE k = 1) AS hashes,
               string_agg(amount::VARCHAR, ',' ORDER BY rk) FILTER (WHERE k = 1) AS amounts,
               string_agg(ts::VARCHAR, ',' ORDER BY rk) FILTER (WHERE k = 1) AS times,
               string_agg(received::VARCHAR, ',' ORDER BY rk) FILTER (WHERE k = 1) AS sums,
               string_agg(CASE WHEN tx_hash IN (SELECT tx_hash FROM events WHERE chain = $1 AND type IN ('swap', 'wrap', 'unwrap')) THEN '1' ELSE '0' END, '' ORDER BY rk) FILTER (WHERE k = 1) AS converts,
               string_agg(received::VARCHAR, ',' ORDER BY idx) FILTER (WHERE k = 2) AS at
        FROM running WHERE k > 0 GROUP BY address, asset
        ORDER BY address, asset`,
        [
          params.chain,
          listValue(batch.map((t) => t.address)),
          listValue(batch.map((t) => t.asset ?? '')),
          listValue(batch.map((t) => (t.bound === null ? null : Math.floor(t.bound)))),
          listValue(batch.map(cutoff)),
          exclude,
          keep,
          listValue(at.address),
          listValue(at.asset),
          listValue(at.time),
          listValue(at.target),
          listValue(at.index),
        ],
      );
      if (result.currentRowCount === 0) continue;
      for (const r of result.getRowObjectsJS()) {
        const cps = r.cps === null ? [] : String(r.cps).split('\n');
        const hashes = r.hashes === null ? [] : String(r.hashes).split('\n');
        const amounts = r.amounts === null ? [] : String(r.amounts).split(',');
        const times = r.times === null ? [] : String(r.times).split(',');
        const sums = r.sums === null ? [] : String(r.sums).split(',');
        const converts = r.converts === null ? '' : String(r.converts);
        out.push({
          address: String(r.address),
          asset: String(r.asset),
          count: r.n === null ? 0 : Number(r.n),
          transfers: cps.map((counterparty, i) => ({
            counterparty,
            amount: Number(amounts[i]),
            time: Number(times[i]),
            txHash: hashes[i]!,
            received: Number(sums[i]),
            converts: converts[i] === '1',
          })),
          receivedAt: r.at === null ? [] : String(r.at).split(',').map(Number),
        });
      }
    }
    return out;
  }

  async getUtxoFlows(params: UtxoFlowsParameters): Promise<UtxoFlows> {
    const inbound = params.direction === 'in';
    const keep = BigInt(
      Math.max(1, Math.floor(params.maxTransactions ?? DEFAULT_MAX_FLOW_TRANSFERS)),
    );
    const until =
      params.until === undefined
        ? ''
        : `AND (t.block_time IS NULL OR t.block_time <= make_timestamp(${Math.floor(params.until)}::BIGINT * 1000000))`;
    const sign = inbound ? '' : '-';
    const within = inbound ? 'p.block <= tg.bound' : 'p.block >= tg.bound';
    const flows: UtxoAddressFlows[] = [];
    const points = params.receivedAt ?? [];
    const receivedAt = new Array<number>(points.length).fill(0);
    // Each batch's points are those of its targets' addresses (a point of another address is asked
    // with the batch that holds it, or alone when no target has it).
    const pointsOf = new Map<string, number[]>();
    points.forEach((p, i) => {
      const list = pointsOf.get(p.address);
      if (list) list.push(i);
      else pointsOf.set(p.address, [i]);
    });
    const targets = [...params.targets];
    const known = new Set(targets.map((t) => t.address));
    for (const address of pointsOf.keys())
      if (!known.has(address)) targets.push({ address, bound: -1 });
    for (let i = 0; i < targets.length; i += FLOW_QUERY_ADDRESSES) {
      const batch = targets.slice(i, i + FLOW_QUERY_ADDRESSES);
      const at = { address: [''], block: [0], index: [-1] };
      for (const t of batch)
        for (const j of pointsOf.get(t.address) ?? []) {
          at.address.push(t.address);
          at.block.push(Math.floor(points[j]!.block));
          at.index.push(j);
        }
      this.assertOpen();
      const result = await this.reader.runAndReadAll(
        `WITH tg AS (SELECT unnest($2::VARCHAR[]) AS address, unnest($3::BIGINT[]) AS bound),
        -- What each transaction paid the address less what it spent from it: its change back to
        -- itself is no payment (as self-transfers are left out on account chains).
        -- Satoshis fit a BIGINT (21 M BTC is 2.1e15), and BIGNUM to HUGEINT fails in DuckDB 1.5
        -- ("Positive bignum too large for type" for 5,000,000,000).
        legs AS (
          SELECT tg.address, t.tx_hash, t.block_number, t.amount::BIGINT AS net
          FROM transfers t JOIN tg ON t.to_address = tg.address
          WHERE t.chain = $1 AND t.kind = 'utxo_out' ${until}
          UNION ALL
          SELECT tg.address, t.tx_hash, t.block_number, -(t.amount::BIGINT)
          FROM transfers t JOIN tg ON t.from_address = tg.address
          WHERE t.chain = $1 AND t.kind = 'utxo_in' ${until}),
        per_tx AS (
          SELECT address, tx_hash, min(block_number)::BIGINT AS block, sum(net) AS net
          FROM legs GROUP BY address, tx_hash),
        -- The address's net value per transaction within its bound (a bound of -1: points only).
        io AS (
          SELECT p.address, p.tx_hash, p.block, ${sign}p.net AS amount
          FROM per_tx p JOIN tg ON p.address = tg.address
          WHERE ${sign}p.net > 0 AND (tg.bound IS NULL OR ${within}) AND coalesce(tg.bound, 0) >= 0),
        kept AS (
          SELECT * FROM (
            SELECT *, row_number() OVER (PARTITION BY address ORDER BY amount DESC, block, tx_hash) AS rk,
                   count(*) OVER (PARTITION BY address) AS n
            FROM io)
          WHERE rk <= $4),
        rx AS (
          SELECT address, block, sum(net)::DOUBLE AS amount FROM per_tx WHERE net > 0 GROUP BY ALL),
        pts AS (SELECT unnest($5::VARCHAR[]) AS address, unnest($6::BIGINT[]) AS block, unnest($7::INTEGER[]) AS idx),
        -- One running sum of the receipts per address, the rows and points of a block after the
        -- receipts of that block (what getFlowTransfers does by time).
        u AS (
          SELECT address, block, 0 AS k, amount AS delta, NULL::VARCHAR AS tx_hash, NULL::HUGEINT AS amount,
                 NULL::BIGINT AS n, NULL::BIGINT AS rk, NULL::INTEGER AS idx
          FROM rx
          UNION ALL
          SELECT address, block, 1, 0, tx_hash, amount, n, rk, NULL FROM kept
          UNION ALL
          SELECT address, block, 2, 0, NULL, NULL, NULL, NULL, idx FROM pts WHERE idx >= 0),
        running AS (
          SELECT *, sum(delta) OVER (PARTITION BY address ORDER BY block, k ROWS UNBOUNDED PRECEDING) AS received
          FROM u)
        SELECT address, k, tx_hash, block, amount::VARCHAR AS amount, n, received, idx
        FROM running WHERE k > 0 ORDER BY address, k, rk`,
        [
          params.chain,
          listValue(batch.map((t) => t.address)),
          listValue(batch.map((t) => (t.bound === null ? null : Math.floor(t.bound)))),
          keep,
          listValue(at.address),
          listValue(at.block),
          listValue(at.index),
        ],
      );
      let current: UtxoAddressFlows | null = null;
      for (const r of result.getRowObjectsJS()) {
        if (Number(r.k) === 2) {
          receivedAt[Number(r.idx)] = Number(r.received ?? 0);
          continue;
        }
        if (current === null || current.address !== r.address) {
          current = { address: String(r.address), count: Number(r.n), transactions: [] };
          flows.push(current);
        }
        current.transactions.push({
          txHash: String(r.tx_hash),
          block: Number(r.block),
          amount: toBig(r.amount),
          received: Number(r.received ?? 0),
        });
      }
    }
    return { flows, receivedAt };
  }

  async getLabelledVolume(params: LabelledVolumeParameters): Promise<LabelledVolume> {
    const by = params.by ?? 'chain';
    const values: DuckDBValue[] = [listValue([...params.categories])];
    let assetFilter = '';
    if (params.assets !== undefined) {
      values.push(listValue(params.assets.map((a) => `${a.chain} ${a.asset}`)));
      assetFilter = `AND chain || ' ' || asset IN (SELECT unnest($2::VARCHAR[]))`;
    }
    const period =
      by === 'month' ? `coalesce(strftime(block_time, '%Y-%m'), 'unknown')` : `''::VARCHAR`;
    const group =
      by === 'category' ? 'l.category' : by === 'actor' ? `coalesce(l.actor, '(none)')` : 'NULL';
    const grouped = by === 'category' || by === 'actor';
    // A label counts when valid on the transfer's day; a transfer without a time is matched against
    // open labels only. A UTXO output's senders are its transaction's inputs (the UTXO input rule,
    // sendersOf in src/model/flow-rules.ts).
    const rows = await this.rows(
      `WITH t AS MATERIALIZED (
        SELECT rowid AS rid, chain, asset, tx_hash, kind, from_address, to_address, amount, block_time, ${period} AS period
        FROM transfers WHERE kind IN ${VOLUME_KINDS_SQL} ${assetFilter}),
      il AS (SELECT * FROM labels WHERE category IN (SELECT unnest($1::VARCHAR[]))),
      sides AS (
        SELECT rid, chain, from_address AS address, block_time FROM t WHERE from_address IS NOT NULL
        UNION ALL SELECT rid, chain, to_address, block_time FROM t WHERE to_address IS NOT NULL
        UNION ALL SELECT o.rid, o.chain, i.from_address, o.block_time FROM t o
          JOIN transfers i ON i.chain = o.chain AND i.tx_hash = o.tx_hash AND i.kind = '${UTXO_INPUT_KIND}'
          WHERE o.kind = '${UTXO_OUTPUT_KIND}' AND i.from_address IS NOT NULL),
      matched AS MATERIALIZED (
        SELECT s.rid, ${group} AS grp, l.import_id FROM sides s JOIN il l ON l.chain = s.chain AND l.address = s.address
        WHERE CASE WHEN s.block_time IS NULL THEN l.valid_to IS NULL
                   ELSE (l.valid_from IS NULL OR l.valid_from <= s.block_time::DATE)
                    AND (l.valid_to IS NULL OR l.valid_to >= s.block_time::DATE) END),
      denom AS (SELECT chain, asset, period, sum(amount) AS volume, count(*) AS n FROM t GROUP BY ALL),
      hit_all AS (SELECT t.chain, t.asset, t.period, sum(t.amount) AS volume, count(*) AS n
                  FROM t SEMI JOIN matched m ON m.rid = t.rid GROUP BY ALL),
      hit_grp AS (SELECT t.chain, t.asset, t.period, h.grp, sum(t.amount) AS volume, count(*) AS n
                  FROM t JOIN (SELECT DISTINCT rid, grp FROM matched) h ON h.rid = t.rid GROUP BY ALL),
      imports AS (SELECT list(DISTINCT coalesce(import_id, -1)) AS ids FROM matched)
      SELECT d.chain, d.asset, d.period, NULL::VARCHAR AS grp, d.volume::VARCHAR AS volume, d.n,
             coalesce(a.volume, 0::BIGNUM)::VARCHAR AS labelled, coalesce(a.n, 0) AS labelled_n, (SELECT ids FROM imports) AS import_ids
      FROM denom d LEFT JOIN hit_all a ON a.chain = d.chain AND a.asset = d.asset AND a.period = d.period
      ${
        grouped
          ? `UNION ALL
      SELECT d.chain, d.asset, d.period, g.grp, d.volume::VARCHAR, d.n, g.volume::VARCHAR, g.n, NULL
      FROM hit_grp g JOIN denom d ON g.chain = d.chain AND g.asset = d.asset AND g.period = d.period`
          : ''
      }
      ORDER BY chain, asset, period, grp NULLS FIRST`,
      values,
    );
    return {
      rows: rows.map((r) => ({
        chain: String(r.chain),
        asset: String(r.asset),
        period: r.period === '' ? null : String(r.period),
        group: (r.grp as string | null) ?? null,
        volume: toBig(r.volume),
        transfers: Number(r.n),
        labelledVolume: toBig(r.labelled),
        labelledTransfers: Number(r.labelled_n),
      })),
      // Labels added without an import carry no import id: -1 stands for them in the list.
      importIds: ((rows[0]?.import_ids as (number | bigint)[] | null | undefined) ?? [])
        .map(Number)
        .sort((a, b) => a - b)
        .map((id) => (id === -1 ? null : id)),
    };
  }

  async putDocument(document: StoredDocumentInput): Promise<StoredDocument> {
    const body = JSON.stringify(document.body);
    if (body === undefined)
      throw new UserError('A document body must be JSON', { code: 'BAD_DOCUMENT' });
    // One statement on the reader connection: atomic, and never inside a running bulk write. No
    // RETURNING: with it, DuckDB 1.5 kept every rewritten large body in memory until it ran out.
    await this.rows(
      `INSERT INTO documents (kind, id, org, body, created_at, updated_at)
       VALUES ($1, $2, $3, $4, timezone('UTC', now()), timezone('UTC', now()))
       ON CONFLICT (kind, id) DO UPDATE SET org = excluded.org, body = excluded.body, updated_at = excluded.updated_at`,
      [document.kind, document.id, document.org, body],
    );
    const rows = await this.rows(
      `SELECT strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, strftime(updated_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS updated_at
       FROM documents WHERE kind = $1 AND id = $2`,
      [document.kind, document.id],
    );
    return {
      kind: document.kind,
      id: document.id,
      org: document.org,
      body: JSON.parse(body),
      createdAt: String(rows[0]!.created_at),
      updatedAt: String(rows[0]!.updated_at),
    };
  }

  async getDocument(kind: string, id: string): Promise<StoredDocument | null> {
    const rows = await this.rows(
      `SELECT ${DOCUMENT_SELECT} FROM documents WHERE kind = $1 AND id = $2`,
      [kind, id],
    );
    return rows[0] ? rowToDocument(rows[0]) : null;
  }

  async listDocuments(filter: DocumentFilter): Promise<StoredDocument[]> {
    const where = createWhere();
    where.add('kind = ?', filter.kind);
    if (filter.org === null) where.raw('org IS NULL');
    else if (filter.org !== undefined) where.add('org = ?', filter.org);
    let page = filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    if (filter.offset) page += ` OFFSET ${Math.max(0, Math.floor(filter.offset))}`;
    const rows = await this.rows(
      `SELECT ${DOCUMENT_SELECT} FROM documents ${where.sql} ORDER BY created_at DESC, id DESC${page}`,
      where.values,
    );
    return rows.map(rowToDocument);
  }

  async deleteDocument(kind: string, id: string): Promise<boolean> {
    const rows = await this.rows(`DELETE FROM documents WHERE kind = $1 AND id = $2 RETURNING id`, [
      kind,
      id,
    ]);
    return rows.length > 0;
  }

  async claim(name: string, token: string): Promise<ClaimResult> {
    assertClaimToken(token);
    // One process writes a DuckDB file, and the primary key decides between its callers.
    await this.rows(
      `INSERT INTO claims (name, token, claimed_at) VALUES ($1, $2, timezone('UTC', now()))
       ON CONFLICT (name) DO NOTHING`,
      [name, token],
    );
    const rows = await this.rows(`SELECT token FROM claims WHERE name = $1`, [name]);
    const holder = String(rows[0]!.token);
    return { won: holder === token, holder };
  }

  async pruneClaims(olderThanSeconds: number): Promise<number> {
    const rows = await this.rows(
      `DELETE FROM claims WHERE claimed_at < timezone('UTC', now()) - to_seconds($1::DOUBLE) RETURNING name`,
      [Math.max(0, olderThanSeconds)],
    );
    return rows.length;
  }

  async appendAudit(entries: readonly AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) return;
    this.assertOpen();
    // Entries go to a JSON-lines file next to the database and into audit_log when it is read (or the
    // store closes): one screening per deposit at thousands a second made DuckDB inserts, even through
    // its appender, a quarter of the API's CPU. The file is written off the main thread.
    const lines: string[] = [];
    const work = this.auditQueue.then(async () => {
      let id = await this.auditNextId();
      for (const e of entries) {
        const ms = auditTimeMs(e);
        lines.push(
          JSON.stringify({
            id: id++,
            ms,
            ...auditColumns(e),
          }),
        );
      }
      this.nextAuditId = id;
      await fs.promises.appendFile(auditPendingPath(this.location), `${lines.join('\n')}\n`);
    });
    this.auditQueue = work.catch(() => {});
    await work;
  }

  /** The id of the next audit entry: after every stored and pending one. */
  private async auditNextId(): Promise<number> {
    if (this.nextAuditId !== null) return this.nextAuditId;
    await this.ingestAuditNow();
    const rows = await this.rows('SELECT coalesce(max(id), 0) AS m FROM audit_log');
    this.nextAuditId = Number(rows[0]!.m) + 1;
    return this.nextAuditId;
  }

  /**
   * Moves pending audit entries into audit_log. A crash after the insert and before the file is
   * removed leaves it for the next time, which skips the ids already stored.
   */
  private async ingestAuditNow(): Promise<void> {
    const pending = auditPendingPath(this.location);
    const ingesting = `${pending}.ingesting`;
    if (!fs.existsSync(ingesting)) {
      if (!fs.existsSync(pending)) return;
      fs.renameSync(pending, ingesting);
    }
    const file = ingesting.replaceAll("'", "''");
    await this.rows(
      `INSERT INTO audit_log (id, time, actor, actor_name, actor_role, org, action, target, detail, request_id)
       SELECT id, epoch_ms(ms), actor, actor_name, actor_role, org, action, target, detail, request_id
       FROM read_json('${file}', format = 'newline_delimited', columns = {id: 'BIGINT', ms: 'BIGINT',
         actor: 'VARCHAR', actor_name: 'VARCHAR', actor_role: 'VARCHAR', org: 'VARCHAR', action: 'VARCHAR',
         target: 'VARCHAR', detail: 'VARCHAR', request_id: 'VARCHAR'})
       WHERE id > (SELECT coalesce(max(id), 0) FROM audit_log)
       ORDER BY id`,
    );
    fs.rmSync(ingesting);
    // Entries appended while this one ran are in a new pending file: the next read takes them.
  }

  /** Runs an ingest after the appends queued so far (and before any queued later). */
  private ingestAudit(): Promise<void> {
    const work = this.auditQueue.then(() => this.ingestAuditNow());
    this.auditQueue = work.catch(() => {});
    return work;
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    await this.ingestAudit();
    const where = createWhere();
    if (filter.org === null) where.raw('org IS NULL');
    else if (filter.org !== undefined) where.add('org = ?', filter.org);
    if (filter.actor !== undefined) where.add('actor = ?', filter.actor);
    if (filter.action !== undefined) where.add('action = ?', filter.action);
    if (filter.target !== undefined) where.add('target = ?', filter.target);
    const limit = Math.max(0, Math.floor(filter.limit ?? 1000));
    const rows = await this.rows(
      `SELECT id, strftime(time, '%Y-%m-%dT%H:%M:%S.%gZ') AS time, actor, actor_name, actor_role, org, action, target, detail::VARCHAR AS detail, request_id
       FROM audit_log ${where.sql} ORDER BY id DESC LIMIT ${limit}`,
      where.values,
    );
    return rows.map((r) => auditEntryOf(r, String(r.time)));
  }

  async getClusters(chain: string, addresses: readonly string[]): Promise<Map<string, ClusterRef>> {
    // A store without clusters on the chain (most) answers without a query.
    if (!(await this.chainsWithClusters()).has(chain)) return new Map();
    return readClusters((sql, values) => this.rows(sql, values), chain, addresses);
  }

  async listClusterAddresses(chain: string, clusterId: string, page?: Page): Promise<string[]> {
    return readClusterAddresses((sql, values) => this.rows(sql, values), chain, clusterId, page);
  }

  async listClusterLinks(
    chain: string,
    clusterId: string,
    page?: Page,
  ): Promise<{ links: ClusterLink[]; total: number }> {
    return readClusterLinks((sql, values) => this.rows(sql, values), chain, clusterId, page);
  }

  async listClusterLabels(chain: string, clusterId: string): Promise<Label[]> {
    const rows = await this.rows(
      `SELECT chain, address, entity, category, actor, country, source, confidence, sanction_list, programs,
         strftime(valid_from, '%Y-%m-%d') AS valid_from, strftime(valid_to, '%Y-%m-%d') AS valid_to, import_id
       FROM labels WHERE chain = $1
         AND address IN (SELECT address FROM cluster_addresses WHERE chain = $1 AND cluster_id = $2)
       ORDER BY address, valid_from NULLS FIRST, source, category, entity`,
      [chain, clusterId],
    );
    return rows.map(rowToLabel);
  }

  async listClusterRefusals(chain: string, clusterId: string): Promise<ClusterRefusal[]> {
    return readClusterRefusals((sql, values) => this.rows(sql, values), chain, clusterId);
  }

  async getClusterState(chain: string): Promise<ClusterState | null> {
    return readClusterState((sql, values) => this.rows(sql, values), chain);
  }

  async listClusterChains(): Promise<string[]> {
    return [...(await this.chainsWithClusters())].sort();
  }

  /** Chains with stored clusters, asked once and again after each write. */
  private chainsWithClusters(): Promise<Set<string>> {
    if (this.clusterChains === null) {
      const asked = readClusterChains((sql, values) => this.rows(sql, values));
      this.clusterChains = asked;
      // A failed query must not stay cached: the next call asks again.
      asked.catch(() => {
        if (this.clusterChains === asked) this.clusterChains = null;
      });
    }
    return this.clusterChains;
  }

  scanUtxoTransactions(params: ScanUtxoParameters): AsyncIterable<UtxoColumns> {
    this.assertOpen();
    return scanUtxo(this.reader, params, () => this.assertOpen());
  }

  async getUtxoExtent(chain: string, toBlock?: bigint): Promise<UtxoExtent> {
    return readUtxoExtent((sql, values) => this.rows(sql, values), chain, toBlock);
  }

  getLastUtxoBlock(chain: string): Promise<bigint | null> {
    let found = this.lastUtxoBlocks.get(chain);
    if (found === undefined) {
      const asked = readUtxoExtent((sql, values) => this.rows(sql, values), chain).then(
        (extent) => extent.lastBlock,
      );
      this.lastUtxoBlocks.set(chain, (found = asked));
      // A failed query must not stay cached: the next call asks again.
      asked.catch(() => {
        if (this.lastUtxoBlocks.get(chain) === asked) this.lastUtxoBlocks.delete(chain);
      });
    }
    return found;
  }

  async getSchemaVersion(): Promise<number> {
    this.assertOpen();
    return readSchemaVersion(this.reader);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Pending audit entries go into the database first, so the file never outlives a clean close.
    await this.ingestAudit().catch(() => {});
    this.closed = true;
    this.reader.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
