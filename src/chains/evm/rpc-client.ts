import {
  createPublicClient,
  HttpRequestError,
  http,
  type PublicClient,
  RpcError,
  RpcRequestError,
  TimeoutError,
} from 'viem';
import { BaseError, RetryableError } from '../../errors/base.ts';
import {
  createRequestGate,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RPC_TIMEOUT_MS,
  isRetryableHttpStatus,
  retryAfterMs,
  retryDelayMs,
} from '../request-pacing.ts';
import { redactUrl } from './redact-url.ts';

export {
  DEFAULT_MAX_RETRIES,
  DEFAULT_RPC_TIMEOUT_MS,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
} from '../request-pacing.ts';
/** JSON-RPC requests per HTTP batch. */
const RPC_BATCH_SIZE = 100;
/** JSON-RPC error codes that mean "slow down", not "wrong request". */
const RETRYABLE_RPC_CODES = new Set([-32005, 429]);

export type RpcClientParameters = {
  url: string;
  /**
   * Most JSON-RPC calls in any one-second window (default: no cap). Each call counts, also inside an
   * HTTP batch and when retried, since providers count and bill per call.
   */
  rps?: number | undefined;
  /** Most requests in flight at once (default 64). */
  concurrency?: number | undefined;
  maxRetries?: number | undefined;
  timeoutMs?: number | undefined;
  /** Called before each retry, e.g. for logs (the URL is never passed). */
  onRetry?: (info: { method: string; attempt: number; delayMs: number; reason: string }) => void;
};

export type RpcRequestOptions = {
  /** Attempts after the first for this request (default: the client's `maxRetries`). */
  maxRetries?: number | undefined;
};

export type RpcClient = {
  request<T>(method: string, params: unknown[], options?: RpcRequestOptions): Promise<T>;
  /** Requests sent (attempts included) and retries made so far. */
  readonly stats: { requests: number; retries: number };
};

/**
 * A JSON-RPC error the node answered with (not a transport failure): method missing, bad params, an
 * `eth_call` that reverted (code 3)…
 */
export class RpcResponseError extends BaseError {
  override name = 'RpcResponseError';
  readonly rpcCode: number;
  /** The node's own error message (e.g. `execution reverted: nope`), when it gave one. */
  readonly nodeMessage: string | undefined;
  constructor(method: string, rpcCode: number, message: string, nodeMessage?: string) {
    super(`RPC ${method} failed: ${message}`, {
      code: 'RPC_ERROR',
      details: `JSON-RPC error ${rpcCode}${nodeMessage ? `: ${nodeMessage}` : ''}`,
    });
    this.rpcCode = rpcCode;
    this.nodeMessage = nodeMessage;
  }
}

/**
 * The node's answer to a request as an error: viem maps the standard codes to `RpcError` subclasses
 * and leaves others (e.g. 3, "execution reverted", or a provider's own codes) as `RpcRequestError`.
 */
function nodeAnswer(error: unknown): { code: number; message: string; details?: string } | null {
  if (error instanceof RpcError)
    return { code: error.code, message: error.shortMessage, details: error.details };
  if (error instanceof RpcRequestError)
    return {
      code: error.code,
      message: error.details || error.shortMessage,
      details: error.details,
    };
  return null;
}

/** Why an error is worth retrying, or null when it is not. */
function retryReason(error: unknown): { reason: string; afterMs: number | null } | null {
  if (error instanceof TimeoutError) return { reason: 'timeout', afterMs: null };
  if (error instanceof HttpRequestError) {
    if (error.status === undefined) {
      const malformed = error.cause instanceof SyntaxError;
      return { reason: malformed ? 'malformed response' : 'network error', afterMs: null };
    }
    if (isRetryableHttpStatus(error.status))
      return { reason: `HTTP ${error.status}`, afterMs: retryAfterMs(error.headers) };
    return null;
  }
  const answer = nodeAnswer(error);
  if (answer && RETRYABLE_RPC_CODES.has(answer.code))
    return { reason: `RPC error ${answer.code}`, afterMs: null };
  return null;
}

/**
 * A JSON-RPC client for chain sync: requests are batched over HTTP, capped in rate and in flight,
 * and retried with exponential backoff and jitter when the failure is transient (timeouts, network
 * errors, HTTP 408/429/5xx honouring Retry-After, JSON-RPC "limit exceeded"). Other errors fail at
 * once. Errors name the method and a redacted endpoint only, never credentials or API keys.
 *
 * @example
 * const rpc = createRpcClient({ url: 'http://127.0.0.1:8545', rps: 50 });
 * const head = await rpc.request<string>('eth_blockNumber', []);
 */
export function createRpcClient(parameters: RpcClientParameters): RpcClient {
  const client = createPublicClient({
    transport: http(parameters.url, {
      batch: { batchSize: RPC_BATCH_SIZE },
      timeout: parameters.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
      retryCount: 0,
    }),
  }) as PublicClient;
  const maxRetries = parameters.maxRetries ?? DEFAULT_MAX_RETRIES;
  const { acquire, release } = createRequestGate(parameters);
  const stats = { requests: 0, retries: 0 };

  return {
    stats,
    async request<T>(method: string, params: unknown[], options?: RpcRequestOptions): Promise<T> {
      const retries = options?.maxRetries ?? maxRetries;
      for (let attempt = 0; ; attempt++) {
        const ticket = await acquire();
        stats.requests++;
        let error: unknown;
        try {
          return (await client.request({ method: method as never, params: params as never })) as T;
        } catch (e) {
          error = e;
        } finally {
          release(ticket);
        }
        const retry = retryReason(error);
        if (!retry || attempt >= retries) {
          const answer = nodeAnswer(error);
          if (answer && !retry)
            throw new RpcResponseError(method, answer.code, answer.message, answer.details);
          const reason =
            retry?.reason ?? (error as { shortMessage?: string }).shortMessage ?? 'request failed';
          throw new RetryableError(`RPC ${method} failed: ${reason}`, {
            code: 'RPC_FAILED',
            details: `endpoint ${redactUrl(parameters.url)}${retry ? `, after ${attempt + 1} attempts` : ''}`,
          });
        }
        const delayMs = retryDelayMs(attempt, retry.afterMs);
        stats.retries++;
        parameters.onRetry?.({ method, attempt: attempt + 1, delayMs, reason: retry.reason });
        await new Promise((r) => setTimeout(r, delayMs));
      }
    },
  };
}
