import { NON_COUNTERPARTY_KINDS } from '../../model/flow-rules.ts';
import type { TransferKind } from '../../model/transfer.ts';
import { AMOUNT_LIMBS } from './amount-limbs.ts';
import { quote } from './quote.ts';
import type { ClickHouseTransport } from './transport.ts';

/**
 * What the ClickHouse reads (address summary, counterparty and flow reads, scans) need of the store:
 * its transport, its tables' names, and whether it is still open. Every statement here runs on
 * ClickHouse 18.16 and current releases alike: no window functions, no table CTEs, no `{name:Type}`
 * parameters (values go through {@link quote}), no alias that shadows a column.
 */
export type ReadContext = {
  t: Pick<ClickHouseTransport, 'query' | 'stream'>;
  /** The database-qualified name of one of the store's tables (the Distributed one on a cluster). */
  table: (name: string) => string;
  assertOpen: () => void;
};

/**
 * The live transfers, each key once: `FINAL` keeps the newest version of a key, tombstones of a
 * reorg (`deleted = 1`) are left out after it. `version` is selected (ClickHouse 18.16 reads FINAL
 * right only when it is). `where` narrows it (on the shards of a cluster).
 */
export function liveTransfers(ctx: ReadContext, columns: string, where: string): string {
  return `SELECT ${columns}, version FROM ${ctx.table('transfers')} FINAL WHERE deleted = 0 AND ${where}`;
}

/** A SQL list of transfer kinds, quoted (the model's constants). */
export function kindsSql(kinds: readonly TransferKind[]): string {
  return `(${kinds.map(quote).join(', ')})`;
}

/**
 * The condition that a transfer is a flow between its `self` side and a counterparty on its
 * `other` side: `isCounterpartyLeg` of src/model/flow-rules.ts (not a fee, both sides known, not a
 * self-transfer), in SQL.
 */
export function counterpartyLegSql(self: string, other: string): string {
  return `kind NOT IN ${kindsSql(NON_COUNTERPARTY_KINDS)} AND ${self} IS NOT NULL AND ${other} IS NOT NULL AND ${other} != ${self}`;
}

/** Transfers at or before `until` (Unix seconds), and those without a time; '' when no bound. */
export function untilSql(until: number | undefined): string {
  return until === undefined
    ? ''
    : ` AND (block_time IS NULL OR toUnixTimestamp(block_time) <= ${quote(Math.floor(until))})`;
}

/** A transfer's Unix time as Int64, 0 when the store has none (the earliest, as the trace index takes it). */
export const TIME_OR_ZERO_SQL = 'ifNull(toInt64(toUnixTimestamp(block_time)), toInt64(0))';

/**
 * A transfer's amount as a Float64 from its limbs (each limb exact to 53 bits, the sum within an
 * ulp or two): what running sums of received value add, as doubles (as DuckDB does).
 */
export const AMOUNT_FLOAT_SQL = Array.from(
  { length: AMOUNT_LIMBS },
  (_, i) => `toFloat64(a${i}) * ${(2 ** (64 * i)).toExponential()}`,
).join(' + ');

const HALF_MASK = 4294967295;

/**
 * Sums of the amount limbs' 32-bit halves, as numbers (`<p>0l, <p>0h, … <p>3h`), of the rows where
 * `condition` holds (all when absent): exact for fewer than 2^32 rows on any release (18.16 has no
 * 256-bit integer). {@link limbTotal} puts them together; {@link limbOrderSql} orders by them.
 */
export function limbSumsSql(prefix: string, condition?: string): string {
  const sum = (e: string) => (condition === undefined ? `sum(${e})` : `sumIf(${e}, ${condition})`);
  return Array.from(
    { length: AMOUNT_LIMBS },
    (_, i) =>
      `${sum(`bitAnd(a${i}, ${HALF_MASK})`)} AS ${prefix}${i}l, ${sum(`bitShiftRight(a${i}, 32)`)} AS ${prefix}${i}h`,
  ).join(', ');
}

/** The sum columns of {@link limbSumsSql} as text (exact in JSON), for an outer SELECT. */
export function limbSumsTextSql(prefix: string, as = prefix): string {
  return Array.from(
    { length: AMOUNT_LIMBS },
    (_, i) => `toString(${prefix}${i}l) AS ${as}${i}tl, toString(${prefix}${i}h) AS ${as}${i}th`,
  ).join(', ');
}

/** The exact total of the sums {@link limbSumsTextSql} selected, from a result row. */
export function limbTotal(row: Record<string, unknown>, prefix: string): bigint {
  let total = 0n;
  for (let i = 0; i < AMOUNT_LIMBS; i++) {
    const low = BigInt(String(row[`${prefix}${i}tl`] ?? 0));
    const high = BigInt(String(row[`${prefix}${i}th`] ?? 0));
    total += (low + (high << 32n)) << (64n * BigInt(i));
  }
  return total;
}

/**
 * A tuple that orders sums of {@link limbSumsSql} exactly as their totals: the halves with their
 * carries propagated, most significant first (each carry stage stays below 2^64 for fewer than 2^31
 * rows). What ranks counterparties by amount in SQL without a 256-bit integer.
 */
export function limbOrderSql(prefix: string): string {
  const halves = Array.from({ length: AMOUNT_LIMBS * 2 }, (_, i) =>
    i % 2 === 0 ? `${prefix}${i / 2}l` : `${prefix}${(i - 1) / 2}h`,
  );
  let carry = halves[0]!;
  const digits = [`bitAnd(${carry}, ${HALF_MASK})`];
  for (const half of halves.slice(1)) {
    carry = `(bitShiftRight(${carry}, 32) + ${half})`;
    digits.push(`bitAnd(${carry}, ${HALF_MASK})`);
  }
  digits.push(`bitShiftRight(${carry}, 32)`);
  return `tuple(${digits.reverse().join(', ')})`;
}

/** A single transfer's amount, exactly ordered (most significant limb first). */
export const AMOUNT_ORDER_SQL = Array.from(
  { length: AMOUNT_LIMBS },
  (_, i) => `a${AMOUNT_LIMBS - 1 - i} DESC`,
).join(', ');

/**
 * Running sums without window functions (ClickHouse 18.16 has none): per key, the receipts
 * (`receipts` selects `keys…, rts Int64, rdelta Float64`) and the times asked about (`queries`
 * selects `keys…, qts Int64, qname String`) in one array sorted by time, receipts of a second
 * before the questions of that second, summed cumulatively; the answer per key is the questions'
 * names (`qnames`) and what had been received by each (`qsums`), same order. One sort per key
 * instead of a join of every question with every receipt.
 */
export function runningSumsSql(keys: readonly string[], receipts: string, queries: string): string {
  const k = keys.join(', ');
  return `SELECT ${k}, arrayFilter((n, s) -> s = 1, arrayMap(x -> x.4, u), arrayMap(x -> x.2, u)) AS qnames,
      arrayFilter((v, s) -> s = 1, arrayCumSum(arrayMap(x -> x.3, u)), arrayMap(x -> x.2, u)) AS qsums
    FROM (
      SELECT ${k}, arraySort(x -> (x.1, x.2), groupArray((at_s, side, delta, qn))) AS u
      FROM (
        SELECT ${k}, toInt64(rts) AS at_s, toUInt8(0) AS side, toFloat64(rdelta) AS delta, '' AS qn FROM (${receipts})
        UNION ALL
        SELECT ${k}, toInt64(qts), toUInt8(1), toFloat64(0), toString(qname) FROM (${queries}))
      GROUP BY ${k})`;
}

/** A constant table of rows (one tuple each) as a subquery with the given column names, or null when empty. */
export function valuesSql(columns: readonly string[], rows: readonly string[][]): string | null {
  if (rows.length === 0) return null;
  const select = columns.map((c, i) => `tupleElement(r, ${i + 1}) AS ${c}`).join(', ');
  return `SELECT ${select} FROM (SELECT arrayJoin([${rows.map((r) => `tuple(${r.join(', ')})`).join(', ')}]) AS r)`;
}
