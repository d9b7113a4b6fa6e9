import path from 'node:path';
import { importBitcoinEtl } from '../../chains/bitcoin/import-bitcoin-etl.ts';
import { importEtl } from '../../ingest/etl/import-etl.ts';
import {
  importPricesCsv,
  type ImportPricesCsvReturnType,
  parsePriceColumnMap,
} from '../../ingest/prices-csv.ts';
import { importTransfersCsv, parseColumnMap } from '../../ingest/transfers-csv.ts';
import { MAX_PRICE_GAP_DAYS } from '../../model/price.ts';
import type {
  ImportOptions,
  ImportPricesOptions,
  ImportTransfersOptions,
} from '../commands/import.ts';
import type { CliContext } from '../context.ts';
import { printJson } from '../output.ts';
import { createImportProgress, type ProgressReporter } from '../progress.ts';
import { shippedTokenList } from '../token-list.ts';
import { withStore } from '../with-store.ts';
import type { Store } from '../../store/store.ts';

/** What an import says of duplicates on a store that removes them later (ClickHouse). */
const DUPLICATES_NOT_COUNTED = 'duplicates are removed by the store, not counted';

/** Gaps listed one by one in the text output; the rest are counted. */
const GAPS_LISTED = 10;

/**
 * Runs an import on the store of `options` with a progress bar on stderr (when it is a terminal),
 * stopped however the import ends.
 */
async function importWithProgress<T>(
  ctx: CliContext,
  options: Parameters<typeof withStore>[1],
  run: (store: Store, onProgress: ProgressReporter['update']) => Promise<T>,
): Promise<T> {
  const progress = createImportProgress({ stream: ctx.stderr as NodeJS.WriteStream, env: ctx.env });
  return withStore(ctx, options, (store) =>
    run(store, progress.update).finally(() => progress.stop()),
  );
}

/**
 * Runs `chaintrail import etl <paths...>` (its options and help: src/cli/commands/import.ts).
 */
export async function runImportEtl(
  ctx: CliContext,
  paths: string[],
  options: ImportOptions,
): Promise<void> {
  const result = await importWithProgress(ctx, options, (store, onProgress) =>
    importEtl({
      store,
      paths,
      chain: options.chain,
      tokenList: shippedTokenList(ctx),
      skipInvalid: options.skipInvalid,
      rejectsPath: options.rejects,
      onProgress,
      onWarning: (message) => ctx.stderr.write(`warning: ${message}\n`),
    }),
  );
  if (options.json) return printJson(result);
  ctx.stdout.write(
    `Imported ${result.files.length} file(s), ${result.rows} rows: ${result.transfersWritten} ${result.duplicatesCounted ? 'new ' : ''}transfers ` +
      `(${result.fees} gas fee transfers among the rows read; ${result.duplicatesCounted ? `${result.transfersDuplicate} duplicates skipped` : DUPLICATES_NOT_COUNTED}), ${result.eventsWritten} ${result.duplicatesCounted ? 'new ' : ''}events, ${result.blocks} blocks` +
      `${result.tokenMetadata.fromExport + result.tokenMetadata.fromTokenList ? `, symbol and decimals for ${result.tokenMetadata.fromExport + result.tokenMetadata.fromTokenList} tokens (${result.tokenMetadata.fromExport} from the tokens export, ${result.tokenMetadata.fromTokenList} from the token list)` : ''}` +
      `${result.rejected ? `; ${result.rejected} rows rejected (see ${result.rejectsPath})` : ''}.\n`,
  );
}

/**
 * Runs `chaintrail import bitcoin-etl <blocks> <transactions>` (its options and help: src/cli/commands/import.ts).
 */
export async function runImportBitcoinEtl(
  ctx: CliContext,
  blocksPath: string,
  transactionsPath: string,
  options: ImportOptions,
): Promise<void> {
  const result = await importWithProgress(ctx, options, (store, onProgress) =>
    importBitcoinEtl({
      store,
      blocksPath,
      transactionsPath,
      chain: options.chain,
      skipInvalid: options.skipInvalid,
      rejectsPath: options.rejects,
      onProgress,
    }),
  );
  if (options.json) return printJson(result);
  ctx.stdout.write(
    `Imported ${result.blocks} blocks and ${result.transactions} transactions of ${result.chain}: ` +
      `${result.transfersWritten} new transfers (${result.transfersDuplicate} already stored), ${result.eventsWritten} new events` +
      `${result.inputsFromStore ? `; ${result.inputsFromStore} inputs valued from outputs already stored` : ''}` +
      `${result.rejected ? `; ${result.rejected} rows rejected (see ${result.rejectsPath})` : ''}.\n`,
  );
}

/**
 * Runs `chaintrail import transfers <files...>` (its options and help: src/cli/commands/import.ts).
 */
export async function runImportTransfers(
  ctx: CliContext,
  files: string[],
  options: ImportTransfersOptions,
): Promise<void> {
  const map = parseColumnMap(options.map);
  if (options.asset === undefined && map.amount && /usd|eur|fiat|value_in/i.test(map.amount)) {
    ctx.stderr.write(
      `warning: amounts in column "${map.amount}" are read as the chain's native coin; pass --asset USD (or the right unit) if they are a fiat valuation\n`,
    );
  }
  const started = performance.now();
  const result = await importWithProgress(ctx, options, (store, onProgress) =>
    importTransfersCsv({
      store,
      files,
      map,
      chain: options.chain,
      asset: options.asset,
      decimals: options.decimals,
      skipInvalid: options.skipInvalid,
      rejectsPath: options.rejects,
      onProgress,
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (options.json) return printJson({ ...result, seconds: Number(seconds.toFixed(3)) });
  ctx.stdout.write(
    `Imported ${result.rows} rows from ${result.files.length} file(s) in ${seconds.toFixed(1)} s ` +
      `(${Math.round(result.rows / Math.max(seconds, 0.001)).toLocaleString('en-US')} rows/s): ` +
      `${result.written} ${result.duplicatesCounted ? `new transfers, ${result.duplicates} duplicates skipped` : `transfers (${DUPLICATES_NOT_COUNTED})`}` +
      `${result.rejected ? `, ${result.rejected} rejected (see ${result.rejectsPath})` : ''}.\n` +
      (result.rounded > 0
        ? `${result.rounded} amounts had more decimal places than --decimals ${options.decimals ?? 18} and were rounded (half to even): they are values, not token units.\n`
        : ''),
  );
}

/**
 * Runs `chaintrail import prices <file>` (its options and help: src/cli/commands/import.ts).
 */
export async function runImportPrices(
  ctx: CliContext,
  file: string,
  options: ImportPricesOptions,
): Promise<void> {
  const map = options.map === undefined ? undefined : parsePriceColumnMap(options.map);
  const result = await importWithProgress(ctx, options, (store, onProgress) =>
    importPricesCsv({
      store,
      file,
      chain: options.chain,
      asset: options.asset,
      source: options.source,
      map,
      skipInvalid: options.skipInvalid,
      rejectsPath: options.rejects,
      onProgress,
    }),
  );
  if (options.json) return printJson(result);
  ctx.stdout.write(describePriceImport(result));
}

/** What a prices import stored, in words: days, range, source, gaps. */
function describePriceImport(r: ImportPricesCsvReturnType): string {
  const file = path.relative(process.cwd(), r.file) || r.file;
  const lines = [
    `Imported ${r.days.toLocaleString('en-US')} daily USD prices of ${r.chain} ${r.asset} from ${file}` +
      (r.firstDay ? `: ${r.firstDay} to ${r.lastDay}` : '') +
      (r.replaced
        ? `, ${r.replaced.toLocaleString('en-US')} of them replacing prices stored before`
        : '') +
      (r.rejected ? `; ${r.rejected} rows rejected (see ${r.rejectsPath})` : '') +
      '.',
    `Source: ${r.source} (columns ${r.columns.date} and ${r.columns.usd}).`,
  ];
  if (r.gaps.length === 0) lines.push('No gaps: a price for every day in the range.');
  else {
    const missing = r.gaps.reduce((sum, g) => sum + g.missingDays, 0);
    const unpriced = r.gaps.reduce((sum, g) => sum + g.unpricedDays, 0);
    lines.push(
      `${r.gaps.length} ${r.gaps.length === 1 ? 'gap' : 'gaps'}, ${missing} ${missing === 1 ? 'day' : 'days'} without a price` +
        (unpriced
          ? ` (a day takes the price of one up to ${MAX_PRICE_GAP_DAYS} days before: transfers on ${unpriced} of them stay unpriced)`
          : ` (each within ${MAX_PRICE_GAP_DAYS} days of a price, which stands for it)`) +
        ':',
      ...r.gaps
        .slice(0, GAPS_LISTED)
        .map((g) => `  after ${g.after}, before ${g.before}: ${g.missingDays} days missing`),
      ...(r.gaps.length > GAPS_LISTED ? [`  … and ${r.gaps.length - GAPS_LISTED} more`] : []),
    );
  }
  return `${lines.join('\n')}\n`;
}
