import type { InferredDeposit } from '../../trace/infer-deposits.ts';
import { labelInferredDeposits } from '../../trace/label-inferred-deposits.ts';
import type { InferDepositsOptions } from '../commands/labels-infer-deposits.ts';
import type { CliContext } from '../context.ts';
import { formatTable, printJson } from '../output.ts';
import { withStore } from '../with-store.ts';

/** Inferred addresses listed before the rest is summed up (`--json` lists all). */
const LIST_LIMIT = 50;

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
 * Runs `chaintrail labels infer-deposits` (its options and help:
 * src/cli/commands/labels-infer-deposits.ts).
 *
 * @example
 * await runLabelsInferDeposits(ctx, { dryRun: true });
 */
export async function runLabelsInferDeposits(
  ctx: CliContext,
  options: InferDepositsOptions,
): Promise<void> {
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
}
