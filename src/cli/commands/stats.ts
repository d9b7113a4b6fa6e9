import type { Command } from 'commander';
import type { CliContext, GlobalOptions } from '../context.ts';
import { withGlobalOptions } from '../options.ts';
import { registerIllicitShareCommand } from './stats-illicit-share.ts';

/**
 * `chaintrail stats`: counts and sums per chain / asset / kind, block and time ranges.
 * `--json` prints `{ chains, assets: [{ chain, asset, kind, transfers, amount }], events, labels }`
 * with `amount` a decimal string of raw units.
 *
 * @example
 * chaintrail stats --json
 */
export function registerStatsCommand(program: Command, ctx: CliContext): void {
  const stats = withGlobalOptions(
    program.command('stats').description('counts and sums per chain, asset and kind'),
  ).action(async (options: GlobalOptions) => {
    const { runStats } = await import('../run/stats.ts');
    await runStats(ctx, options);
  });
  registerIllicitShareCommand(stats, ctx);
}
