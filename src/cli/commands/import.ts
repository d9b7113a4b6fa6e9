import type { Command } from 'commander';
import { importEtl } from '../../ingest/etl/import-etl.ts';
import { importTransfersCsv, parseColumnMap, TRANSFER_FIELDS } from '../../ingest/transfers-csv.ts';
import { type CliContext, type GlobalOptions, shippedTokenList, withStore } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';
import { printJson } from '../output.ts';
import { createImportProgress } from '../progress.ts';

type ImportOptions = GlobalOptions & { skipInvalid?: boolean; rejects?: string; chain?: string };

/**
 * `chaintrail import etl|transfers`: file imports into the store, each one atomic.
 *
 * @example
 * chaintrail import transfers HB.csv --map from=From,to=To,amount=Value_in_USD,time=Timestamp,tx=Tx_hash,block=Block --asset USD
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
}
