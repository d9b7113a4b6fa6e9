import fs from 'node:fs';

/** Bytes read per step of {@link scanPlainCsv}. */
const SCAN_BUFFER_BYTES = 4 * 1024 * 1024;

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** What {@link scanPlainCsv} found: whether the file is plain, and its records after the header. */
export type PlainCsvScan = { plain: boolean; records: number };

/**
 * Whether every quote and carriage return of a comma-separated file sits where RFC 4180 puts it,
 * and how many records follow its header. Plain: a quote opens a field (at the start of the file or
 * after a comma or line feed), is doubled inside a quoted field, or closes one (before a comma, a
 * line end or the end of the file); a carriage return comes before a line feed. Then
 * {@link readCsv} and a strict RFC 4180 reader (DuckDB's) split the file into the same records and
 * fields. Where they differ, this says no: DuckDB reads `a, "b"` as `a` and `b` and `1"x` as one
 * field, where readCsv refuses both; a lone carriage return ends a line for DuckDB, not readCsv.
 * Records are the lines that are not empty (both readers skip those), counted outside quotes.
 *
 * Reads the file once in fixed-size steps (bounded memory), jumping with `indexOf` from quote to
 * quote, carriage return to carriage return and line feed to line feed.
 *
 * @example
 * const { plain, records } = scanPlainCsv('transfers.csv');
 */
export function scanPlainCsv(file: string, bufferBytes = SCAN_BUFFER_BYTES): PlainCsvScan {
  const fd = fs.openSync(file, 'r');
  let lines = 0;
  const result = (plain: boolean): PlainCsvScan => ({ plain, records: Math.max(0, lines - 1) });
  try {
    const size = fs.fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(bufferBytes);
    let inQuotes = false;
    // The byte before the buffer (LF stands for the start of the file: a field may open there).
    let before = LF;
    // Whether the line so far (outside quotes or not) holds anything but a carriage return.
    let content = false;
    let offset = 0;
    // A UTF-8 byte order mark is dropped by both readers.
    const bom = Buffer.alloc(3);
    if (
      fs.readSync(fd, bom, 0, 3, 0) === 3 &&
      bom[0] === 0xef &&
      bom[1] === 0xbb &&
      bom[2] === 0xbf
    )
      offset = 3;
    while (offset < size) {
      const length = fs.readSync(fd, buffer, 0, bufferBytes, offset);
      if (length === 0) break;
      const last = offset + length >= size;
      // A byte in the buffer's last place is judged with the next read, so that the byte after any
      // judged one is in the buffer.
      const end = last ? length : length - 1;
      for (let cr = buffer.indexOf(CR); cr !== -1 && cr < end; cr = buffer.indexOf(CR, cr + 1))
        if (cr + 1 >= length || buffer[cr + 1] !== LF) return result(false);
      /** Counts the records ending in [from, to), outside quotes. */
      const countLines = (from: number, to: number) => {
        let i = from;
        for (let lf = buffer.indexOf(LF, i); lf !== -1 && lf < to; lf = buffer.indexOf(LF, i)) {
          // Anything before this line feed since the last one, but a carriage return before it?
          if (content || lf - i > (lf > i && buffer[lf - 1] === CR ? 1 : 0)) lines++;
          content = false;
          i = lf + 1;
        }
        if (to > i && !(to - i === 1 && buffer[i] === CR)) content = true;
      };
      let i = 0;
      for (;;) {
        const found = buffer.indexOf(QUOTE, i);
        const q = found === -1 || found >= end ? end : found;
        if (!inQuotes) countLines(i, q);
        if (q === end) break;
        const next = q + 1 < length ? buffer[q + 1] : -1;
        i = q + 1;
        if (inQuotes) {
          // A doubled quote inside a quoted field stands for one: skip its second byte.
          if (next === QUOTE) i = q + 2;
          else if (next === COMMA || next === LF || next === CR || next === -1) inQuotes = false;
          else return result(false);
        } else {
          const previous = q === 0 ? before : buffer[q - 1];
          if (previous !== COMMA && previous !== LF) return result(false);
          inQuotes = true;
          content = true;
        }
      }
      // Past the held-back byte when it was the second quote of a doubled one.
      const consumed = Math.max(end, i);
      if (consumed === 0) return result(false);
      before = buffer[consumed - 1]!;
      offset += consumed;
    }
    if (content) lines++;
    return result(!inQuotes);
  } finally {
    fs.closeSync(fd);
  }
}
