import fs from 'node:fs';

/** Removes a DuckDB database file, its write-ahead log and its trace index, if present. */
export function removeDb(file: string): void {
  for (const f of [file, `${file}.wal`, `${file}.trace-index`]) fs.rmSync(f, { force: true });
}
