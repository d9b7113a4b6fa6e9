import type { FlowTarget, FlowTransfers, FlowTransfersParameters } from '../store.ts';
import { quote } from './quote.ts';
import {
  AMOUNT_FLOAT_SQL,
  AMOUNT_ORDER_SQL,
  counterpartyLegSql,
  liveTransfers,
  type ReadContext,
  runningSumsSql,
  TIME_OR_ZERO_SQL,
  untilSql,
  valuesSql,
} from './read-sql.ts';

/** Transfers returned per address and asset unless asked otherwise (as DuckDB's). */
const DEFAULT_MAX_FLOW_TRANSFERS = 1000;
/**
 * Targets per statement: each is a condition of about 200 bytes, up to three times in the
 * statement, which stays below ClickHouse's 256 KiB limit (`max_query_size`).
 */
const FLOW_QUERY_TARGETS = 200;
/** Event types in whose transactions value may change asset (a transfer there `converts`). */
const CONVERSION_EVENT_TYPES = ['swap', 'wrap', 'unwrap'];
/** Transaction hashes per `IN` list of the conversion lookup (about 70 bytes each). */
const QUERY_HASHES = 2000;

/**
 * {@link ChainStore.getFlowTransfers} on ClickHouse, in three statements per batch of targets: the
 * count per address and asset, the kept transfers (largest first, exactly: limbs, ranked on the
 * server with `LIMIT … BY`), and what each address had received by each kept transfer's time and
 * by the times asked about, as running sums without window functions ({@link runningSumsSql}).
 * The same rules as DuckDB's: counterparty legs only (src/model/flow-rules.ts), transfers without
 * a time at time 0, receipts of a second counted before the transfers of that second.
 *
 * @example
 * await getFlowTransfers(ctx, { chain: 'ethereum', direction: 'in', targets: [{ address: '0x…', asset: 'native', bound: null }] });
 */
export async function getFlowTransfers(
  ctx: ReadContext,
  params: FlowTransfersParameters,
): Promise<FlowTransfers[]> {
  const out: FlowTransfers[] = [];
  for (let i = 0; i < params.targets.length; i += FLOW_QUERY_TARGETS)
    out.push(...(await readBatch(ctx, params, params.targets.slice(i, i + FLOW_QUERY_TARGETS))));
  return out;
}

async function readBatch(
  ctx: ReadContext,
  params: FlowTransfersParameters,
  targets: readonly FlowTarget[],
): Promise<FlowTransfers[]> {
  ctx.assertOpen();
  const inbound = params.direction === 'in';
  const keep = Math.max(1, Math.floor(params.maxTransfers ?? DEFAULT_MAX_FLOW_TRANSFERS));
  const chain = quote(params.chain);
  const until = untilSql(params.until);
  const assetOf = (t: FlowTarget) => (t.asset === null ? '1' : `asset = ${quote(t.asset)}`);
  // What the addresses received, for the running sums: inflows up to the latest time asked about
  // (the bound, or a later `receivedAt`); outflows need it up to each payment, so all of it.
  const cutoff = (t: FlowTarget) =>
    !inbound || t.bound === null
      ? null
      : Math.floor(Math.max(t.bound, ...(t.asset === null ? [] : (t.receivedAt ?? []))));
  const receivedWhere = targets
    .map((t) => {
      const c = cutoff(t);
      return `(to_address = ${quote(t.address)} AND ${assetOf(t)}${c === null ? '' : ` AND ${TIME_OR_ZERO_SQL} <= ${quote(c)}`})`;
    })
    .join(' OR ');
  const receipts = liveTransfers(
    ctx,
    `assumeNotNull(to_address) AS holder, asset AS held, ${TIME_OR_ZERO_SQL} AS rts, ${AMOUNT_FLOAT_SQL} AS rdelta`,
    `chain = ${chain} AND ${counterpartyLegSql('to_address', 'from_address')}${until} AND (${receivedWhere})`,
  );
  const self = inbound ? 'to_address' : 'from_address';
  const other = inbound ? 'from_address' : 'to_address';
  const sideWhere = targets
    .map(
      (t) =>
        `(${self} = ${quote(t.address)} AND ${assetOf(t)}${t.bound === null ? '' : ` AND ${TIME_OR_ZERO_SQL} ${inbound ? '<=' : '>='} ${quote(Math.floor(t.bound))}`})`,
    )
    .join(' OR ');
  const excluded = params.excludeCounterparties?.length
    ? ` AND ${other} NOT IN (${params.excludeCounterparties.map(quote).join(', ')})`
    : '';
  const side = liveTransfers(
    ctx,
    `assumeNotNull(${self}) AS holder, asset AS held, assumeNotNull(${other}) AS cp, amount, a0, a1, a2, a3,
     ${TIME_OR_ZERO_SQL} AS sts, tx_hash, position`,
    `chain = ${chain} AND ${counterpartyLegSql(self, other)}${until} AND (${sideWhere})${excluded}`,
  );
  const kept = `SELECT holder, held, cp, amount, sts, tx_hash, position FROM (${side})
    ORDER BY holder, held, ${AMOUNT_ORDER_SQL}, sts, tx_hash, position LIMIT ${quote(keep)} BY holder, held`;
  const counts = await ctx.t.query<{ holder: string; held: string; n: string }>(
    `SELECT holder, held, toString(count()) AS n FROM (${side}) GROUP BY holder, held`,
  );
  const rows = await ctx.t.query<Record<string, string>>(
    `SELECT holder, held, cp, amount, toString(sts) AS ts, tx_hash, position FROM (${kept})`,
  );
  // The times asked about: each kept transfer's (by its hash and position) and each `receivedAt`.
  const points = targets.flatMap((t, ti) =>
    (t.asset === null ? [] : (t.receivedAt ?? [])).map((x, j) => [
      quote(t.address),
      quote(t.asset!),
      `toInt64(${quote(Math.floor(x))})`,
      quote(`at:${ti}:${j}`),
    ]),
  );
  const asked = [
    `SELECT holder, held, sts AS qts, concat('tx:', tx_hash, ' ', position) AS qname FROM (${kept})`,
    valuesSql(['holder', 'held', 'qts', 'qname'], points),
  ]
    .filter((q) => q !== null)
    .join(' UNION ALL ');
  const sums = await ctx.t.query<{
    holder: string;
    held: string;
    qnames: string[];
    qsums: number[];
  }>(runningSumsSql(['holder', 'held'], receipts, asked));
  const received = new Map<string, number>();
  for (const s of sums)
    s.qnames.forEach((q, i) =>
      received.set(`${s.holder}\u0000${s.held}\u0000${q}`, Number(s.qsums[i])),
    );
  const converting = await conversionTransactions(ctx, params.chain, [
    ...new Set(rows.map((r) => r.tx_hash!)),
  ]);

  const groups = new Map<string, FlowTransfers>();
  const group = (address: string, asset: string) => {
    const key = `${address}\u0000${asset}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { address, asset, count: 0, transfers: [], receivedAt: [] }));
    return g;
  };
  const order = new Map<FlowTransfers['transfers'][number], [bigint, number, string, string]>();
  for (const r of rows) {
    const g = group(r.holder!, r.held!);
    const transfer = {
      counterparty: r.cp!,
      amount: Number(r.amount),
      time: Number(r.ts),
      txHash: r.tx_hash!,
      received: received.get(`${r.holder}\u0000${r.held}\u0000tx:${r.tx_hash} ${r.position}`) ?? 0,
      converts: converting.has(r.tx_hash!),
    };
    order.set(transfer, [BigInt(r.amount!), transfer.time, r.tx_hash!, r.position!]);
    g.transfers.push(transfer);
  }
  for (const c of counts)
    if (groups.has(`${c.holder}\u0000${c.held}`)) group(c.holder, c.held).count = Number(c.n);
  targets.forEach((t, ti) => {
    if (t.asset === null || !t.receivedAt?.length) return;
    group(t.address, t.asset).receivedAt = t.receivedAt.map(
      (_, j) => received.get(`${t.address}\u0000${t.asset}\u0000at:${ti}:${j}`) ?? 0,
    );
  });
  // Largest first, exactly (the rows came in no particular order): ties earlier first, then hash
  // and position, as ranked on the server.
  const compare = (x: [bigint, number, string, string], y: [bigint, number, string, string]) =>
    x[0] !== y[0]
      ? x[0] > y[0]
        ? -1
        : 1
      : x[1] !== y[1]
        ? x[1] - y[1]
        : x[2] !== y[2]
          ? x[2] < y[2]
            ? -1
            : 1
          : x[3] < y[3]
            ? -1
            : x[3] > y[3]
              ? 1
              : 0;
  for (const g of groups.values())
    g.transfers.sort((p, q) => compare(order.get(p)!, order.get(q)!));
  return [...groups.values()].sort((p, q) =>
    p.address !== q.address
      ? p.address < q.address
        ? -1
        : 1
      : p.asset < q.asset
        ? -1
        : p.asset > q.asset
          ? 1
          : 0,
  );
}

/** Of the given transactions, those holding a swap, wrap or unwrap event. */
async function conversionTransactions(
  ctx: ReadContext,
  chain: string,
  hashes: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < hashes.length; i += QUERY_HASHES) {
    const rows = await ctx.t.query<{ tx_hash: string }>(
      `SELECT DISTINCT tx_hash FROM (SELECT tx_hash, version FROM ${ctx.table('events')} FINAL
         WHERE deleted = 0 AND chain = ${quote(chain)} AND type IN (${CONVERSION_EVENT_TYPES.map(quote).join(', ')})
           AND tx_hash IN (${hashes
             .slice(i, i + QUERY_HASHES)
             .map(quote)
             .join(', ')}))`,
    );
    for (const r of rows) found.add(r.tx_hash);
  }
  return found;
}
