import fs from 'node:fs';

/** Removes a DuckDB database file and its write-ahead log, if present. */
export function removeDb(file: string): void {
  for (const f of [file, `${file}.wal`]) fs.rmSync(f, { force: true });
}
