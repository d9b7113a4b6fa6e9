import { BaseError } from '../../errors/base.ts';
import { isCalendarDay, type PriceRow } from '../../model/price.ts';
import type { PriceFilter, WriteSummary } from '../store.ts';
import { quote } from './quote.ts';
import type { ClickHouseContext } from './context.ts';

// The ClickHouse side of daily prices (src/store/chain-store.ts): one row per chain, asset and day
// in a ReplacingMergeTree, so a day imported again is a newer version of its row, read with FINAL.
// A write's prices are kept in the process and inserted once its function has returned: a write
// that fails inserts none.

/** Days per `IN (…)` list when counting the days a write replaces. */
const QUERY_LIST_VALUES = 5_000;
/** Rows per INSERT: bounds one request's body. */
const INSERT_BATCH_ROWS = 10_000;

/** A price row as stored, or a STORE_BAD_WRITE naming what is wrong with it (DuckDB's checks). */
export function checkPriceRow(p: PriceRow): PriceRow {
  const bad = (what: string) =>
    new BaseError(`Bad price row ${JSON.stringify(p)}: ${what}`, { code: 'STORE_BAD_WRITE' });
  if (!p.chain || !p.asset || !p.source) throw bad('chain, asset and source must not be empty');
  if (!isCalendarDay(p.day)) throw bad('day must be a YYYY-MM-DD date');
  if (!Number.isFinite(p.usd) || p.usd < 0) throw bad('usd must be a finite number, 0 or more');
  return { chain: p.chain, asset: p.asset, day: p.day, usd: p.usd, source: p.source };
}

/**
 * Stores a write's prices (checked as they were given): the last of each chain, asset and day,
 * replacing a stored day's price and source. Returns how many were written, and how many of them
 * replaced a stored day.
 */
export async function applyPrices(
  ctx: ClickHouseContext,
  rows: readonly PriceRow[],
  version: string,
): Promise<Pick<WriteSummary, 'pricesWritten' | 'pricesReplaced'>> {
  const last = new Map<string, PriceRow>();
  for (const r of rows) {
    const key = JSON.stringify([r.chain, r.asset, r.day]);
    // The last given wins, in the order given: delete first so that it is inserted last too.
    last.delete(key);
    last.set(key, r);
  }
  const byAsset = new Map<string, { chain: string; asset: string; days: string[] }>();
  for (const r of last.values()) {
    const key = JSON.stringify([r.chain, r.asset]);
    (
      byAsset.get(key) ?? byAsset.set(key, { chain: r.chain, asset: r.asset, days: [] }).get(key)!
    ).days.push(r.day);
  }
  let replaced = 0;
  for (const { chain, asset, days } of byAsset.values())
    for (let i = 0; i < days.length; i += QUERY_LIST_VALUES) {
      const [row] = await ctx.t.query<{ n: string }>(
        `SELECT toString(count()) AS n FROM (SELECT day, version FROM ${ctx.table('prices')} FINAL
         WHERE chain = ${quote(chain)} AND asset = ${quote(asset)}
           AND day IN (${days
             .slice(i, i + QUERY_LIST_VALUES)
             .map(quote)
             .join(', ')}))`,
      );
      replaced += Number(row?.n ?? 0);
    }
  const records = [...last.values()].map((r) => ({ ...r, version }));
  for (let i = 0; i < records.length; i += INSERT_BATCH_ROWS)
    await ctx.t.insert(ctx.table('prices'), records.slice(i, i + INSERT_BATCH_ROWS));
  return { pricesWritten: records.length, pricesReplaced: replaced };
}

/** See {@link ChainStore.listPrices}: one asset's days, oldest first, within the filter's days. */
export async function readPrices(ctx: ClickHouseContext, filter: PriceFilter): Promise<PriceRow[]> {
  const where = [`chain = ${quote(filter.chain)}`, `asset = ${quote(filter.asset)}`];
  // Days as `YYYY-MM-DD` text compare as the days do.
  if (filter.from !== undefined) where.push(`day >= ${quote(filter.from)}`);
  if (filter.to !== undefined) where.push(`day <= ${quote(filter.to)}`);
  const rows = await ctx.t.query<Record<string, unknown>>(
    `SELECT chain, asset, day, usd, source, version FROM ${ctx.table('prices')} FINAL
     WHERE ${where.join(' AND ')} ORDER BY day`,
  );
  return rows.map((r) => ({
    chain: String(r.chain),
    asset: String(r.asset),
    day: String(r.day),
    usd: Number(r.usd),
    source: String(r.source),
  }));
}
