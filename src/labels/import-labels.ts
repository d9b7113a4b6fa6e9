import { importTagpack } from './import/tagpack.ts';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors/base.ts';
import type { LabelImport, Store } from '../store/store.ts';
import { importOfacCsv } from './import/ofac-csv.ts';
import { importOfacLists } from './import/ofac-lists.ts';
import { importOfacXml } from './import/ofac-xml.ts';
import { importCsvLabels, importJsonLabels } from './import/tabular.ts';
import type { LabelImporter, LabelImportOptions } from './importer.ts';
import type { LabelImportFormat } from './label-formats.ts';

/**
 * Every label format `chaintrail labels import <format>` reads, by name: the names of
 * LABEL_IMPORT_FORMATS (./label-formats.ts), in its order.
 *
 * @example
 * Object.keys(IMPORTERS); // ['ofac-xml', 'ofac-csv', 'ofac-lists', 'csv', 'json', 'tagpack']
 */
export const IMPORTERS: Readonly<Record<string, LabelImporter>> = {
  'ofac-xml': importOfacXml,
  'ofac-csv': importOfacCsv,
  'ofac-lists': importOfacLists,
  csv: importCsvLabels,
  json: importJsonLabels,
  tagpack: importTagpack,
} satisfies Record<LabelImportFormat, LabelImporter>;

/** Input of {@link importLabels}. */
export type ImportLabelsParameters = {
  store: Pick<Store, 'write' | 'listLabelImports'>;
  /** A key of {@link IMPORTERS}, e.g. `ofac-xml`. */
  format: string;
  /** The list's file (or folder, for `ofac-lists`). */
  path: string;
  options?: LabelImportOptions;
};

/** What {@link importLabels} did. */
export type ImportLabelsReturnType = {
  format: string;
  source: string;
  listName: string | null;
  listDate: string | null;
  sha256: string;
  /** True when this exact file was imported before: nothing was read or written. */
  alreadyImported: boolean;
  /** The earlier import of the same file, when `alreadyImported`. */
  previousImport: LabelImport | null;
  /** Labels the file gave. */
  labelsRead: number;
  /** New labels stored. */
  labelsWritten: number;
  /** Labels equal to an open one already stored (or repeated in the file). */
  labelsDuplicate: number;
  /** Open labels of the list closed because the list no longer has their address. */
  labelsClosed: number;
  /** Whether delisted labels were looked for (a complete list, not older than the last one). */
  closedDelisted: boolean;
  warnings: string[];
};

/**
 * The SHA-256 of a file, or of a folder's files (each name and content hash, in name order), read
 * streaming.
 *
 * @example
 * await sha256Path('sdn_advanced.xml.bz2'); // '…64 hex…'
 */
export async function sha256Path(target: string): Promise<string> {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) {
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(target)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
  const hash = createHash('sha256');
  const names = fs
    .readdirSync(target, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  for (const name of names) hash.update(`${name}\0${await sha256Path(path.join(target, name))}\n`);
  return hash.digest('hex');
}

/**
 * Imports one label list into the store as ONE atomic write: the import record, every label, and
 * (for a complete sanctions list such as OFAC's) the closing of labels whose address the list no
 * longer has, with `validTo` = the list date. A file whose SHA-256 was imported before is skipped.
 * A list older than the newest one already imported under the same name adds its labels but closes
 * nothing (a warning says so): an old list must not end sanctions a newer one still has.
 * A bad record fails the whole import, naming file and line, and leaves the store unchanged.
 *
 * @example
 * const r = await importLabels({ store, format: 'ofac-xml', path: 'sdn_advanced.xml.bz2' });
 * console.log(`${r.labelsWritten} added, ${r.labelsClosed} closed`);
 */
export async function importLabels(
  parameters: ImportLabelsParameters,
): Promise<ImportLabelsReturnType> {
  const { store, format } = parameters;
  const options = parameters.options ?? {};
  const importer = IMPORTERS[format];
  if (!importer) {
    throw new UserError(`Unknown label format "${format}"`, {
      code: 'LABEL_UNKNOWN_FORMAT',
      details: `Formats: ${Object.keys(IMPORTERS).join(', ')}.`,
    });
  }
  const target = path.resolve(parameters.path);
  if (!fs.existsSync(target))
    throw new UserError(`No such file or folder: ${parameters.path}`, { code: 'FILE_NOT_FOUND' });
  const sha256 = await sha256Path(target);
  const imports = await store.listLabelImports();
  const previous = imports.find((i) => i.sha256 === sha256) ?? null;
  const base = { format, source: target, sha256 };
  if (previous) {
    return {
      ...base,
      listName: previous.listName,
      listDate: previous.listDate,
      alreadyImported: true,
      previousImport: previous,
      labelsRead: 0,
      labelsWritten: 0,
      labelsDuplicate: 0,
      labelsClosed: 0,
      closedDelisted: false,
      warnings: [`already imported on ${previous.importedAt.slice(0, 10)} (import ${previous.id})`],
    };
  }

  const source = await importer(target, options);
  const warnings: string[] = [];
  let closeDelisted = source.closes !== null;
  if (source.closes !== null) {
    const newest = imports
      .filter((i) => i.listName === source.listName && i.listDate !== null)
      .map((i) => i.listDate!)
      .sort()
      .at(-1);
    if (source.listDate === null) {
      closeDelisted = false;
      warnings.push(`the list has no date: labels no longer on it are not closed`);
    } else if (newest !== undefined && source.listDate < newest) {
      closeDelisted = false;
      warnings.push(
        `list date ${source.listDate} is older than the newest ${source.listName ?? 'list'} already imported (${newest}): ` +
          'nothing closed, and addresses the newer list dropped are labelled open again',
      );
    }
  }
  let labelsRead = 0;
  const summary = await store.write(async (writer) => {
    await writer.recordLabelImport({
      format: source.format,
      source: target,
      listName: source.listName,
      listDate: source.listDate,
      sha256,
    });
    for await (const batch of source.batches()) {
      labelsRead += batch.length;
      await writer.addLabels(batch);
    }
    if (closeDelisted && labelsRead === 0) {
      // An empty "complete" list is far likelier a wrong file than the end of every sanction.
      closeDelisted = false;
      warnings.push('the list has no addresses: nothing closed');
    }
    if (closeDelisted)
      await writer.closeDelisted({ sanctionList: source.closes!, validTo: source.listDate! });
  });
  return {
    ...base,
    listName: source.listName,
    listDate: source.listDate,
    alreadyImported: false,
    previousImport: null,
    labelsRead,
    labelsWritten: summary.labelsWritten,
    labelsDuplicate: summary.labelsDuplicate,
    labelsClosed: summary.labelsClosed,
    closedDelisted: closeDelisted,
    warnings: [...source.warnings, ...warnings],
  };
}
