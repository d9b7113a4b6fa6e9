import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useSession, type Session } from '../../api/session.tsx';
import { Empty, ErrorView, Loading } from '../../components/states.tsx';
import { classifyQuery, formatTime, shortAddress } from '../../lib/format.ts';
import { type CaseWorkspace, traceWithResult } from './case-workspace.ts';
import { MarkSelectionButton } from './findings/findings-panel.tsx';
import { AddAddressForm } from './graph/add-address.tsx';
import { BIG_GRAPH, GraphCanvas, type CanvasEvents, type Hover } from './graph/canvas.ts';
import {
  colourKey,
  deriveView,
  shortTxid,
  type DerivedGraph,
  type LayerView,
} from './graph/derive.ts';
import { buildGraphml, download, fileStem } from './graph/export.ts';
import { edgeTooltip, edgeTransactions, nodeTooltip, type TooltipContent } from './graph/facts.ts';
import { FiltersForm, Legend } from './graph/filters.tsx';
import { downstreamOf, hideNodes, showAll, showNode, withoutHidden } from './graph/hide.ts';
import { columnPositions, type Point } from './graph/layout.ts';
import {
  addAddress,
  addCounterparties,
  addressSeeds,
  applyLabel,
  isAddressNode,
  isPseudo,
  isUtxoTx,
  mergeLayer,
  nodeId,
  parseSavedState,
  removeLayer,
  toSavedGraph,
  seedGraph,
  type CounterpartiesAnswer,
  type GraphEdge,
  type GraphFilters,
  type GraphState,
} from './graph/model.ts';
import { NodeList } from './graph/node-list.tsx';
import { pathRows } from './graph/path-rows.ts';
import { PathTable } from './graph/path-table.tsx';
import { SidePanel, type AddressLabel, type PathInfo } from './graph/side-panel.tsx';
import { GraphTooltip } from './graph/tooltip.tsx';
import { TraceForm } from './graph/trace-form.tsx';
import { TracesPanel } from './graph/traces-panel.tsx';
import { type CaseTrace, layerColour, traceTitle } from './layers.ts';
import './graph/graph.css';

/** Counterparties fetched per asset and direction when a node is expanded. */
const EXPAND_LIMIT = 100;
/** New addresses whose labels are looked up right after an expansion (the rest on selection). */
const LABEL_LOOKUPS = 40;
/** The force-directed layout is offered up to this many nodes; it is too slow beyond. */
const COSE_MAX = 300;
/** Saves to the case draft wait this long after the last change (drags come in bursts). */
const PERSIST_DELAY = 800;

type Init = { status: 'loading' } | { status: 'error'; error: Error } | { status: 'ready' };
type LayoutChoice = 'columns' | 'time' | 'breadthfirst' | 'cose';

/** The Layout select's choice for a graph's saved layout (a free one is shown as columns). */
function choiceOf(state: GraphState): LayoutChoice {
  return state.layout === 'time' ? 'time' : 'columns';
}

/** Said in the live region when E or P is pressed on the canvas with no node selected. */
const NEED_SELECTION = 'Select a node first: E expands it, P shows its path from a seed';

/**
 * The graph with every node where it now is: drawn nodes at their place on the canvas, folded ones
 * at their aggregate, hidden ones in their hop column. Dragging a node or running a free layout
 * fixes positions like this, and the layout becomes `free`.
 */
function freeze(state: GraphState, view: DerivedGraph, moved: Map<string, Point>): GraphState {
  const at = columnPositions(state);
  for (const n of view.nodes) {
    at.set(n.id, { x: n.x, y: n.y });
    for (const m of n.group?.members ?? []) at.set(m, { x: n.x, y: n.y });
  }
  for (const [id, p] of moved) at.set(id, p);
  return {
    ...state,
    layout: 'free',
    nodes: state.nodes.map((n) => {
      const p = at.get(n.id);
      return p ? { ...n, x: Math.round(p.x), y: Math.round(p.y) } : n;
    }),
  };
}

/**
 * The state as saved and exported: in the column or time layout, with the places it gave, so the
 * file says where everything was drawn (the view recomputes them on load anyway).
 */
function snapshot(state: GraphState, view: DerivedGraph | null): GraphState {
  if (state.layout === 'free' || !view) return state;
  return { ...freeze(state, view, new Map()), layout: state.layout };
}

/**
 * The chain of a case's seed address: its form tells Bitcoin and Tron; an EVM address is looked up
 * on each chain the store knows (the demo's `anvil`, then `ethereum`) until one has transfers.
 */
async function seedChain(session: Session, address: string): Promise<string> {
  const kind = classifyQuery(address);
  if (kind.kind === 'address') return kind.chain;
  const chains = [...new Set([...session.chains, 'anvil', 'ethereum'])];
  let answered: string | null = null;
  let lastError: Error | null = null;
  for (const chain of chains) {
    try {
      const s = await session.api.get<{ transfers: number }>(
        `/v1/addresses/${encodeURIComponent(chain)}/${encodeURIComponent(address)}`,
      );
      if (s.transfers > 0) return chain;
      answered ??= chain;
    } catch (error) {
      lastError = error as Error;
    }
  }
  if (answered) return answered;
  throw lastError ?? new Error(`No chain knows ${address}`);
}

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

/**
 * The investigation graph of a case: its traces as layers (the graph is the union of those shown),
 * built from its saved state (else the layers, else its seeds), expanded through counterparties,
 * filtered, folded, annotated, traced further and exported. The canvas is cytoscape; a searchable
 * node list and a side panel make every action reachable by keyboard. Its state (nodes, positions,
 * expansions, filters) is saved with the case as `graph`.
 */
export function GraphView(props: { workspace: CaseWorkspace }) {
  const { workspace } = props;
  const session = useSession();
  const { api } = session;
  const [model, setModel] = useState<GraphState | null>(null);
  const modelRef = useRef<GraphState | null>(null);
  const [init, setInit] = useState<Init>({ status: 'loading' });
  const [initTick, setInitTick] = useState(0);
  const [fitTick, setFitTick] = useState(0);
  const [canvasTick, setCanvasTick] = useState(0);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [path, setPath] = useState<PathInfo>(null);
  const [expanding, setExpanding] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<{ error: Error; retry: () => void } | null>(null);
  const [layoutChoice, setLayoutChoice] = useState<LayoutChoice>('columns');
  const [exporting, setExporting] = useState(false);
  const containerRef = useRef<HTMLDivElement | null>(null);
  const canvasRef = useRef<GraphCanvas | null>(null);
  const viewportRef = useRef<{ zoom: number; pan: { x: number; y: number } } | null>(null);
  const workspaceRef = useRef(workspace);
  const persistTimer = useRef(0);
  const persistPending = useRef(false);
  const afterSync = useRef<((canvas: GraphCanvas) => void) | null>(null);

  useEffect(() => {
    workspaceRef.current = workspace;
  }, [workspace]);

  const flush = useCallback(() => {
    window.clearTimeout(persistTimer.current);
    if (!persistPending.current || !modelRef.current) return;
    persistPending.current = false;
    workspaceRef.current.setGraph(toSavedGraph(snapshot(modelRef.current, derivedRef.current)));
  }, []);

  /**
   * Makes `next` the graph; `persist` saves it to the case draft (debounced; `now` at once, for one
   * deliberate action such as hiding, which "Save case" right after must include), `fit` frames it.
   */
  const commit = useCallback(
    (next: GraphState, options: { persist?: boolean; fit?: boolean; now?: boolean } = {}) => {
      modelRef.current = next;
      setModel(next);
      if (options.fit) setFitTick((t) => t + 1);
      if (options.persist !== false) {
        persistPending.current = true;
        window.clearTimeout(persistTimer.current);
        if (options.now) flush();
        else persistTimer.current = window.setTimeout(flush, PERSIST_DELAY);
      }
    },
    [flush],
  );
  // Leaving the tab keeps the last change.
  useEffect(() => flush, [flush]);

  // Which traces the case has, and which drawn ones have their result at hand: the graph merges a
  // drawn layer it lacks and drops the layer of a trace the case no longer has.
  const caseTraceKey = workspace.traces.map((t) => t.id).join(' ');
  const readyKey = workspace.layers.shown
    .filter((id) => workspace.traces.some((t) => t.id === id && t.result))
    .join(' ');
  const waiting = workspace.layers.shown.some((id) => {
    const t = workspace.traces.find((x) => x.id === id);
    return t?.job?.state === 'done' && !t.result && !t.error;
  });
  // Build once (saved state, else the layers drawn, else the seeds); then keep the case's layers.
  useEffect(() => {
    const ws = workspaceRef.current;
    const keep = (id: string) => !!ws.annotations[id];
    const withLayers = (base: GraphState | null) => {
      let next = base;
      const inCase = new Set(ws.traces.map((t) => t.id));
      const removed = (base?.traceIds ?? []).filter((id) => !inCase.has(id));
      for (const id of removed) next = removeLayer(next!, id, keep);
      const added: CaseTrace[] = [];
      for (const id of ws.layers.shown) {
        const t = ws.traces.find((x) => x.id === id);
        if (!t?.result || next?.traceIds.includes(id)) continue;
        next = mergeLayer(next, id, t.result, ws.case.seeds);
        added.push(t);
      }
      return { next, added, removed };
    };
    const current = modelRef.current;
    if (current) {
      const { next, added, removed } = withLayers(current);
      if (!next || next === current) return;
      commit(next, { fit: added.length > 0 });
      if (added.length) {
        setPath(null);
        setLayoutChoice(choiceOf(next));
      }
      const number = (id: string) => ws.traces.findIndex((t) => t.id === id) + 1;
      setMessage(
        [
          ...added.map(
            (t) =>
              `Trace #${number(t.id)} (${traceTitle(t, ws.layers.names)}) added as a layer: ${t.result!.nodes.length} addresses, ${t.result!.edges.length} transfers; the graph now holds ${next.nodes.length} addresses.`,
          ),
          ...(removed.length
            ? [
                `${removed.length} trace${removed.length === 1 ? '' : 's'} taken out of the case: ${removed.length === 1 ? 'its layer' : 'their layers'} left the graph, the others stay.`,
              ]
            : []),
        ].join(' '),
      );
      return;
    }
    // The first build waits for the results of the layers drawn.
    if (waiting) return;
    const saved = parseSavedState(ws.graph);
    const built = withLayers(saved);
    if (built.next) {
      const changed = built.added.length > 0 || built.removed.length > 0;
      commit(built.next, { persist: saved !== null && changed, fit: true });
      setLayoutChoice(choiceOf(built.next));
      setInit({ status: 'ready' });
      return;
    }
    const seeds = addressSeeds(ws.case.seeds);
    if (!seeds.length) {
      commit(seedGraph([], session.chains[0] ?? 'ethereum'), { persist: false });
      setInit({ status: 'ready' });
      return;
    }
    let live = true;
    setInit({ status: 'loading' });
    Promise.all(seeds.map((address) => seedChain(session, address))).then(
      (chains) => {
        if (!live) return;
        const located = seeds.map((address, i) => ({ chain: chains[i]!, address }));
        commit(seedGraph(located, chains[0]!), { persist: false, fit: true });
        setInit({ status: 'ready' });
      },
      (error: Error) => live && setInit({ status: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [caseTraceKey, readyKey, waiting, initTick, commit, session]);

  // The layers drawn, with their colours (by their place in the case) and directions.
  const layerViews = useMemo(() => {
    const ids = workspace.traces.map((t) => t.id);
    const views = new Map<string, LayerView>();
    for (const id of workspace.layers.shown) {
      const t = workspace.traces.find((x) => x.id === id);
      if (t)
        views.set(id, {
          colour: layerColour(ids, id),
          backward: t.job?.parameters.direction === 'backward',
        });
    }
    return views;
  }, [workspace.traces, workspace.layers.shown]);

  const derived = useMemo<DerivedGraph | null>(
    () => (model ? deriveView(model, workspace.annotations, session.asset, layerViews) : null),
    [model, workspace.annotations, session.asset, layerViews],
  );
  const derivedRef = useRef(derived);
  useEffect(() => {
    derivedRef.current = derived;
  }, [derived]);

  const byId = useMemo(() => new Map(model?.nodes.map((n) => [n.id, n]) ?? []), [model]);
  const shownIds = useMemo(() => new Set(derived?.nodes.map((n) => n.id) ?? []), [derived]);
  const hiddenSet = useMemo(() => new Set(model?.hidden ?? []), [model]);
  const hiddenWhy = useCallback(
    (id: string) =>
      hiddenSet.has(id)
        ? 'hidden by you'
        : derived?.groupOf.has(id)
          ? 'folded'
          : shownIds.has(id)
            ? null
            : derived?.layerHidden.has(id)
              ? 'in a hidden layer'
              : 'hidden by filters',
    [derived, shownIds, hiddenSet],
  );
  // `#1, #2`: the traces (by their number in the list) a node is in, when several are drawn.
  const traceNumbers = useMemo(() => {
    const ids = workspace.traces.map((t) => t.id);
    return (id: string) =>
      layerViews.size > 1
        ? (derived?.nodeLayers.get(id) ?? []).map((l) => `#${ids.indexOf(l) + 1}`)
        : [];
  }, [workspace.traces, layerViews, derived]);

  // Handlers the canvas calls, through a ref so the canvas is not rebuilt when they change.
  const handlers = useRef<CanvasEvents>({
    onFocus: () => undefined,
    onSelection: () => undefined,
    onExpand: () => undefined,
    onMoved: () => undefined,
    onHover: () => undefined,
    onLabelZoom: () => undefined,
  });
  const showTooltip = useRef<((hover: Hover | null) => void) | null>(null);
  const [labelsHidden, setLabelsHidden] = useState(false);

  const expand = useCallback(
    async (id: string) => {
      const m = modelRef.current;
      if (!m) return;
      setActionError(null);
      const group = derivedRef.current?.nodes.find((n) => n.id === id)?.group;
      if (group) {
        commit({ ...m, opened: [...m.opened, `${group.hub}|${group.side}`] });
        setMessage(`Showing the ${group.members.length} folded addresses again.`);
        setFocusId(group.hub);
        afterSync.current = (canvas) => canvas.frame(group.hub);
        return;
      }
      const node = m.nodes.find((n) => n.id === id);
      if (!node || isPseudo(node.address)) return;
      if (isUtxoTx(node)) {
        // A transaction has no counterparties: its inputs and outputs are on its page.
        setMessage(
          `${shortTxid(node.address)} is a transaction: its inputs and outputs are on its page (link in the side panel).`,
        );
        return;
      }
      setExpanding(id);
      setMessage(null);
      try {
        const base = `/v1/addresses/${encodeURIComponent(node.chain)}/${encodeURIComponent(node.address)}/counterparties`;
        const answers = await Promise.all(
          (['out', 'in'] as const).map((direction) =>
            api.get<CounterpartiesAnswer>(base, { direction, limit: EXPAND_LIMIT }),
          ),
        );
        const next = structuredClone(modelRef.current!);
        const added = answers.flatMap((a) => addCounterparties(next, id, a));
        commit(next);
        const total = answers.reduce(
          (sum, a) => sum + a.assets.reduce((s, x) => s + x.counterparties, 0),
          0,
        );
        const capped = answers.some((a) => a.assets.some((x) => x.counterparties > x.flows.length));
        const name = node.entity ?? shortAddress(node.address);
        setMessage(
          `${name}: ${total} counterpart${total === 1 ? 'y' : 'ies'} (per asset and direction), ${added.length} new on the graph${capped ? `; the ${EXPAND_LIMIT} largest per asset and direction loaded` : ''}.`,
        );
        afterSync.current = (canvas) => canvas.frame(id);
        // Labels of the new addresses, so exchanges and mixers show their colour at once.
        const lookups = added.slice(0, LABEL_LOOKUPS);
        if (lookups.length) {
          const labels = await pool(lookups, 4, (nid) => {
            const n = next.nodes.find((x) => x.id === nid)!;
            return api
              .get<{ labels: AddressLabel[] }>(
                `/v1/addresses/${encodeURIComponent(n.chain)}/${encodeURIComponent(n.address)}/labels`,
              )
              .then(
                (r) => r.labels[0],
                () => undefined,
              );
          });
          const labelled = structuredClone(modelRef.current!);
          let changed = false;
          lookups.forEach((nid, i) => {
            changed = applyLabel(labelled, nid, labels[i]) || changed;
          });
          if (changed) commit(labelled);
        }
      } catch (error) {
        setActionError({ error: error as Error, retry: () => void expandRef.current(id) });
      } finally {
        setExpanding(null);
      }
    },
    [api, commit],
  );

  const expandRef = useRef(expand);
  useEffect(() => {
    expandRef.current = expand;
  }, [expand]);

  const clearPath = useCallback(() => {
    canvasRef.current?.clearPath();
    setPath(null);
  }, []);

  const showPath = useCallback(() => {
    const canvas = canvasRef.current;
    const m = modelRef.current;
    const d = derivedRef.current;
    if (!canvas || !m || !d || !focusId) return;
    const seeds = [...new Set([...d.seeds].map((id) => d.groupOf.get(id) ?? id))];
    if (!seeds.length) {
      setPath({ target: focusId, nodes: null, steps: [] });
      return;
    }
    canvas.clearPath();
    const found = canvas.showPath(seeds, focusId);
    // Each drawn edge of the path as the graph's edges it stands for (several at a fold).
    const drawn = new Map(d.edges.map((e) => [e.id, e]));
    const edges = new Map(m.edges.map((e) => [e.id, e]));
    const steps = (found?.edges ?? []).map((id) =>
      (drawn.get(id)?.parts ?? []).map((p) => edges.get(p)).filter((e): e is GraphEdge => !!e),
    );
    setPath({ target: focusId, nodes: found?.nodes ?? null, steps });
  }, [focusId]);

  // The path's transfers, from the results of the layers its edges belong to.
  const pathTable = useMemo(() => {
    if (!path?.nodes || path.steps.length === 0) return null;
    return pathRows(path.steps, (id) => traceWithResult(workspace, id)?.result ?? null);
  }, [path, workspace]);
  const { loadResults } = workspace;
  useEffect(() => {
    if (pathTable?.missing.length) loadResults(pathTable.missing);
  }, [pathTable, loadResults]);

  useEffect(() => {
    handlers.current = {
      onFocus: (id) => {
        setFocusId(id);
        if (id === null) setMessage(null);
      },
      onSelection: setSelected,
      onExpand: (id) => void expand(id),
      onMoved: (moved) => {
        const m = modelRef.current;
        const d = derivedRef.current;
        if (!m || !d) return;
        const at = new Map(moved.map((p) => [p.id, { x: p.x, y: p.y }]));
        if (m.layout !== 'free') {
          commit(freeze(m, d, at));
          return;
        }
        commit({
          ...m,
          nodes: m.nodes.map((n) => {
            const p = at.get(n.id);
            return p ? { ...n, ...p } : n;
          }),
        });
      },
      onHover: (hover) => showTooltip.current?.(hover),
      onLabelZoom: setLabelsHidden,
    };
  }, [expand, commit]);

  // The canvas: made once the graph exists; remade when it crosses the size where the renderer's
  // viewport options (textures while panning, hidden edges) must change.
  const ready = model !== null;
  const big = (derived?.nodes.length ?? 0) + (derived?.edges.length ?? 0) > BIG_GRAPH;
  useEffect(() => {
    if (!ready || !containerRef.current) return;
    const canvas = new GraphCanvas(containerRef.current, big, {
      onFocus: (id) => handlers.current.onFocus(id),
      onSelection: (ids) => handlers.current.onSelection(ids),
      onExpand: (id) => handlers.current.onExpand(id),
      onMoved: (moved) => handlers.current.onMoved(moved),
      onHover: (hover) => handlers.current.onHover(hover),
      onLabelZoom: (hidden) => handlers.current.onLabelZoom(hidden),
    });
    canvasRef.current = canvas;
    setCanvasTick((t) => t + 1);
    return () => {
      viewportRef.current = canvas.viewport();
      canvas.destroy();
      if (canvasRef.current === canvas) canvasRef.current = null;
    };
  }, [ready, big]);

  const synced = useRef<{ canvas: GraphCanvas | null; fit: number }>({ canvas: null, fit: -1 });
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !derived) return;
    canvas.sync(derived);
    const fresh = synced.current.canvas !== canvas;
    if (fresh && viewportRef.current && synced.current.fit === fitTick)
      canvas.setViewport(viewportRef.current);
    else if (fresh || synced.current.fit !== fitTick) canvas.fit();
    synced.current = { canvas, fit: fitTick };
    const after = afterSync.current;
    afterSync.current = null;
    after?.(canvas);
  }, [derived, fitTick, canvasTick]);

  // The theme toggle changes CSS variables; the canvas reads them into its stylesheet.
  useEffect(() => {
    const observer = new MutationObserver(() => canvasRef.current?.restyle());
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    return () => observer.disconnect();
  }, []);

  const pick = useCallback(
    (id: string, additive: boolean) => {
      const m = modelRef.current;
      const d = derivedRef.current;
      if (!m || !d) return;
      setFocusId(id);
      setMessage(null);
      const visible = d.nodes.some((n) => n.id === id);
      if (m.hidden.includes(id)) {
        // Hidden by hand: picking it from the list shows it again.
        commit(showNode(m, id));
        setMessage('Shown again.');
        afterSync.current = (canvas) => canvas.focus(id, additive);
      } else if (!visible) {
        // Folded or filtered out: pin it so it shows, then select it once drawn.
        commit({ ...m, pinned: [...new Set([...m.pinned, id])] });
        afterSync.current = (canvas) => canvas.focus(id, additive);
      } else canvasRef.current?.focus(id, additive);
    },
    [commit],
  );

  const setFilters = useCallback(
    (filters: GraphFilters) => {
      const m = modelRef.current;
      if (m) commit({ ...m, filters });
    },
    [commit],
  );

  const onLabels = useCallback(
    (nodeId: string, labels: AddressLabel[]) => {
      const m = modelRef.current;
      if (!m || !labels[0]) return;
      const next = structuredClone(m);
      // Labels found on selection refine the drawing of the node they were looked up for (never the
      // node selected meanwhile); they are saved with the next real change.
      if (applyLabel(next, nodeId, labels[0])) commit(next, { persist: false });
    },
    [commit],
  );

  const applyLayout = async () => {
    const m = modelRef.current;
    const canvas = canvasRef.current;
    if (!m || !canvas) return;
    clearPath();
    if (layoutChoice === 'columns' || layoutChoice === 'time') {
      commit({ ...m, layout: layoutChoice }, { fit: true, now: true });
      return;
    }
    const positions = await canvas.layout(
      layoutChoice,
      m.nodes.filter((n) => n.seed).map((n) => n.id),
    );
    const latest = modelRef.current!;
    const d = derivedRef.current!;
    commit(freeze(latest, d, new Map(positions.map((p) => [p.id, { x: p.x, y: p.y }]))), {
      fit: true,
    });
  };

  const stem = fileStem(workspace.case.name);
  /** ` (3 hidden nodes left out)`: what each export of the shown graph says of the hidden ones. */
  const leftOutText = (count: number, verb: string) =>
    count ? ` (${count.toLocaleString('en-US')} hidden node${count === 1 ? '' : 's'} ${verb})` : '';
  const exportPng = () => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    try {
      download(canvas.png(), `${stem}-graph.png`);
      setMessage(
        `PNG of the whole graph as shown downloaded${leftOutText(model?.hidden.length ?? 0, 'not in it')}.`,
      );
    } catch (error) {
      setActionError({ error: error as Error, retry: exportPng });
    }
  };
  // Both files are of what is shown: hidden nodes and their edges are left out, and counted.
  const exportJson = () => {
    if (!model) return;
    const { state, leftOut } = withoutHidden(snapshot(model, derived));
    download(
      new Blob([JSON.stringify({ ...state, hiddenLeftOut: leftOut }, null, 2)], {
        type: 'application/json',
      }),
      `${stem}-graph.json`,
    );
    setMessage(`Graph state as shown downloaded as JSON${leftOutText(leftOut, 'left out')}.`);
  };
  // The graph as drawn (expansions, annotations, positions included): what the investigator sees.
  const exportGraphml = () => {
    if (!model) return;
    const { state, leftOut } = withoutHidden(snapshot(model, derived));
    download(
      new Blob([buildGraphml(state, workspace.annotations, leftOut)], {
        type: 'application/graphml+xml',
      }),
      `${stem}-graph.graphml`,
    );
    setMessage(`GraphML of the graph as drawn downloaded${leftOutText(leftOut, 'left out')}.`);
  };

  /** Hides nodes (an aggregate: the addresses it folds) and says how to get them back. */
  const hide = (ids: string[], what: string) => {
    const m = modelRef.current;
    const d = derivedRef.current;
    if (!m || !d || !ids.length) return;
    const members = ids.flatMap((id) => d.nodes.find((n) => n.id === id)?.group?.members ?? [id]);
    const next = hideNodes(m, members);
    const count = next.hidden.length - m.hidden.length;
    clearPath();
    canvasRef.current?.clearSelection();
    setFocusId(null);
    commit(next, { now: true });
    setMessage(
      `${what}: ${count.toLocaleString('en-US')} node${count === 1 ? '' : 's'} hidden. “Show all” brings ${count === 1 ? 'it' : 'them'} back; the node list still lists ${count === 1 ? 'it' : 'them'}.`,
    );
  };
  const prune = (id: string) => {
    const m = modelRef.current;
    const d = derivedRef.current;
    const node = m?.nodes.find((n) => n.id === id);
    if (!m || !d || !node) return;
    const name = node.entity ?? shortAddress(node.address);
    const below = downstreamOf(m, id, (l) => l === null || layerViews.has(l), d.seeds).filter(
      (n) => !m.hidden.includes(n),
    );
    if (!below.length) {
      setMessage(
        `Nothing to prune below ${name}: what its money reached, a seed also reaches another way, or it is hidden already.`,
      );
      return;
    }
    hide(below, `Pruned below ${name} (what only it leads to)`);
  };
  const addAddressNode = async (chain: string, input: string): Promise<string | null> => {
    try {
      const summary = await api.get<{ chain: string; address: string; transfers: number }>(
        `/v1/addresses/${encodeURIComponent(chain)}/${encodeURIComponent(input.trim())}`,
      );
      const m = modelRef.current;
      if (!m) return null;
      const id = nodeId(summary.chain, summary.address);
      const name = shortAddress(summary.address);
      if (m.nodes.some((n) => n.id === id)) {
        pick(id, false);
        setMessage(`${name} is already on the graph: selected.`);
        return null;
      }
      commit(addAddress(m, summary.chain, summary.address), { now: true });
      setFocusId(id);
      afterSync.current = (canvas) => canvas.focus(id);
      setMessage(
        `${name} added (${summary.transfers.toLocaleString('en-US')} transfer${summary.transfers === 1 ? '' : 's'} on ${summary.chain}): selected; Expand (or E on the graph) loads its counterparties.`,
      );
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };

  // The tooltip's facts, from the graph as it is when the pointer arrives.
  const describe = useCallback(
    (hover: Hover): TooltipContent | null => {
      const m = modelRef.current;
      const d = derivedRef.current;
      if (!m || !d) return null;
      const lookup = session.asset;
      const shown = m.edges.filter((e) => e.layer === null || layerViews.has(e.layer));
      if (hover.kind === 'node') {
        const group = d.nodes.find((n) => n.id === hover.id)?.group;
        if (group) {
          const hub = m.nodes.find((n) => n.id === group.hub);
          return {
            title: group.summary,
            lines: [
              {
                name: 'Folded',
                text: `${group.side === 'out' ? 'receivers of' : 'senders to'} ${hub ? (hub.entity ?? shortAddress(hub.address)) : group.hub}`,
              },
            ],
          };
        }
        const node = m.nodes.find((n) => n.id === hover.id);
        if (!node) return null;
        const traces = workspaceRef.current.traces.map((t) => t.id);
        return nodeTooltip({
          node,
          seed: d.seeds.has(node.id),
          theftSeed: d.theftSeeds.has(node.id),
          edges: shown,
          lookup,
          traceLabel: (layer) =>
            layerViews.size > 1 && layer !== null ? `#${traces.indexOf(layer) + 1}` : null,
        });
      }
      const drawn = d.edges.find((e) => e.id === hover.id);
      if (!drawn) return null;
      const byEdge = new Map(m.edges.map((e) => [e.id, e]));
      const parts = drawn.parts.map((p) => byEdge.get(p)).filter((e): e is GraphEdge => !!e);
      return edgeTooltip({
        parts,
        lookup,
        transactions: edgeTransactions(
          parts,
          (layer) => traceWithResult(workspaceRef.current, layer)?.result ?? null,
        ),
      });
    },
    [session.asset, layerViews],
  );
  const canvasWidth = useCallback(() => containerRef.current?.clientWidth ?? 0, []);
  // The main trace's own GraphML, from the API: every transfer it followed, nothing added by hand.
  const mainTraceId = workspace.mainTraceId;
  const exportTraceGraphml = async () => {
    if (!mainTraceId) return;
    setExporting(true);
    setActionError(null);
    try {
      const text = await api.text(`/v1/traces/${encodeURIComponent(mainTraceId)}/result`, {
        format: 'graphml',
      });
      download(
        new Blob([text], { type: 'application/graphml+xml' }),
        `${stem}-trace-${mainTraceId.slice(0, 8)}.graphml`,
      );
      setMessage('GraphML of the main trace (every transfer, from the API) downloaded.');
    } catch (error) {
      setActionError({ error: error as Error, retry: () => void exportTraceGraphml() });
    } finally {
      setExporting(false);
    }
  };

  // E and P act on the selected node; without one they say so, politely, in the live region.
  const expandFocus = () => (focusId ? void expand(focusId) : setMessage(NEED_SELECTION));
  const pathOfFocus = () => (focusId ? showPath() : setMessage(NEED_SELECTION));
  const onCanvasKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const canvas = canvasRef.current;
    if (!canvas || e.altKey || e.ctrlKey || e.metaKey) return;
    const step = 80;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => canvas.panBy(step, 0),
      ArrowRight: () => canvas.panBy(-step, 0),
      ArrowUp: () => canvas.panBy(0, step),
      ArrowDown: () => canvas.panBy(0, -step),
      '+': () => canvas.zoomBy(1.25),
      '=': () => canvas.zoomBy(1.25),
      '-': () => canvas.zoomBy(0.8),
      '0': () => canvas.fit(),
      e: expandFocus,
      E: expandFocus,
      Enter: expandFocus,
      p: pathOfFocus,
      P: pathOfFocus,
      Escape: () => {
        clearPath();
        canvas.clearSelection();
        setFocusId(null);
      },
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  const timeRange = useMemo(() => {
    let min = Infinity;
    let max = -Infinity;
    for (const e of model?.edges ?? []) {
      if (e.first !== null) min = Math.min(min, e.first);
      if (e.last !== null) max = Math.max(max, e.last);
    }
    return Number.isFinite(min) ? { min, max } : null;
  }, [model]);

  const categories = useMemo(() => {
    const set = new Set<string>();
    for (const n of derived?.nodes ?? []) {
      if (n.group) continue;
      const node = byId.get(n.id);
      if (node) set.add(colourKey(node, derived!.theftSeeds.has(n.id)));
    }
    // The theft seed first, unlabelled last.
    const rank = (c: string) => (c === 'seed' ? 0 : c === 'other' ? 2 : 1);
    return [...set].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }, [derived, byId]);

  const selectedSet = useMemo(() => new Set(selected), [selected]);
  const shownEdges = useMemo(
    () => model?.edges.filter((e) => e.layer === null || layerViews.has(e.layer)) ?? [],
    [model, layerViews],
  );
  const legendLayers = useMemo(
    () =>
      layerViews.size > 1
        ? workspace.traces
            .map((t, i) => ({ trace: t, number: i + 1 }))
            .filter(({ trace }) => layerViews.has(trace.id))
            .map(({ trace, number }) => ({
              colour: layerViews.get(trace.id)!.colour,
              label: `#${number} ${traceTitle(trace, workspace.layers.names)}`,
            }))
        : [],
    [layerViews, workspace.traces, workspace.layers.names],
  );
  const selectedNodes = useMemo(
    () => selected.map((id) => byId.get(id)).filter((n) => n !== undefined),
    [selected, byId],
  );

  if (init.status === 'error')
    return (
      <ErrorView
        error={init.error}
        onRetry={() => {
          modelRef.current = null;
          setInitTick((t) => t + 1);
        }}
      />
    );
  if (init.status === 'loading' || !model || !derived) return <Loading what="the graph" />;

  const focusNode = focusId ? (byId.get(focusId) ?? null) : null;
  const targetNode = path ? byId.get(path.target) : undefined;
  const pathTarget = targetNode
    ? (targetNode.entity ?? shortAddress(targetNode.address))
    : (path?.target ?? '');
  const focusGroup = focusId
    ? (derived.nodes.find((n) => n.id === focusId && n.group) ?? null)
    : null;
  const hub = focusGroup?.group ? byId.get(focusGroup.group.hub) : undefined;
  const folds = derived.nodes.filter((n) => n.group).length;
  const folded = derived.groupOf.size;
  const visibleAddresses = derived.nodes.length - folds;
  const empty = model.nodes.length === 0;

  return (
    <div className="gv">
      <div className="gv-toolbar row" role="toolbar" aria-label="Graph tools">
        <button type="button" className="ghost" onClick={() => canvasRef.current?.fit()}>
          Fit
        </button>
        <button
          type="button"
          className="ghost"
          aria-label="Zoom in"
          onClick={() => canvasRef.current?.zoomBy(1.25)}
        >
          +
        </button>
        <button
          type="button"
          className="ghost"
          aria-label="Zoom out"
          onClick={() => canvasRef.current?.zoomBy(0.8)}
        >
          −
        </button>
        <label htmlFor="gv-layout" className="gv-inline-label">
          Layout
        </label>
        <select
          id="gv-layout"
          value={layoutChoice}
          onChange={(e) => setLayoutChoice(e.target.value as LayoutChoice)}
        >
          <option value="columns">Columns by hop</option>
          <option value="time">Time</option>
          <option value="breadthfirst">Breadth-first tree</option>
          <option value="cose" disabled={derived.nodes.length > COSE_MAX}>
            Force-directed{derived.nodes.length > COSE_MAX ? ` (up to ${COSE_MAX} nodes)` : ''}
          </option>
        </select>
        <button type="button" className="ghost" onClick={() => void applyLayout()}>
          Apply layout
        </button>
        <MarkSelectionButton workspace={workspace} nodes={selectedNodes.filter(isAddressNode)} />
        <span className="spacer" />
        <button type="button" className="ghost" onClick={exportPng} disabled={empty}>
          Export PNG
        </button>
        <button type="button" className="ghost" onClick={exportJson}>
          Export JSON
        </button>
        <button type="button" className="ghost" onClick={exportGraphml} disabled={empty}>
          Export GraphML
        </button>
        {mainTraceId ? (
          <button
            type="button"
            className="ghost"
            title="The main trace's own GraphML, from the API"
            onClick={() => void exportTraceGraphml()}
            disabled={exporting}
          >
            {exporting ? 'Exporting…' : 'Export trace GraphML'}
          </button>
        ) : null}
      </div>
      <div className="gv-statusbar">
        <p className="muted gv-status" role="status">
          {visibleAddresses.toLocaleString('en-US')} of {model.nodes.length.toLocaleString('en-US')}{' '}
          addresses and {derived.edges.length.toLocaleString('en-US')} edges shown
          {folded
            ? ` · ${folded.toLocaleString('en-US')} folded into ${folds} aggregate${folds === 1 ? '' : 's'}`
            : ''}
          {derived.filteredOut
            ? ` · ${derived.filteredOut.toLocaleString('en-US')} hidden by filters`
            : ''}
          {derived.layerHidden.size
            ? ` · ${derived.layerHidden.size.toLocaleString('en-US')} in hidden layers`
            : ''}
          {workspace.traces.length
            ? ` · ${layerViews.size} of ${workspace.traces.length} trace layer${workspace.traces.length === 1 ? '' : 's'} shown`
            : ''}
          {derived.hidden ? ` · ${derived.hidden.toLocaleString('en-US')} hidden` : ''}
          {model.layout === 'free' ? ' · positions as placed' : ''}
          {model.layout === 'time' ? ' · laid out by time' : ''}
          {selected.length > 1 ? ` · ${selected.length} selected` : ''}
        </p>
        {derived.hidden ? (
          <button
            type="button"
            className="ghost"
            aria-label={`Show all ${derived.hidden.toLocaleString('en-US')} hidden nodes`}
            onClick={() => {
              const m = modelRef.current;
              if (!m) return;
              commit(showAll(m), { now: true });
              setMessage(`${m.hidden.length.toLocaleString('en-US')} hidden nodes shown again.`);
            }}
          >
            Show all
          </button>
        ) : null}
        {selected.length > 1 ? (
          <button
            type="button"
            className="ghost"
            onClick={() => hide(selected, `The ${selected.length} selected nodes`)}
          >
            Hide the selected nodes
          </button>
        ) : null}
        {/* Always in the page, so what it says next is announced (a live region must exist
            first); its own line when it says something, no room when silent. */}
        <p className="gv-message" role="status">
          {message}
        </p>
      </div>
      {model.layout === 'time' ? (
        <p className="muted gv-axis" id="gv-axis">
          {derived.timeAxis
            ? `Time, left to right: when tainted value first reached each address (else any value; a source sits just before the money left it)${derived.timeAxis.seedX !== null ? ', seeds first' : ''}, ${formatTime(derived.timeAxis.min)} to ${formatTime(derived.timeAxis.max)}, in ${derived.timeAxis.ticks.length} column${derived.timeAxis.ticks.length === 1 ? '' : 's'} in time order (not to scale)${derived.timeAxis.untimed ? `; ${derived.timeAxis.untimed.toLocaleString('en-US')} without a time at the right` : ''}.`
            : 'Time: no edge shown carries a time, so the addresses are laid out by hop.'}
        </p>
      ) : null}
      <TracesPanel workspace={workspace} />
      <Legend
        categories={categories}
        layers={legendLayers}
        chains={derived.chains}
        utxoTx={derived.drawsUtxoTx}
        bridge={derived.drawsBridge}
      />
      {actionError ? (
        <ErrorView
          error={actionError.error}
          onRetry={() => {
            const { retry } = actionError;
            setActionError(null);
            retry();
          }}
        />
      ) : null}
      <div className="gv-main">
        <div className="gv-canvas-wrap">
          <div
            ref={containerRef}
            className="gv-canvas"
            role="application"
            aria-label="Investigation graph"
            aria-describedby="gv-keys"
            tabIndex={0}
            onKeyDown={onCanvasKey}
          />
          <GraphTooltip show={showTooltip} describe={describe} width={canvasWidth} />
          <p className="gv-zoom-hint" aria-live="polite">
            {labelsHidden && !empty ? 'Zoom in to read labels (+ or wheel)' : ''}
          </p>
          {empty ? (
            <div className="gv-overlay">
              <Empty>
                No graph yet: the case has no address seeds and no finished trace. Run a trace from
                its seeds below.
              </Empty>
            </div>
          ) : derived.nodes.length === 0 ? (
            <div className="gv-overlay">
              <Empty>
                Nothing passes the filters.{' '}
                <button
                  type="button"
                  onClick={() =>
                    setFilters({ ...model.filters, since: '', until: '', minAmount: '' })
                  }
                >
                  Clear time and dust filters
                </button>
              </Empty>
            </div>
          ) : null}
          <p id="gv-keys" className="muted gv-keys">
            Click a node to select it, double-click to expand; Shift-drag selects several; hover a
            node or an edge for its facts (also in the side panel). With the graph focused: arrows
            pan, + and − zoom, 0 fits, E expands, P shows the path from a seed, Esc clears.
          </p>
        </div>
        <SidePanel
          node={focusNode}
          group={focusGroup}
          edges={shownEdges}
          traceLabel={(layer) =>
            layer === null ? 'flows' : `#${workspace.traces.findIndex((t) => t.id === layer) + 1}`
          }
          annotation={focusId ? (workspace.annotations[focusId] ?? '') : ''}
          hubLabel={hub ? (hub.entity ?? shortAddress(hub.address)) : null}
          expanding={expanding !== null && expanding === focusId}
          path={path}
          onExpand={() => focusId && void expand(focusId)}
          onShowPath={showPath}
          onClearPath={clearPath}
          onAnnotate={(text) => focusId && workspace.setAnnotation(focusId, text || null)}
          onLabels={onLabels}
          onUnpin={
            focusId && model.pinned.includes(focusId)
              ? () => commit({ ...model, pinned: model.pinned.filter((p) => p !== focusId) })
              : null
          }
          folds={focusId ? derived.nodes.filter((n) => n.group?.hub === focusId) : []}
          onUnfold={(g) => void expand(g.id)}
          onHide={() => focusId && hide([focusId], 'Hidden')}
          onPrune={focusNode ? () => prune(focusNode.id) : null}
          onRefold={
            focusId && model.opened.some((o) => o.startsWith(`${focusId}|`))
              ? () => {
                  commit({
                    ...model,
                    opened: model.opened.filter((o) => !o.startsWith(`${focusId}|`)),
                  });
                  setMessage('Fan-out folded again.');
                }
              : null
          }
        />
        <div className="gv-list-area">
          <NodeList
            nodes={model.nodes}
            annotations={workspace.annotations}
            focusId={focusId}
            selected={selectedSet}
            seeds={derived.seeds}
            theftSeeds={derived.theftSeeds}
            hiddenWhy={hiddenWhy}
            traceNumbers={traceNumbers}
            showChain={derived.chains.length > 0}
            onPick={pick}
          />
          <AddAddressForm
            chains={[
              ...new Set([model.chain ?? session.chains[0] ?? 'ethereum', ...session.chains]),
            ]}
            onAdd={addAddressNode}
          />
        </div>
      </div>
      {pathTable && path?.nodes && path.nodes.length > 1 ? (
        <PathTable
          target={pathTarget}
          rows={pathTable.rows}
          loading={pathTable.missing.length > 0}
          error={
            workspace.traces.find((t) => pathTable.missing.includes(t.id) && t.error)?.error ?? null
          }
          traceNumber={(id) => {
            const i = workspace.traces.findIndex((t) => t.id === id);
            return i < 0 ? null : i + 1;
          }}
          stem={stem}
          onClose={clearPath}
        />
      ) : null}
      <div className="gv-bottom">
        <FiltersForm filters={model.filters} timeRange={timeRange} onChange={setFilters} />
        <TraceForm
          workspace={workspace}
          selected={selectedNodes}
          chain={model.chain}
          onClearSelection={() => canvasRef.current?.clearSelection()}
        />
      </div>
    </div>
  );
}
