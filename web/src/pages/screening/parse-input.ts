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
  /** Data rows read (the header excluded). */
  rows: number;
  /** Rows whose address cell was empty. */
  blank: number;
  duplicates: number;
};

/**
 * Takes the column named `address` (any case) of a CSV file, else its first column. Without an
 * `address` column, a first row whose first cell is a word (no digits, not shaped like an address)
 * is taken as a header, so a file headed `wallet` does not screen the word "wallet".
 */
export function readAddressColumn(text: string): CsvRead {
  const rows = parseCsv(text);
  const header = rows[0] ?? [];
  let columnIndex = header.findIndex((h) => h.trim().toLowerCase() === 'address');
  let column: string | null = null;
  let data = rows;
  if (columnIndex >= 0) {
    column = header[columnIndex]!.trim();
    data = rows.slice(1);
  } else {
    columnIndex = 0;
    const first = header[0]?.trim() ?? '';
    if (rows.length > 1 && first && !/\d/.test(first) && classifyQuery(first).kind === 'text') {
      column = first;
      data = rows.slice(1);
    }
  }
  const seen = new Set<string>();
  let blank = 0;
  let duplicates = 0;
  for (const row of data) {
    const value = (row[columnIndex] ?? '').trim();
    if (!value) blank++;
    else if (seen.has(value)) duplicates++;
    else seen.add(value);
  }
  return { addresses: [...seen], column, columnIndex, rows: data.length, blank, duplicates };
}
