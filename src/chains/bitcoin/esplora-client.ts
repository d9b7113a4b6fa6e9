import { RetryableError, UserError } from '../../errors/base.ts';
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

export type EsploraClientParameters = PacedClientParameters & {
  /** The API root, e.g. `https://blockstream.info/api` or `https://mempool.space/api`. */
  url: string;
};

/** An Esplora REST client: GET a path, as text, or null when the API answers 404. */
export type EsploraClient = {
  get(path: string): Promise<string | null>;
  readonly stats: { requests: number; retries: number };
};

/**
 * A client for an Esplora REST API (Blockstream's electrs, mempool.space): GETs under the API root,
 * capped in rate and in flight, retried with backoff on timeouts, network errors and HTTP 408, 429
 * (honouring Retry-After) and 5xx. A 404 is an answer (no such block), other statuses fail at once.
 * Errors name the path and a redacted root, never an API key in the URL.
 *
 * @example
 * const esplora = createEsploraClient({ url: 'https://blockstream.info/api', rps: 5 });
 * await esplora.get('/blocks/tip/height'); // '879000'
 */
export function createEsploraClient(parameters: EsploraClientParameters): EsploraClient {
  let root: string;
  try {
    const u = new URL(parameters.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(u.protocol);
    root = u.toString().replace(/\/+$/, '');
  } catch {
    throw new UserError(`Invalid Esplora URL ${redactUrl(parameters.url)}`, { code: 'BAD_USAGE' });
  }
  const shown = redactUrl(parameters.url);
  const gate = parameters.gate ?? createRequestGate(parameters);
  const maxRetries = parameters.maxRetries ?? DEFAULT_MAX_RETRIES;
  const timeoutMs = parameters.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  const stats = { requests: 0, retries: 0 };

  return {
    stats,
    async get(path: string): Promise<string | null> {
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
            const res = await fetch(`${root}${path}`, { signal });
            const text = await res.text();
            if (res.ok) return text;
            if (res.status === 404) return null;
            if (!isRetryableHttpStatus(res.status))
              throw new RetryableError(`Esplora GET ${path} failed: HTTP ${res.status}`, {
                code: 'RPC_FAILED',
                details: `endpoint ${shown}`,
              });
            reason = `HTTP ${res.status}`;
            afterMs = retryAfterMs(res.headers);
          } catch (error) {
            if (error instanceof RetryableError) throw error;
            if (parameters.signal?.aborted) throw parameters.signal.reason;
            reason = timeout.aborted ? 'timeout' : 'network error';
          }
        } finally {
          gate.release(ticket);
        }
        await backOff({
          attempt,
          maxRetries,
          reason,
          afterMs,
          method: `GET ${path}`,
          stats,
          onRetry: parameters.onRetry,
          failure: (attempts) =>
            new RetryableError(`Esplora GET ${path} failed: ${reason}`, {
              code: 'RPC_FAILED',
              details: `endpoint ${shown}, after ${attempts} attempts`,
            }),
        });
      }
    },
  };
}
