import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import type { InvestigationCase } from '../../api/types.ts';
import { ErrorView, Loading } from '../../components/states.tsx';
import { CaseSummaryLine } from './case-summary.tsx';
import { type CaseWorkspace, traceWithResult } from './case-workspace.ts';
import { DashboardView } from './dashboard-view.tsx';
import { FindingsPanel } from './findings/findings-panel.tsx';
import { GraphView } from './graph-view.tsx';
import { withLayerChoice } from './layers.ts';
import { MoneyView } from './money-view.tsx';
import { NotesView } from './notes-view.tsx';
import { loadCaseTraces, useCaseTraces } from './use-case-traces.ts';
import { ReportDownload } from './report-download.tsx';

const VIEWS = [
  { id: 'graph', label: 'Graph' },
  { id: 'money', label: 'Where the money is' },
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'notes', label: 'Notes & audit' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

type Loaded = { case: InvestigationCase };

/** Tabs as WAI-ARIA describes them: arrow keys move between tabs, the view is its tabpanel. */
function Tabs(props: { view: ViewId; onChange: (view: ViewId) => void }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = (i + step + VIEWS.length) % VIEWS.length;
    props.onChange(VIEWS[next]!.id);
    refs.current[next]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="Case views">
      {VIEWS.map((v, i) => (
        <button
          key={v.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${v.id}`}
          aria-selected={props.view === v.id}
          aria-controls={`panel-${v.id}`}
          tabIndex={props.view === v.id ? 0 : -1}
          onClick={() => props.onChange(v.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {v.label}
        </button>
      ))}
    </div>
  );
}

/**
 * A case: its graph, where the money is, its dashboard and its notes. Loads the case and its traces
 * (each a layer of the graph), runs new traces (following their progress over Server-Sent Events),
 * and saves the case with its version.
 */
export default function CasePage() {
  const { id } = useParams<{ id: string }>();
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const view = (VIEWS.find((v) => v.id === params.get('view'))?.id ?? 'graph') as ViewId;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  const [graph, setGraphState] = useState<unknown>(null);
  const [annotations, setAnnotations] = useState<Record<string, string>>({});
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<Error | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const markDirty = useCallback(() => setDirty(true), []);
  const traces = useCaseTraces(api, id!, markDirty);
  const { reset: resetTraces } = traces;

  useEffect(() => {
    let current = true;
    setLoadError(null);
    (async () => {
      const c = await api.get<InvestigationCase>(`/v1/cases/${encodeURIComponent(id!)}`);
      return { case: c, ...(await loadCaseTraces(api, c)) };
    })().then(
      (l) => {
        if (!current) return;
        setLoaded({ case: l.case });
        resetTraces(l.traces, l.layers);
        setGraphState(l.case.graph ?? null);
        setAnnotations(l.case.annotations ?? {});
        setDirty(false);
      },
      (error: Error) => current && setLoadError(error),
    );
    return () => {
      current = false;
    };
  }, [api, id, tick, resetTraces]);

  // Unsaved work is not lost to a closed tab without a warning.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const save = useCallback(async () => {
    if (!loaded) return;
    setSaving(true);
    setSaveError(null);
    try {
      const c = loaded.case;
      const traceIds = traces.traces.map((t) => t.id);
      const saved = await api.put<InvestigationCase>(`/v1/cases/${c.id}`, {
        name: c.name,
        description: c.description,
        seeds: c.seeds,
        // Which traces are drawn, which is main and their names ride in the graph state.
        graph: withLayerChoice(graph, traces.layers, traceIds),
        annotations,
        traceIds,
        version: c.version,
      });
      setLoaded((l) => (l ? { ...l, case: saved } : l));
      setDirty(false);
      setSavedAt(new Date().toLocaleTimeString());
    } catch (error) {
      setSaveError(
        error instanceof ApiError && error.code === 'CASE_CONFLICT'
          ? new Error(
              'Someone saved this case since you opened it. Reload it to see their version (your unsaved changes would be lost), or copy what you need first.',
            )
          : (error as Error),
      );
    } finally {
      setSaving(false);
    }
  }, [api, loaded, graph, annotations, traces.traces, traces.layers]);

  const workspace = useMemo<CaseWorkspace | null>(
    () =>
      loaded && {
        case: loaded.case,
        traces: traces.traces,
        layers: traces.layers,
        mainTraceId: traces.mainTraceId,
        trace: traceWithResult(traces, traces.mainTraceId),
        setLayers: traces.setLayers,
        removeTrace: traces.removeTrace,
        loadResults: traces.loadResults,
        running: traces.running,
        traceError: traces.traceError,
        runTrace: traces.runTrace,
        cancelTrace: traces.cancelTrace,
        graph,
        setGraph: (g) => {
          setGraphState(g);
          setDirty(true);
        },
        annotations,
        setAnnotation: (nodeId, text) => {
          setAnnotations((a) => {
            const next = { ...a };
            if (text) next[nodeId] = text;
            else delete next[nodeId];
            return next;
          });
          setDirty(true);
        },
        dirty,
        saving,
        save,
        reload: () => setTick((t) => t + 1),
        replaceCase: (next) => setLoaded((l) => (l ? { ...l, case: next } : l)),
      },
    [loaded, traces, graph, annotations, dirty, saving, save],
  );

  if (loadError) return <ErrorView error={loadError} onRetry={() => setTick((t) => t + 1)} />;
  if (!workspace) return <Loading what="the case" />;
  const c = workspace.case;
  return (
    <div className="case-page">
      <div className="row case-head">
        <h1>{c.name}</h1>
        <span className="muted">
          version {c.version} · updated {new Date(c.updatedAt).toLocaleString()}
        </span>
        <span className="spacer" />
        {dirty ? <span className="badge medium">unsaved changes</span> : null}
        {savedAt && !dirty ? (
          <span className="muted" role="status">
            Saved at {savedAt}
          </span>
        ) : null}
        <button type="button" onClick={() => void save()} disabled={saving || !dirty}>
          {saving ? 'Saving…' : 'Save case'}
        </button>
      </div>
      {c.description ? <p className="muted">{c.description}</p> : null}
      {saveError ? <ErrorView error={saveError} onRetry={() => setTick((t) => t + 1)} /> : null}
      {workspace.trace ? <CaseSummaryLine trace={workspace.trace} /> : null}
      <ReportDownload workspace={workspace} dirty={dirty} />
      <FindingsPanel workspace={workspace} />
      <Tabs
        view={view}
        onChange={(v) =>
          setParams(
            (p) => {
              p.set('view', v);
              return p;
            },
            { replace: true },
          )
        }
      />
      <section role="tabpanel" id={`panel-${view}`} aria-labelledby={`tab-${view}`}>
        {view === 'graph' ? <GraphView workspace={workspace} /> : null}
        {view === 'money' ? <MoneyView workspace={workspace} /> : null}
        {view === 'dashboard' ? <DashboardView workspace={workspace} /> : null}
        {view === 'notes' ? <NotesView workspace={workspace} /> : null}
      </section>
    </div>
  );
}
