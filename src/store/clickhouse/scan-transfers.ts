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
 * Where a scan is: after every transfer of writes up to `version`, and, when `key` is given, after
 * the transfers of write `version` up to that key (chain, block, tx hash, position).
 */
type Position = { version: bigint; key: [string, string, string, string] | null };

/**
 * The store order of ClickHouse transfers: by the version of the write that stored them (a write's
 * version is later than every earlier write's, schema.ts), then by chain, block, tx hash, position.
 * So a transfer written after a cursor was taken is scanned after it, whatever its keys, and the
 * order is the same on every call. A cursor is `<version>` (after that whole write: what
 * {@link getTransferCursor} gives) or `<version>:<key as JSON>` (inside it: a batch's end).
 *
 * A row written again (an import repeated) takes the new write's version, so it moves to the end
 * of the order: a scan from an earlier cursor gives it again. ClickHouse keeps one copy; an index
 * extended from a cursor would count it twice, which is why a ClickHouse store keeps no index file
 * (`indexLocation` null: the trace index is built whole, in one scan, each time).
 */
function encodeCursor(p: Position): string {
  return p.key === null ? p.version.toString() : `${p.version}:${JSON.stringify(p.key)}`;
}

function decodeCursor(cursor: string, name: string): Position {
  const bad = () =>
    new UserError(`Transfer cursor "${cursor.slice(0, 40)}" (${name}) is not a ClickHouse one`, {
      code: 'STORE_BAD_CURSOR',
      details: 'Cursors come from getTransferCursor or a scan of the same store.',
    });
  const match = /^(\d{1,20})(?::(.*))?$/s.exec(cursor);
  if (!match) throw bad();
  if (match[2] === undefined) return { version: BigInt(match[1]!), key: null };
  let key: unknown;
  try {
    key = JSON.parse(match[2]);
  } catch {
    throw bad();
  }
  if (
    !Array.isArray(key) ||
    key.length !== 4 ||
    !key.every((k) => typeof k === 'string') ||
    !/^\d{1,20}$/.test(key[1] as string)
  )
    throw bad();
  return { version: BigInt(match[1]!), key: key as Position['key'] };
}

/** Rows after `p` in store order (`strict`), or up to and including it. */
function afterSql(p: Position): string {
  const v = quote(p.version);
  if (p.key === null) return `version > ${v}`;
  const [chain, block, tx, position] = p.key;
  return `(version > ${v} OR (version = ${v} AND (chain > ${quote(chain)} OR (chain = ${quote(chain)} AND (
    block_number > ${block} OR (block_number = ${block} AND (tx_hash > ${quote(tx)} OR (tx_hash = ${quote(tx)} AND position > ${quote(position)}))))))))`;
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
    `SELECT chain, toString(block_number) AS block, tx_hash, position, from_address, to_address, asset, kind, amount,
            toString(ifNull(toInt64(toUnixTimestamp(block_time)), toInt64(-1))) AS time_s, toString(version) AS v
     FROM (${liveTransfers(ctx, 'chain, block_number, tx_hash, position, from_address, to_address, asset, kind, amount, block_time', [...where, ...(from === null ? [] : [afterSql(from)])].join(' AND '))})
     ORDER BY version, chain, block_number, tx_hash, position${limit === null ? '' : ` LIMIT ${quote(limit)}`}`;
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
    length: rows.length,
    chain: rows.map((r) => r.chain!),
    txHash: rows.map((r) => r.tx_hash!),
    from: rows.map((r) => r.from_address ?? null),
    to: rows.map((r) => r.to_address ?? null),
    asset: rows.map((r) => r.asset!),
    kind: rows.map((r) => r.kind as TransferKind),
    amount: Float64Array.from(rows, (r) => Number(r.amount)),
    time: Float64Array.from(rows, (r) => Number(r.time_s)),
    cursor: encodeCursor({
      version: BigInt(last.v!),
      key: [last.chain!, last.block!, last.tx_hash!, last.position!],
    }),
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
