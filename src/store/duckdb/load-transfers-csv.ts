import { type DuckDBConnection, VARCHAR } from '@duckdb/node-api';
import type { TransfersCsvLoad } from '../chain-store.ts';

/**
 * DuckDB's side of {@link ChainWriter.loadTransfersCsv}: the user's CSV read by DuckDB's parallel
 * reader straight into `transfers` (inside the write's transaction), each value checked and
 * converted in SQL.
 *
 * Why: on 1 M generated transfers, parsing and validating every row in JavaScript, writing them
 * again as a scratch CSV and loading that took 7.3 s against 1.05 s for DuckDB's own `read_csv` of
 * the file (0.13x); the JavaScript half (3.8 s) ran on one core while DuckDB waited. Here SQL
 * accepts only values in plain forms whose conversion is exact (digits, lowercase hex: see
 * {@link TransfersCsvLoad}); a record with anything else is not inserted, which the caller learns
 * from the count, and it then validates the file in JavaScript as before.
 *
 * Addresses are checked after the insert, once per distinct text: a regular expression over every
 * row's two addresses was about a third of the insert's time (RE2 here scans ~100 MB/s, 84 of a
 * row's ~195 bytes), where the distinct addresses of a file are far fewer than its rows. Those not
 * in their canonical form (EIP-55 mixed case, Bitcoin, Tron) go to the caller's codecs.
 */

/** A SQL string literal. */
const lit = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Full match of RE2 `pattern`. */
const matches = (value: string, pattern: string) => `regexp_full_match(${value}, ${lit(pattern)})`;

/** Read buffer of the user's file: as the scratch file's (a large one ran out of the load budget). */
const LOAD_BUFFER_BYTES = 2 * 1024 * 1024;

/** DuckDB's reader of the file: every column text, in order, the header skipped. */
function readUserCsv(load: TransfersCsvLoad): string {
  const columns = Array.from({ length: load.width }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  // Strict: a record of another width, a stray quote after a closing one or bytes that are not
  // UTF-8 fail the statement (the caller then reads the file itself). Quoted empty fields stay ''.
  return `read_csv(${lit(load.file)}, header = true, auto_detect = false, delim = ',', quote = '"',
    escape = '"', strict_mode = true, null_padding = false, allow_quoted_nulls = false,
    buffer_size = ${LOAD_BUFFER_BYTES}, columns = {${columns}})`;
}

/** The columns of `transfers`, in the order the insert gives them. */
const TRANSFER_COLUMNS =
  'chain, block_number, block_time, tx_hash, position, from_address, to_address, asset, amount, kind';

/**
 * The `INSERT` into `transfers` of the records whose values SQL can vouch for, converted; the
 * addresses (and an asset column's text) as written, for {@link normalizeLoadedAddresses}. Without
 * a time column, rows take their block's time here (with one, the caller fills the empty ones).
 */
export function insertTransfersCsvSql(load: TransfersCsvLoad): string {
  // An empty field is NULL to the reader: it fails every check below as '' does, and an empty
  // address is refused by normalizeLoadedAddresses. Only a time and an asset may be empty.
  const col = (i: number) => `c${i}`;
  const { columns: k } = load;
  const block = col(k.block);
  const tx = col(k.tx);
  const position = col(k.position);
  const amount = col(k.amount);
  const time = k.time === null ? null : `coalesce(c${k.time}, '')`;

  // Integers by a round trip: the cast reads the digits, and only plain ones (no sign, space,
  // exponent or leading zero) come back as written; cheaper than a pattern, and exactly the
  // model's `^\d{1,20}$` below 2^64 but for leading zeros, which go to the caller.
  const blockOk = `try_cast(${block} AS UBIGINT)::VARCHAR = ${block}`;
  // Transaction hashes in their canonical form only, stored as written: lowercasing every one cost
  // three copies a row; uppercase or `0X` forms go to the caller.
  const txOk = matches(tx, `${load.txHashPrefix}[0-9a-f]{64}`);
  const positionOk = matches(position, '[!#-~]+');
  const amountOk =
    load.decimals === 0
      ? matches(amount, '[0-9]+')
      : matches(amount, `[0-9]+(\\.[0-9]{0,${load.decimals}})?`);
  const amountValue =
    load.decimals === 0
      ? `try_cast(${amount} AS BIGNUM)`
      : `try_cast(split_part(${amount}, '.', 1) || rpad(split_part(${amount}, '.', 2), ${load.decimals}, '0') AS BIGNUM)`;
  // Unix seconds (1-11 digits) and milliseconds (13) by a round trip too; ISO date-times with hours
  // 00-23 and a date DuckDB accepts (it refuses 2025-02-30 as the model does), from year 1000,
  // where JavaScript's Date and DuckDB's calendar agree.
  const iso = '[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z?';
  const timeOk =
    time === null
      ? 'true'
      : `CASE WHEN ${time} = '' THEN true
              WHEN length(${time}) <= 11 OR length(${time}) = 13 THEN try_cast(${time} AS UBIGINT)::VARCHAR = ${time}
              ELSE ${matches(time, iso)} AND try_cast(${time}[1:10] AS DATE) IS NOT NULL END`;
  const timeValue =
    time === null
      ? 'NULL::BIGINT'
      : `CASE WHEN ${time} = '' THEN NULL
              WHEN length(${time}) = 13 THEN try_cast(${time} AS BIGINT) // 1000
              WHEN length(${time}) <= 11 THEN try_cast(${time} AS BIGINT)
              ELSE epoch(try_cast(${time}[1:10] || ' ' || ${time}[12:19] AS TIMESTAMP))::BIGINT END`;
  const kind = k.asset === null ? lit(load.kind) : lit('token');
  return `INSERT INTO transfers (${TRANSFER_COLUMNS})
    SELECT s.chain, s.block_number, ${time === null ? 'b.time' : 'make_timestamp(s.block_time_s * 1000000)'},
      s.tx_hash, s.position, s.from_address, s.to_address, s.asset, s.amount, s.kind
    FROM (
      SELECT ${lit(load.chain)} AS chain, try_cast(${block} AS UBIGINT) AS block_number, ${timeValue} AS block_time_s,
        ${tx} AS tx_hash, ${position} AS position,
        ${col(k.from)} AS from_address, ${col(k.to)} AS to_address,
        ${k.asset === null ? lit(load.asset) : `coalesce(c${k.asset}, '')`} AS asset, ${amountValue} AS amount, ${kind} AS kind
      FROM ${readUserCsv(load)}
      WHERE ${blockOk} AND ${txOk} AND ${positionOk} AND ${amountOk} AND ${timeOk}) s
    ${time === null ? 'LEFT JOIN blocks b ON b.chain = s.chain AND b.number = s.block_number' : ''}`;
}

/** Distinct addresses normalized per page: bounds what JavaScript holds of them. */
const ADDRESS_PAGE_ROWS = 50_000;

/**
 * Puts the caller's canonical forms in place of the addresses (and an asset column's texts) of the
 * transfers loaded from row id `start` on that are not canonical as written, each distinct text
 * normalized once; false when the caller refuses one (then nothing of the file may be kept: the
 * caller aborts the write).
 *
 * Runs inside the write's transaction: its scratch tables are temporary and read by key (rows made
 * in a transaction have row ids from 2^62 on until it commits).
 */
export async function normalizeLoadedAddresses(
  c: DuckDBConnection,
  load: TransfersCsvLoad,
  start: string,
): Promise<boolean> {
  const loaded = `rowid >= ${start}`;
  const notCanonical = (column: string) =>
    load.canonicalAddress === null ? 'true' : `NOT ${matches(column, load.canonicalAddress)}`;
  const scratch = ['stage_address_input', 'stage_address_map'];
  try {
    await c.run(`CREATE OR REPLACE TEMP TABLE stage_address_input AS
      SELECT a AS input FROM (SELECT DISTINCT coalesce(a, '') AS a FROM (
        SELECT from_address AS a FROM transfers WHERE ${loaded}
        UNION ALL SELECT to_address FROM transfers WHERE ${loaded}))
      WHERE ${notCanonical('a')}`);
    const addresses = await normalizeInto(c, (input) => {
      const canonical = load.normalizeAddress(input);
      return canonical === null ? null : [canonical, ''];
    });
    if (addresses === null) return false;
    if (addresses > 0)
      for (const column of ['from_address', 'to_address'])
        await c.run(`UPDATE transfers SET ${column} = m.out0 FROM stage_address_map m
          WHERE transfers.rowid >= ${start} AND transfers.${column} = m.input`);
    if (load.columns.asset === null) return true;
    await c.run(`CREATE OR REPLACE TEMP TABLE stage_address_input AS
      SELECT asset AS input FROM (SELECT DISTINCT asset FROM transfers WHERE ${loaded})
      WHERE ${notCanonical('asset')}`);
    const assets = await normalizeInto(c, (input) => {
      const normalized = load.normalizeAsset(input);
      return normalized === null ? null : [normalized.asset, normalized.kind];
    });
    if (assets === null) return false;
    if (assets > 0)
      await c.run(`UPDATE transfers SET asset = m.out0, kind = m.out1 FROM stage_address_map m
        WHERE transfers.rowid >= ${start} AND transfers.asset = m.input`);
    return true;
  } finally {
    for (const t of scratch) await c.run(`DROP TABLE IF EXISTS temp.${t}`);
  }
}

/**
 * Reads the texts of `stage_address_input` in pages (by key), and writes each with the two values
 * `normalize` makes of it into `stage_address_map` (`input`, `out0`, `out1`); returns how many, or
 * null at the first text it refuses.
 */
async function normalizeInto(
  c: DuckDBConnection,
  normalize: (input: string) => [string, string] | null,
): Promise<number | null> {
  await c.run(
    'CREATE OR REPLACE TEMP TABLE stage_address_map (input VARCHAR, out0 VARCHAR, out1 VARCHAR)',
  );
  const appender = await c.createAppender('stage_address_map', 'main', 'temp');
  let count = 0;
  try {
    let after: string | null = null;
    for (;;) {
      const page = await c.runAndReadAll(
        `SELECT input FROM temp.stage_address_input ${after === null ? '' : 'WHERE input > $1'}
         ORDER BY input LIMIT ${ADDRESS_PAGE_ROWS}`,
        after === null ? [] : [after],
      );
      if (page.currentRowCount === 0) return count;
      for (const [input] of page.getRows() as [string][]) {
        const out = normalize(input);
        if (out === null) return null;
        appender.appendValue(input, VARCHAR);
        appender.appendValue(out[0], VARCHAR);
        appender.appendValue(out[1], VARCHAR);
        appender.endRow();
        after = input;
        count++;
      }
    }
  } finally {
    appender.closeSync();
  }
}
