// The traces of the open case: their jobs, the results the page needs (loaded once each), the layer
// choice, and running a new trace, which joins the others as a layer instead of replacing them.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../../api/client.ts';
import type { InvestigationCase, TraceJob, TraceResult } from '../../api/types.ts';
import type { TraceRequest } from './case-workspace.ts';
import {
  type CaseTrace,
  defaultLayerChoice,
  type LayerChoice,
  mainTraceId,
  parseLayerChoice,
  resultsNeeded,
  withoutTrace,
} from './layers.ts';

/** Jobs and results read at once (a case refers to up to 100 traces). */
const PARALLEL_READS = 4;
/** Most traces a case refers to (the API's limit on `traceIds`): the oldest gives way. */
const MAX_CASE_TRACES = 100;

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const resultPath = (id: string) => `/v1/traces/${encodeURIComponent(id)}/result`;

/**
 * The traces of a case as it opens: every job, the saved layer choice (or the default), and the
 * results of the traces drawn and of the main one. A trace that cannot be read is listed with its
 * error rather than failing the page.
 */
export async function loadCaseTraces(
  api: ApiClient,
  c: InvestigationCase,
): Promise<{ traces: CaseTrace[]; layers: LayerChoice }> {
  const traces = await pool(c.traceIds, PARALLEL_READS, async (id): Promise<CaseTrace> =>
    api.get<TraceJob>(`/v1/traces/${encodeURIComponent(id)}`).then(
      (job) => ({ id, job, result: null, error: null }),
      (error: Error) => ({ id, job: null, result: null, error }),
    ),
  );
  const layers = parseLayerChoice(c.graph, c.traceIds) ?? defaultLayerChoice(traces);
  const needed = new Set(resultsNeeded(traces, layers));
  const loaded = await pool(
    traces.filter((t) => needed.has(t.id)),
    PARALLEL_READS,
    async (t) =>
      api.get<TraceResult>(resultPath(t.id)).then(
        (result): CaseTrace => ({ ...t, result }),
        (error: Error): CaseTrace => ({ ...t, error }),
      ),
  );
  const byId = new Map(loaded.map((t) => [t.id, t]));
  return { traces: traces.map((t) => byId.get(t.id) ?? t), layers };
}

/** What {@link useCaseTraces} gives the case page. */
export type CaseTraces = {
  traces: CaseTrace[];
  layers: LayerChoice;
  mainTraceId: string | null;
  running: TraceJob | null;
  traceError: Error | null;
  /** Takes a case's traces as {@link loadCaseTraces} read them (on open and reload). */
  reset(traces: CaseTrace[], layers: LayerChoice): void;
  runTrace(request: TraceRequest): Promise<void>;
  cancelTrace(): void;
  setLayers(next: LayerChoice): void;
  removeTrace(id: string): void;
  /** Loads the results of these traces (done ones not loaded yet); each is read once. */
  loadResults(ids: readonly string[]): void;
};

/**
 * The case's traces: a trace run here is followed over Server-Sent Events and, when done, joins the
 * case's list and is drawn beside the others; results the layer choice needs are loaded as it
 * changes. `onChange` is called on every change the case must save (a trace added or removed, the
 * layer choice).
 */
export function useCaseTraces(api: ApiClient, caseId: string, onChange: () => void): CaseTraces {
  const [traces, setTraces] = useState<CaseTrace[]>([]);
  const [layers, setLayersState] = useState<LayerChoice>({ shown: [], main: null, names: {} });
  const [running, setRunning] = useState<TraceJob | null>(null);
  const [traceError, setTraceError] = useState<Error | null>(null);
  const abort = useRef<AbortController | null>(null);
  const reading = useRef(new Set<string>());
  const changed = useRef(onChange);
  useEffect(() => {
    changed.current = onChange;
  }, [onChange]);
  useEffect(() => () => abort.current?.abort(), []);

  const loadResults = useCallback(
    (ids: readonly string[]) => {
      for (const id of ids) {
        if (reading.current.has(id)) continue;
        reading.current.add(id);
        api.get<TraceResult>(resultPath(id)).then(
          (result) => setTraces((ts) => ts.map((t) => (t.id === id ? { ...t, result } : t))),
          (error: Error) => setTraces((ts) => ts.map((t) => (t.id === id ? { ...t, error } : t))),
        );
      }
    },
    [api],
  );

  // Layers switched on (and a new main trace) need their results.
  useEffect(() => {
    const needed = resultsNeeded(traces, layers);
    if (needed.length) loadResults(needed);
  }, [traces, layers, loadResults]);

  const reset = useCallback((next: CaseTrace[], choice: LayerChoice) => {
    reading.current = new Set(next.filter((t) => t.result || t.error).map((t) => t.id));
    setTraces(next);
    setLayersState(choice);
  }, []);

  const runTrace = useCallback(
    async (request: TraceRequest) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      setTraceError(null);
      try {
        // The case's id puts the start in its audit trail, saved with the case or not.
        let job = await api.post<TraceJob>('/v1/traces', { ...request, caseId });
        setRunning(job);
        await api.stream(
          `/v1/traces/${job.id}/events`,
          (event) => {
            job = JSON.parse(event.data) as TraceJob;
            setRunning(job);
          },
          controller.signal,
        );
        if (controller.signal.aborted) return;
        if (job.state === 'failed') throw new Error(job.error?.message ?? 'The trace failed');
        if (job.state !== 'done') return;
        const result = await api.get<TraceResult>(resultPath(job.id));
        const done = job;
        reading.current.add(done.id);
        // The choice saved with the case keeps only the case's traces (see withLayerChoice), so a
        // trace dropped past the limit needs no change to it here.
        setTraces((ts) =>
          [
            ...ts.filter((t) => t.id !== done.id),
            { id: done.id, job: done, result, error: null },
          ].slice(-MAX_CASE_TRACES),
        );
        // A new trace is drawn beside the others: it adds a layer, it does not replace one.
        setLayersState((l) => ({
          ...l,
          shown: [...l.shown.filter((id) => id !== done.id), done.id],
        }));
        changed.current();
      } catch (error) {
        setTraceError(error as Error);
      } finally {
        if (abort.current === controller) abort.current = null;
        setRunning(null);
      }
    },
    [api, caseId],
  );

  const cancelTrace = useCallback(() => {
    const job = running;
    abort.current?.abort();
    setRunning(null);
    if (job) void api.del(`/v1/traces/${job.id}`).catch(() => undefined);
  }, [api, running]);

  const setLayers = useCallback((next: LayerChoice) => {
    setLayersState(next);
    changed.current();
  }, []);

  const removeTrace = useCallback((id: string) => {
    setTraces((ts) => ts.filter((t) => t.id !== id));
    setLayersState((l) => withoutTrace(l, id));
    changed.current();
  }, []);

  const main = useMemo(() => mainTraceId(traces, layers), [traces, layers]);
  return useMemo(
    () => ({
      traces,
      layers,
      mainTraceId: main,
      running,
      traceError,
      reset,
      runTrace,
      cancelTrace,
      setLayers,
      removeTrace,
      loadResults,
    }),
    [
      traces,
      layers,
      main,
      running,
      traceError,
      reset,
      runTrace,
      cancelTrace,
      setLayers,
      removeTrace,
      loadResults,
    ],
  );
}
