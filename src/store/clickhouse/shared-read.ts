/**
 * A read that screening makes on every request, kept for a while: read again after this process's
 * own writes (the store calls `drop`) and at most every `ttlMs` for other processes' writes.
 * Callers at the same time share one read; a failed read is not kept.
 *
 * @example
 * const chains = createSharedRead(5_000, () => readChains());
 * await chains.get(); // one query, then none for 5 s
 */
export function createSharedRead<T>(ttlMs: number, read: () => Promise<T>) {
  let entry: { at: number; value: Promise<T> } | null = null;
  return {
    get(): Promise<T> {
      if (entry && Date.now() - entry.at <= ttlMs) return entry.value;
      const mine = { at: Date.now(), value: read() };
      entry = mine;
      mine.value.catch(() => {
        if (entry === mine) entry = null;
      });
      return mine.value;
    },
    drop(): void {
      entry = null;
    },
  };
}
