import fs from 'node:fs';
import { UserError } from '../errors/base.ts';

/** A row that cannot be imported, with where and why. */
export class InvalidRowError extends UserError {
  override name = 'InvalidRowError';
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  constructor(file: string, line: number, reason: string, cause?: unknown) {
    super(`${file}:${line}: ${reason}`, {
      code: 'INVALID_ROW',
      details:
        'Nothing was written. Fix the row, or pass --skip-invalid to import the valid rows and list the rejected ones in a rejects file.',
      cause,
    });
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

/** Progress of a running import, for progress bars and logs. */
export type ImportProgress = {
  file: string;
  rows: number;
  rejected: number;
  bytesRead: number;
  totalBytes: number;
};

/** Options every file importer shares. */
export type ImportRunOptions = {
  /** Write the valid rows and list the invalid ones in `rejectsPath` instead of failing. */
  skipInvalid?: boolean;
  /** Where rejected rows go with `skipInvalid` (default `./chaintrail-rejects.csv`). */
  rejectsPath?: string;
  onProgress?: (progress: ImportProgress) => void;
};

/** Rejects file used by `--skip-invalid` when `--rejects` is not given. */
export const DEFAULT_REJECTS_PATH = 'chaintrail-rejects.csv';

/**
 * Collects rejected rows: fails on the first one by default, or writes each to a CSV rejects file
 * (`file,line,reason,row`) when skipping is on.
 *
 * @example
 * const rejects = createRejects({ skipInvalid: true, rejectsPath: 'rejects.csv' });
 * rejects.reject('in.csv', 7, 'bad address', ['0xzz', '1']);
 * rejects.close();
 */
export function createRejects(options: ImportRunOptions) {
  let count = 0;
  let fd: number | null = null;
  const target = options.rejectsPath ?? DEFAULT_REJECTS_PATH;
  const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return {
    get count() {
      return count;
    },
    get path(): string | null {
      return fd === null ? null : target;
    },
    reject(
      file: string,
      line: number,
      reason: string,
      row: readonly string[],
      cause?: unknown,
    ): void {
      if (!options.skipInvalid) throw new InvalidRowError(file, line, reason, cause);
      if (fd === null) {
        fd = fs.openSync(target, 'w');
        fs.writeSync(fd, 'file,line,reason,row\n');
      }
      count++;
      fs.writeSync(fd, `${[file, String(line), reason, row.join(',')].map(quote).join(',')}\n`);
    },
    close(): void {
      if (fd !== null) fs.closeSync(fd);
    },
  };
}

/** The rejects collector of one import. */
export type Rejects = ReturnType<typeof createRejects>;

/**
 * The reason text of an error thrown while validating a row (its short message).
 *
 * @example
 * reasonOf(new InvalidAmountError('x', 'bad')); // 'Invalid amount "x": bad'
 */
export function reasonOf(error: unknown): string {
  if (error instanceof UserError) return error.shortMessage;
  throw error;
}
