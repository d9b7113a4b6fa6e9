import path from 'node:path';
import type { Command } from 'commander';
import { importBitcoinEtl } from '../../chains/bitcoin/import-bitcoin-etl.ts';
import { importEtl } from '../../ingest/etl/import-etl.ts';
import {
  DEFAULT_PRICE_COLUMNS,
  importPricesCsv,
  type ImportPricesCsvReturnType,
  parsePriceColumnMap,
} from '../../ingest/prices-csv.ts';
import { MAX_PRICE_GAP_DAYS } from '../../model/price.ts';
import { importTransfersCsv, parseColumnMap, TRANSFER_FIELDS } from '../../ingest/transfers-csv.ts';
import { type CliContext, type GlobalOptions, shippedTokenList, withStore } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';
import { printJson } from '../output.ts';
import { createImportProgress } from '../progress.ts';

type ImportOptions = GlobalOptions & { skipInvalid?: boolean; rejects?: string; chain?: string };

/** Gaps listed one by one in the text output; the rest are counted. */
const GAPS_LISTED = 10;

/**
 * `chaintrail import etl|bitcoin-etl|transfers|prices`: file imports into the store, each one atomic.
 *
 * @example
 * chaintrail import transfers HB.csv --map from=From,to=To,amount=Value_in_USD,time=Timestamp,tx=Tx_hash,block=Block --asset USD
 * chaintrail import prices eth-usd-max.csv --chain ethereum --asset native
 */
export function registerImportCommand(program: Command, ctx: CliContext): void {
  const importCmd = program.command('import').description('import transfers and events from files');

  withGlobalOptions(
    importCmd
      .command('etl')
      .description(
        'import ethereum-etl exports (blocks, transactions, receipts, logs, token_transfers, traces, tokens; CSV or JSON lines)',
      )
      .argument('<paths...>', 'export directories or files')
      .option('--chain <chain>', 'EVM chain of the export', 'ethereum')
      .option('--skip-invalid', 'import valid rows and write rejected ones to the rejects file')
      .option('--rejects <file>', 'rejects file for --skip-invalid', 'chaintrail-rejects.csv'),
  ).action(async (paths: string[], options: ImportOptions) => {
    const progress = createImportProgress({
      stream: ctx.stderr as NodeJS.WriteStream,
      env: ctx.env,
    });
    const result = await withStore(ctx, options, (store) =>
      importEtl({
        store,
        paths,
        chain: options.chain,
        tokenList: shippedTokenList(ctx),
        skipInvalid: options.skipInvalid,
        rejectsPath: options.rejects,
        onProgress: progress.update,
        onWarning: (message) => ctx.stderr.write(`warning: ${message}\n`),
      }).finally(() => progress.stop()),
    );
    if (options.json) return printJson(result);
    ctx.stdout.write(
      `Imported ${result.files.length} file(s), ${result.rows} rows: ${result.transfersWritten} new transfers ` +
        `(${result.fees} gas fee transfers among the rows read; ${result.transfersDuplicate} duplicates skipped), ${result.eventsWritten} new events, ${result.blocks} blocks` +
        `${result.tokenMetadata.fromExport + result.tokenMetadata.fromTokenList ? `, symbol and decimals for ${result.tokenMetadata.fromExport + result.tokenMetadata.fromTokenList} tokens (${result.tokenMetadata.fromExport} from the tokens export, ${result.tokenMetadata.fromTokenList} from the token list)` : ''}` +
        `${result.rejected ? `; ${result.rejected} rows rejected (see ${result.rejectsPath})` : ''}.\n`,
    );
  });

  withGlobalOptions(
    importCmd
      .command('bitcoin-etl')
      .description(
        "import bitcoin-etl's JSON-lines exports (blocks and transactions with nested inputs and outputs): the same transfers as a sync of those blocks",
      )
      .argument('<blocks>', 'blocks export (blocks.json)')
      .argument(
        '<transactions>',
        'transactions export (transactions.json; inputs valued: enrich_transactions)',
      )
      .option('--chain <chain>', 'Bitcoin chain of the export', 'bitcoin')
      .option('--skip-invalid', 'import valid rows and write rejected ones to the rejects file')
      .option('--rejects <file>', 'rejects file for --skip-invalid', 'chaintrail-rejects.csv'),
  ).action(async (blocksPath: string, transactionsPath: string, options: ImportOptions) => {
    const progress = createImportProgress({
      stream: ctx.stderr as NodeJS.WriteStream,
      env: ctx.env,
    });
    const result = await withStore(ctx, options, (store) =>
      importBitcoinEtl({
        store,
        blocksPath,
        transactionsPath,
        chain: options.chain,
        skipInvalid: options.skipInvalid,
        rejectsPath: options.rejects,
        onProgress: progress.update,
      }).finally(() => progress.stop()),
    );
    if (options.json) return printJson(result);
    ctx.stdout.write(
      `Imported ${result.blocks} blocks and ${result.transactions} transactions of ${result.chain}: ` +
        `${result.transfersWritten} new transfers (${result.transfersDuplicate} already stored), ${result.eventsWritten} new events` +
        `${result.inputsFromStore ? `; ${result.inputsFromStore} inputs valued from outputs already stored` : ''}` +
        `${result.rejected ? `; ${result.rejected} rows rejected (see ${result.rejectsPath})` : ''}.\n`,
    );
  });

  withGlobalOptions(
    importCmd
      .command('transfers')
      .description('import any transfers CSV by column mapping')
      .argument('<files...>', 'CSV files with a header row')
      .requiredOption(
        '--map <fields>',
        `field=Column pairs; fields: ${TRANSFER_FIELDS.join(', ')} (amount in whole units, raw_amount in raw units)`,
      )
      .option('--chain <chain>', 'chain of every row', 'ethereum')
      .option(
        '--asset <asset>',
        'asset when the file has no asset column: native, a token contract, or a unit of value such as USD (amounts are values at transfer time, rounded to --decimals; the trace treats them as values, not coins)',
      )
      .option(
        '--decimals <n>',
        'decimals of the asset, to turn whole-unit amounts into raw units (a unit such as USD: default 18)',
        parseNonNegativeInt,
      )
      .option('--skip-invalid', 'import valid rows and write rejected ones to the rejects file')
      .option('--rejects <file>', 'rejects file for --skip-invalid', 'chaintrail-rejects.csv'),
  ).action(
    async (
      files: string[],
      options: ImportOptions & { map: string; asset?: string; decimals?: number },
    ) => {
      const map = parseColumnMap(options.map);
      if (options.asset === undefined && map.amount && /usd|eur|fiat|value_in/i.test(map.amount)) {
        ctx.stderr.write(
          `warning: amounts in column "${map.amount}" are read as the chain's native coin; pass --asset USD (or the right unit) if they are a fiat valuation\n`,
        );
      }
      const progress = createImportProgress({
        stream: ctx.stderr as NodeJS.WriteStream,
        env: ctx.env,
      });
      const started = performance.now();
      const result = await withStore(ctx, options, (store) =>
        importTransfersCsv({
          store,
          files,
          map,
          chain: options.chain,
          asset: options.asset,
          decimals: options.decimals,
          skipInvalid: options.skipInvalid,
          rejectsPath: options.rejects,
          onProgress: progress.update,
        }).finally(() => progress.stop()),
      );
      const seconds = (performance.now() - started) / 1000;
      if (options.json) return printJson({ ...result, seconds: Number(seconds.toFixed(3)) });
      ctx.stdout.write(
        `Imported ${result.rows} rows from ${result.files.length} file(s) in ${seconds.toFixed(1)} s ` +
          `(${Math.round(result.rows / Math.max(seconds, 0.001)).toLocaleString('en-US')} rows/s): ` +
          `${result.written} new transfers, ${result.duplicates} duplicates skipped` +
          `${result.rejected ? `, ${result.rejected} rejected (see ${result.rejectsPath})` : ''}.\n` +
          (result.rounded > 0
            ? `${result.rounded} amounts had more decimal places than --decimals ${options.decimals ?? 18} and were rounded (half to even): they are values, not token units.\n`
            : ''),
      );
    },
  );

  withGlobalOptions(
    importCmd
      .command('prices')
      .description(
        "import daily USD prices of one asset from a CSV with a date and a price column (CoinGecko's historical data export as it is); a day imported again is replaced",
      )
      .argument('<file>', 'CSV file with a header row')
      .requiredOption('--chain <chain>', 'chain of the asset')
      .requiredOption('--asset <asset>', 'native, or a token contract on --chain')
      .option(
        '--source <text>',
        'where the prices come from, stored with each (default: the file name and the first 12 hex digits of its SHA-256)',
      )
      .option(
        '--map <fields>',
        `date=Column,usd=Column when the header has none of ${DEFAULT_PRICE_COLUMNS.date.join('/')} (ISO dates or times, Unix seconds) and ${DEFAULT_PRICE_COLUMNS.usd.join('/')} (USD per whole unit)`,
      )
      .option('--skip-invalid', 'import valid rows and write rejected ones to the rejects file')
      .option('--rejects <file>', 'rejects file for --skip-invalid', 'chaintrail-rejects.csv'),
  ).action(
    async (
      file: string,
      options: ImportOptions & { chain: string; asset: string; source?: string; map?: string },
    ) => {
      const map = options.map === undefined ? undefined : parsePriceColumnMap(options.map);
      const progress = createImportProgress({
        stream: ctx.stderr as NodeJS.WriteStream,
        env: ctx.env,
      });
      const result = await withStore(ctx, options, (store) =>
        importPricesCsv({
          store,
          file,
          chain: options.chain,
          asset: options.asset,
          source: options.source,
          map,
          skipInvalid: options.skipInvalid,
          rejectsPath: options.rejects,
          onProgress: progress.update,
        }).finally(() => progress.stop()),
      );
      if (options.json) return printJson(result);
      ctx.stdout.write(describePriceImport(result));
    },
  );
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
