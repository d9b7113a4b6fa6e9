import { useEffect, useRef, useState } from 'react';
import { ApiError, withQuery } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import type { Alert } from './types.ts';

/** Where the live feed is: opening, open, waiting to try again, or given up (a key refused). */
export type StreamStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'reconnecting'; retryAt: number; attempt: number }
  | { state: 'failed'; error: Error };

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
/** A connection that stayed up this long was healthy: the next failure starts the backoff over. */
const HEALTHY_MS = 10_000;
/**
 * `api.stream` resolves only when the stream ends, and the server answers its headers at once: a
 * stream still open after this long is taken as live (a refused key or a down server fails sooner).
 */
const OPEN_AFTER_MS = 800;
/** Without any alert seen, a reconnect replays from a little before the drop (clocks differ). */
const REPLAY_MARGIN_MS = 5 * 60_000;

/**
 * Follows `GET /v1/alerts/stream` (Server-Sent Events, read with fetch since EventSource cannot send
 * the key), reconnecting with exponential backoff and jitter. A reconnect asks the server to replay
 * what fired since the newest alert seen, so nothing is lost while offline; repeats are the
 * caller's to drop (by id).
 *
 * @param newestSeen - the `firedAt` of the newest alert the page holds, if any
 * @param enabled - false for a key that may not read alerts (a screening key)
 * @returns the status, and `retryNow` to skip the wait
 */
export function useAlertStream(
  onAlert: (alert: Alert) => void,
  newestSeen: () => string | undefined,
  enabled = true,
): { status: StreamStatus; retryNow: () => void } {
  const { api } = useSession();
  const [status, setStatus] = useState<StreamStatus>({ state: 'connecting' });
  const [generation, setGeneration] = useState(0);
  const handler = useRef(onAlert);
  const newest = useRef(newestSeen);
  const wake = useRef<(() => void) | null>(null);
  useEffect(() => {
    handler.current = onAlert;
    newest.current = newestSeen;
  });

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const { signal } = controller;
    let attempt = 0;
    let droppedAt: number | null = null;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wake.current = null;
          resolve();
        }
        wake.current = done;
        signal.addEventListener('abort', done, { once: true });
      });

    void (async () => {
      while (!signal.aborted) {
        setStatus(attempt === 0 && droppedAt === null ? { state: 'connecting' } : (s) => s);
        let since = newest.current();
        if (since === undefined && droppedAt !== null)
          since = new Date(droppedAt - REPLAY_MARGIN_MS).toISOString();
        const openedAt = Date.now();
        const opened = setTimeout(() => setStatus({ state: 'live' }), OPEN_AFTER_MS);
        let error: Error | null = null;
        try {
          await api.stream(
            withQuery('/v1/alerts/stream', { since }),
            (event) => {
              if (event.event !== 'alert') return;
              setStatus({ state: 'live' });
              try {
                handler.current(JSON.parse(event.data) as Alert);
              } catch {
                // A malformed event is dropped; the list reload shows the alert anyway.
              }
            },
            signal,
          );
        } catch (e) {
          error = e as Error;
        }
        clearTimeout(opened);
        if (signal.aborted) return;
        // A refused key will be refused again: say so instead of retrying forever.
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          setStatus({ state: 'failed', error });
          return;
        }
        droppedAt = Date.now();
        if (droppedAt - openedAt > HEALTHY_MS) attempt = 0;
        const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
        const wait = Math.round(base / 2 + (Math.random() * base) / 2);
        attempt++;
        setStatus({ state: 'reconnecting', retryAt: Date.now() + wait, attempt });
        await sleep(wait);
      }
    })();
    return () => controller.abort();
  }, [api, generation, enabled]);

  return {
    status,
    retryNow: () => {
      if (wake.current) wake.current();
      else setGeneration((g) => g + 1);
    },
  };
}
