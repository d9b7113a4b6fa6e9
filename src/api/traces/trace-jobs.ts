import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { BaseError, UserError } from '../../errors/base.ts';
import type { Store } from '../../store/store.ts';
import { type TraceStorePhase, traceStore } from '../../trace/trace-store.ts';
import type { TraceParameters, TraceResult } from '../../trace/types.ts';
import { jsonSafe } from '../json.ts';
import type { Metrics } from '../metrics.ts';

/** The store document kind of finished trace jobs (status and result). */
export const TRACE_JOB_KIND = 'trace';
/** Finished jobs kept in memory besides the store, most recent first. */
const FINISHED_JOBS_IN_MEMORY = 20;
/** How far along each step puts a job (0-1): loading the index and labels dominates small traces. */
const PHASE_PROGRESS: Record<TraceStorePhase, number> = {
  index: 0.05,
  labels: 0.4,
  trace: 0.5,
  done: 1,
};

export type TraceJobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** A trace job as the API shows it. */
export type TraceJob = {
  id: string;
  org: string;
  /** The key that started it. */
  createdBy: string;
  state: TraceJobState;
  phase: TraceStorePhase | null;
  /** 0-1. */
  progress: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
  parameters: TraceParameters;
  /** Once done: endpoints, nodes, edges and the traced/untraced split. */
  counts: { endpoints: number; nodes: number; edges: number } | null;
};

/** Input of {@link TraceJobs.create}. */
export type CreateTraceJobParameters = {
  parameters: TraceParameters;
  org: string;
  createdBy: string;
};

/** Runs traces one at a time in the background and keeps their status and results. */
export type TraceJobs = {
  create(parameters: CreateTraceJobParameters): TraceJob;
  /** The job, if it belongs to `org`. */
  get(id: string, org: string): Promise<TraceJob | null>;
  /** The result of a done job of `org`. */
  result(id: string, org: string): Promise<TraceResult | null>;
  /** Jobs of `org`, newest first: those in memory, then those stored. */
  list(org: string): Promise<TraceJob[]>;
  /** Cancels a queued or running job (a running sweep stops at its next step). */
  cancel(id: string, org: string): Promise<TraceJob | null>;
  /** Calls `listener` on every change of the job until it ends; returns the unsubscribe. */
  subscribe(id: string, listener: (job: TraceJob) => void): () => void;
  /** Resolves when every job queued so far has ended (tests, shutdown). */
  idle(): Promise<void>;
  close(): void;
};

type Entry = {
  job: TraceJob;
  result: TraceResult | null;
  controller: AbortController;
  listeners: Set<(job: TraceJob) => void>;
};

const isFinal = (state: TraceJobState) =>
  state === 'done' || state === 'failed' || state === 'cancelled';

/**
 * Creates the trace job runner. Jobs run one at a time: a trace holds the whole graph index and
 * its sweep is CPU-bound, so two at once would only slow both. Finished jobs (with their result)
 * are stored as documents, so they outlive the process.
 *
 * @example
 * const jobs = createTraceJobs({ store, logger, metrics });
 * const job = jobs.create({ parameters, org: 'acme', createdBy: key.id });
 */
export function createTraceJobs(parameters: {
  store: Store;
  logger: Logger;
  metrics: Metrics;
}): TraceJobs {
  const { store, logger, metrics } = parameters;
  const entries = new Map<string, Entry>();
  let queue: Promise<void> = Promise.resolve();
  let closed = false;

  const countStates = () => {
    const counts: Record<TraceJobState, number> = {
      queued: 0,
      running: 0,
      done: 0,
      failed: 0,
      cancelled: 0,
    };
    for (const e of entries.values()) counts[e.job.state]++;
    for (const [state, n] of Object.entries(counts)) metrics.traceJobs.set({ state }, n);
  };

  const update = (entry: Entry, patch: Partial<TraceJob>) => {
    entry.job = { ...entry.job, ...patch };
    for (const listener of entry.listeners) listener(entry.job);
    if (isFinal(entry.job.state)) entry.listeners.clear();
    countStates();
  };

  const forget = () => {
    const finished = [...entries.values()].filter((e) => isFinal(e.job.state));
    for (const e of finished.slice(0, Math.max(0, finished.length - FINISHED_JOBS_IN_MEMORY)))
      entries.delete(e.job.id);
  };

  // Invariant: a job is announced as ended (to its listeners, its event stream) only once it is
  // stored, so a client that saw `done` finds the job even if the server restarts right after.
  const run = async (entry: Entry) => {
    if (entry.job.state !== 'queued' || closed || entry.controller.signal.aborted) return;
    update(entry, { state: 'running', startedAt: new Date().toISOString() });
    let ended: Partial<TraceJob>;
    try {
      const { result } = await traceStore({
        ...entry.job.parameters,
        store,
        signal: entry.controller.signal,
        onPhase: (phase) => update(entry, { phase, progress: PHASE_PROGRESS[phase] }),
      });
      entry.result = result;
      ended = {
        state: 'done',
        progress: 1,
        finishedAt: new Date().toISOString(),
        counts: {
          endpoints: result.endpoints.length,
          nodes: result.nodes.length,
          edges: result.edges.length,
        },
      };
    } catch (error) {
      const finishedAt = new Date().toISOString();
      if (entry.controller.signal.aborted) ended = { state: 'cancelled', finishedAt };
      else if (error instanceof UserError)
        ended = {
          state: 'failed',
          finishedAt,
          error: { code: error.code, message: error.shortMessage },
        };
      else {
        logger.error({ err: error, traceId: entry.job.id }, 'trace job failed');
        ended = {
          state: 'failed',
          finishedAt,
          error: {
            code: error instanceof BaseError ? error.code : 'INTERNAL_ERROR',
            message: 'The trace failed; the server log has the cause',
          },
        };
      }
    }
    try {
      await storeTraceJob(store, { ...entry.job, ...ended }, entry.result);
    } catch (error) {
      logger.error({ err: error, traceId: entry.job.id }, 'could not store a trace job');
    }
    update(entry, ended);
    forget();
  };

  const stored = async (id: string, org: string) => {
    const doc = await store.getDocument(TRACE_JOB_KIND, id);
    if (!doc || doc.org !== org) return null;
    return doc.body as { job: TraceJob; result: TraceResult | null };
  };

  return {
    create({ parameters: traceParameters, org, createdBy }) {
      const entry: Entry = {
        job: {
          id: randomUUID(),
          org,
          createdBy,
          state: 'queued',
          phase: null,
          progress: 0,
          createdAt: new Date().toISOString(),
          startedAt: null,
          finishedAt: null,
          error: null,
          parameters: traceParameters,
          counts: null,
        },
        result: null,
        controller: new AbortController(),
        listeners: new Set(),
      };
      entries.set(entry.job.id, entry);
      countStates();
      // Start on a later turn of the event loop, so the caller answers 202 first.
      queue = queue.then(() => new Promise((r) => setImmediate(r))).then(() => run(entry));
      return entry.job;
    },
    async get(id, org) {
      const entry = entries.get(id);
      if (entry) return entry.job.org === org ? entry.job : null;
      return (await stored(id, org))?.job ?? null;
    },
    async result(id, org) {
      const entry = entries.get(id);
      if (entry) return entry.job.org === org ? entry.result : null;
      return (await stored(id, org))?.result ?? null;
    },
    async list(org) {
      const live = [...entries.values()].map((e) => e.job).filter((j) => j.org === org);
      const seen = new Set(live.map((j) => j.id));
      const docs = await store.listDocuments({ kind: TRACE_JOB_KIND, org, limit: 100 });
      const older = docs
        .map((d) => (d.body as { job: TraceJob }).job)
        .filter((j) => !seen.has(j.id));
      return [...live.reverse(), ...older];
    },
    async cancel(id, org) {
      const entry = entries.get(id);
      if (!entry) return (await stored(id, org))?.job ?? null;
      if (entry.job.org !== org) return null;
      if (isFinal(entry.job.state)) return entry.job;
      entry.controller.abort();
      if (entry.job.state === 'queued') {
        // Aborted above, so run() will not start it while it is being stored.
        const ended = { state: 'cancelled' as const, finishedAt: new Date().toISOString() };
        await storeTraceJob(store, { ...entry.job, ...ended }, entry.result).catch((err: unknown) =>
          logger.error({ err, traceId: id }, 'could not store a trace job'),
        );
        update(entry, ended);
      }
      return entry.job;
    },
    subscribe(id, listener) {
      const entry = entries.get(id);
      if (!entry || isFinal(entry.job.state)) return () => {};
      entry.listeners.add(listener);
      return () => entry.listeners.delete(listener);
    },
    idle: () => queue,
    close() {
      closed = true;
      for (const e of entries.values()) if (!isFinal(e.job.state)) e.controller.abort();
    },
  };
}

/** Stores a job that ended, with its result, as the document the API reads it back from. */
async function storeTraceJob(
  store: Store,
  job: TraceJob,
  result: TraceResult | null,
): Promise<void> {
  await store.putDocument({
    kind: TRACE_JOB_KIND,
    id: job.id,
    org: job.org,
    body: jsonSafe({ job, result }),
  });
}

/** Input of {@link saveFinishedTrace}. */
export type SaveFinishedTraceParameters = {
  store: Store;
  org: string;
  /** The key (id) or tool that ran it. */
  createdBy: string;
  parameters: TraceParameters;
  result: TraceResult;
  startedAt: Date;
};

/**
 * Stores a trace run outside the API (by `chaintrail demo`) as a finished trace job of `org`, so
 * the API and the web UI show it like any other.
 *
 * @example
 * const job = await saveFinishedTrace({ store, org: 'default', createdBy: 'demo', parameters, result, startedAt });
 */
export async function saveFinishedTrace(p: SaveFinishedTraceParameters): Promise<TraceJob> {
  const job: TraceJob = {
    id: randomUUID(),
    org: p.org,
    createdBy: p.createdBy,
    state: 'done',
    phase: 'done',
    progress: 1,
    createdAt: p.startedAt.toISOString(),
    startedAt: p.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    error: null,
    parameters: p.parameters,
    counts: {
      endpoints: p.result.endpoints.length,
      nodes: p.result.nodes.length,
      edges: p.result.edges.length,
    },
  };
  await storeTraceJob(p.store, job, p.result);
  return job;
}
