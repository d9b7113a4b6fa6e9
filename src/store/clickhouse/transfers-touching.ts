import type { TouchingTransfers, TransfersTouchingParameters } from '../store.ts';
import type { ClickHouseContext } from './context.ts';
import { quote, quotedLists } from './quote.ts';
import { transferRowsToColumns } from './scan-transfers.ts';

/** Digits of a write's version (UInt64) and of a row's place in it (UInt32) in an order key. */
const VERSION_DIGITS = 20;
const SEQ_DIGITS = 10;

/**
 * The order key of a stored transfer: its write's version, then its place in that write (`seq`),
 * zero-padded so the keys sort as text in store order (the order a scan gives, schema.ts).
 *
 * @example
 * touchingOrderKey('1733600000000000', '7'); // '00001733600000000000' + '0000000007'
 */
export function touchingOrderKey(version: string, seq: string): string {
  return version.padStart(VERSION_DIGITS, '0') + seq.padStart(SEQ_DIGITS, '0');
}

/**
 * {@link ChainStore.listTransfersTouching} on ClickHouse: the live transfers of one chain that the
 * addresses sent or received, or of the transactions, each once, in store order. Lists are split
 * to fit a statement (18.16 parses at most 256 KiB of one); rows two statements both give are kept
 * once (by their key).
 *
 * @example
 * const rows = await listTransfersTouching(ctx, { chain: 'ethereum', addresses: ['0x…'] });
 */
export async function listTransfersTouching(
  ctx: ClickHouseContext & { assertOpen(): void },
  params: TransfersTouchingParameters,
): Promise<TouchingTransfers> {
  ctx.assertOpen();
  const conditions = [
    ...quotedLists(params.addresses ?? []).map(
      (list) => `from_address IN (${list}) OR to_address IN (${list})`,
    ),
    ...quotedLists(params.txHashes ?? []).map((list) => `tx_hash IN (${list})`),
  ];
  const byKey = new Map<string, Record<string, string | null>>();
  for (const condition of conditions) {
    const rows = await ctx.t.query<Record<string, string | null>>(
      `SELECT chain, tx_hash, from_address, to_address, asset, kind, amount,
              toString(ifNull(toInt64(toUnixTimestamp(block_time)), toInt64(-1))) AS time_s,
              toString(version) AS v, toString(seq) AS s
       FROM (SELECT chain, tx_hash, from_address, to_address, asset, kind, amount, block_time, version, seq
             FROM ${ctx.table('transfers')} FINAL
             WHERE deleted = 0 AND chain = ${quote(params.chain)} AND (${condition}))`,
    );
    for (const r of rows) byKey.set(touchingOrderKey(r.v!, r.s!), r);
  }
  const order = [...byKey.keys()].sort();
  const rows = order.map((k) => byKey.get(k)!);
  // Amounts: JavaScript's rounding of the exact decimal text, as the scan and DuckDB give them.
  return { ...transferRowsToColumns(rows), order };
}
