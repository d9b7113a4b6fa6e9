import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuditEntryInput, AppStore } from '../store/store.ts';

/** How long audit entries wait in memory before they are written together. */
const AUDIT_FLUSH_INTERVAL_MS = 200;
/**
 * Entries that trigger a write at once, however recent. A write blocks the event loop while DuckDB
 * appends (about 1 µs per entry), so smaller batches keep it from showing in request latency.
 */
const AUDIT_FLUSH_ENTRIES = 500;
/**
 * A key reading the same thing again within this window is one read: opening a case fetched the
 * case and its trace results again on every view change and reload, 25 `case.read` and 26 trace
 * entries for one sitting, which buried the actions in the case's trail.
 */
export const AUDIT_READ_COALESCE_MS = 10 * 60 * 1000;
/** Reads remembered for coalescing; beyond it the oldest are forgotten (and logged again). */
const AUDIT_READ_MEMORY = 10_000;

/** Records who did what through the API. */
export type AuditLog = {
  /** Records an action of the request's key, with its name and role (buffered; written within a second). */
  record(request: FastifyRequest, action: string, target: string | null, detail?: unknown): void;
  /**
   * Records a read (a case opened, a trace result viewed) once per key, action and target within
   * {@link AUDIT_READ_COALESCE_MS}: who looked at what stays in the trail, each re-render does not.
   */
  recordRead(request: FastifyRequest, action: string, target: string, detail?: unknown): void;
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
export function createAuditLog(parameters: {
  store: Pick<AppStore, 'appendAudit'>;
  logger: Logger;
}): AuditLog {
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
  // Insertion order is age order: the first entry is the oldest read.
  const reads = new Map<string, number>();
  const record: AuditLog['record'] = (request, action, target, detail) => {
    const key = request.apiKey;
    buffer.push({
      actor: key?.id ?? 'anonymous',
      actorName: key?.name ?? null,
      actorRole: key?.role ?? null,
      org: key?.org ?? null,
      action,
      target,
      detail,
      requestId: String(request.id),
      time: timeOf(Date.now()),
    });
    if (buffer.length >= AUDIT_FLUSH_ENTRIES) void flush();
  };
  return {
    record,
    recordRead(request, action, target, detail) {
      const now = Date.now();
      const id = `${request.apiKey?.id ?? 'anonymous'}\u0000${action}\u0000${target}`;
      const last = reads.get(id);
      if (last !== undefined && now - last < AUDIT_READ_COALESCE_MS) return;
      reads.delete(id);
      reads.set(id, now);
      if (reads.size > AUDIT_READ_MEMORY) reads.delete(reads.keys().next().value!);
      record(request, action, target, detail);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
