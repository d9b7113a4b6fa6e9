import { UTXO_INPUT_KIND, UTXO_OUTPUT_KIND } from '../../model/flow-rules.ts';
import type { ScanUtxoParameters, UtxoColumns, UtxoExtent } from '../store.ts';
import { quote } from './quote.ts';
import { kindsSql, liveTransfers, type ReadContext } from './read-sql.ts';
import { SCAN_PAGE_ROWS } from './scan-transfers.ts';

const UTXO_KINDS = kindsSql([UTXO_INPUT_KIND, UTXO_OUTPUT_KIND]);

/** A chain's live UTXO transfers, narrowed by `where`. */
function utxoRows(ctx: ReadContext, chain: string, columns: string, where = '1'): string {
  return liveTransfers(
    ctx,
    columns,
    `chain = ${quote(chain)} AND kind IN ${UTXO_KINDS} AND ${where}`,
  );
}

/**
 * {@link ChainStore.getUtxoExtent} on ClickHouse: how many UTXO transfers the chain holds up to
 * `toBlock`, and their first and last block.
 */
export async function getUtxoExtent(
  ctx: ReadContext,
  chain: string,
  toBlock?: bigint,
): Promise<UtxoExtent> {
  ctx.assertOpen();
  const [r] = await ctx.t.query<Record<string, string>>(
    `SELECT toString(count()) AS n, toString(min(block_number)) AS lo, toString(max(block_number)) AS hi
     FROM (${utxoRows(ctx, chain, 'block_number', toBlock === undefined ? '1' : `block_number <= ${quote(toBlock)}`)})`,
  );
  const rows = Number(r?.n ?? 0);
  return {
    rows,
    firstBlock: rows === 0 ? null : BigInt(r!.lo!),
    lastBlock: rows === 0 ? null : BigInt(r!.hi!),
  };
}

/**
 * {@link ChainStore.scanUtxoTransactions} on ClickHouse: the blocks' row counts first, then whole
 * blocks per statement, about `batchRows` rows (at most {@link SCAN_PAGE_ROWS} unless one block
 * holds more), inputs before outputs, each side by index. Not cached between calls as DuckDB's last
 * UTXO block is: another process may have written since.
 *
 * @example
 * for await (const b of scanUtxoTransactions(ctx, { chain: 'bitcoin', fromBlock: 0n, toBlock: 100n })) console.log(b.length);
 */
export async function* scanUtxoTransactions(
  ctx: ReadContext,
  params: ScanUtxoParameters,
): AsyncIterable<UtxoColumns> {
  ctx.assertOpen();
  const batchRows = Math.max(
    1,
    Math.min(SCAN_PAGE_ROWS, Math.floor(params.batchRows ?? SCAN_PAGE_ROWS)),
  );
  const range = `block_number >= ${quote(params.fromBlock)} AND block_number <= ${quote(params.toBlock)}`;
  const counts = await ctx.t.query<{ b: string; n: string }>(
    `SELECT toString(block_number) AS b, toString(count()) AS n FROM (${utxoRows(ctx, params.chain, 'block_number', range)})
     GROUP BY block_number ORDER BY block_number`,
  );
  // Whole blocks per batch (a transaction never straddles two).
  for (let i = 0; i < counts.length;) {
    let rows = 0;
    let j = i;
    while (j < counts.length && (j === i || rows + Number(counts[j]!.n) <= batchRows))
      rows += Number(counts[j++]!.n);
    const from = counts[i]!.b;
    const to = counts[j - 1]!.b;
    ctx.assertOpen();
    const found = await ctx.t.query<Record<string, string | null>>(
      `SELECT toString(block_number) AS b, tx_hash, toUInt8(kind = ${quote(UTXO_INPUT_KIND)}) AS is_input,
              if(kind = ${quote(UTXO_INPUT_KIND)}, from_address, to_address) AS holder, amount
       FROM (${utxoRows(ctx, params.chain, 'block_number, tx_hash, kind, position, from_address, to_address, amount', `block_number >= ${quote(BigInt(from))} AND block_number <= ${quote(BigInt(to))}`)})
       ORDER BY block_number, tx_hash, is_input DESC, toUInt32OrZero(splitByChar(':', position)[2])`,
    );
    yield {
      length: found.length,
      blockNumber: Float64Array.from(found, (r) => Number(r.b)),
      txHash: found.map((r) => r.tx_hash!),
      isInput: Uint8Array.from(found, (r) => Number(r.is_input)),
      address: found.map((r) => r.holder ?? null),
      amount: Float64Array.from(found, (r) => Number(r.amount)),
      toBlock: BigInt(to),
    };
    i = j;
  }
}
