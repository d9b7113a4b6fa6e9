import type { Command } from 'commander';
import { DEFAULT_PRICE_COLUMNS } from '../../ingest/price-columns.ts';
import { TRANSFER_FIELDS } from '../../ingest/transfer-fields.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';

export type ImportOptions = GlobalOptions & {
  skipInvalid?: boolean;
  rejects?: string;
  chain?: string;
};
export type ImportTransfersOptions = ImportOptions & {
  map: string;
  asset?: string;
  decimals?: number;
};
export type ImportPricesOptions = ImportOptions & {
  chain: string;
  asset: string;
  source?: string;
  map?: string;
};

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
    const { runImportEtl } = await import('../run/import.ts');
    await runImportEtl(ctx, paths, options);
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
    const { runImportBitcoinEtl } = await import('../run/import.ts');
    await runImportBitcoinEtl(ctx, blocksPath, transactionsPath, options);
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
  ).action(async (files: string[], options: ImportTransfersOptions) => {
    const { runImportTransfers } = await import('../run/import.ts');
    await runImportTransfers(ctx, files, options);
  });

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
  ).action(async (file: string, options: ImportPricesOptions) => {
    const { runImportPrices } = await import('../run/import.ts');
    await runImportPrices(ctx, file, options);
  });
}
