import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { UserError } from '../../errors/base.ts';
import { getAddressCodec } from '../../model/address.ts';
import { getChain, listChains } from '../../model/chains.ts';
import {
  IMPORTERS,
  importLabels,
  type ImportLabelsReturnType,
} from '../../labels/import-labels.ts';
import { LABEL_FIELDS, parseLabelMap } from '../../labels/import/tabular.ts';
import { parseListDate } from '../../labels/import/list-date.ts';
import type { LabelImportOptions } from '../../labels/importer.ts';
import { exportTagpack } from '../../labels/export-tagpack.ts';
import { CATEGORIES, CONFIDENCE, parseCategory, parseConfidence } from '../../labels/taxonomy.ts';
import type { Label, LabelImport, Store } from '../../store/store.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { withGlobalOptions } from '../options.ts';
import { formatTable, groupDigits, printJson } from '../output.ts';
import { progressEnabled } from '../progress.ts';
import { registerLabelsInferDepositsCommand } from './labels-infer-deposits.ts';
import { registerLabelsRemoveImportCommand } from './labels-remove-import.ts';

/** How many added or closed labels `labels update` lists before summing up the rest. */
const UPDATE_LIST_LIMIT = 20;
const EVM_HEX = /^0x[0-9a-fA-F]{40}$/;
/** Redraws of the progress bar per second. */
const PROGRESS_FPS = 5;

type LabelImportCliOptions = GlobalOptions & {
  chain?: string;
  category?: string;
  entity?: string;
  actor?: string;
  source?: string;
  confidence?: number;
  listDate?: string;
  map?: string;
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

/** A byte progress bar on a terminal (or with CHAINTRAIL_PROGRESS=1); nothing otherwise. */
function createByteProgress(ctx: CliContext, file: string) {
  const stream = ctx.stderr as NodeJS.WriteStream;
  if (!progressEnabled(stream, ctx.env)) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 1000,
      format: '{bar} {percentage}% | {read} of {total_mb} MB | {file}',
      fps: PROGRESS_FPS,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let begun = false;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  return {
    update(bytesRead: number, totalBytes: number) {
      if (!begun) {
        bar.start(Math.max(1, totalBytes), 0, { read: '0.0', total_mb: mb(totalBytes), file });
        begun = true;
      }
      bar.update(bytesRead, { read: mb(bytesRead) });
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}

async function runImport(
  ctx: CliContext,
  store: Store,
  format: string,
  target: string,
  options: LabelImportOptions,
): Promise<ImportLabelsReturnType> {
  const progress = createByteProgress(ctx, path.basename(target));
  try {
    return await importLabels({
      store,
      format,
      path: target,
      options: { ...options, onProgress: progress.update },
    });
  } finally {
    progress.stop();
  }
}

function importSummary(r: ImportLabelsReturnType): string {
  const list = r.listName
    ? `${r.listName}${r.listDate ? ` of ${r.listDate}` : ''}`
    : `${r.format} list`;
  if (r.alreadyImported) {
    const when = r.previousImport?.importedAt.slice(0, 10) ?? '?';
    return `${list} (${r.source}) was already imported on ${when} (import ${r.previousImport?.id}): nothing to do.\n`;
  }
  const closed = r.closedDelisted
    ? `, ${groupDigits(String(r.labelsClosed))} closed (no longer listed)`
    : '';
  return (
    `Imported ${list} (${r.format}, ${r.source}): ${groupDigits(String(r.labelsRead))} labels read, ` +
    `${groupDigits(String(r.labelsWritten))} new, ${groupDigits(String(r.labelsDuplicate))} already known${closed}.\n`
  );
}

function validity(l: Label): string {
  if (!l.validFrom && !l.validTo) return 'open';
  return `${l.validFrom ?? '…'} to ${l.validTo ?? 'open'}`;
}

function labelRows(labels: readonly Label[]): string[][] {
  return labels.map((l) => [
    l.chain,
    l.address,
    l.category,
    l.entity ?? '',
    l.sanctionList
      ? `${l.sanctionList}${l.programs?.length ? ` ${l.programs.join(';')}` : ''}`
      : '',
    validity(l),
    l.confidence === null ? '' : String(l.confidence),
    l.source,
  ]);
}

const LABEL_HEADER = [
  'chain',
  'address',
  'category',
  'entity',
  'sanctions',
  'valid',
  'conf.',
  'source',
];

function importRows(imports: readonly LabelImport[]): string[][] {
  return imports.map((i) => [
    String(i.id),
    i.format,
    i.listName ?? '',
    i.listDate ?? '',
    groupDigits(String(i.labels)),
    groupDigits(String(i.closed)),
    i.importedAt.replace('T', ' ').replace('Z', ''),
    i.sha256 ? i.sha256.slice(0, 12) : '',
    i.source,
  ]);
}

function writeWarnings(ctx: CliContext, warnings: readonly string[]): void {
  for (const w of warnings) ctx.stderr.write(`warning: ${w}\n`);
}

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
      .argument('<format>', `list format: ${Object.keys(IMPORTERS).join(', ')}`)
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
    if (!(format in IMPORTERS))
      throw new UserError(`Unknown label format "${format}"`, {
        code: 'LABEL_UNKNOWN_FORMAT',
        details: `Formats: ${Object.keys(IMPORTERS).join(', ')}.`,
      });
    const importOptions: LabelImportOptions = {
      chain: options.chain,
      category: options.category,
      entity: options.entity,
      actor: options.actor,
      source: options.source,
      confidence: options.confidence,
      listDate: options.listDate === undefined ? undefined : parseListDate(options.listDate),
      map: options.map === undefined ? undefined : parseLabelMap(options.map),
    };
    const result = await withStore(ctx, options, (store) =>
      runImport(ctx, store, format, target, importOptions),
    );
    if (options.json) return printJson(result);
    writeWarnings(ctx, result.alreadyImported ? [] : result.warnings);
    ctx.stdout.write(importSummary(result));
  });

  withGlobalOptions(
    labels
      .command('update')
      .description(
        'import a newer official OFAC sdn_advanced.xml (.bz2) and say which labels it added and closed',
      )
      .argument('<path>', 'sdn_advanced.xml or sdn_advanced.xml.bz2'),
  ).action(async (target: string, options: GlobalOptions) => {
    const report = await withStore(ctx, options, async (store) => {
      const result = await runImport(ctx, store, 'ofac-xml', target, {});
      if (result.alreadyImported) return { result, added: [], closed: [] };
      const imports = await store.listLabelImports();
      const importId = imports.at(-1)!.id;
      const added = await store.listLabels({ importId });
      const closed = result.closedDelisted
        ? (await store.listLabels({ sanctionList: result.listName! })).filter(
            (l) => l.validTo === result.listDate && l.importId !== importId,
          )
        : [];
      return { result, added, closed };
    });
    if (options.json) return printJson(report);
    const { result, added, closed } = report;
    writeWarnings(ctx, result.alreadyImported ? [] : result.warnings);
    const out = [importSummary(result).trimEnd()];
    for (const [title, list] of [
      ['added', added],
      ['closed (delisted)', closed],
    ] as const) {
      if (list.length === 0) continue;
      out.push(
        '',
        `${title}:`,
        formatTable(LABEL_HEADER, labelRows(list.slice(0, UPDATE_LIST_LIMIT))),
      );
      if (list.length > UPDATE_LIST_LIMIT)
        out.push(
          `… and ${groupDigits(String(list.length - UPDATE_LIST_LIMIT))} more (--json lists all)`,
        );
    }
    ctx.stdout.write(`${out.join('\n')}\n`);
  });

  withGlobalOptions(
    labels
      .command('show')
      .description('every label of an address, closed ones included, with validity')
      .argument('<address>', 'address in any accepted form (EVM: lowercase or EIP-55)')
      .option('--chain <chain>', 'only this chain (default: every chain the address fits)'),
  ).action(async (input: string, options: GlobalOptions & { chain?: string }) => {
    const chains = options.chain === undefined ? listChains() : [getChain(options.chain)];
    // An EVM-looking input must pass EIP-55 (chains without a codec would take any text as given).
    if (EVM_HEX.test(input.trim()) && chains.some((c) => c.family === 'evm'))
      getAddressCodec(chains.find((c) => c.family === 'evm')!).normalize(input);
    const forms = new Set<string>();
    for (const chain of chains) {
      const codec = getAddressCodec(chain);
      if (codec.isValid(input)) forms.add(codec.normalize(input));
    }
    // With --chain, let the codec say why the address does not fit it.
    if (forms.size === 0) getAddressCodec(chains[0]!).normalize(input);
    const found = await withStore(ctx, options, async (store) => {
      const out: Label[] = [];
      for (const address of forms) {
        const labels = await store.listLabels({ address });
        out.push(...labels.filter((l) => chains.some((c) => c.key === l.chain)));
      }
      return out;
    });
    if (options.json) return printJson({ address: input, labels: found });
    if (found.length === 0) {
      ctx.stdout.write(`No labels for ${input}.\n`);
      return;
    }
    ctx.stdout.write(`${formatTable(LABEL_HEADER, labelRows(found))}\n`);
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
  ).action(
    async (
      format: string,
      options: GlobalOptions & { out?: string; chain?: string; category?: string; title?: string },
    ) => {
      if (format !== 'tagpack')
        throw new UserError(`Unknown export format "${format}" (known: tagpack)`, {
          code: 'BAD_USAGE',
        });
      const { yaml } = await withStore(ctx, options, (store) =>
        exportTagpack({
          store,
          title: options.title,
          filter: {
            ...(options.chain ? { chain: getChain(options.chain).key } : {}),
            ...(options.category ? { category: parseCategory(options.category) } : {}),
          },
        }),
      );
      if (!options.out) {
        ctx.stdout.write(yaml);
        return;
      }
      const temp = `${options.out}.${process.pid}.tmp`;
      fs.writeFileSync(temp, yaml);
      fs.renameSync(temp, options.out);
    },
  );

  withGlobalOptions(
    labels.command('imports').description('the label import log: lists, dates, counts, hashes'),
  ).action(async (options: GlobalOptions) => {
    const imports = await withStore(ctx, options, (store) => store.listLabelImports());
    if (options.json) return printJson(imports);
    if (imports.length === 0) {
      ctx.stdout.write(
        'No label lists imported yet. Import one with `chaintrail labels import`.\n',
      );
      return;
    }
    ctx.stdout.write(
      `${formatTable(
        [
          'id',
          'format',
          'list',
          'list date',
          'labels',
          'closed',
          'imported (UTC)',
          'sha256',
          'source',
        ],
        importRows(imports),
      )}\n`,
    );
  });

  registerLabelsRemoveImportCommand(labels, ctx);
  registerLabelsInferDepositsCommand(labels, ctx);
}
