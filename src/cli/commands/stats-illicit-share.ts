import { type Command, InvalidArgumentError } from 'commander';
import {
  ILLICIT_SHARE_GROUPINGS,
  type IllicitShareGrouping,
} from '../../stats/illicit-share-groupings.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { withGlobalOptions } from '../options.ts';

export type IllicitShareOptions = GlobalOptions & {
  asset?: string;
  chain?: string;
  by: IllicitShareGrouping;
};

function parseGrouping(value: string): IllicitShareGrouping {
  if (!(ILLICIT_SHARE_GROUPINGS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${ILLICIT_SHARE_GROUPINGS.join(', ')}`);
  return value as IllicitShareGrouping;
}

/**
 * `chaintrail stats illicit-share`: share of transfer volume sent to or from addresses labelled
 * illicit, per chain and asset (and month, category or actor), and per symbol across the chains
 * shown, printed with the definitions of its numerator and denominator, the label imports behind it
 * and the block span stored per chain. `--json` prints the same as an object.
 *
 * @example
 * chaintrail stats illicit-share --asset USDT,USDC --chain ethereum,tron --by month --json
 */
export function registerIllicitShareCommand(stats: Command, ctx: CliContext): void {
  withGlobalOptions(
    stats
      .command('illicit-share')
      .description('share of transfer volume sent to or from addresses labelled illicit')
      .option(
        '--asset <assets>',
        'comma-separated symbols, token contracts, native, or chain:asset',
      )
      .option('--chain <chains>', 'comma-separated chains (default: all)')
      .option(
        '--by <grouping>',
        `rows per ${ILLICIT_SHARE_GROUPINGS.join(' | ')}`,
        parseGrouping,
        'chain',
      ),
  ).action(async (_options: unknown, command: Command) => {
    // `stats` has --db and --json too and takes them wherever they stand: merge both levels.
    const options = command.optsWithGlobals<IllicitShareOptions>();
    const { runIllicitShare } = await import('../run/stats-illicit-share.ts');
    await runIllicitShare(ctx, options);
  });
}
