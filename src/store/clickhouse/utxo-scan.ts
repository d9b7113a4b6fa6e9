import type { ScanUtxoParameters, UtxoColumns, UtxoExtent } from '../store.ts';
import type { ClickHouseContext } from './context.ts';
import { quote } from './quote.ts';

// The UTXO reads a cluster build makes (src/cluster/build-clusters.ts), on ClickHouse: live rows
// (FINAL, no tombstones) of the transfers table, as DuckDB's src/store/duckdb/clusters.ts gives them.

/** Rows per batch of {@link scanUtxo} when the caller does not say (DuckDB's default). */
const DEFAULT_UTXO_BATCH_ROWS = 1_000_000;
const UTXO_KINDS = `('utxo_in', 'utxo_out')`;

const utxoRows = (ctx: ClickHouseContext, chain: string, where: string) =>
  `FROM ${ctx.table('transfers')} FINAL
   WHERE chain = ${quote(chain)} AND kind IN ${UTXO_KINDS} AND deleted = 0${where}`;

/** See {@link ChainStore.getUtxoExtent}. */
export async function readUtxoExtent(
  ctx: ClickHouseContext,
  chain: string,
  toBlock?: bigint,
): Promise<UtxoExtent> {
  const [r] = await ctx.t.query<{ n: string; lo: string; hi: string }>(
    `SELECT toString(count()) AS n, toString(min(block_number)) AS lo, toString(max(block_number)) AS hi
     FROM (SELECT block_number, version ${utxoRows(ctx, chain, toBlock === undefined ? '' : ` AND block_number <= ${quote(toBlock)}`)})`,
  );
  const rows = Number(r?.n ?? 0);
  // ClickHouse's min and max of no rows are 0, not NULL.
  return {
    rows,
    firstBlock: rows === 0 ? null : BigInt(r!.lo),
    lastBlock: rows === 0 ? null : BigInt(r!.hi),
  };
}

/**
 * See {@link ChainStore.scanUtxoTransactions}: whole blocks per batch (a transaction never
 * straddles two), about `batchRows` rows each; a transaction's inputs first, each side by index.
 */
export async function* scanUtxo(
  ctx: ClickHouseContext,
  params: ScanUtxoParameters,
  assertOpen: () => void,
): AsyncIterable<UtxoColumns> {
  const batchRows = Math.max(1, Math.floor(params.batchRows ?? DEFAULT_UTXO_BATCH_ROWS));
  const range = ` AND block_number BETWEEN ${quote(params.fromBlock)} AND ${quote(params.toBlock)}`;
  const counts = await ctx.t.query<{ block_number: string; n: string }>(
    `SELECT block_number, toString(count()) AS n
     FROM (SELECT block_number, version ${utxoRows(ctx, params.chain, range)})
     GROUP BY block_number ORDER BY block_number`,
  );
  for (let i = 0; i < counts.length;) {
    let rows = 0;
    let j = i;
    while (j < counts.length && (j === i || rows + Number(counts[j]!.n) <= batchRows))
      rows += Number(counts[j++]!.n);
    const from = BigInt(counts[i]!.block_number);
    const to = BigInt(counts[j - 1]!.block_number);
    assertOpen();
    const found = await ctx.t.query<{
      block_number: string;
      tx_hash: string;
      is_input: number;
      owner: string | null;
      amount: string;
    }>(
      `SELECT block_number, tx_hash, kind = 'utxo_in' AS is_input,
         if(kind = 'utxo_in', from_address, to_address) AS owner, amount,
         toUInt32(splitByChar(':', position)[2]) AS output_index, version
       ${utxoRows(ctx, params.chain, ` AND block_number BETWEEN ${quote(from)} AND ${quote(to)}`)}
       ORDER BY block_number, tx_hash, is_input DESC, output_index`,
    );
    yield {
      length: found.length,
      blockNumber: Float64Array.from(found, (r) => Number(r.block_number)),
      txHash: found.map((r) => r.tx_hash),
      isInput: Uint8Array.from(found, (r) => (Number(r.is_input) ? 1 : 0)),
      address: found.map((r) => r.owner),
      // Exact: satoshis are below 2^53, and Number() of the decimal text rounds correctly.
      amount: Float64Array.from(found, (r) => Number(r.amount)),
      toBlock: to,
    };
    i = j;
  }
}
