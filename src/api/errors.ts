import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { RetryableError, UserError } from '../errors/base.ts';

/** The body of every error response: a stable code, a message for people, and the request id. */
export type ApiErrorBody = {
  error: { code: string; message: string; details?: string; requestId: string };
};

/**
 * A request the API refuses with a given HTTP status (404, 403, 409, …): a {@link UserError} that
 * knows its status.
 *
 * @example
 * throw new HttpError(404, 'Trace "t1" not found', { code: 'NOT_FOUND' });
 */
export class HttpError extends UserError {
  override name = 'HttpError';
  readonly statusCode: number;
  /** Sent as `Retry-After` (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    statusCode: number,
    shortMessage: string,
    parameters: {
      code: string;
      details?: string | undefined;
      cause?: unknown;
      retryAfterSeconds?: number | undefined;
    },
  ) {
    super(shortMessage, parameters);
    this.statusCode = statusCode;
    this.retryAfterSeconds = parameters.retryAfterSeconds;
  }
}

/**
 * A 404 for a named resource.
 *
 * @example
 * throw notFound('case', id);
 */
export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, `No ${what} "${id}"`, { code: 'NOT_FOUND' });
}

/** Fastify's own client-error codes, mapped to ours (the messages are Fastify's, which are clear). */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_CONTENT_LENGTH',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

function body(
  request: FastifyRequest,
  code: string,
  message: string,
  details?: string,
): ApiErrorBody {
  return {
    error: { code, message, ...(details ? { details } : {}), requestId: String(request.id) },
  };
}

/**
 * The one place errors become HTTP: user errors are 4xx with their code and message, retryable ones
 * 503 with `Retry-After`, anything else 500 with only the request id (the cause goes to the log).
 *
 * @example
 * app.setErrorHandler(createErrorHandler(logger));
 */
export function createErrorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) {
      if (error.retryAfterSeconds !== undefined)
        reply.header('retry-after', String(error.retryAfterSeconds));
      return reply
        .code(error.statusCode)
        .send(body(request, error.code, error.shortMessage, error.details));
    }
    if (error instanceof UserError) {
      return reply.code(400).send(body(request, error.code, error.shortMessage, error.details));
    }
    if (error instanceof RetryableError) {
      const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
      return reply
        .code(503)
        .header('retry-after', String(seconds))
        .send(body(request, error.code, error.shortMessage));
    }
    const fastifyError = error as FastifyError;
    const status = fastifyError.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const code =
        status === 429
          ? 'RATE_LIMITED'
          : (FASTIFY_CODES[fastifyError.code] ??
            (fastifyError.validation ? 'VALIDATION_FAILED' : 'BAD_REQUEST'));
      return reply.code(status).send(body(request, code, error.message));
    }
    // A bug or an infrastructure failure: the details stay in the log, never in the body.
    logger.error(
      { err: error, reqId: request.id, url: request.routeOptions.url },
      'request failed',
    );
    return reply.code(500).send(body(request, 'INTERNAL_ERROR', 'Internal error'));
  };
}
