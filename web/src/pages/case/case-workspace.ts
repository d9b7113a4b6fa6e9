import type { InvestigationCase, TaintPolicy, TraceJob, TraceResult } from '../../api/types.ts';

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
 * owns it: it loads the case and its latest trace, runs traces, and saves the case with its version
 * (a stale version is refused by the API with 409 CASE_CONFLICT).
 */
export type CaseWorkspace = {
  /** The case as last loaded or saved. */
  case: InvestigationCase;
  /** The latest trace of the case with its result (null while none is done). */
  trace: { job: TraceJob; result: TraceResult } | null;
  /** A trace being run from this page: its job as the event stream last reported it. */
  running: TraceJob | null;
  /** Error of the last trace run, if it failed. */
  traceError: Error | null;
  /** Starts a trace, follows its progress, and makes it the case's latest trace when done. */
  runTrace(request: TraceRequest): Promise<void>;
  cancelTrace(): void;
  /** The graph view's state (nodes, positions, filters), saved with the case as `graph`. */
  graph: unknown;
  setGraph(graph: unknown): void;
  /** Text per graph node id. */
  annotations: Record<string, string>;
  setAnnotation(nodeId: string, text: string | null): void;
  /** Unsaved changes (graph, annotations, traces). */
  dirty: boolean;
  saving: boolean;
  save(): Promise<void>;
  /** Reloads the case from the server (after notes were added elsewhere, say). */
  reload(): void;
  /** The case changed on the server (a note added): take its new version and notes. */
  replaceCase(next: InvestigationCase): void;
};
