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
/** The window an `rps` cap applies to. */
const RATE_WINDOW_MS = 1000;
/**
 * Added to the window when spacing calls, so that up to this much network jitter cannot make a
 * provider see rps + 1 calls within its one second.
 */
const RATE_WINDOW_MARGIN_MS = 50;

/** Admission of requests: at most `concurrency` in flight, at most `rps` started in any second. */
export type RequestGate = {
  /** Waits for a free slot (and the rate's turn), then holds it. */
  acquire(): Promise<void>;
  /** Frees a slot taken by {@link RequestGate.acquire}. */
  release(): void;
};

/**
 * A {@link RequestGate}. Calls start one at a time, each at least 1050 ms / rps after the previous
 * one actually started: a timer that fires late then delays the calls after it too, so any rps + 1
 * consecutive calls span more than a second.
 *
 * @example
 * const gate = createRequestGate({ rps: 10, concurrency: 4 });
 * await gate.acquire();
 * try { await fetch(url); } finally { gate.release(); }
 */
export function createRequestGate(parameters: {
  rps?: number | undefined;
  concurrency?: number | undefined;
}): RequestGate {
  const concurrency = Math.max(1, parameters.concurrency ?? DEFAULT_CONCURRENCY);
  const intervalMs = parameters.rps ? (RATE_WINDOW_MS + RATE_WINDOW_MARGIN_MS) / parameters.rps : 0;
  let lastStart = -Infinity;
  let rateTurn: Promise<void> = Promise.resolve();
  const waitRateTurn = (): Promise<void> =>
    (rateTurn = rateTurn.then(async () => {
      // Timers count whole milliseconds and may wake a fraction early: check again.
      for (let wait = lastStart + intervalMs - performance.now(); wait > 0;) {
        await new Promise((r) => setTimeout(r, wait));
        wait = lastStart + intervalMs - performance.now();
      }
      lastStart = performance.now();
    }));
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return {
    async acquire() {
      if (inFlight >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight++;
      if (intervalMs > 0) await waitRateTurn();
    },
    release() {
      inFlight--;
      waiting.shift()?.();
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
