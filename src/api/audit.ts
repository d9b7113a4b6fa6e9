import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuditEntryInput, Store } from '../store/store.ts';

/** How long audit entries wait in memory before they are written together. */
const AUDIT_FLUSH_INTERVAL_MS = 200;
/**
 * Entries that trigger a write at once, however recent. A write blocks the event loop while DuckDB
 * appends (about 1 µs per entry), so smaller batches keep it from showing in request latency.
 */
const AUDIT_FLUSH_ENTRIES = 500;

/** Records who did what through the API. */
export type AuditLog = {
  /** Records an action of the request's key (buffered; written within a second). */
  record(request: FastifyRequest, action: string, target: string | null, detail?: unknown): void;
  /** Writes what is buffered. */
  flush(): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
};

/**
 * An audit log that batches entries: one screening per deposit at thousands per second must not
 * mean thousands of database writes per second.
 *
 * @example
 * const audit = createAuditLog({ store, logger });
 * audit.record(request, 'screen', '0xab…');
 */
export function createAuditLog(parameters: { store: Store; logger: Logger }): AuditLog {
  // Many entries share a millisecond: format each millisecond once.
  let lastMs = -1;
  let lastIso = '';
  const timeOf = (ms: number) => {
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };
  const { store, logger } = parameters;
  let buffer: AuditEntryInput[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (buffer.length === 0) return writing;
    const entries = buffer;
    buffer = [];
    writing = writing
      .then(() => store.appendAudit(entries))
      .catch((err: unknown) =>
        logger.error({ err, entries: entries.length }, 'audit write failed'),
      );
    return writing;
  };
  const timer = setInterval(() => void flush(), AUDIT_FLUSH_INTERVAL_MS);
  timer.unref();
  return {
    record(request, action, target, detail) {
      const key = request.apiKey;
      buffer.push({
        actor: key?.id ?? 'anonymous',
        org: key?.org ?? null,
        action,
        target,
        detail,
        requestId: String(request.id),
        time: timeOf(Date.now()),
      });
      if (buffer.length >= AUDIT_FLUSH_ENTRIES) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
