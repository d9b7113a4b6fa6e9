import type { TouchingTransfers, TransfersTouchingParameters } from '../store.ts';
import type { ClickHouseContext } from './context.ts';
import { quote, quotedLists, STATEMENT_LIST_CHARS } from './quote.ts';
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

/** What a touching read selects of a transfer, from `transfers` or `transfer_addresses`. */
const TOUCHING_COLUMNS =
  'chain, tx_hash, from_address, to_address, asset, kind, amount, block_time, version, seq';

/**
 * {@link ChainStore.listTransfersTouching} on ClickHouse: the live transfers of one chain that the
 * addresses sent or received, or of the transactions, each once, in store order. Addresses are
 * read from `transfer_addresses` and transactions from `transfers`, each by its primary key (a key
 * range per address or transaction, not a scan: see ./schema.ts), in one statement where the
 * lists fit (18.16 parses at most 256 KiB of one), else split. A transfer two reads both give (one
 * between two of the addresses, or of one of the transactions too) is kept once (by its key).
 *
 * @example
 * const rows = await listTransfersTouching(ctx, { chain: 'ethereum', addresses: ['0x…'] });
 */
export async function listTransfersTouching(
  ctx: ClickHouseContext & { assertOpen(): void },
  params: TransfersTouchingParameters,
): Promise<TouchingTransfers> {
  ctx.assertOpen();
  const chain = quote(params.chain);
  const reads = [
    ...quotedLists(params.addresses ?? []).map((list) => ({
      chars: list.length,
      sql: `SELECT ${TOUCHING_COLUMNS}, deleted FROM ${ctx.table('transfer_addresses')} FINAL
            WHERE chain = ${chain} AND address IN (${list})`,
    })),
    ...quotedLists(params.txHashes ?? []).map((list) => ({
      chars: list.length,
      sql: `SELECT ${TOUCHING_COLUMNS}, deleted FROM ${ctx.table('transfers')} FINAL
            WHERE chain = ${chain} AND tx_hash IN (${list})`,
    })),
  ];
  // As few statements as fit (a statement's round trip costs more than its reads of a few keys),
  // each within the statement limit.
  const statements: string[][] = [];
  let chars = Number.POSITIVE_INFINITY;
  for (const read of reads) {
    if (chars + read.chars > STATEMENT_LIST_CHARS) {
      statements.push([]);
      chars = 0;
    }
    statements.at(-1)!.push(read.sql);
    chars += read.chars;
  }
  const byKey = new Map<string, Record<string, string | null>>();
  for (const parts of statements) {
    // FINAL, then `deleted = 0` outside it: the newest version of each row, tombstones (reorgs)
    // dropped after, never an older live copy of a row since tombstoned.
    const rows = await ctx.t.query<Record<string, string | null>>(
      `SELECT chain, tx_hash, from_address, to_address, asset, kind, amount,
              toString(ifNull(toInt64(toUnixTimestamp(block_time)), toInt64(-1))) AS time_s,
              toString(version) AS v, toString(seq) AS s
       FROM (${parts.join(' UNION ALL ')}) WHERE deleted = 0`,
    );
    for (const r of rows) byKey.set(touchingOrderKey(r.v!, r.s!), r);
  }
  const order = [...byKey.keys()].sort();
  const rows = order.map((k) => byKey.get(k)!);
  // Amounts: JavaScript's rounding of the exact decimal text, as the scan and DuckDB give them.
  return { ...transferRowsToColumns(rows), order };
}
