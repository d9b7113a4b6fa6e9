/**
 * Waits `ms`, or less when `signal` aborts (then it resolves at once; it never rejects). The abort
 * listener goes when the wait ends, or every poll of a long follow loop would leave one behind.
 *
 * @example
 * await abortableDelay(1000, controller.signal);
 */
export function abortableDelay(ms: number, signal?: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
