// The traces of a case as layers of its graph: which ones are drawn, which one the money views speak
// of unless another is picked (the main trace), and the names the investigator gave them. Pure data
// and functions; the choice is saved with the case, in its graph state as `layers`.
import type { TraceJob, TraceResult } from '../../api/types.ts';
import { shortAddress } from '../../lib/format.ts';

/** A trace of the case as the page holds it. */
export type CaseTrace = {
  id: string;
  /** Its job (null while loading, or when it could not be read: see `error`). */
  job: TraceJob | null;
  /** Its result once loaded (done jobs only; loaded when drawn, main, picked or on a path). */
  result: TraceResult | null;
  /** Why its job or result could not be read. */
  error: Error | null;
};

/** What the investigator chose about the case's traces (saved in the case's graph state as `layers`). */
export type LayerChoice = {
  /** Ids of the traces drawn on the graph, in the case's order. */
  shown: string[];
  /** The trace marked main; null: the first forward trace that is done (see {@link mainTraceId}). */
  main: string | null;
  /** Names given to traces, by id. */
  names: Record<string, string>;
};

/** Longest name of a trace, in characters: a list row and a picker option must still fit. */
export const MAX_TRACE_NAME = 80;
/**
 * Distinct layer colours (`--layer-0` … in graph.css, light and dark): the fifth trace takes the
 * first colour again. Layer 0 is the colour tainted edges always had.
 */
export const LAYER_COLOURS = 5;

const isDone = (t: CaseTrace) => t.job?.state === 'done';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `ids` in the order of `traceIds`, without duplicates or ids the case does not have. */
function inCaseOrder(ids: Iterable<string>, traceIds: readonly string[]): string[] {
  const wanted = new Set(ids);
  return traceIds.filter((id) => wanted.has(id));
}

/**
 * The case's main trace: the one marked main while it is done, else the first forward trace that is
 * done, else the first trace that is done (a case of backward traces only), else null.
 *
 * @example
 * mainTraceId(traces, { shown: [], main: null, names: {} }); // the first done forward trace's id
 */
export function mainTraceId(traces: readonly CaseTrace[], choice: LayerChoice): string | null {
  const marked = choice.main === null ? undefined : traces.find((t) => t.id === choice.main);
  if (marked && isDone(marked)) return marked.id;
  const forward = traces.find((t) => isDone(t) && t.job!.parameters.direction === 'forward');
  return (forward ?? traces.find(isDone))?.id ?? null;
}

/** Without a saved choice: the main trace and the latest trace that is done are drawn. */
export function defaultLayerChoice(traces: readonly CaseTrace[]): LayerChoice {
  const choice: LayerChoice = { shown: [], main: null, names: {} };
  const main = mainTraceId(traces, choice);
  const latest = [...traces].reverse().find(isDone)?.id ?? null;
  const ids = traces.map((t) => t.id);
  choice.shown = inCaseOrder(
    [main, latest].filter((id): id is string => id !== null),
    ids,
  );
  return choice;
}

/**
 * The choice saved in a case's graph state (`graph.layers`), kept to the case's traces; null when
 * the state holds none or one this page did not write (the page then takes the default).
 */
export function parseLayerChoice(graph: unknown, traceIds: readonly string[]): LayerChoice | null {
  if (!isRecord(graph) || !isRecord(graph.layers)) return null;
  const { shown, main, names } = graph.layers;
  if (!Array.isArray(shown)) return null;
  const known = new Set(traceIds);
  const named: Record<string, string> = {};
  if (isRecord(names))
    for (const [id, name] of Object.entries(names))
      if (known.has(id) && typeof name === 'string' && name.trim())
        named[id] = name.trim().slice(0, MAX_TRACE_NAME);
  return {
    shown: inCaseOrder(
      shown.filter((id): id is string => typeof id === 'string'),
      traceIds,
    ),
    main: typeof main === 'string' && known.has(main) ? main : null,
    names: named,
  };
}

/**
 * The graph state to save: `graph` with the choice as its `layers`, kept to the case's traces
 * (`traceIds`). A new object; with no graph state yet, just the choice.
 */
export function withLayerChoice(
  graph: unknown,
  choice: LayerChoice,
  traceIds: readonly string[],
): Record<string, unknown> {
  const known = new Set(traceIds);
  const layers: LayerChoice = {
    shown: inCaseOrder(choice.shown, traceIds),
    main: choice.main !== null && known.has(choice.main) ? choice.main : null,
    names: Object.fromEntries(Object.entries(choice.names).filter(([id]) => known.has(id))),
  };
  return { ...(isRecord(graph) ? graph : {}), layers };
}

/** Draws the trace, or stops drawing it. */
export function toggleLayer(
  choice: LayerChoice,
  id: string,
  traceIds: readonly string[],
): LayerChoice {
  const shown = choice.shown.includes(id)
    ? choice.shown.filter((s) => s !== id)
    : inCaseOrder([...choice.shown, id], traceIds);
  return { ...choice, shown };
}

/** Marks the trace main (the money views and the dashboard then open on it). */
export function markMain(choice: LayerChoice, id: string): LayerChoice {
  return { ...choice, main: id };
}

/** Names the trace; an empty name gives it back its description. */
export function renameTrace(choice: LayerChoice, id: string, name: string): LayerChoice {
  const names = { ...choice.names };
  const text = name.trim().slice(0, MAX_TRACE_NAME);
  if (text) names[id] = text;
  else delete names[id];
  return { ...choice, names };
}

/** The choice once the trace is no longer the case's: not drawn, not main, not named. */
export function withoutTrace(choice: LayerChoice, id: string): LayerChoice {
  const { [id]: _gone, ...names } = choice.names;
  return {
    shown: choice.shown.filter((s) => s !== id),
    main: choice.main === id ? null : choice.main,
    names,
  };
}

/** `4 seeds`, or the one seed, short: `0x579a60…b709c`. */
export function seedsText(job: TraceJob): string {
  const seeds = job.parameters.seeds;
  if (seeds.length !== 1) return `${seeds.length} seeds`;
  const s = seeds[0]!;
  return s.kind === 'address' ? shortAddress(s.address) : `transaction ${shortAddress(s.txHash)}`;
}

/** How a trace reads in lists and pickers: its name, else `Forward haircut from 4 seeds`. */
export function traceTitle(trace: CaseTrace, names: Record<string, string>): string {
  const named = names[trace.id];
  if (named) return named;
  const job = trace.job;
  if (!job) return `Trace ${trace.id.slice(0, 8)}`;
  const p = job.parameters;
  const direction = p.direction === 'backward' ? 'Backward' : 'Forward';
  return `${direction} ${p.policy} from ${seedsText(job)}`;
}

/** The colour of a trace's layer: by its place in the case's list (see {@link LAYER_COLOURS}). */
export function layerColour(traceIds: readonly string[], id: string): number {
  return Math.max(0, traceIds.indexOf(id)) % LAYER_COLOURS;
}

/**
 * Done traces whose results are not loaded yet but are needed: drawn ones, the main one and `also`
 * (a picked trace, a path's layers).
 */
export function resultsNeeded(
  traces: readonly CaseTrace[],
  choice: LayerChoice,
  also: readonly string[] = [],
): string[] {
  const main = mainTraceId(traces, choice);
  const wanted = new Set([...choice.shown, ...also, ...(main ? [main] : [])]);
  return traces
    .filter((t) => wanted.has(t.id) && isDone(t) && !t.result && !t.error)
    .map((t) => t.id);
}
