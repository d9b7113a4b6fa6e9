import { type Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_MAX_SWEEP_DELAY_SECONDS,
  DEFAULT_MIN_SWEPT_SHARE,
  DEFAULT_VALUE_DRIFT,
} from '../../trace/infer-deposits.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';

export type InferDepositsOptions = GlobalOptions & {
  maxSweepDelay?: number;
  minSweptShare?: number;
  valueDrift?: number;
  dryRun?: boolean;
};

function parseShare(value: string): number {
  const n = Number(value);
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(value) || !(n >= 0 && n <= 1))
    throw new InvalidArgumentError('expected a share between 0 and 1, e.g. 0.95');
  return n;
}

/**
 * `chaintrail labels infer-deposits`: infers the exchange deposit addresses of the database's
 * transfers (unlabelled addresses that sweep what they receive into a labelled exchange address) and
 * stores them as labels marked inferred, with their evidence and confidence.
 *
 * @example
 * chaintrail labels infer-deposits --db case.duckdb
 * chaintrail labels infer-deposits --dry-run --json
 */
export function registerLabelsInferDepositsCommand(labels: Command, ctx: CliContext): void {
  withGlobalOptions(
    labels
      .command('infer-deposits')
      .description(
        'infer exchange deposit addresses (they sweep what they receive into a labelled exchange or hot wallet) and store them as inferred deposit_wallet labels; a rerun replaces the earlier inference',
      )
      .option(
        '--max-sweep-delay <seconds>',
        `longest a swept deposit may have waited (default ${DEFAULT_MAX_SWEEP_DELAY_SECONDS}: 3,200 blocks of 12 s, Victor 2020)`,
        parseNonNegativeInt,
      )
      .option(
        '--min-swept-share <share>',
        `share of what it sent and of its balance a sweep must take (default ${DEFAULT_MIN_SWEPT_SHARE})`,
        parseShare,
      )
      .option(
        '--value-drift <share>',
        `for amounts valued at transfer time (e.g. --asset USD imports): how far a sweep may differ from the balance (default ${DEFAULT_VALUE_DRIFT})`,
        parseShare,
      )
      .option('--dry-run', 'infer and list, store nothing')
      .addHelpText(
        'after',
        '\nThe labels are category deposit_wallet, entity the exchange, source "inferred deposit address (…): swept to <hot wallet> in <tx>", ' +
          'confidence 10-50 (GraphSense scale: 10 heuristic; more for batch sweeps, several senders, repeated sweeps). ' +
          'Screening shows them as inferred; they are never sanctions. A real label of an address always wins over an inference.\n',
      ),
  ).action(async (options: InferDepositsOptions) => {
    const { runLabelsInferDeposits } = await import('../run/labels-infer-deposits.ts');
    await runLabelsInferDeposits(ctx, options);
  });
}
