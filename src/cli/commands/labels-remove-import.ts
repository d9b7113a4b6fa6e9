import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext, GlobalOptions } from '../context.ts';
import { withGlobalOptions } from '../options.ts';

export type RemoveImportOptions = GlobalOptions & { yes?: boolean };

function parseImportId(value: string): number {
  const n = Number(value);
  if (!/^\d{1,15}$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected an import id (a whole number; see `labels imports`)');
  return n;
}

/**
 * `chaintrail labels remove-import <id> --yes`: the operator's way to take a label list out of the
 * database entirely (a wrong list, or a public TagPack uploaded before uploads became private, which
 * no API route can retire). Its labels are deleted, not closed: a closed label still counts for the
 * days it was open, and a forged one never held. Written to the audit log as the CLI's action.
 *
 * @example
 * chaintrail labels imports
 * chaintrail labels remove-import 7 --yes
 */
export function registerLabelsRemoveImportCommand(labels: Command, ctx: CliContext): void {
  withGlobalOptions(
    labels
      .command('remove-import')
      .description(
        'delete a label import and every label it added (see `labels imports`); needs --yes',
      )
      .argument('<id>', 'the import id', parseImportId)
      .option('--yes', 'really delete it (without it, nothing is changed)'),
  ).action(async (id: number, options: RemoveImportOptions) => {
    const { runLabelsRemoveImport } = await import('../run/labels-remove-import.ts');
    await runLabelsRemoveImport(ctx, id, options);
  });
}
