import type { ErrorCode } from './codes.ts';

/**
 * Error classes shared by every layer. Two families matter to callers:
 * - {@link UserError}: the input or the request is wrong; retrying cannot help. Its kinds say how:
 *   {@link NotFoundError}, {@link ConflictError}, {@link RefusedError}, {@link UnauthenticatedError},
 *   {@link TooLargeError}, {@link LimitedError}.
 * - {@link RetryableError}: a transient failure (network, busy resource); the same call may succeed later.
 * Anything else is an internal failure. Services throw these, never HTTP errors: the API maps them to
 * statuses in one place (src/api/errors.ts) and the CLI to exit codes in one place (src/cli/exit-codes.ts).
 *
 * Every error carries a stable `code` (src/errors/codes.ts) that scripts and the API can match on;
 * messages may change.
 */

export type BaseErrorParameters = {
  /** Stable machine-readable code, e.g. `CSV_SYNTAX`. */
  code: ErrorCode;
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
  readonly code: ErrorCode;
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
 * What was asked for does not exist (or is not the caller's to see: another organisation's things
 * are "not found", never "forbidden", so their existence does not leak). API 404.
 *
 * @example
 * throw new NotFoundError('No case "c1"', { code: 'NOT_FOUND' });
 */
export class NotFoundError extends UserError {
  override name = 'NotFoundError';
}

/** The request conflicts with the current state (a stale version, a duplicate). API 409. */
export class ConflictError extends UserError {
  override name = 'ConflictError';
}

/** The caller may not do this (role, organisation, policy). API 403. */
export class RefusedError extends UserError {
  override name = 'RefusedError';
}

/** No credentials, or credentials that are not valid. API 401. */
export class UnauthenticatedError extends UserError {
  override name = 'UnauthenticatedError';
}

/** The input is larger than allowed; sending less helps, retrying does not. API 413. */
export class TooLargeError extends UserError {
  override name = 'TooLargeError';
}

/** The input's media type is not one the route takes. API 415. */
export class UnsupportedMediaTypeError extends UserError {
  override name = 'UnsupportedMediaTypeError';
}

/**
 * The caller has used up a limit (rate, streams, queued jobs); the same request succeeds once it
 * frees up. API 429 with `Retry-After` when `retryAfterMs` is known.
 *
 * @example
 * throw new LimitedError('Too many requests', { code: 'RATE_LIMITED', retryAfterMs: 20_000 });
 */
export class LimitedError extends UserError {
  override name = 'LimitedError';
  readonly retryAfterMs: number | undefined;

  constructor(shortMessage: string, parameters: BaseErrorParameters & { retryAfterMs?: number }) {
    super(shortMessage, parameters);
    this.retryAfterMs = parameters.retryAfterMs;
  }
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
