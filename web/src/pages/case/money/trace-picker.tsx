import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import type { TraceJob, TraceResult } from '../../../api/types.ts';
import { type CaseWorkspace, traceWithResult } from '../case-workspace.ts';
import { traceTitle } from '../layers.ts';

/** The URL parameter that names the trace the money views speak of (the main trace when absent). */
const TRACE_PARAM = 'trace';

/** The trace a money view speaks of. */
export type PickedTrace = {
  /** Its id: the one `?trace=` names when the case has it and it is done, else the main trace. */
  id: string | null;
  /** With its result once loaded. */
  trace: { job: TraceJob; result: TraceResult } | null;
  /** Its result is being read. */
  loading: boolean;
  /** Why its result could not be read. */
  error: Error | null;
  pick(id: string): void;
};

/**
 * The trace "Where the money is" and the dashboard speak of: picked in the view (kept in the URL,
 * so both views and a reload agree), else the case's main trace. Its result is loaded on demand.
 */
export function usePickedTrace(workspace: CaseWorkspace): PickedTrace {
  const [params, setParams] = useSearchParams();
  const asked = params.get(TRACE_PARAM);
  const candidate = workspace.traces.find((t) => t.id === asked && t.job?.state === 'done');
  const id = candidate?.id ?? workspace.mainTraceId;
  const entry = workspace.traces.find((t) => t.id === id);
  const { loadResults } = workspace;
  useEffect(() => {
    if (id) loadResults([id]);
  }, [id, loadResults]);
  return {
    id,
    trace: traceWithResult(workspace, id),
    loading: !!entry && !entry.result && !entry.error,
    error: entry?.error ?? null,
    pick: (next) =>
      setParams(
        (p) => {
          if (next === workspace.mainTraceId) p.delete(TRACE_PARAM);
          else p.set(TRACE_PARAM, next);
          return p;
        },
        { replace: true },
      ),
  };
}

/** Picks which of the case's finished traces the view speaks of; the main one comes first. */
export function TracePicker(props: { workspace: CaseWorkspace; picked: PickedTrace }) {
  const { workspace, picked } = props;
  const done = workspace.traces
    .map((t, i) => ({ t, number: i + 1 }))
    .filter(({ t }) => t.job?.state === 'done');
  if (done.length < 2) return null;
  return (
    <div className="row trace-picker">
      <label htmlFor="money-trace">Trace</label>
      <select
        id="money-trace"
        value={picked.id ?? ''}
        onChange={(e) => picked.pick(e.target.value)}
      >
        {done.map(({ t, number }) => (
          <option key={t.id} value={t.id}>
            #{number} {traceTitle(t, workspace.layers.names)}
            {t.id === workspace.mainTraceId ? ' (main)' : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
