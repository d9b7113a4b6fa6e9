import { classifyQuery } from '../../lib/format.ts';

/** Most addresses `POST /v1/screen` takes in one request. */
export const MAX_SCREEN_BATCH = 10_000;

/** Inputs as typed or pasted, in order, without repeats. */
export type AddressList = { addresses: string[]; duplicates: number };

/**
 * The addresses of a pasted list: one per line or separated by commas (also semicolons, tabs and
 * spaces, as spreadsheets and chat paste them). Repeats are screened once.
 *
 * @example
 * splitAddresses('0xabc…, 0xdef…\n0xabc…'); // { addresses: ['0xabc…', '0xdef…'], duplicates: 1 }
 */
export function splitAddresses(text: string): AddressList {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const part of text.split(/[\s,;]+/)) {
    const value = part.replace(/^["']+|["']+$/g, '');
    if (!value) continue;
    if (seen.has(value)) duplicates++;
    else seen.add(value);
  }
  return { addresses: [...seen], duplicates };
}

/** The delimiter a CSV file uses: the most frequent of comma, semicolon and tab on its first line. */
function delimiterOf(text: string): string {
  const first = text.slice(0, text.search(/\r?\n|$/));
  let best = ',';
  let most = 0;
  for (const d of [',', ';', '\t']) {
    const count = first.split(d).length - 1;
    if (count > most) {
      best = d;
      most = count;
    }
  }
  return best;
}

/**
 * Rows of a CSV file (RFC 4180: quoted fields may hold delimiters, quotes doubled, line breaks).
 * Spreadsheets in some locales write `;` or tabs: the first line tells which.
 */
export function parseCsv(input: string): string[][] {
  const text = input.replace(/^\uFEFF/, '');
  const delimiter = delimiterOf(text);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

/** What was read from an uploaded CSV file, to show the user before screening. */
export type CsvRead = {
  addresses: string[];
  /** The header of the column taken, or null when the file has no header row. */
  column: string | null;
  /** Which column (0-based) the addresses came from. */
  columnIndex: number;
  /** How it was chosen: its header `address`, the cells that are addresses, or the first column. */
  columnFrom: 'header' | 'values' | 'first';
  /** The header row as written, or null when the file has none. */
  columns: string[] | null;
  /** The data rows (the header excluded), each as written: they come back beside their verdicts. */
  data: string[][];
  /** Data rows read (the header excluded). */
  rows: number;
  /** Rows whose address cell was empty. */
  blank: number;
  duplicates: number;
};

/** Data rows looked at to find the column of addresses. */
const DETECT_ROWS = 100;

const isAddress = (cell: string | undefined) => {
  const kind = classifyQuery(cell ?? '').kind;
  return kind === 'evm-address' || kind === 'address';
};

/**
 * Takes the column named `address` (any case) of a CSV file, else the column whose cells are most
 * often addresses (a first row without an address there is its header), else its first column.
 * Without either, a first row whose first cell is a word (no digits, not shaped like an address)
 * is taken as a header, so a file headed `wallet` does not screen the word "wallet".
 */
export function readAddressColumn(text: string): CsvRead {
  const rows = parseCsv(text);
  const header = rows[0] ?? [];
  let columnIndex = header.findIndex((h) => h.trim().toLowerCase() === 'address');
  let columnFrom: CsvRead['columnFrom'] = 'header';
  let hasHeader = columnIndex >= 0;
  if (columnIndex < 0) {
    const width = Math.max(0, ...rows.slice(0, DETECT_ROWS + 1).map((r) => r.length));
    let most = 0;
    for (let c = 0; c < width; c++) {
      const valid = rows.slice(1, DETECT_ROWS + 1).filter((r) => isAddress(r[c])).length;
      if (valid > most) {
        most = valid;
        columnIndex = c;
      }
    }
    if (columnIndex >= 0) {
      columnFrom = 'values';
      hasHeader = !isAddress(header[columnIndex]);
    } else {
      columnIndex = 0;
      columnFrom = 'first';
      const first = header[0]?.trim() ?? '';
      hasHeader =
        rows.length > 1 && !!first && !/\d/.test(first) && classifyQuery(first).kind === 'text';
    }
  }
  const data = hasHeader ? rows.slice(1) : rows;
  const seen = new Set<string>();
  let blank = 0;
  let duplicates = 0;
  for (const row of data) {
    const value = (row[columnIndex] ?? '').trim();
    if (!value) blank++;
    else if (seen.has(value)) duplicates++;
    else seen.add(value);
  }
  return {
    addresses: [...seen],
    column: hasHeader ? (header[columnIndex] ?? '').trim() : null,
    columnIndex,
    columnFrom,
    columns: hasHeader ? header : null,
    data,
    rows: data.length,
    blank,
    duplicates,
  };
}
