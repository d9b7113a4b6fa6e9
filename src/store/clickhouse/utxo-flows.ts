import { UTXO_INPUT_KIND, UTXO_OUTPUT_KIND } from '../../model/flow-rules.ts';
import type { UtxoAddressFlows, UtxoFlows, UtxoFlowsParameters } from '../store.ts';
import { quote } from './quote.ts';
import {
  liveTransfers,
  type ReadContext,
  runningSumsSql,
  untilSql,
  valuesSql,
} from './read-sql.ts';

/** Transactions returned per address unless asked otherwise (as DuckDB's). */
const DEFAULT_MAX_TRANSACTIONS = 1000;
/** Addresses per statement (each in two `IN` lists and a condition: far below `max_query_size`). */
const UTXO_QUERY_ADDRESSES = 500;

/**
 * {@link ChainStore.getUtxoFlows} on ClickHouse: per address and transaction, its outputs to the
 * address less its inputs from it (its change is no payment), the positive ones within the bound,
 * largest first (LIMIT … BY on the server), and what the address had received by each row's
 * block and by the blocks asked about ({@link runningSumsSql}). Satoshis are exact as Int64 (the
 * first limb holds any UTXO amount).
 *
 * @example
 * await getUtxoFlows(ctx, { chain: 'bitcoin', direction: 'in', targets: [{ address: '1…', bound: null }] });
 */
export async function getUtxoFlows(
  ctx: ReadContext,
  params: UtxoFlowsParameters,
): Promise<UtxoFlows> {
  const points = params.receivedAt ?? [];
  const receivedAt = new Array<number>(points.length).fill(0);
  const flows: UtxoAddressFlows[] = [];
  // Addresses asked about only at points are read with the targets, but yield no rows of their own.
  const bounds = new Map<string, number | null | undefined>();
  for (const t of params.targets) bounds.set(t.address, t.bound);
  for (const p of points) if (!bounds.has(p.address)) bounds.set(p.address, undefined);
  const addresses = [...bounds.keys()];
  for (let i = 0; i < addresses.length; i += UTXO_QUERY_ADDRESSES) {
    const batch = addresses.slice(i, i + UTXO_QUERY_ADDRESSES);
    const inBatch = new Set(batch);
    const found = await readBatch(
      ctx,
      params,
      batch.map((address) => ({ address, bound: bounds.get(address) })),
      points.flatMap((p, index) => (inBatch.has(p.address) ? [{ ...p, index }] : [])),
    );
    flows.push(...found.flows);
    for (const [index, value] of found.receivedAt) receivedAt[index] = value;
  }
  flows.sort((p, q) => (p.address < q.address ? -1 : p.address > q.address ? 1 : 0));
  return { flows, receivedAt };
}

async function readBatch(
  ctx: ReadContext,
  params: UtxoFlowsParameters,
  targets: { address: string; bound: number | null | undefined }[],
  points: { address: string; block: number; index: number }[],
): Promise<{ flows: UtxoAddressFlows[]; receivedAt: Map<number, number> }> {
  ctx.assertOpen();
  const inbound = params.direction === 'in';
  const keep = Math.max(1, Math.floor(params.maxTransactions ?? DEFAULT_MAX_TRANSACTIONS));
  const list = targets.map((t) => quote(t.address)).join(', ');
  const where = `chain = ${quote(params.chain)}${untilSql(params.until)}`;
  // What each transaction paid the address less what it spent from it.
  const legs = `${liveTransfers(ctx, `assumeNotNull(to_address) AS holder, tx_hash, block_number, toInt64(a0) AS net`, `${where} AND kind = ${quote(UTXO_OUTPUT_KIND)} AND to_address IN (${list})`)}
    UNION ALL
    ${liveTransfers(ctx, `assumeNotNull(from_address) AS holder, tx_hash, block_number, -toInt64(a0) AS net`, `${where} AND kind = ${quote(UTXO_INPUT_KIND)} AND from_address IN (${list})`)}`;
  const perTx = `SELECT holder, tx_hash, toInt64(min(block_number)) AS blk, sum(net) AS net_sum FROM (${legs}) GROUP BY holder, tx_hash`;
  const within = targets
    .filter((t) => t.bound !== undefined)
    .map(
      (t) =>
        `(holder = ${quote(t.address)}${t.bound === null ? '' : ` AND blk ${inbound ? '<=' : '>='} ${quote(Math.floor(t.bound!))}`})`,
    );
  const sign = inbound ? '' : '-';
  const io = `SELECT holder, tx_hash, blk, ${sign}net_sum AS amt FROM (${perTx})
    WHERE ${sign}net_sum > 0 AND (${within.length ? within.join(' OR ') : '0'})`;
  const kept = `SELECT holder, tx_hash, blk, amt FROM (${io}) ORDER BY holder, amt DESC, blk, tx_hash LIMIT ${quote(keep)} BY holder`;
  const counts = await ctx.t.query<{ holder: string; n: string }>(
    `SELECT holder, toString(count()) AS n FROM (${io}) GROUP BY holder`,
  );
  const rows = await ctx.t.query<Record<string, string>>(
    `SELECT holder, tx_hash, toString(blk) AS block, toString(amt) AS value FROM (${kept})`,
  );
  // Receipts: a transaction's net value to the address where positive, at its block.
  const receipts = `SELECT holder, blk AS rts, toFloat64(net_sum) AS rdelta FROM (${perTx}) WHERE net_sum > 0`;
  const asked = [
    `SELECT holder, blk AS qts, concat('tx:', tx_hash) AS qname FROM (${kept})`,
    valuesSql(
      ['holder', 'qts', 'qname'],
      points.map((p) => [
        quote(p.address),
        `toInt64(${quote(Math.floor(p.block))})`,
        quote(`at:${p.index}`),
      ]),
    ),
  ]
    .filter((q) => q !== null)
    .join(' UNION ALL ');
  const sums = await ctx.t.query<{ holder: string; qnames: string[]; qsums: number[] }>(
    runningSumsSql(['holder'], receipts, asked),
  );
  const received = new Map<string, number>();
  for (const s of sums)
    s.qnames.forEach((q, i) => received.set(`${s.holder}\u0000${q}`, Number(s.qsums[i])));
  const byAddress = new Map<string, UtxoAddressFlows>();
  for (const c of counts)
    byAddress.set(c.holder, { address: c.holder, count: Number(c.n), transactions: [] });
  for (const r of rows)
    byAddress.get(r.holder!)?.transactions.push({
      txHash: r.tx_hash!,
      block: Number(r.block),
      amount: BigInt(r.value!),
      received: received.get(`${r.holder}\u0000tx:${r.tx_hash}`) ?? 0,
    });
  // Largest first; ties: earlier block, then hash (the server's order, lost in the transfer).
  for (const f of byAddress.values())
    f.transactions.sort((p, q) =>
      p.amount !== q.amount
        ? p.amount > q.amount
          ? -1
          : 1
        : p.block !== q.block
          ? p.block - q.block
          : p.txHash < q.txHash
            ? -1
            : p.txHash > q.txHash
              ? 1
              : 0,
    );
  return {
    flows: [...byAddress.values()],
    receivedAt: new Map(
      points.map((p) => [p.index, received.get(`${p.address}\u0000at:${p.index}`) ?? 0]),
    ),
  };
}
