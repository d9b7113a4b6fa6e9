import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { UserError } from '../../errors/base.ts';
import { MAX_RECORD_CHARS } from './read-csv.ts';

/** Lines yielded per batch. */
const LINES_PER_BATCH = 4096;

/**
 * Reads a text file as batches of non-empty lines with their 1-based line numbers (for JSON lines).
 * A line longer than {@link MAX_RECORD_CHARS} is refused with its place, before it is held whole
 * (node:readline, used before, holds any line whole: one of 64 MB took hundreds of MB).
 *
 * @example
 * for await (const batch of readLines({ path: 'logs.json' })) for (const { text, line } of batch) JSON.parse(text);
 */
export async function* readLines(parameters: {
  path: string;
  onBytes?: (bytesRead: number) => void;
}): AsyncGenerator<{ text: string; line: number }[]> {
  const stream = fs.createReadStream(parameters.path, { highWaterMark: 1 << 20 });
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let line = 0;
  let batch: { text: string; line: number }[] = [];
  const take = (raw: string) => {
    line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() !== '') batch.push({ text, line });
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = carry + decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
    if (carry.length > MAX_RECORD_CHARS) {
      stream.destroy();
      throw new UserError(
        `${parameters.path}:${line + 1}: a line longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters`,
        { code: 'LINE_TOO_LONG' },
      );
    }
    if (batch.length >= LINES_PER_BATCH) {
      parameters.onBytes?.(stream.bytesRead);
      yield batch;
      batch = [];
    }
  }
  const rest = carry + decoder.end();
  if (rest !== '') take(rest);
  parameters.onBytes?.(stream.bytesRead);
  if (batch.length) yield batch;
}
