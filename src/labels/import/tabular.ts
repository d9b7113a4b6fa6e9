import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors/base.ts';
import { readCsv } from '../../ingest/csv/read-csv.ts';
import { readLines } from '../../ingest/csv/read-lines.ts';
import { getAddressCodec } from '../../model/address.ts';
import { getChain } from '../../model/chains.ts';
import type { Label } from '../../store/store.ts';
import type { LabelImportOptions, LabelSource } from '../importer.ts';
import { parseCategory, parseConfidence } from '../taxonomy.ts';
import { parseListDate } from './list-date.ts';
import { assertInput } from './read-input.ts';
import { LABEL_FIELDS, type LabelField } from './label-fields.ts';

export { LABEL_FIELDS, type LabelField } from './label-fields.ts';

/** Labels handed to the store per `addLabels` call (JSON arrays; CSV goes per read buffer). */
const LABELS_PER_BATCH = 5000;
const COUNTRY_CODE = /^[A-Za-z]{2}$/;
/** Sanctions programs in one cell: `DPRK3;CYBER2` or `DPRK3, CYBER2`. */
const PROGRAM_SEPARATOR = /[;,]/;

/**
 * Parses a `--map` text such as `address=addr,category=type` into a field map.
 *
 * @example
 * parseLabelMap('address=addr,entity=name'); // { address: 'addr', entity: 'name' }
 */
export function parseLabelMap(text: string): Partial<Record<LabelField, string>> {
  const map: Partial<Record<LabelField, string>> = {};
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const field = (eq === -1 ? part : part.slice(0, eq)).trim() as LabelField;
    const column = eq === -1 ? '' : part.slice(eq + 1).trim();
    if (!LABEL_FIELDS.includes(field))
      throw new UserError(`Unknown field "${field}" in --map`, {
        code: 'BAD_USAGE',
        details: `Fields: ${LABEL_FIELDS.join(', ')}.`,
      });
    if (!column) throw new UserError(`--map ${field}= needs a column name`, { code: 'BAD_USAGE' });
    map[field] = column;
  }
  return map;
}

/** A label list row that cannot be imported: nothing of the file is. */
class InvalidLabelRowError extends UserError {
  override name = 'InvalidLabelRowError';
  constructor(where: string, reason: string, cause?: unknown) {
    super(`${where}: ${reason}`, {
      code: 'LABEL_INVALID_ROW',
      details: 'Nothing was imported.',
      cause,
    });
  }
}

/** Turns one record (a field getter) into a label, with the options as constants for unmapped fields. */
function createRowMapper(options: LabelImportOptions) {
  const constant = {
    chain: options.chain === undefined ? undefined : getChain(options.chain).key,
    category:
      options.category === undefined ? undefined : parseCategory(options.category, '--category'),
    confidence:
      options.confidence === undefined ? null : parseConfidence(options.confidence, '--confidence'),
  };
  return (get: (field: LabelField) => unknown, defaultSource: string): Label => {
    const text = (field: LabelField): string | null => {
      const v = get(field);
      if (v === undefined || v === null) return null;
      if (typeof v === 'object')
        throw new Error(`${field}: expected text, got ${JSON.stringify(v)}`);
      const s = String(v).trim();
      return s === '' ? null : s;
    };
    const chainText = text('chain');
    const chain = chainText === null ? constant.chain : getChain(chainText).key;
    if (chain === undefined)
      throw new UserError('no chain: map a chain column or pass --chain', { code: 'BAD_USAGE' });
    const address = text('address');
    if (address === null) throw new UserError('empty address', { code: 'INVALID_ADDRESS' });
    const categoryText = text('category');
    const category = categoryText === null ? constant.category : parseCategory(categoryText);
    if (category === undefined)
      throw new UserError('no category: map a category column or pass --category', {
        code: 'BAD_USAGE',
      });
    const confidenceValue = get('confidence');
    const confidence =
      confidenceValue === undefined || confidenceValue === null || confidenceValue === ''
        ? constant.confidence
        : parseConfidence(confidenceValue as string | number);
    const country = text('country');
    if (country !== null && !COUNTRY_CODE.test(country))
      throw new UserError(`country "${country}" is not an ISO 3166-1 alpha-2 code`, {
        code: 'LABEL_BAD_COUNTRY',
      });
    const programsValue = get('programs');
    const programs = Array.isArray(programsValue)
      ? programsValue.map((p) => String(p).trim()).filter(Boolean)
      : (text('programs') ?? '')
          .split(PROGRAM_SEPARATOR)
          .map((p) => p.trim())
          .filter(Boolean);
    const validFrom = text('valid_from');
    const validTo = text('valid_to');
    return {
      chain,
      address: getAddressCodec(chain).normalize(address),
      entity: text('entity') ?? options.entity ?? null,
      category,
      actor: text('actor') ?? options.actor ?? null,
      country: country?.toUpperCase() ?? null,
      source: text('source') ?? options.source ?? defaultSource,
      confidence,
      sanctionList: text('sanction_list'),
      programs,
      validFrom: validFrom === null ? null : parseListDate(validFrom, 'valid_from'),
      validTo: validTo === null ? null : parseListDate(validTo, 'valid_to'),
    };
  };
}

function rowReason(error: unknown): string {
  if (error instanceof UserError) return error.shortMessage;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The column of each field: as mapped, else a column named like the field. */
function resolveColumns(
  columns: readonly string[],
  map: Partial<Record<LabelField, string>>,
  where: string,
): Partial<Record<LabelField, string>> {
  const present = new Set(columns);
  const resolved: Partial<Record<LabelField, string>> = {};
  for (const field of LABEL_FIELDS) {
    const column = map[field];
    if (column !== undefined) {
      if (!present.has(column))
        throw new UserError(`${where}: no column "${column}" (mapped to ${field})`, {
          code: 'LABEL_BAD_MAP',
          details: `Columns: ${columns.join(', ')}.`,
        });
      resolved[field] = column;
    } else if (present.has(field)) resolved[field] = field;
  }
  if (resolved.address === undefined)
    throw new UserError(`${where}: no address column (map one with --map address=COLUMN)`, {
      code: 'LABEL_BAD_MAP',
      details: `Columns: ${columns.join(', ')}.`,
    });
  return resolved;
}

function tabularSource(
  format: 'csv' | 'json',
  file: string,
  options: LabelImportOptions,
  batches: () => AsyncIterable<Label[]>,
): LabelSource {
  return {
    format,
    listName: null,
    listDate: options.listDate === undefined ? null : parseListDate(options.listDate),
    closes: null,
    warnings: [],
    batches,
  };
}

/**
 * Reads any label list in CSV (with a header row) by column mapping. `options.map` names the column
 * of each field (`address` required; a column named like a field needs no mapping); the options give
 * constants for fields without a column (`chain`, `category`, `entity`, `actor`, `source`,
 * `confidence`). Every row is checked (address with its chain's codec, category, confidence, country,
 * dates); the first bad one fails the whole import with `file:line` and the reason.
 *
 * @example
 * const source = await importCsvLabels('exchanges.csv', {
 *   map: { address: 'addr', entity: 'name' }, chain: 'ethereum', category: 'exchange', confidence: 50,
 * });
 */
export async function importCsvLabels(
  file: string,
  options: LabelImportOptions,
): Promise<LabelSource> {
  const totalBytes = assertInput(file);
  const display = path.relative(process.cwd(), file) || file;
  const toLabel = createRowMapper(options);
  const map = (options.map ?? {}) as Partial<Record<LabelField, string>>;
  const defaultSource = path.basename(file);
  return tabularSource('csv', file, options, async function* () {
    let index: Partial<Record<LabelField, number>> | null = null;
    let width = 0;
    const onBytes = (bytes: number) => options.onProgress?.(bytes, totalBytes);
    for await (const records of readCsv({ path: file, onBytes })) {
      const batch: Label[] = [];
      for (const { fields, line } of records) {
        if (index === null) {
          const header = fields.map((h) => h.trim());
          const columns = resolveColumns(header, map, `${display}:${line}`);
          index = Object.fromEntries(
            Object.entries(columns).map(([field, column]) => [field, header.indexOf(column)]),
          );
          width = header.length;
          continue;
        }
        if (fields.length !== width)
          throw new InvalidLabelRowError(
            `${display}:${line}`,
            `expected ${width} fields, found ${fields.length}`,
          );
        const columns = index;
        try {
          batch.push(
            toLabel((field) => {
              const i = columns[field];
              return i === undefined ? undefined : fields[i];
            }, defaultSource),
          );
        } catch (error) {
          throw new InvalidLabelRowError(`${display}:${line}`, rowReason(error), error);
        }
      }
      if (batch.length > 0) yield batch;
    }
    if (index === null)
      throw new UserError(`${display}: empty file (no header row)`, { code: 'EMPTY_FILE' });
  });
}

/**
 * Reads any label list in JSON, an array of objects or JSON lines (one object per line), by key
 * mapping: the same fields, options and checks as {@link importCsvLabels}; keys play the columns.
 * `programs` may be an array. A bad record fails the import naming `file:line` (JSON lines) or
 * `file[index]` (an array).
 *
 * @example
 * const source = await importJsonLabels('labels.jsonl', { chain: 'bitcoin', category: 'ransomware' });
 */
export async function importJsonLabels(
  file: string,
  options: LabelImportOptions,
): Promise<LabelSource> {
  const totalBytes = assertInput(file);
  const display = path.relative(process.cwd(), file) || file;
  const toLabel = createRowMapper(options);
  const map = (options.map ?? {}) as Partial<Record<LabelField, string>>;
  const defaultSource = path.basename(file);
  // JSON records may leave out keys, so a mapped key need only appear in some record (checked at the end).
  const keyOf = (field: LabelField): string => map[field] ?? field;
  const unseen = new Set(Object.values(map));
  const label = (value: unknown, where: string): Label => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new InvalidLabelRowError(where, 'expected a JSON object');
    const record = value as Record<string, unknown>;
    for (const key of unseen) if (key in record) unseen.delete(key);
    try {
      return toLabel((field) => record[keyOf(field)], defaultSource);
    } catch (error) {
      throw new InvalidLabelRowError(where, rowReason(error), error);
    }
  };
  const checkMapped = () => {
    if (unseen.size > 0)
      throw new UserError(
        `${display}: no record has the key(s) ${[...unseen].map((k) => `"${k}"`).join(', ')} named in --map`,
        { code: 'LABEL_BAD_MAP' },
      );
  };
  return tabularSource('json', file, options, async function* () {
    const fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(64);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const first = head
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()[0];
    if (first === '[') {
      // A JSON array has to be parsed whole; label lists as arrays are small (use JSON lines for big ones).
      let records: unknown;
      try {
        records = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
      } catch (error) {
        throw new InvalidLabelRowError(display, `invalid JSON (${rowReason(error)})`, error);
      }
      options.onProgress?.(totalBytes, totalBytes);
      const list = records as unknown[];
      for (let i = 0; i < list.length; i += LABELS_PER_BATCH) {
        yield list.slice(i, i + LABELS_PER_BATCH).map((r, k) => label(r, `${display}[${i + k}]`));
      }
      checkMapped();
      return;
    }
    const onBytes = (bytes: number) => options.onProgress?.(bytes, totalBytes);
    for await (const lines of readLines({ path: file, onBytes })) {
      const batch: Label[] = [];
      for (const { text, line } of lines) {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          throw new InvalidLabelRowError(
            `${display}:${line}`,
            `invalid JSON (${rowReason(error)})`,
            error,
          );
        }
        batch.push(label(value, `${display}:${line}`));
      }
      yield batch;
    }
    checkMapped();
  });
}
