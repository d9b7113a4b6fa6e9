import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { UserError } from '../errors/base.ts';
import { getAddressCodec } from '../model/address.ts';
import { NATIVE_ASSET } from '../model/asset.ts';
import { type Chain, getChain } from '../model/chains.ts';
import {
  dayNumber,
  isCalendarDay,
  MAX_PRICE_GAP_DAYS,
  type PriceRow,
  SECONDS_PER_DAY,
  utcDay,
} from '../model/price.ts';
import { parseTimestamp } from '../model/time.ts';
import type { Store } from '../store/store.ts';
import { createRejects, type ImportRunOptions, reasonOf } from './import-session.ts';
import { PRICE_FIELDS, DEFAULT_PRICE_COLUMNS, type PriceField } from './price-columns.ts';

export { PRICE_FIELDS, DEFAULT_PRICE_COLUMNS, type PriceField } from './price-columns.ts';

/** Prices handed to the store per call: a file of years of days is a few thousand rows. */
const PRICE_BATCH_ROWS = 1000;
/** Hex digits of the file's SHA-256 in the default source text: enough to tell two versions apart. */
const SOURCE_HASH_CHARS = 12;
/**
 * The earliest day a price is taken for: Bitcoin's first block (2009-01-03). A crypto asset has no
 * price before it, so an earlier day is a misread date (`20250221` read as Unix seconds is in 1970).
 */
const FIRST_PRICE_DAY = '2009-01-03';
/** A non-negative decimal, with an exponent as price feeds print small prices (`1.2e-05`). */
const PRICE_TEXT = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Input of {@link importPricesCsv}. */
export type ImportPricesCsvParameters = ImportRunOptions & {
  store: Store;
  file: string;
  /** Chain of the asset (a key, alias or EVM chain id). */
  chain: string;
  /** `native` (or the chain's native symbol) or a token contract on `chain`. */
  asset: string;
  /** Where the prices come from; default: the file's base name and its SHA-256's first 12 hex digits. */
  source?: string | undefined;
  /** Field -> column name for headers the defaults do not know. */
  map?: Partial<Record<PriceField, string>> | undefined;
};

/** Days without a price between two imported days. */
export type PriceGap = {
  /** The imported days on either side (`YYYY-MM-DD`). */
  after: string;
  before: string;
  /** Days between them without a price. */
  missingDays: number;
  /** Of them, days too far from `after` to take its price ({@link MAX_PRICE_GAP_DAYS}): unpriced. */
  unpricedDays: number;
};

/** What {@link importPricesCsv} read and stored. */
export type ImportPricesCsvReturnType = {
  file: string;
  chain: string;
  asset: string;
  source: string;
  sha256: string;
  /** The columns read. */
  columns: Record<PriceField, string>;
  /** Data rows read, days stored (of them, days that replaced a stored price), rows rejected. */
  rows: number;
  days: number;
  replaced: number;
  rejected: number;
  rejectsPath: string | null;
  /** First and last day imported; null when none was. */
  firstDay: string | null;
  lastDay: string | null;
  gaps: PriceGap[];
};

/**
 * Parses a `--map` text such as `date=Date,usd=Close` into a field map.
 *
 * @example
 * parsePriceColumnMap('date=Date,usd=Close'); // { date: 'Date', usd: 'Close' }
 */
export function parsePriceColumnMap(text: string): Partial<Record<PriceField, string>> {
  const map: Partial<Record<PriceField, string>> = {};
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const field = (eq === -1 ? part : part.slice(0, eq)).trim() as PriceField;
    const column = eq === -1 ? '' : part.slice(eq + 1).trim();
    if (!PRICE_FIELDS.includes(field))
      throw new UserError(`Unknown field "${field}" in --map`, {
        code: 'BAD_USAGE',
        details: `Fields: ${PRICE_FIELDS.join(', ')}.`,
      });
    if (!column) throw new UserError(`--map ${field}= needs a column name`, { code: 'BAD_USAGE' });
    map[field] = column;
  }
  return map;
}

/**
 * The stored asset key of `--asset`: `native` (or the chain's native symbol) or a token contract.
 *
 * @example
 * priceAsset(getChain('ethereum'), 'ETH'); // 'native'
 */
export function priceAsset(chain: Chain, text: string): string {
  const t = text.trim();
  if (t.toLowerCase() === NATIVE_ASSET || t.toUpperCase() === chain.nativeSymbol.toUpperCase())
    return NATIVE_ASSET;
  const codec = getAddressCodec(chain);
  if (t !== '' && codec.isValid(t)) return codec.normalize(t);
  throw new UserError(`--asset "${t}" is neither native nor a ${chain.key} token contract`, {
    code: 'BAD_USAGE',
  });
}

/** The UTC day of a date or time cell: ISO dates and times, Unix seconds or milliseconds. */
function parseDay(text: string, today: string): string {
  const t = text.trim();
  // parseTimestamp lets Date roll an impossible date over (`2025-02-30` would be 2 March).
  const date = /^\d{4}-\d{2}-\d{2}/.exec(t)?.[0];
  if (date !== undefined && !isCalendarDay(date))
    throw new UserError(`"${text}": ${date} is not a day of the calendar`, { code: 'BAD_DATE' });
  // CoinGecko writes `2025-02-21 00:00:00 UTC`.
  const seconds = parseTimestamp(t.replace(/\s*UTC$/i, 'Z'));
  const day = utcDay(seconds);
  if (day < FIRST_PRICE_DAY)
    throw new UserError(
      `"${text}" is ${day}, before ${FIRST_PRICE_DAY} (Bitcoin's first block): not a date of a price`,
      { code: 'BAD_DATE' },
    );
  if (day > today) throw new UserError(`"${text}" is ${day}, in the future`, { code: 'BAD_DATE' });
  return day;
}

/** USD per whole unit from a price cell: a positive decimal number. */
function parsePrice(text: string): number {
  const t = text.trim();
  const value = PRICE_TEXT.test(t) ? Number(t) : Number.NaN;
  if (!(value > 0) || !Number.isFinite(value))
    throw new UserError(
      t === ''
        ? 'no price'
        : `"${t}" is not a price (a positive decimal number such as 2712.34, no thousands separators)`,
      { code: 'INVALID_AMOUNT' },
    );
  return value;
}

/** Which column each field is read from: `--map`'s, else the first default name the header has. */
function resolveColumns(
  file: string,
  header: readonly string[],
  map: Partial<Record<PriceField, string>>,
): { index: Record<PriceField, number>; names: Record<PriceField, string> } {
  const trimmed = header.map((h) => h.trim());
  const lower = trimmed.map((h) => h.toLowerCase());
  const index = {} as Record<PriceField, number>;
  const names = {} as Record<PriceField, string>;
  for (const field of PRICE_FIELDS) {
    const mapped = map[field];
    const i =
      mapped !== undefined
        ? trimmed.indexOf(mapped)
        : DEFAULT_PRICE_COLUMNS[field].map((name) => lower.indexOf(name)).find((at) => at !== -1);
    if (i === undefined || i === -1)
      throw new UserError(
        mapped !== undefined
          ? `${file}:1: no column "${mapped}" (mapped to ${field})`
          : `${file}:1: no ${field === 'date' ? 'date' : 'price'} column (${DEFAULT_PRICE_COLUMNS[field].join(', ')}): name it with --map ${field}=COLUMN`,
        { code: 'MISSING_COLUMN', details: `Columns in the file: ${trimmed.join(', ')}` },
      );
    index[field] = i;
    names[field] = trimmed[i]!;
  }
  return { index, names };
}

/** A file's SHA-256, read in a stream. */
async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** The runs of days without a price between the sorted days given. */
function gapsOf(days: readonly number[]): PriceGap[] {
  const gaps: PriceGap[] = [];
  for (let i = 1; i < days.length; i++) {
    const missingDays = days[i]! - days[i - 1]! - 1;
    if (missingDays > 0)
      gaps.push({
        after: utcDay(days[i - 1]! * SECONDS_PER_DAY),
        before: utcDay(days[i]! * SECONDS_PER_DAY),
        missingDays,
        unpricedDays: Math.max(0, missingDays - MAX_PRICE_GAP_DAYS),
      });
  }
  return gaps;
}

/**
 * Imports a CSV of daily USD prices of one asset, as one atomic write: every valid row is stored or,
 * on the first bad row (without `skipInvalid`), nothing is. A day already stored for the asset is
 * replaced, price and source. Each row's day is the UTC day of its date column (ISO dates and
 * times, Unix seconds or milliseconds); a file gives one price a day, so a second row of a day is a
 * bad row. The source stored with every price says where it came from (default: the file's name and
 * hash); the import log records the file and its full SHA-256.
 *
 * @example
 * await importPricesCsv({ store, file: 'eth-usd-max.csv', chain: 'ethereum', asset: 'native' });
 */
export async function importPricesCsv(
  parameters: ImportPricesCsvParameters,
): Promise<ImportPricesCsvReturnType> {
  const { store } = parameters;
  const chain = getChain(parameters.chain);
  const asset = priceAsset(chain, parameters.asset);
  const file = path.resolve(parameters.file);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile())
    throw new UserError(`No such file: ${file}`, { code: 'FILE_NOT_FOUND' });
  const display = path.relative(process.cwd(), file) || file;
  const sha256 = await sha256Of(file);
  const source =
    parameters.source?.trim() ||
    `${path.basename(file)} sha256:${sha256.slice(0, SOURCE_HASH_CHARS)}`;
  const totalBytes = fs.statSync(file).size;
  const today = utcDay(Date.now() / 1000);
  const rejects = createRejects(parameters);
  let columns: ReturnType<typeof resolveColumns> | null = null;
  let rows = 0;
  const lineOfDay = new Map<number, number>();
  try {
    const summary = await store.write(async (writer) => {
      const input = fs.createReadStream(file);
      input.on('data', () =>
        parameters.onProgress?.({
          file: display,
          rows,
          rejected: rejects.count,
          bytesRead: input.bytesRead,
          totalBytes,
        }),
      );
      const parser = input.pipe(
        parse({ info: true, relax_column_count: true, skip_empty_lines: true, bom: true }),
      );
      input.on('error', (error) => parser.destroy(error));
      let batch: PriceRow[] = [];
      try {
        for await (const { record, info } of parser as AsyncIterable<{
          record: string[];
          info: { lines: number };
        }>) {
          if (columns === null) {
            columns = resolveColumns(display, record, parameters.map ?? {});
            continue;
          }
          rows++;
          const { index, names } = columns;
          let day: string;
          let usd: number;
          try {
            if (record.length <= Math.max(index.date, index.usd))
              throw new UserError(`${record.length} fields, no ${names.date} or ${names.usd}`, {
                code: 'INVALID_ROW',
              });
            try {
              day = parseDay(record[index.date]!, today);
            } catch (error) {
              throw new UserError(`column "${names.date}": ${reasonOf(error)}`, {
                code: 'BAD_DATE',
              });
            }
            try {
              usd = parsePrice(record[index.usd]!);
            } catch (error) {
              throw new UserError(`column "${names.usd}": ${reasonOf(error)}`, {
                code: 'INVALID_AMOUNT',
              });
            }
            const n = dayNumber(day);
            const earlier = lineOfDay.get(n);
            if (earlier !== undefined)
              throw new UserError(
                `column "${names.date}": a second price for ${day} (line ${earlier} has one; one price a day)`,
                { code: 'INVALID_ROW' },
              );
            lineOfDay.set(n, info.lines);
          } catch (error) {
            rejects.reject(display, info.lines, reasonOf(error), record, error);
            continue;
          }
          batch.push({ chain: chain.key, asset, day, usd, source });
          if (batch.length >= PRICE_BATCH_ROWS) {
            await writer.putPrices(batch);
            batch = [];
          }
        }
      } catch (error) {
        if (error instanceof UserError) throw error;
        // csv-parse's CsvError carries the line it stopped at.
        const line = (error as { lines?: unknown }).lines;
        throw new UserError(
          `${display}${typeof line === 'number' ? `:${line}` : ''}: malformed CSV: ${error instanceof Error ? error.message : String(error)}`,
          { code: 'CSV_SYNTAX', details: 'Nothing was imported.', cause: error },
        );
      } finally {
        input.destroy();
      }
      if (columns === null)
        throw new UserError(`${display}: empty file (no header row)`, { code: 'EMPTY_FILE' });
      if (rows === 0)
        throw new UserError(`${display}: no price rows below the header`, { code: 'CSV_EMPTY' });
      await writer.putPrices(batch);
      await writer.recordImport({
        kind: 'prices-csv',
        source: file,
        rows,
        rejected: rejects.count,
        sha256,
      });
    });
    const days = [...lineOfDay.keys()].sort((a, b) => a - b);
    const resolved = columns as ReturnType<typeof resolveColumns> | null;
    return {
      file,
      chain: chain.key,
      asset,
      source,
      sha256,
      columns: resolved!.names,
      rows,
      days: summary.pricesWritten,
      replaced: summary.pricesReplaced,
      rejected: rejects.count,
      rejectsPath: rejects.path,
      firstDay: days.length ? utcDay(days[0]! * SECONDS_PER_DAY) : null,
      lastDay: days.length ? utcDay(days.at(-1)! * SECONDS_PER_DAY) : null,
      gaps: gapsOf(days),
    };
  } finally {
    rejects.close();
  }
}
