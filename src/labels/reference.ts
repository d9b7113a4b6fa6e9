/**
 * chaintrail's shipped reference label set (`data/reference/`, built by `npm run build:reference` from
 * permissively licensed public lists; see its PROVENANCE.md): one CSV per source plus `manifest.json`
 * with each file's row count, sha256, list date, licence and origin.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors/base.ts';
import { readCsv } from '../ingest/csv/read-csv.ts';
import { normalizeAddress } from '../model/address.ts';
import type { Label, Store } from '../store/store.ts';
import { parseCategory, parseConfidence } from './taxonomy.ts';

/** The `format` of label imports of the reference set. */
export const REFERENCE_FORMAT = 'reference';

/** Columns of every reference CSV, in order. Empty = null; `programs` joined by `;`. */
export const REFERENCE_COLUMNS = [
  'chain',
  'address',
  'category',
  'entity',
  'actor',
  'country',
  'source',
  'confidence',
  'sanction_list',
  'programs',
  'list_date',
  'origin',
] as const;

/** Separator of sanctions programs in the `programs` column. */
export const REFERENCE_PROGRAM_SEPARATOR = ';';

/** One file of the reference set, as `manifest.json` describes it. */
export type ReferenceFile = {
  /** File name inside the reference folder, e.g. `ofac-sdn-2025-11-19.csv`. */
  file: string;
  /** The list's name, recorded with the import, e.g. `OFAC SDN`. */
  name: string;
  description: string;
  /** Data rows (header excluded); every one is a valid label. */
  rows: number;
  sha256: string;
  /** The list's publication date (`YYYY-MM-DD`), or null when the source has none. */
  listDate: string | null;
  licence: string;
  origin: { repo: string; commit: string; paths: string[]; url: string };
  /** Rows (or tags) of the upstream files read, and why those not shipped were left out. */
  sourceRows: number;
  skipped: string[];
};

/**
 * A token list of the set (symbol and decimals per token contract), as `manifest.json` describes it.
 * Token lists are not labels: the loader of labels skips them (see `reference-tokens.ts`).
 */
export type ReferenceTokenListFile = Omit<ReferenceFile, 'listDate'> & {
  /** The npm package the list was read from, when it came from one, with its tarball's integrity. */
  package?: { name: string; version: string; integrity: string } | undefined;
};

/** `manifest.json` of the reference folder: label lists and token lists. */
export type ReferenceManifest = {
  version: 1;
  files: ReferenceFile[];
  tokenLists?: ReferenceTokenListFile[] | undefined;
};

/**
 * Reads and checks `manifest.json` of a reference folder.
 *
 * @example
 * const manifest = readReferenceManifest('data/reference');
 * manifest.files.map((f) => f.name);
 */
export function readReferenceManifest(dir: string): ReferenceManifest {
  const file = path.join(dir, 'manifest.json');
  let manifest: ReferenceManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as ReferenceManifest;
  } catch (error) {
    throw new UserError(
      `${file}: cannot read the reference manifest (${(error as Error).message})`,
      {
        code: 'REFERENCE_BAD_MANIFEST',
        cause: error,
      },
    );
  }
  if (manifest.version !== 1 || !Array.isArray(manifest.files))
    throw new UserError(`${file}: not a version 1 reference manifest`, {
      code: 'REFERENCE_BAD_MANIFEST',
    });
  return manifest;
}

/** The sha256 (hex) of a file's bytes. */
export function fileSha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Read buffer per batch of labels: 64 KB is about 300 rows. Small batches die young, so loading the set
 * into a new database before a large import leaves little for the import's peak memory.
 */
const READ_BUFFER_BYTES = 64 * 1024;

const empty = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s);

/**
 * Reads one reference CSV as batches of labels (one per read buffer, so a file never sits in memory
 * whole), checking every field: addresses with their chain's codec, which also turns the file's
 * original case into the stored form. A bad row throws a UserError naming `file:line`.
 *
 * @example
 * for await (const labels of readReferenceBatches('data/reference/fbi-psa-2025-02-26-bybit.csv'))
 *   console.log(labels.length);
 */
export async function* readReferenceBatches(file: string): AsyncGenerator<Label[]> {
  let header = true;
  for await (const batch of readCsv({ path: file, highWaterMark: READ_BUFFER_BYTES })) {
    const labels: Label[] = [];
    for (const { fields, line } of batch) {
      if (header) {
        if (fields.join(',') !== REFERENCE_COLUMNS.join(','))
          throw new UserError(
            `${file}:${line}: expected the columns ${REFERENCE_COLUMNS.join(',')}`,
            { code: 'REFERENCE_BAD_FILE' },
          );
        header = false;
        continue;
      }
      if (fields.length !== REFERENCE_COLUMNS.length)
        throw new UserError(
          `${file}:${line}: ${fields.length} fields, expected ${REFERENCE_COLUMNS.length}`,
          { code: 'REFERENCE_BAD_FILE' },
        );
      const [chain, address, category, entity, actor, country, source, confidence, list, programs] =
        fields as string[];
      const where = `${file}:${line}`;
      try {
        labels.push({
          chain: chain!,
          address: normalizeAddress(chain!, address!),
          category: parseCategory(category!, where),
          entity: empty(entity),
          actor: empty(actor),
          country: empty(country),
          source: source!,
          confidence: confidence ? parseConfidence(confidence, where) : null,
          sanctionList: empty(list),
          programs: programs ? programs.split(REFERENCE_PROGRAM_SEPARATOR) : [],
        });
      } catch (error) {
        if (error instanceof UserError && !error.message.startsWith(where))
          throw new UserError(`${where}: ${error.message}`, { code: error.code, cause: error });
        throw error;
      }
    }
    if (labels.length > 0) yield labels;
  }
}

/** Input of {@link loadReferenceLabels}. */
export type LoadReferenceLabelsParameters = {
  store: Pick<Store, 'write' | 'listLabelImports'>;
  /** The reference folder (holding `manifest.json`). */
  dir: string;
};

/** What happened to one file of the set. */
export type LoadedReferenceFile = {
  file: string;
  name: string;
  rows: number;
  /** False when a label import with the file's sha256 already existed. */
  loaded: boolean;
  labelsWritten: number;
  labelsDuplicate: number;
};

/** What {@link loadReferenceLabels} did. */
export type LoadReferenceLabelsReturnType = {
  files: LoadedReferenceFile[];
  labelsWritten: number;
  /** Files loaded by this call. */
  loaded: number;
  /** Wall time in milliseconds. */
  ms: number;
};

/**
 * Imports every file of the reference set that the store does not have yet (no label import with the
 * same sha256), each in one atomic write recorded as a label import (format `reference`, the manifest's
 * list name, date and sha256). A file whose bytes do not match the manifest is refused.
 *
 * @example
 * const result = await loadReferenceLabels({ store, dir: 'data/reference' });
 * console.log(`${result.labelsWritten} labels from ${result.loaded} files`);
 */
export async function loadReferenceLabels(
  parameters: LoadReferenceLabelsParameters,
): Promise<LoadReferenceLabelsReturnType> {
  const started = performance.now();
  const { store, dir } = parameters;
  const manifest = readReferenceManifest(dir);
  const imported = new Set((await store.listLabelImports()).map((i) => i.sha256));
  const files: LoadedReferenceFile[] = [];
  for (const entry of manifest.files) {
    const base = { file: entry.file, name: entry.name, rows: entry.rows };
    if (imported.has(entry.sha256)) {
      files.push({ ...base, loaded: false, labelsWritten: 0, labelsDuplicate: 0 });
      continue;
    }
    const file = path.join(dir, entry.file);
    const sha256 = fileSha256(file);
    if (sha256 !== entry.sha256)
      throw new UserError(
        `${file}: sha256 ${sha256} is not the manifest's ${entry.sha256} (the reference set was changed; rebuild it with npm run build:reference)`,
        { code: 'REFERENCE_BAD_FILE' },
      );
    const summary = await store.write(async (writer) => {
      await writer.recordLabelImport({
        format: REFERENCE_FORMAT,
        source: `data/reference/${entry.file}`,
        listName: entry.name,
        listDate: entry.listDate,
        sha256,
      });
      let rows = 0;
      for await (const labels of readReferenceBatches(file)) {
        rows += labels.length;
        await writer.addLabels(labels);
      }
      // Thrown inside the write, so nothing of the file is kept.
      if (rows !== entry.rows)
        throw new UserError(`${file}: ${rows} rows, the manifest says ${entry.rows}`, {
          code: 'REFERENCE_BAD_FILE',
        });
    });
    files.push({
      ...base,
      loaded: true,
      labelsWritten: summary.labelsWritten,
      labelsDuplicate: summary.labelsDuplicate,
    });
  }
  return {
    files,
    labelsWritten: files.reduce((n, f) => n + f.labelsWritten, 0),
    loaded: files.filter((f) => f.loaded).length,
    ms: performance.now() - started,
  };
}
