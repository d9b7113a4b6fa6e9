/**
 * Error classes shared by every layer. Two families matter to callers:
 * - {@link UserError}: the input or the request is wrong; retrying cannot help (CLI exit code 2).
 * - {@link RetryableError}: a transient failure (network, busy resource); the same call may succeed later.
 * Anything else is an internal failure (CLI exit code 1).
 *
 * Every error carries a stable `code` that scripts and the API can match on; messages may change.
 */

export type BaseErrorParameters = {
  /** Stable machine-readable code, e.g. `CSV_INVALID_ROW`. */
  code: string;
  /** Extra human-readable lines: where and why. */
  details?: string | undefined;
  cause?: unknown;
};

/**
 * Root of chaintrail's errors: a short message, optional details and a cause.
 *
 * @example
 * throw new BaseError('Store is closed', { code: 'STORE_CLOSED' });
 */
export class BaseError extends Error {
  override name = 'BaseError';
  readonly code: string;
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(shortMessage: string, parameters: BaseErrorParameters) {
    const message = parameters.details ? `${shortMessage}\n${parameters.details}` : shortMessage;
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.code = parameters.code;
    this.shortMessage = shortMessage;
    this.details = parameters.details;
  }
}

/**
 * Bad input or bad usage: the caller must change something. Never retried.
 *
 * @example
 * throw new UserError('Unknown chain "etherium"', { code: 'UNKNOWN_CHAIN' });
 */
export class UserError extends BaseError {
  override name = 'UserError';
}

/**
 * A transient failure worth retrying (timeouts, HTTP 429/5xx, a locked database file).
 *
 * @example
 * throw new RetryableError('RPC timed out', { code: 'RPC_TIMEOUT', retryAfterMs: 1000 });
 */
export class RetryableError extends BaseError {
  override name = 'RetryableError';
  readonly retryAfterMs: number | undefined;

  constructor(shortMessage: string, parameters: BaseErrorParameters & { retryAfterMs?: number }) {
    super(shortMessage, parameters);
    this.retryAfterMs = parameters.retryAfterMs;
  }
}

/**
 * True when `error` is a {@link UserError} (bad input, exit code 2).
 *
 * @example
 * if (isUserError(e)) process.exitCode = 2;
 */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
