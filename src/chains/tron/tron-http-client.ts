import { RetryableError, UserError } from '../../errors/base.ts';
import { parseExactJson } from '../bitcoin/exact-json.ts';
import { redactUrl } from '../evm/redact-url.ts';
import {
  backOff,
  createRequestGate,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RPC_TIMEOUT_MS,
  isRetryableHttpStatus,
  type PacedClientParameters,
  retryAfterMs,
} from '../request-pacing.ts';

/** TronGrid's API key header (https://developers.tron.network/reference/select-network). */
export const TRON_API_KEY_HEADER = 'TRON-PRO-API-KEY';
/**
 * The largest answer read: a `getblockbylimitnext` of 100 mainnet blocks of a few hundred
 * transactions each is tens of MB; past this a node is broken or hostile, and reading on would
 * take memory without bound.
 */
export const MAX_RESPONSE_BYTES = 256 * 2 ** 20;
/** Characters of a node's own error message kept in ours. */
const MAX_NODE_ERROR_CHARS = 300;

export type TronHttpClientParameters = PacedClientParameters & {
  /** The node's HTTP root, e.g. `http://127.0.0.1:8090` or `https://api.trongrid.io`. */
  url: string;
  /** TronGrid's API key, sent as {@link TRON_API_KEY_HEADER}; never logged nor put in errors. */
  apiKey?: string | undefined;
};

/** A Tron HTTP API client: POST a JSON body to a `/wallet/…` path, read the answer exactly. */
export type TronHttpClient = {
  post(path: string, body: Record<string, unknown>): Promise<unknown>;
  readonly stats: { requests: number; retries: number };
};

/**
 * A number literal of 16 digits or more where a JSON value starts: the only kind `JSON.parse` may
 * read inexactly (2^53 has 16 digits). Hashes and addresses are quoted strings and never match.
 */
const LONG_NUMBER = /[:,[]\s*-?\d{16}/;

/**
 * Parses a node's answer: `JSON.parse` when every number fits a double exactly (nearly every
 * answer: amounts in sun below 2^53, i.e. 9 billion TRX), else {@link parseExactJson}, which gives
 * every number as its digits. Callers read int64 fields with `readInt`, which takes both.
 */
export function parseTronJson(text: string): unknown {
  if (!LONG_NUMBER.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new UserError(`Not valid JSON: ${(error as Error).message}`, {
        code: 'RPC_BAD_RESPONSE',
        cause: error,
      });
    }
  }
  return parseExactJson(text);
}

/**
 * A client for a Tron full node's HTTP API (java-tron's `/wallet/` servlets; TronGrid serves the
 * same paths with an API key). POSTs JSON, capped in rate and in flight, retried with backoff on
 * timeouts, network errors, answers cut short (invalid JSON) and HTTP 408, 429 (honouring
 * Retry-After) and 5xx. HTTP 401/403 is a
 * refused key. java-tron answers a request it cannot serve with HTTP 200 and `{"Error": "…"}`
 * (the documented error responses of every `/wallet/` page): that is an error naming the path, not
 * retried. Errors name the path and a redacted root, never the API key or credentials in the URL.
 *
 * @example
 * const tron = createTronHttpClient({ url: 'https://api.trongrid.io', apiKey, rps: 10 });
 * await tron.post('/wallet/getnowblock', {}); // { blockID: '…', block_header: { raw_data: { number: … } } }
 */
export function createTronHttpClient(parameters: TronHttpClientParameters): TronHttpClient {
  let urlOf: (path: string) => URL;
  try {
    const u = new URL(parameters.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(u.protocol);
    // The method's path goes after the root's path; a query the root carries stays a query.
    const base = u.pathname.replace(/\/+$/, '');
    urlOf = (path) => {
      const url = new URL(u);
      url.pathname = `${base}${path}`;
      return url;
    };
  } catch {
    throw new UserError(`Invalid Tron node URL ${redactUrl(parameters.url)}`, {
      code: 'BAD_USAGE',
      details: 'expected the HTTP API root, e.g. http://127.0.0.1:8090 or https://api.trongrid.io',
    });
  }
  const shown = redactUrl(parameters.url);
  const gate = parameters.gate ?? createRequestGate(parameters);
  const maxRetries = parameters.maxRetries ?? DEFAULT_MAX_RETRIES;
  const timeoutMs = parameters.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (parameters.apiKey) headers[TRON_API_KEY_HEADER] = parameters.apiKey;
  const stats = { requests: 0, retries: 0 };

  return {
    stats,
    async post(path, body) {
      const payload = JSON.stringify(body);
      for (let attempt = 0; ; attempt++) {
        const ticket = await gate.acquire();
        stats.requests++;
        let reason: string;
        let afterMs: number | null = null;
        try {
          const timeout = AbortSignal.timeout(timeoutMs);
          const signal = parameters.signal
            ? AbortSignal.any([timeout, parameters.signal])
            : timeout;
          try {
            // No redirects: fetch would carry the API key header to whatever host one names.
            const res = await fetch(urlOf(path), {
              method: 'POST',
              headers,
              body: payload,
              signal,
              redirect: 'manual',
            });
            if (res.status >= 300 && res.status < 400)
              throw new UserError(
                `Tron POST ${path}: the node answered with a redirect (HTTP ${res.status})`,
                {
                  code: 'RPC_FAILED',
                  details: `endpoint ${shown}: give the URL the node serves at; redirects are not followed, so the API key never goes to another host`,
                },
              );
            const text = await readCapped(res, path);
            if (res.ok) {
              const parsed = parseAnswer(text);
              if (parsed !== INVALID_JSON) return answer(path, parsed, shown);
              // A body cut short (a dropped connection, a proxy): the same request may succeed.
              throw new RetryableError('invalid JSON', { code: 'RPC_BAD_RESPONSE' });
            }
            if (res.status === 401 || res.status === 403)
              throw new UserError(`The Tron node refused the request (HTTP ${res.status})`, {
                code: 'RPC_AUTH_FAILED',
                details: `endpoint ${shown}: check the API key (--api-key or TRON_PRO_API_KEY)`,
              });
            if (!isRetryableHttpStatus(res.status))
              throw new UserError(`Tron POST ${path} failed: HTTP ${res.status}`, {
                code: 'RPC_FAILED',
                details: `endpoint ${shown}`,
              });
            reason = `HTTP ${res.status}`;
            afterMs = retryAfterMs(res.headers);
          } catch (error) {
            if (error instanceof UserError) throw error;
            if (parameters.signal?.aborted) throw parameters.signal.reason;
            // The system's code (ECONNREFUSED, ENOTFOUND, …) says what failed and holds no secret.
            const code = (error as { cause?: { code?: unknown } }).cause?.code;
            reason =
              error instanceof RetryableError
                ? error.shortMessage
                : timeout.aborted
                  ? 'timeout'
                  : `network error${typeof code === 'string' ? ` (${code})` : ''}`;
          }
        } finally {
          gate.release(ticket);
        }
        await backOff({
          attempt,
          maxRetries,
          reason,
          afterMs,
          method: `POST ${path}`,
          stats,
          onRetry: parameters.onRetry,
          failure: (attempts) =>
            new RetryableError(`Tron POST ${path} failed: ${reason}`, {
              code: 'RPC_FAILED',
              details: `endpoint ${shown}, after ${attempts} attempts`,
            }),
        });
      }
    },
  };
}

const INVALID_JSON = Symbol('invalid JSON');

/** The JSON of a 200 answer, or {@link INVALID_JSON} when it does not parse. */
function parseAnswer(text: string): unknown {
  try {
    return parseTronJson(text);
  } catch {
    return INVALID_JSON;
  }
}

/** A 200 answer's JSON, or the node's `{"Error": …}` as an error. */
function answer(path: string, parsed: unknown, shown: string): unknown {
  if (parsed !== null && typeof parsed === 'object' && 'Error' in parsed) {
    // Quoted: a hostile node's text must not put control characters on a terminal.
    const message = JSON.stringify(
      String((parsed as { Error: unknown }).Error).slice(0, MAX_NODE_ERROR_CHARS),
    );
    throw new UserError(`Tron POST ${path}: the node answered with an error: ${message}`, {
      code: 'RPC_ERROR',
      details: `endpoint ${shown}`,
    });
  }
  return parsed;
}

/** A body as text, refused past {@link MAX_RESPONSE_BYTES}. */
async function readCapped(res: Response, path: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > MAX_RESPONSE_BYTES) {
    await res.body?.cancel();
    throw tooLarge(path);
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await res.body.cancel().catch(() => undefined);
      throw tooLarge(path);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(path: string): UserError {
  return new UserError(
    `Tron POST ${path}: the answer is larger than ${MAX_RESPONSE_BYTES / 2 ** 20} MB`,
    { code: 'RPC_BAD_RESPONSE', details: 'a node answering this much is broken or hostile' },
  );
}
