import path from 'node:path';
import type { Command } from 'commander';
import { importEtl } from '../../ingest/etl/import-etl.ts';
import { formatAddress } from '../../model/address.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { withGlobalOptions } from '../options.ts';
import { printJson } from '../output.ts';
import { packageRoot } from '../paths.ts';
import { createImportProgress } from '../progress.ts';
import { renderStats } from './stats.ts';

/**
 * The bundled real sample: ethereum-etl's export of mainnet blocks 17173049-17173050 (May 2023:
 * WETH, USDT and Uniswap activity), MIT-licensed, see test/fixtures/ethereum-etl/PROVENANCE.md.
 */
export function demoSampleDir(): string {
  return path.join(
    packageRoot(),
    'test/fixtures/ethereum-etl/test_stream/blocks_17173049_17173050',
  );
}

/**
 * `chaintrail demo`: imports the bundled real sample into the database and prints its stats.
 * Running it again adds nothing (imports are idempotent).
 *
 * @example
 * chaintrail demo --db /tmp/demo.duckdb
 */
export function registerDemoCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('demo')
      .description('import the bundled real mainnet sample and show what was stored'),
  ).action(async (options: GlobalOptions) => {
    const progress = createImportProgress({
      stream: ctx.stderr as NodeJS.WriteStream,
      env: ctx.env,
    });
    const { result, stats, busiest } = await withStore(ctx, options, async (store) => {
      const result = await importEtl({
        store,
        paths: [demoSampleDir()],
        chain: 'ethereum',
        onProgress: progress.update,
        onWarning: (m) => ctx.logger.info({ warning: m }, 'demo import warning'),
      }).finally(() => progress.stop());
      // The sample is small: find its busiest address to suggest as the next step.
      const counts = new Map<string, number>();
      for (const t of await store.listTransfers({
        chain: 'ethereum',
        fromBlock: 17173049n,
        toBlock: 17173050n,
      })) {
        for (const a of [t.from, t.to]) if (a) counts.set(a, (counts.get(a) ?? 0) + 1);
      }
      const busiest =
        [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
      return { result, stats: await store.getStats(), busiest };
    });
    if (options.json) return printJson({ import: result, stats });
    ctx.stdout.write(
      `chaintrail demo: imported ethereum-etl's real export of mainnet blocks 17173049-17173050 into ${options.db ?? ctx.env.CHAINTRAIL_DB ?? './chaintrail.duckdb'}\n` +
        `${result.rows} rows read: ${result.transfersWritten} new transfers (${result.transfersDuplicate} duplicates skipped: token transfers come from both logs and token_transfers), ${result.eventsWritten} new events.\n\n` +
        renderStats(stats, { topAssets: 10 }) +
        (busiest
          ? `\nNext: chaintrail address ${formatAddress('ethereum', busiest)}${options.db ? ` --db ${options.db}` : ''}   (the sample's busiest address)\n`
          : ''),
    );
  });
}
