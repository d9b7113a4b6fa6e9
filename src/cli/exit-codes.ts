import { BaseError, LimitedError, RetryableError, UserError } from '../errors/base.ts';

/** Exit code: success. */
export const EXIT_OK = 0;
/** Exit code: a runtime failure (I/O, database, a bug). */
export const EXIT_FAILURE = 1;
/** Exit code: bad usage or bad input (not found, refused, too large…); the message says what to change. */
export const EXIT_USAGE = 2;
/**
 * Exit code: a temporary failure (the database is in use by another process, a node is unreachable);
 * the same command may succeed later. 75 is `EX_TEMPFAIL` of sysexits.h, which schedulers and
 * mail-style retry loops already read as "try again".
 */
export const EXIT_TEMPORARY = 75;

/**
 * The CLI's exit code for an error, decided here only (the API's statuses are in src/api/errors.ts).
 *
 * @example
 * exitCodeOf(new StoreLockedError('db.duckdb', cause)); // 75
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof RetryableError || error instanceof LimitedError) return EXIT_TEMPORARY;
  if (error instanceof UserError) return EXIT_USAGE;
  return EXIT_FAILURE;
}

/**
 * The line the CLI prints for an error: `error [CODE]: message` (and its details) for chaintrail's
 * errors, so scripts can match the code; `error: message` for anything else.
 */
export function errorLine(error: unknown): string {
  if (error instanceof BaseError) {
    const retry = exitCodeOf(error) === EXIT_TEMPORARY ? '\n(temporary: try again later)' : '';
    return `error [${error.code}]: ${error.message}${retry}\n`;
  }
  return `error: ${error instanceof Error ? error.message : String(error)}\n`;
}
