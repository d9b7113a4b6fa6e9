import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { UserError } from '../../errors/base.ts';
import { exportTagpack } from '../../labels/export-tagpack.ts';
import { parseListDate } from '../../labels/import/list-date.ts';
import { parseLabelMap } from '../../labels/import/tabular.ts';
import {
  IMPORTERS,
  importLabels,
  type ImportLabelsReturnType,
} from '../../labels/import-labels.ts';
import type { LabelImportOptions } from '../../labels/importer.ts';
import { parseCategory } from '../../labels/taxonomy.ts';
import { getAddressCodec } from '../../model/address.ts';
import { getChain, listChains } from '../../model/chains.ts';
import type { Label, LabelImport, Store } from '../../store/store.ts';
import type { LabelImportCliOptions, LabelsExportOptions } from '../commands/labels.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { formatTable, groupDigits, printJson } from '../output.ts';
import { progressEnabled } from '../progress.ts';
import { withStore } from '../with-store.ts';

/** How many added or closed labels `labels update` lists before summing up the rest. */
const UPDATE_LIST_LIMIT = 20;
const EVM_HEX = /^0x[0-9a-fA-F]{40}$/;
/** Redraws of the progress bar per second. */
const PROGRESS_FPS = 5;

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
 * Runs `chaintrail labels import <format> <path>` (its options and help: src/cli/commands/labels.ts).
 */
export async function runLabelsImport(
  ctx: CliContext,
  format: string,
  target: string,
  options: LabelImportCliOptions,
): Promise<void> {
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
}

/**
 * Runs `chaintrail labels update <path>` (its options and help: src/cli/commands/labels.ts).
 */
export async function runLabelsUpdate(
  ctx: CliContext,
  target: string,
  options: GlobalOptions,
): Promise<void> {
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
}

/**
 * Runs `chaintrail labels show <address>` (its options and help: src/cli/commands/labels.ts).
 */
export async function runLabelsShow(
  ctx: CliContext,
  input: string,
  options: GlobalOptions & { chain?: string },
): Promise<void> {
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
}

/**
 * Runs `chaintrail labels export <format>` (its options and help: src/cli/commands/labels.ts).
 */
export async function runLabelsExport(
  ctx: CliContext,
  format: string,
  options: LabelsExportOptions,
): Promise<void> {
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
}

/**
 * Runs `chaintrail labels imports` (its options and help: src/cli/commands/labels.ts).
 */
export async function runLabelsImports(ctx: CliContext, options: GlobalOptions): Promise<void> {
  const imports = await withStore(ctx, options, (store) => store.listLabelImports());
  if (options.json) return printJson(imports);
  if (imports.length === 0) {
    ctx.stdout.write('No label lists imported yet. Import one with `chaintrail labels import`.\n');
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
}
