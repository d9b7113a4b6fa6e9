import { UserError } from '../../errors/base.ts';
import type { TransferKind } from '../../model/transfer.ts';
import type { ScanTransfersParameters, TransferColumns, TransferCursor } from '../store.ts';
import { quote } from './quote.ts';
import { kindsSql, liveTransfers, type ReadContext } from './read-sql.ts';

/** Rows per batch unless asked otherwise (as DuckDB's). */
const DEFAULT_SCAN_BATCH_ROWS = 1_000_000;
/**
 * Rows per statement at most, whatever the batch asked: a page comes as JSON (about 300 bytes a
 * transfer), so 50,000 rows hold a page to about 15 MB of text and its objects, where the trace
 * index's 500,000-row batches would hold 150 MB.
 */
export const SCAN_PAGE_ROWS = 50_000;

/**
 * Where a scan is: after every transfer of writes up to `version`, and, when `seq` is given, after
 * the transfers of write `version` up to that place in it.
 */
type Position = { version: bigint; seq: number | null };

/**
 * The store order of ClickHouse transfers: by the version of the write that stored them (a write's
 * version is later than every earlier write's, schema.ts), then by their place in it (`seq`: the
 * order the writer gave them, as DuckDB's row ids keep it; the trace index numbers transfers of the
 * same second in this order, so both stores give the same trace). So a transfer written after a
 * cursor was taken is scanned after it, and the order is the same on every call. A cursor is
 * `<version>` (after that whole write: what {@link getTransferCursor} gives) or `<version>:<seq>`
 * (inside it: a batch's end).
 *
 * A row written again (an import repeated) takes the new write's version, so it moves to the end
 * of the order: a scan from an earlier cursor gives it again. ClickHouse keeps one copy; an index
 * extended from a cursor would count it twice, which is why a ClickHouse store keeps no index file
 * (`indexLocation` null: a trace reads the subgraph it reaches, src/trace/subgraph-index.ts).
 */
function encodeCursor(p: Position): string {
  return p.seq === null ? p.version.toString() : `${p.version}:${p.seq}`;
}

function decodeCursor(cursor: string, name: string): Position {
  const match = /^(\d{1,20})(?::(\d{1,10}))?$/.exec(cursor);
  if (!match)
    throw new UserError(
      `Transfer cursor "${cursor.slice(0, 40)}" (${name}) is not a ClickHouse one`,
      {
        code: 'STORE_BAD_CURSOR',
        details: 'Cursors come from getTransferCursor or a scan of the same store.',
      },
    );
  return { version: BigInt(match[1]!), seq: match[2] === undefined ? null : Number(match[2]) };
}

/** Rows after `p` in store order. */
function afterSql(p: Position): string {
  const v = quote(p.version);
  if (p.seq === null) return `version > ${v}`;
  return `(version > ${v} OR (version = ${v} AND seq > ${quote(p.seq)}))`;
}

/**
 * {@link ChainStore.scanTransfers} on ClickHouse, in store order (see {@link encodeCursor}), in
 * batches of at most {@link SCAN_PAGE_ROWS} rows: the process holds one batch, however large the
 * table. Over HTTP, one statement streamed: the table is read once (200,000, 400,000 and 800,000
 * transfers in 6.2, 13.9 and 19.7 s on the 2-shard test cluster, peak RSS up 93, 138 and 103 MB). A
 * transport that cannot stream (chdb in tests) reads pages instead, each a statement that continues after the last row of the one
 * before (keyset paging, not OFFSET); each page reads the table `FINAL` again (the version is not in
 * its sort key): on the 2-shard test cluster (load 10 on 2 cores) paging took 11.1 s for 200,000
 * transfers in 4 pages and 16.4 s for 400,000 in 8. Amounts are doubles (JavaScript's rounding of the
 * exact decimal text: correctly rounded, as DuckDB's scan now is).
 *
 * @example
 * for await (const batch of scanTransfers(ctx, { batchRows: 100_000 })) console.log(batch.length);
 */
export async function* scanTransfers(
  ctx: ReadContext,
  params: ScanTransfersParameters = {},
): AsyncIterable<TransferColumns> {
  const pageRows = Math.max(
    1,
    Math.min(SCAN_PAGE_ROWS, Math.floor(params.batchRows ?? DEFAULT_SCAN_BATCH_ROWS)),
  );
  const after = params.after === undefined ? null : decodeCursor(params.after, 'after');
  const end = params.to === undefined ? null : decodeCursor(params.to, 'to');
  const where = ['1'];
  if (end !== null) where.push(`NOT ${afterSql(end)}`);
  if (params.excludeKinds?.length) where.push(`kind NOT IN ${kindsSql(params.excludeKinds)}`);
  const statement = (from: Position | null, limit: number | null) =>
    `SELECT chain, tx_hash, from_address, to_address, asset, kind, amount,
            toString(ifNull(toInt64(toUnixTimestamp(block_time)), toInt64(-1))) AS time_s, toString(version) AS v,
            toString(seq) AS s
     FROM (${liveTransfers(ctx, 'chain, tx_hash, from_address, to_address, asset, kind, amount, block_time, seq', [...where, ...(from === null ? [] : [afterSql(from)])].join(' AND '))})
     ORDER BY version, seq${limit === null ? '' : ` LIMIT ${quote(limit)}`}`;
  if (ctx.t.stream !== undefined) {
    ctx.assertOpen();
    let batch: ScanRow[] = [];
    for await (const chunk of ctx.t.stream<ScanRow>(statement(after, null))) {
      for (const row of chunk) {
        batch.push(row);
        if (batch.length === pageRows) {
          ctx.assertOpen();
          yield toColumns(batch);
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield toColumns(batch);
    return;
  }
  let position = after;
  for (;;) {
    ctx.assertOpen();
    const rows = await ctx.t.query<ScanRow>(statement(position, pageRows));
    if (rows.length === 0) return;
    const columns = toColumns(rows);
    position = decodeCursor(columns.cursor, 'batch');
    yield columns;
    if (rows.length < pageRows) return;
  }
}

type ScanRow = Record<string, string | null>;

/** A batch of scanned rows as columns, with the cursor after its last row. */
function toColumns(rows: ScanRow[]): TransferColumns {
  const last = rows[rows.length - 1]!;
  return {
    ...transferRowsToColumns(rows),
    cursor: encodeCursor({ version: BigInt(last.v!), seq: Number(last.s!) }),
  };
}

/**
 * Transfer rows as read (`chain`, `tx_hash`, `from_address`, `to_address`, `asset`, `kind`,
 * `amount` as decimal text, `time_s`) as the columns of a scan.
 */
export function transferRowsToColumns(rows: ScanRow[]): Omit<TransferColumns, 'cursor'> {
  return {
    length: rows.length,
    chain: rows.map((r) => r.chain!),
    txHash: rows.map((r) => r.tx_hash!),
    from: rows.map((r) => r.from_address ?? null),
    to: rows.map((r) => r.to_address ?? null),
    asset: rows.map((r) => r.asset!),
    kind: rows.map((r) => r.kind as TransferKind),
    amount: Float64Array.from(rows, (r) => Number(r.amount)),
    time: Float64Array.from(rows, (r) => Number(r.time_s)),
  };
}

/**
 * {@link ChainStore.getTransferCursor} on ClickHouse: the newest write's version (tombstones
 * included: a cursor never goes back) and the transfers' generation (reorgs that removed
 * transfers, counted), in one statement.
 */
export async function getTransferCursor(ctx: ReadContext): Promise<TransferCursor> {
  ctx.assertOpen();
  const [row] = await ctx.t.query<{ generation: string; cursor: string }>(
    `SELECT toString((SELECT count() FROM ${ctx.table('reorgs')} FINAL)) AS generation,
            toString((SELECT max(version) FROM ${ctx.table('transfers')})) AS cursor`,
  );
  return { cursor: String(row?.cursor ?? '0'), generation: Number(row?.generation ?? 0) };
}
