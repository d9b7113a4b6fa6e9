import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  ConflictError,
  LimitedError,
  NotFoundError,
  RefusedError,
  RetryableError,
  TooLargeError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  UserError,
} from '../errors/base.ts';
import type { ErrorCode } from '../errors/codes.ts';

/** The body of every error response: a stable code, a message for people, and the request id. */
export type ApiErrorBody = {
  error: { code: ErrorCode; message: string; details?: string; requestId: string };
};

/**
 * A 404 for a named resource.
 *
 * @example
 * throw notFound('case', id);
 */
export function notFound(what: string, id: string): NotFoundError {
  return new NotFoundError(`No ${what} "${id}"`, { code: 'NOT_FOUND' });
}

/** Fastify's own client-error codes, mapped to ours (the messages are Fastify's, which are clear). */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_CONTENT_LENGTH',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

function body(
  request: FastifyRequest,
  code: ErrorCode,
  message: string,
  details?: string,
): ApiErrorBody {
  return {
    error: { code, message, ...(details ? { details } : {}), requestId: String(request.id) },
  };
}

/**
 * The HTTP status of a chaintrail error, decided here only: each kind of {@link UserError} has its
 * status, any other user error is 400, a {@link RetryableError} 503. Null for anything else (a bug).
 *
 * @example
 * httpStatusOf(new NotFoundError('No case "c1"', { code: 'NOT_FOUND' })); // 404
 */
export function httpStatusOf(error: unknown): number | null {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof RefusedError) return 403;
  if (error instanceof UnauthenticatedError) return 401;
  if (error instanceof TooLargeError) return 413;
  if (error instanceof UnsupportedMediaTypeError) return 415;
  if (error instanceof LimitedError) return 429;
  if (error instanceof UserError) return 400;
  if (error instanceof RetryableError) return 503;
  return null;
}

/** Whole seconds for `Retry-After` (at least 1), or undefined when the error names no wait. */
function retryAfterSecondsOf(error: unknown): number | undefined {
  const ms =
    error instanceof LimitedError
      ? error.retryAfterMs
      : error instanceof RetryableError
        ? (error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS)
        : undefined;
  return ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));
}

/** `Retry-After` of a retryable error that names no wait. */
const DEFAULT_RETRY_AFTER_MS = 1000;

/**
 * The one place errors become HTTP: chaintrail's errors get the status {@link httpStatusOf} gives,
 * their code and message (a retryable one without details, which may name internals), with
 * `Retry-After` where a wait is known; Fastify's own client errors keep their status under our codes;
 * anything else is 500 with only the request id (the cause goes to the log).
 *
 * @example
 * app.setErrorHandler(createErrorHandler(logger));
 */
export function createErrorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const status = httpStatusOf(error);
    if (status !== null) {
      const known = error as UserError | RetryableError;
      const retryAfter = retryAfterSecondsOf(error);
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      return reply
        .code(status)
        .send(
          body(
            request,
            known.code,
            known.shortMessage,
            error instanceof RetryableError ? undefined : known.details,
          ),
        );
    }
    const fastifyError = error as FastifyError;
    const fastifyStatus = fastifyError.statusCode;
    if (fastifyStatus !== undefined && fastifyStatus >= 400 && fastifyStatus < 500) {
      const code: ErrorCode =
        fastifyStatus === 429
          ? 'RATE_LIMITED'
          : (FASTIFY_CODES[fastifyError.code] ??
            (fastifyError.validation ? 'VALIDATION_FAILED' : 'BAD_REQUEST'));
      return reply.code(fastifyStatus).send(body(request, code, error.message));
    }
    // A bug or an infrastructure failure: the details stay in the log, never in the body.
    logger.error(
      { err: error, reqId: request.id, url: request.routeOptions.url },
      'request failed',
    );
    return reply.code(500).send(body(request, 'INTERNAL_ERROR', 'Internal error'));
  };
}
