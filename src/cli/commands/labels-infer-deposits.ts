import { type Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_MAX_SWEEP_DELAY_SECONDS,
  DEFAULT_MIN_SWEPT_SHARE,
  DEFAULT_VALUE_DRIFT,
  type InferredDeposit,
} from '../../trace/infer-deposits.ts';
import { labelInferredDeposits } from '../../trace/label-inferred-deposits.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';
import { formatTable, printJson } from '../output.ts';

/** Inferred addresses listed before the rest is summed up (`--json` lists all). */
const LIST_LIMIT = 50;

type InferDepositsOptions = GlobalOptions & {
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

function rows(deposits: readonly InferredDeposit[]): string[][] {
  return deposits.map((d) => [
    d.address,
    d.entity ?? '(unnamed exchange)',
    d.exchangeAddress,
    String(d.senders),
    `${(d.sweptShare * 100).toFixed(1)}%`,
    d.sweeps[0]!.txHash,
    String(d.confidence),
  ]);
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
    const result = await withStore(ctx, options, (store) =>
      labelInferredDeposits({
        store,
        maxSweepDelaySeconds: options.maxSweepDelay,
        minSweptShare: options.minSweptShare,
        valueDrift: options.valueDrift,
        dryRun: options.dryRun,
      }),
    );
    if (options.json) return printJson(result);
    const { deposits } = result;
    const out = [
      `Inferred ${deposits.length} exchange deposit address${deposits.length === 1 ? '' : 'es'}` +
        (options.dryRun
          ? ' (dry run: nothing stored).'
          : result.importId === null
            ? ': the stored inference is unchanged.'
            : `: label import #${result.importId}, ${result.written} label${result.written === 1 ? '' : 's'} added, ${result.closed} earlier inference${result.closed === 1 ? '' : 's'} closed.`),
    ];
    if (deposits.length > 0)
      out.push(
        '',
        formatTable(
          [
            'deposit address',
            'exchange',
            'swept to',
            'senders',
            'swept',
            'largest sweep',
            'confidence',
          ],
          rows(deposits.slice(0, LIST_LIMIT)),
        ),
      );
    if (deposits.length > LIST_LIMIT)
      out.push(`… and ${deposits.length - LIST_LIMIT} more (--json lists all)`);
    ctx.stdout.write(`${out.join('\n')}\n`);
  });
}
