import { UserError } from '../errors/base.ts';
import { readCsv } from '../ingest/csv/read-csv.ts';
import type { ScreenInput } from './types.ts';

/** A row of a screening CSV: the address, its chain when the file has a `chain` column, its line. */
export type ScreenCsvRow = ScreenInput & { line: number };

/**
 * Streams the addresses of a screening CSV in batches: a header row with an `address` column and an
 * optional `chain` column (names case-insensitive; other columns ignored). An empty `chain` cell means
 * "detect it". Throws a {@link UserError} naming the file when the header lacks `address`.
 *
 * @example
 * for await (const batch of readScreenCsv('deposits.csv')) {
 *   for (const row of batch) screener.screenDirect(row.address, row.chain);
 * }
 */
export async function* readScreenCsv(file: string): AsyncGenerator<ScreenCsvRow[]> {
  let addressColumn = -1;
  let chainColumn = -1;
  let header = true;
  for await (const records of readCsv({ path: file })) {
    let start = 0;
    if (header) {
      const names = records[0]!.fields.map((f) => f.trim().toLowerCase());
      addressColumn = names.indexOf('address');
      chainColumn = names.indexOf('chain');
      if (addressColumn === -1)
        throw new UserError(
          `${file}:${records[0]!.line}: no "address" column in the header (found: ${records[0]!.fields.join(', ')})`,
          { code: 'CSV_MISSING_COLUMN' },
        );
      header = false;
      start = 1;
    }
    const rows: ScreenCsvRow[] = new Array(records.length - start);
    for (let i = start; i < records.length; i++) {
      const { fields, line } = records[i]!;
      const chain = chainColumn === -1 ? undefined : fields[chainColumn]?.trim();
      rows[i - start] = { address: fields[addressColumn] ?? '', chain: chain || null, line };
    }
    if (rows.length > 0) yield rows;
  }
  if (header)
    throw new UserError(`${file}: empty file (expected a header with an "address" column)`, {
      code: 'CSV_EMPTY',
    });
}
