import type { InvestigationCase, TaintPolicy, TraceJob, TraceResult } from '../../api/types.ts';
import type { CaseTrace, LayerChoice } from './layers.ts';

/** What a trace run from the case page asks for (the body of `POST /v1/traces`). */
export type TraceRequest = {
  seeds: string[];
  /** The chain of the seeds (0x addresses and hashes are ethereum's unless it says otherwise). */
  chain?: string;
  policy: TaintPolicy;
  direction: 'forward' | 'backward';
  maxHops: number;
  /** Dust limit in raw units. */
  minValue?: number;
  since?: string;
  until?: string;
};

/**
 * The open case as its views (graph, where the money is, dashboard, notes) share it. The case page
 * owns it: it loads the case and its traces, runs traces, and saves the case with its version (a
 * stale version is refused by the API with 409 CASE_CONFLICT).
 */
export type CaseWorkspace = {
  /** The case as last loaded or saved. */
  case: InvestigationCase;
  /**
   * Every trace of the case, in its order (`traceIds` as edited here): each is a layer of the
   * graph, and the money views speak of one of them at a time.
   */
  traces: CaseTrace[];
  /** Which traces are drawn, which is main, their names (saved with the case's graph state). */
  layers: LayerChoice;
  /** The main trace: the one marked main, else the first forward trace that is done. */
  mainTraceId: string | null;
  /** The main trace with its result (null while none is done, or its result is loading). */
  trace: { job: TraceJob; result: TraceResult } | null;
  setLayers(next: LayerChoice): void;
  /** Takes the trace out of the case (its job stays in the API); the other layers stay. */
  removeTrace(id: string): void;
  /** Loads the results of these traces (done ones not loaded yet), e.g. a picked one. */
  loadResults(ids: readonly string[]): void;
  /** A trace being run from this page: its job as the event stream last reported it. */
  running: TraceJob | null;
  /** Error of the last trace run, if it failed. */
  traceError: Error | null;
  /** Starts a trace, follows its progress, and adds it to the case as a new layer when done. */
  runTrace(request: TraceRequest): Promise<void>;
  cancelTrace(): void;
  /** The graph view's state (nodes, positions, filters), saved with the case as `graph`. */
  graph: unknown;
  setGraph(graph: unknown): void;
  /** Text per graph node id. */
  annotations: Record<string, string>;
  setAnnotation(nodeId: string, text: string | null): void;
  /** Unsaved changes (graph, annotations, traces, layers). */
  dirty: boolean;
  saving: boolean;
  save(): Promise<void>;
  /** Reloads the case from the server (after notes were added elsewhere, say). */
  reload(): void;
  /** The case changed on the server (a note added): take its new version and notes. */
  replaceCase(next: InvestigationCase): void;
};

/** A trace of the workspace with its result, when both are at hand. */
export function traceWithResult(
  workspace: Pick<CaseWorkspace, 'traces'>,
  id: string | null,
): { job: TraceJob; result: TraceResult } | null {
  const t = id === null ? undefined : workspace.traces.find((x) => x.id === id);
  return t?.job && t.result ? { job: t.job, result: t.result } : null;
}
