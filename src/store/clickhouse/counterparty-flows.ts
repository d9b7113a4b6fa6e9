import type { CounterpartyFlows, CounterpartyFlowsParameters } from '../store.ts';
import { quote } from './quote.ts';
import {
  counterpartyLegSql,
  limbOrderSql,
  limbSumsSql,
  limbSumsTextSql,
  limbTotal,
  liveTransfers,
  type ReadContext,
  untilSql,
} from './read-sql.ts';

/** The columns of limbSumsSql after their prefix. */
const SUM_COLUMNS = ['0l', '0h', '1l', '1h', '2l', '2h', '3l', '3h'];
/** Counterparties returned per address and asset unless asked otherwise (as DuckDB's). */
const DEFAULT_MAX_COUNTERPARTIES = 1000;
/**
 * Addresses per statement: their `IN` list stays far below ClickHouse's 256 KiB statement limit
 * (`max_query_size`; about 45 bytes an address, twice in a statement).
 */
export const FLOW_QUERY_ADDRESSES = 1000;

/**
 * {@link ChainStore.getCounterpartyFlows} on ClickHouse: per address and asset, what went to or
 * came from each counterparty (exact limb sums), the largest first (ranked on the server, exactly:
 * {@link limbOrderSql}), with the totals over all of them. Legs that are no counterparty flow
 * (`isCounterpartyLeg` of src/model/flow-rules.ts) are left out.
 *
 * @example
 * await getCounterpartyFlows(ctx, { chain: 'ethereum', addresses: ['0x…'], direction: 'in' });
 */
export async function getCounterpartyFlows(
  ctx: ReadContext,
  params: CounterpartyFlowsParameters,
): Promise<CounterpartyFlows[]> {
  const self = params.direction === 'in' ? 'to_address' : 'from_address';
  const other = params.direction === 'in' ? 'from_address' : 'to_address';
  const keep = Math.max(1, Math.floor(params.maxCounterparties ?? DEFAULT_MAX_COUNTERPARTIES));
  const unique = [...new Set(params.addresses)];
  const out: CounterpartyFlows[] = [];
  for (let i = 0; i < unique.length; i += FLOW_QUERY_ADDRESSES) {
    ctx.assertOpen();
    const list = unique
      .slice(i, i + FLOW_QUERY_ADDRESSES)
      .map(quote)
      .join(', ');
    const legs = liveTransfers(
      ctx,
      `assumeNotNull(${self}) AS holder, asset, assumeNotNull(${other}) AS cp, a0, a1, a2, a3, block_time, tx_hash`,
      `chain = ${quote(params.chain)} AND ${self} IN (${list}) AND ${counterpartyLegSql(self, other)}${untilSql(params.until)}`,
    );
    // The transaction of the largest transfer: of equal amounts, the greatest hash.
    const perCp = `SELECT holder, asset, cp, count() AS n, min(block_time) AS first_t, max(block_time) AS last_t,
        argMax(tx_hash, tuple(a3, a2, a1, a0, tx_hash)) AS largest_tx, ${limbSumsSql('s')}
      FROM (${legs}) GROUP BY holder, asset, cp`;
    const totals = await ctx.t.query<Record<string, unknown>>(
      `SELECT holder, asset, toString(cps) AS cps_n, ${limbSumsTextSql('u', 't')}
       FROM (SELECT holder, asset, count() AS cps, ${SUM_COLUMNS.map((x) => `sum(s${x}) AS u${x}`).join(', ')}
             FROM (${perCp}) GROUP BY holder, asset)
       ORDER BY holder, asset`,
    );
    const flows = await ctx.t.query<Record<string, unknown>>(
      `SELECT holder, asset, cp, toString(n) AS transfers, toUnixTimestamp(first_t) AS first_s,
              toUnixTimestamp(last_t) AS last_s, largest_tx, ${limbSumsTextSql('s', 't')}
       FROM (${perCp})
       ORDER BY holder, asset, ${limbOrderSql('s')} DESC, cp LIMIT ${quote(keep)} BY holder, asset`,
    );
    const byKey = new Map<string, CounterpartyFlows>();
    for (const r of totals) {
      const entry: CounterpartyFlows = {
        address: String(r.holder),
        asset: String(r.asset),
        total: limbTotal(r, 't'),
        counterparties: Number(r.cps_n),
        flows: [],
      };
      byKey.set(`${entry.address}\u0000${entry.asset}`, entry);
      out.push(entry);
    }
    const time = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    for (const r of flows)
      byKey.get(`${String(r.holder)}\u0000${String(r.asset)}`)?.flows.push({
        counterparty: String(r.cp),
        amount: limbTotal(r, 't'),
        transfers: Number(r.transfers),
        first: time(r.first_s),
        last: time(r.last_s),
        largestTx: String(r.largest_tx),
      });
  }
  return out;
}
