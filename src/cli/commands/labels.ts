import { type Command, InvalidArgumentError } from 'commander';
import { LABEL_FIELDS } from '../../labels/import/label-fields.ts';
import { LABEL_IMPORT_FORMATS } from '../../labels/label-formats.ts';
import { CATEGORIES, CONFIDENCE, parseConfidence } from '../../labels/taxonomy.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { withGlobalOptions } from '../options.ts';
import { registerLabelsInferDepositsCommand } from './labels-infer-deposits.ts';
import { registerLabelsRemoveImportCommand } from './labels-remove-import.ts';

export type LabelImportCliOptions = GlobalOptions & {
  chain?: string;
  category?: string;
  entity?: string;
  actor?: string;
  source?: string;
  confidence?: number;
  listDate?: string;
  map?: string;
};

export type LabelsExportOptions = GlobalOptions & {
  out?: string;
  chain?: string;
  category?: string;
  title?: string;
};

const FORMAT_HELP: Record<string, string> = {
  'ofac-xml': "OFAC's official sdn_advanced.xml (or .xml.bz2): the complete SDN list",
  'ofac-csv': "OFAC's legacy SDN.CSV (incomplete: its Remarks are truncated)",
  'ofac-lists':
    'a folder of sanctioned_addresses_<ASSET>.txt lists (0xB10C/brave extraction); needs --list-date',
  csv: 'any CSV list with a header row, by --map field=column',
  json: 'any JSON list (array of objects, or JSON lines), by --map field=key',
};

const parseConfidenceOption = (value: string): number => {
  try {
    return parseConfidence(value, '--confidence');
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
};

/**
 * `chaintrail labels import|update|show|imports`: label lists in, labels of an address and the import
 * log out.
 *
 * @example
 * chaintrail labels import ofac-xml sdn_advanced.xml.bz2
 * chaintrail labels import csv exchanges.csv --map address=addr,entity=name --chain ethereum --category exchange
 * chaintrail labels show 0x098B716B8Aaf21512996dC57EB0615e2383E2f96
 */
export function registerLabelsCommand(program: Command, ctx: CliContext): void {
  const labels = program
    .command('labels')
    .description('import label lists (OFAC, CSV, JSON), show the labels of an address');

  withGlobalOptions(
    labels
      .command('import')
      .description('import a label list in one atomic write (a file imported before is skipped)')
      .argument('<format>', `list format: ${LABEL_IMPORT_FORMATS.join(', ')}`)
      .argument('<path>', 'the list file (a folder for ofac-lists)')
      .option(
        '--map <fields>',
        `csv/json: field=column pairs; fields: ${LABEL_FIELDS.join(', ')} (a column named like a field needs no mapping)`,
      )
      .option('--chain <chain>', 'chain of every address without a chain column')
      .option('--category <category>', 'category of every label without a category column')
      .option('--entity <name>', 'entity of every label without an entity column')
      .option('--actor <actor>', 'actor of every label without an actor column')
      .option('--source <url>', "where the list comes from (default: the file's name)")
      .option(
        '--confidence <n>',
        `0-100 or a level name (${Object.keys(CONFIDENCE).join(', ')})`,
        parseConfidenceOption,
      )
      .option('--list-date <date>', "the list's publication date, YYYY-MM-DD")
      .addHelpText(
        'after',
        `\nFormats:\n${Object.entries(FORMAT_HELP)
          .map(([k, v]) => `  ${k.padEnd(11)} ${v}`)
          .join('\n')}\n\nCategories: ${Object.keys(CATEGORIES).join(', ')}\n`,
      ),
  ).action(async (format: string, target: string, options: LabelImportCliOptions) => {
    const { runLabelsImport } = await import('../run/labels.ts');
    await runLabelsImport(ctx, format, target, options);
  });

  withGlobalOptions(
    labels
      .command('update')
      .description(
        'import a newer official OFAC sdn_advanced.xml (.bz2) and say which labels it added and closed',
      )
      .argument('<path>', 'sdn_advanced.xml or sdn_advanced.xml.bz2'),
  ).action(async (target: string, options: GlobalOptions) => {
    const { runLabelsUpdate } = await import('../run/labels.ts');
    await runLabelsUpdate(ctx, target, options);
  });

  withGlobalOptions(
    labels
      .command('show')
      .description('every label of an address, closed ones included, with validity')
      .argument('<address>', 'address in any accepted form (EVM: lowercase or EIP-55)')
      .option('--chain <chain>', 'only this chain (default: every chain the address fits)'),
  ).action(async (input: string, options: GlobalOptions & { chain?: string }) => {
    const { runLabelsShow } = await import('../run/labels.ts');
    await runLabelsShow(ctx, input, options);
  });

  withGlobalOptions(
    labels
      .command('export')
      .description('write labels as a GraphSense TagPack (YAML), closed ones included')
      .argument('<format>', 'tagpack (the only export format)')
      .option('--out <file>', 'write to this file (default: stdout)')
      .option('--chain <chain>', 'only labels of this chain')
      .option('--category <category>', 'only labels of this category')
      .option('--title <title>', "the pack's title"),
  ).action(async (format: string, options: LabelsExportOptions) => {
    const { runLabelsExport } = await import('../run/labels.ts');
    await runLabelsExport(ctx, format, options);
  });

  withGlobalOptions(
    labels.command('imports').description('the label import log: lists, dates, counts, hashes'),
  ).action(async (options: GlobalOptions) => {
    const { runLabelsImports } = await import('../run/labels.ts');
    await runLabelsImports(ctx, options);
  });

  registerLabelsRemoveImportCommand(labels, ctx);
  registerLabelsInferDepositsCommand(labels, ctx);
}
