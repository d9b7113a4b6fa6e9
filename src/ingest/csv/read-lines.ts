import fs from 'node:fs';
import readline from 'node:readline';

/** Lines yielded per batch. */
const LINES_PER_BATCH = 4096;

/**
 * Reads a text file as batches of non-empty lines with their 1-based line numbers (for JSON lines).
 *
 * @example
 * for await (const batch of readLines({ path: 'logs.json' })) for (const { text, line } of batch) JSON.parse(text);
 */
export async function* readLines(parameters: {
  path: string;
  onBytes?: (bytesRead: number) => void;
}): AsyncGenerator<{ text: string; line: number }[]> {
  const stream = fs.createReadStream(parameters.path, { highWaterMark: 1 << 20 });
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  let batch: { text: string; line: number }[] = [];
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    batch.push({ text, line });
    if (batch.length >= LINES_PER_BATCH) {
      parameters.onBytes?.(stream.bytesRead);
      yield batch;
      batch = [];
    }
  }
  parameters.onBytes?.(stream.bytesRead);
  if (batch.length) yield batch;
}
