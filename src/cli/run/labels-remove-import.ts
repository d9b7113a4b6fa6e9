import { NotFoundError, UserError } from '../../errors/base.ts';
import type { LabelImport } from '../../store/store.ts';
import type { RemoveImportOptions } from '../commands/labels-remove-import.ts';
import type { CliContext } from '../context.ts';
import { printJson } from '../output.ts';
import { withStore } from '../with-store.ts';

const describe = (i: LabelImport): string =>
  `#${i.id} ${i.format}${i.listName ? ` "${i.listName}"` : ''}${i.listDate ? ` of ${i.listDate}` : ''} (${i.labels.toLocaleString('en-US')} labels, imported ${i.importedAt}, from ${i.source})`;

/**
 * Runs `chaintrail labels remove-import <id>` (its options and help:
 * src/cli/commands/labels-remove-import.ts).
 *
 * @example
 * await runLabelsRemoveImport(ctx, 7, { yes: true });
 */
export async function runLabelsRemoveImport(
  ctx: CliContext,
  id: number,
  options: RemoveImportOptions,
): Promise<void> {
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
}
