import { type Command, InvalidArgumentError } from 'commander';
import { NotFoundError, UserError } from '../../errors/base.ts';
import type { LabelImport } from '../../store/store.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { withGlobalOptions } from '../options.ts';
import { printJson } from '../output.ts';

type RemoveImportOptions = GlobalOptions & { yes?: boolean };

function parseImportId(value: string): number {
  const n = Number(value);
  if (!/^\d{1,15}$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected an import id (a whole number; see `labels imports`)');
  return n;
}

const describe = (i: LabelImport): string =>
  `#${i.id} ${i.format}${i.listName ? ` "${i.listName}"` : ''}${i.listDate ? ` of ${i.listDate}` : ''} (${i.labels.toLocaleString('en-US')} labels, imported ${i.importedAt}, from ${i.source})`;

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
    await withStore(ctx, options, async (store) => {
      const found = (await store.listLabelImports()).find((i) => i.id === id);
      if (!found)
        throw new NotFoundError(`No label import #${id}`, {
          code: 'NOT_FOUND',
          details: 'List the imports with `chaintrail labels imports`.',
        });
      if (!options.yes)
        throw new UserError(`Would delete label import ${describe(found)}: add --yes to do it`, {
          code: 'BAD_USAGE',
        });
      const summary = await store.write((w) => w.removeLabelImport(id));
      await store.appendAudit([
        {
          actor: 'cli',
          org: null,
          action: 'labels.remove-import',
          target: String(id),
          detail: {
            format: found.format,
            listName: found.listName,
            sha256: found.sha256,
            labelsRemoved: summary.labelsRemoved,
          },
        },
      ]);
      if (options.json) return printJson({ id, labelsRemoved: summary.labelsRemoved });
      ctx.stdout.write(
        `Deleted label import ${describe(found)}: ${summary.labelsRemoved.toLocaleString('en-US')} labels removed.\n`,
      );
    });
  });
}
