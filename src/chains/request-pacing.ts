/**
 * What every chain client shares (EVM JSON-RPC, Bitcoin Core JSON-RPC, Esplora REST): a cap on
 * requests per second and in flight, and exponential backoff with jitter between retries of
 * transient failures.
 */

/** First retry delay; doubles per attempt, plus up to as much again of random jitter. */
export const RETRY_BASE_DELAY_MS = 250;
/** Longest wait between two attempts (also caps a server's Retry-After). */
export const RETRY_MAX_DELAY_MS = 30_000;
/** Attempts after the first before a request fails. */
export const DEFAULT_MAX_RETRIES = 6;
/** Per-request timeout. */
export const DEFAULT_RPC_TIMEOUT_MS = 30_000;
/** Requests in flight at once unless asked otherwise. */
export const DEFAULT_CONCURRENCY = 64;

/**
 * HTTP statuses worth retrying: timeouts, rate limits (public endpoints send 429), server errors
 * without an answer to the request. Every other status is the request's fault.
 */
export function isRetryableHttpStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** What each chain client (Bitcoin Core JSON-RPC, Esplora REST) is given besides its URL. */
export type PacedClientParameters = {
  /** Most calls started in any one second (each call of a batch counts); default no cap. */
  rps?: number | undefined;
  /** Most HTTP requests in flight (default {@link DEFAULT_CONCURRENCY}). */
  concurrency?: number | undefined;
  maxRetries?: number | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Called before each retry, e.g. for logs (the URL is never passed). */
  onRetry?: (info: { method: string; attempt: number; delayMs: number; reason: string }) => void;
  /**
   * The cap on rate and requests in flight, when several clients of one endpoint (a startup probe
   * with fewer retries, then the sync's) must share it; default a gate of this client's own.
   */
  gate?: RequestGate | undefined;
};
/** The window an `rps` cap applies to. */
const RATE_WINDOW_MS = 1000;
/**
 * Added to the window, so that up to this much network jitter cannot make a provider see rps + 1
 * calls within its one second.
 */
const RATE_WINDOW_MARGIN_MS = 50;

/** A request let through a {@link RequestGate}: handed back to {@link RequestGate.release}. */
export type GateTicket = {
  /** Calls the request carries. */
  readonly calls: number;
  /** `performance.now()` when its answer came (or it failed); null while in flight. */
  doneAtMs: number | null;
};

/** Admission of requests: at most `concurrency` in flight, at most `rps` calls in any second. */
export type RequestGate = {
  /**
   * Waits for a free slot (and the rate's turn), then holds it. `calls` is how many calls the
   * request carries (a JSON-RPC batch: one per call, default 1): each counts against `rps`.
   */
  acquire(calls?: number): Promise<GateTicket>;
  /** Frees the slot of a request {@link RequestGate.acquire} let through, once it has ended. */
  release(ticket: GateTicket): void;
};

/**
 * A {@link RequestGate}. Calls start one at a time, each at least 1050 ms / rps after the previous
 * one started: a timer that fires late then delays the calls after it too. On top of that spacing,
 * a request starts only while the calls of the requests still in flight or answered within the
 * last 1050 ms, and its own, make at most rps: a provider cannot see a call before it was sent nor
 * after it was answered, so however late a request leaves (measured: Node's first `fetch` loads
 * its HTTP client, 100-150 ms between admission and the wire on this machine) or however long it
 * takes, no second of the provider's holds more than rps calls. A request of more than rps calls
 * waits for an empty window and alone breaks the cap: the clients split their batches to at most
 * rps calls. The price is that a slow answer holds its calls' share a little longer: at most its
 * latency more than a second.
 *
 * @example
 * const gate = createRequestGate({ rps: 10, concurrency: 4 });
 * const ticket = await gate.acquire();
 * try { await fetch(url); } finally { gate.release(ticket); }
 */
export function createRequestGate(parameters: {
  rps?: number | undefined;
  concurrency?: number | undefined;
}): RequestGate {
  const concurrency = Math.max(1, parameters.concurrency ?? DEFAULT_CONCURRENCY);
  const rps = parameters.rps ?? 0;
  const windowMs = RATE_WINDOW_MS + RATE_WINDOW_MARGIN_MS;
  const intervalMs = rps ? windowMs / rps : 0;
  let lastStart = -Infinity;
  /** Requests in flight, or answered within the last window. */
  let recent: GateTicket[] = [];
  /** Wakes the request waiting for one in flight to end (the rate's turns run one at a time). */
  let onRelease: (() => void) | null = null;
  let rateTurn: Promise<unknown> = Promise.resolve();

  /** Milliseconds until a request of `calls` calls may start, or null: when one in flight ends. */
  const waitMs = (calls: number, now: number): number | null => {
    recent = recent.filter((t) => t.doneAtMs === null || t.doneAtMs > now - windowMs);
    let wait = lastStart + intervalMs - now;
    let excess = recent.reduce((sum, t) => sum + t.calls, 0) + Math.min(calls, rps) - rps;
    const answered = recent
      .filter((t) => t.doneAtMs !== null)
      .sort((a, b) => a.doneAtMs! - b.doneAtMs!);
    for (const t of answered) {
      if (excess <= 0) break;
      excess -= t.calls;
      wait = Math.max(wait, t.doneAtMs! + windowMs - now);
    }
    return excess > 0 ? null : Math.max(0, wait);
  };
  const waitRateTurn = (calls: number): Promise<GateTicket> => {
    const turn = rateTurn.then(async () => {
      // Timers count whole milliseconds and may wake a fraction early: check again.
      for (let wait = waitMs(calls, performance.now()); wait !== 0;) {
        await new Promise<void>((resolve) => {
          if (wait === null) onRelease = resolve;
          else setTimeout(resolve, wait);
        });
        wait = waitMs(calls, performance.now());
      }
      lastStart = performance.now();
      const ticket: GateTicket = { calls, doneAtMs: null };
      recent.push(ticket);
      return ticket;
    });
    rateTurn = turn;
    return turn;
  };
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return {
    async acquire(calls = 1) {
      if (inFlight >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight++;
      const n = Math.max(1, calls);
      return intervalMs > 0 ? waitRateTurn(n) : { calls: n, doneAtMs: null };
    },
    release(ticket) {
      ticket.doneAtMs = performance.now();
      inFlight--;
      waiting.shift()?.();
      const wake = onRelease;
      onRelease = null;
      wake?.();
    },
  };
}

/**
 * A server's `Retry-After` in milliseconds (seconds or an HTTP date), or null.
 *
 * @example
 * retryAfterMs(new Headers({ 'retry-after': '2' })); // 2000
 */
export function retryAfterMs(headers: Headers | undefined): number | null {
  const value = headers?.get('retry-after');
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/**
 * The wait before retry number `attempt + 1`: the server's `Retry-After` when it gave one, else
 * {@link RETRY_BASE_DELAY_MS} doubled per attempt plus random jitter, never over
 * {@link RETRY_MAX_DELAY_MS}.
 *
 * @example
 * retryDelayMs(0, null); // 250-500
 */
export function retryDelayMs(attempt: number, afterMs: number | null): number {
  const backoff = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** attempt);
  return Math.min(RETRY_MAX_DELAY_MS, afterMs ?? backoff + Math.random() * backoff);
}

/** Input of {@link backOff}. */
export type BackOffParameters = {
  /** The attempt that just failed (0 for the first). */
  attempt: number;
  maxRetries: number;
  /** Why it failed, for the error and `onRetry` (never a URL or a key). */
  reason: string;
  /** The server's `Retry-After`, when it gave one. */
  afterMs: number | null;
  /** What was asked, e.g. `GET /block/…`, for `onRetry`. */
  method: string;
  stats: { retries: number };
  onRetry?: PacedClientParameters['onRetry'];
  /** The error once the retries are spent. */
  failure: (attempts: number) => Error;
};

/**
 * After a failed attempt of a REST client's request: throws `failure` once `maxRetries` retries
 * are spent; else counts the retry, reports it and waits {@link retryDelayMs}.
 *
 * @example
 * await backOff({ attempt, maxRetries, reason: 'HTTP 503', afterMs: null, method, stats, failure });
 */
export async function backOff(p: BackOffParameters): Promise<void> {
  if (p.attempt >= p.maxRetries) throw p.failure(p.attempt + 1);
  const delayMs = retryDelayMs(p.attempt, p.afterMs);
  p.stats.retries++;
  p.onRetry?.({ method: p.method, attempt: p.attempt + 1, delayMs, reason: p.reason });
  await new Promise((r) => setTimeout(r, delayMs));
}
