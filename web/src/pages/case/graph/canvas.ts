// The cytoscape canvas behind the graph view. React never renders per node: the view hands this
// controller a derived graph and it patches the canvas with the difference inside cy.batch().
import cytoscape, {
  type Core,
  type ElementDefinition,
  type EventObject,
  type StylesheetJson,
} from 'cytoscape';
import { LAYER_COLOURS } from '../layers.ts';
import { CHAIN_COLOURS, type DerivedGraph } from './derive.ts';

/** Above this many elements the canvas trades finish for speed (straight edges, no outlines). */
export const BIG_GRAPH = 1500;

/** Font size of an address's label (model pixels), and the smallest on screen it is drawn at. */
const LABEL_FONT_PX = 11;
const LABEL_MIN_SCREEN_PX = 8;
/**
 * Below this zoom (0.73) addresses' labels are not drawn (cytoscape skips labels under their
 * min-zoomed-font-size): the view says to zoom in. The demo's case (132 addresses) fits at 0.27 on a
 * 1280 px screen, by hop or by time, where a label would be 3 px high.
 */
export const LABEL_MIN_ZOOM = LABEL_MIN_SCREEN_PX / LABEL_FONT_PX;

/** What the pointer is over: a node or an edge, where on the canvas (CSS pixels). */
export type Hover = { kind: 'node' | 'edge'; id: string; x: number; y: number };

export type CanvasEvents = {
  /** A node was tapped (null: the background was). */
  onFocus(id: string | null): void;
  /** The selection changed (taps with a modifier and box selection add to it). */
  onSelection(ids: string[]): void;
  /** A node was double-tapped. */
  onExpand(id: string): void;
  /** Nodes were dragged to new positions. */
  onMoved(positions: { id: string; x: number; y: number }[]): void;
  /** The pointer came over a node or an edge (null: it left, or the view moved). */
  onHover(hover: Hover | null): void;
  /** The zoom crossed {@link LABEL_MIN_ZOOM}: addresses' labels are now hidden (true) or drawn. */
  onLabelZoom(hidden: boolean): void;
};

type Colours = {
  text: string;
  muted: string;
  panel: string;
  border: string;
  accent: string;
  focus: string;
  taint: string;
  /** One per layer colour (`--layer-0` …); the first is the taint colour. */
  layers: string[];
  /** One per chain colour (`--chain-0` …), for nodes' outlines when several chains are drawn. */
  chains: string[];
};

function themeColours(): Colours {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const dark = document.documentElement.dataset.theme === 'dark';
  return {
    text: v('--text', '#1d2330'),
    muted: v('--muted', '#5b6475'),
    panel: v('--panel', '#ffffff'),
    border: v('--border', '#d9dde5'),
    accent: v('--accent', '#1f6feb'),
    focus: v('--focus', '#ff8c00'),
    taint: dark ? '#ff6b6b' : '#d62839',
    layers: Array.from({ length: LAYER_COLOURS }, (_, i) =>
      v(`--layer-${i}`, dark ? '#ff6b6b' : '#d62839'),
    ),
    chains: Array.from({ length: CHAIN_COLOURS }, (_, i) =>
      v(`--chain-${i}`, dark ? '#9aa4b5' : '#5b6475'),
    ),
  };
}

/**
 * Colours of the layers: an edge takes its layer's colour; with two layers or more drawn, a node
 * gets a halo in the colour of its layer, and a neutral double ring when it is in several.
 */
function layerStyle(c: Colours): StylesheetJson {
  return [
    ...c.layers.flatMap((colour, i) => [
      {
        selector: `edge.layer-${i}`,
        style: { 'line-color': colour, 'target-arrow-color': colour },
      },
      {
        selector: `node.layer-${i}`,
        style: {
          'underlay-color': colour,
          'underlay-padding': 6,
          'underlay-opacity': 0.45,
          'underlay-shape': 'ellipse' as const,
        },
      },
    ]),
    {
      selector: 'node.multi-layer',
      style: {
        'underlay-color': c.text,
        'underlay-opacity': 0.3,
        'underlay-padding': 8,
      },
    },
  ];
}

function buildStyle(c: Colours, big: boolean): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        'background-color': 'data(colour)',
        label: 'data(label)',
        color: c.text,
        'font-size': LABEL_FONT_PX,
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-outline-color': c.panel,
        'text-outline-width': big ? 0 : 2,
        'min-zoomed-font-size': LABEL_MIN_SCREEN_PX,
        width: 22,
        height: 22,
        'border-width': 1,
        'border-color': c.border,
      },
    },
    {
      // Seeds, named services and where money still rests keep their labels further out: they
      // are the landmarks.
      selector: 'node.seed, node.labelled, node.endpoint',
      style: { 'font-size': 14, 'font-weight': 'bold', 'min-zoomed-font-size': big ? 8 : 5 },
    },
    {
      selector: 'node.seed',
      style: { shape: 'diamond', width: 36, height: 36, 'border-width': 3, 'border-color': c.text },
    },
    {
      selector: 'node.annotated',
      style: { 'border-width': 4, 'border-style': 'double', 'border-color': c.accent },
    },
    { selector: 'node.pseudo', style: { shape: 'round-triangle', 'background-opacity': 0.6 } },
    {
      // A Bitcoin transaction: a small square between the addresses it spends and pays, its short
      // txid in monospace.
      selector: 'node.utxo-tx',
      style: {
        shape: 'rectangle',
        width: 12,
        height: 12,
        'background-color': c.panel,
        'border-width': 2,
        'border-color': c.text,
        'font-family': 'ui-monospace, Menlo, Consolas, monospace',
        'font-size': 9,
      },
    },
    // The chain of each node, when several are drawn: an outline in its chain's colour.
    ...c.chains.map((colour, i) => ({
      selector: `node.chain-${i}`,
      style: { 'outline-width': 3, 'outline-color': colour, 'outline-offset': 2 },
    })),
    {
      // The time layout's column labels: text only, above the columns, untouchable.
      selector: 'node.axis',
      style: {
        shape: 'rectangle',
        width: 1,
        height: 1,
        'background-opacity': 0,
        'border-width': 0,
        label: 'data(label)',
        color: c.muted,
        // Big in model pixels: at the demo's fitted zoom (about 0.27) it is still about 8 px.
        'font-size': 30,
        'font-weight': 'bold',
        'text-wrap': 'wrap',
        'text-valign': 'top',
        'text-margin-y': 0,
        'text-outline-width': 0,
        'min-zoomed-font-size': 0,
      },
    },
    {
      selector: 'node.aggregate',
      style: {
        shape: 'round-rectangle',
        width: 150,
        height: 46,
        'text-valign': 'center',
        'text-margin-y': 0,
        'text-wrap': 'wrap',
        'text-max-width': '140px',
        color: '#1d2330',
        'text-outline-width': 0,
        'border-width': 2,
        'border-style': 'dashed',
        'border-color': c.muted,
      },
    },
    {
      selector: 'node:selected',
      style: { 'border-width': 5, 'border-color': c.focus, 'border-style': 'solid' },
    },
    {
      selector: 'edge',
      style: {
        width: 'data(width)',
        'line-color': c.muted,
        'target-arrow-color': c.muted,
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': big ? 'straight' : 'bezier',
        opacity: 0.75,
        label: big ? '' : 'data(label)',
        'font-size': 9,
        // Edge labels only once zoomed in: at overview zoom they are noise and cost frames.
        'min-zoomed-font-size': 10,
        'text-rotation': 'autorotate',
        color: c.text,
        'text-background-color': c.panel,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
      },
    },
    { selector: 'edge.trace', style: { 'line-color': c.taint, 'target-arrow-color': c.taint } },
    ...layerStyle(c),
    { selector: 'edge.show-label, edge.on-path', style: { label: 'data(label)' } },
    { selector: 'edge.summed', style: { 'line-style': 'dashed' } },
    {
      // A hop across a bridge (no transfer joins its ends): dotted, its bridge's name always shown.
      selector: 'edge.bridge',
      style: {
        // Short dashes far apart read as dots at any zoom (cytoscape's own `dotted` blurs into a
        // pale solid line at a width of 3).
        'line-style': 'dashed',
        'line-dash-pattern': [2, 6],
        label: 'data(label)',
        'font-size': 11,
        'font-weight': 'bold',
        'min-zoomed-font-size': 4,
        opacity: 1,
      },
    },
    {
      selector: 'edge:selected',
      style: { 'line-color': c.focus, 'target-arrow-color': c.focus, opacity: 1 },
    },
    { selector: '.dimmed', style: { opacity: 0.12, 'text-opacity': 0.2 } },
    {
      selector: 'node.on-path',
      style: { 'border-width': 5, 'border-color': c.accent, 'z-index': 10 },
    },
    {
      selector: 'edge.on-path',
      style: {
        'line-color': c.accent,
        'target-arrow-color': c.accent,
        width: 5,
        opacity: 1,
        'z-index': 10,
        'min-zoomed-font-size': 4,
      },
    },
  ];
}

/** Classes the canvas adds on its own (path, edge labels), kept when an element's classes change. */
const TRANSIENT = ['dimmed', 'on-path', 'show-label'];

function setClasses(el: cytoscape.CollectionReturnValue, classes: string[]): void {
  const current = el.classes() as string[];
  const own = current.filter((c) => !TRANSIENT.includes(c));
  if (own.length === classes.length && own.every((c, i) => c === classes[i])) return;
  el.classes([...classes, ...current.filter((c) => TRANSIENT.includes(c))]);
}

function axisDefinition(a: DerivedGraph['axisLabels'][number]): ElementDefinition {
  return {
    group: 'nodes',
    data: { id: a.id, label: a.label },
    classes: ['axis'],
    position: { x: a.x, y: a.y },
    selectable: false,
    grabbable: false,
    pannable: true,
  };
}

function nodeDefinition(n: DerivedGraph['nodes'][number]): ElementDefinition {
  return {
    group: 'nodes',
    data: { id: n.id, label: n.label, colour: n.colour },
    classes: n.classes,
    position: { x: n.x, y: n.y },
  };
}

/**
 * One cytoscape instance on a container. `big` fixes the renderer's viewport options (textures and
 * hidden edges while panning, motion blur, pixel ratio 1), which cytoscape reads only at creation.
 */
export class GraphCanvas {
  readonly cy: Core;
  readonly big: boolean;
  private path: Set<string> | null = null;
  /** Ids of the elements on the canvas. */
  private ids = new Set<string>();
  /** Where each node was last put, to move only nodes whose place changed (not dragged ones). */
  private placed = new Map<string, { x: number; y: number }>();
  private selectionTimer = 0;
  private moved = new Map<string, { x: number; y: number }>();
  private movedTimer = 0;
  private labelsHidden: boolean | null = null;

  constructor(container: HTMLElement, big: boolean, events: CanvasEvents) {
    this.big = big;
    this.cy = cytoscape({
      container,
      style: buildStyle(themeColours(), big),
      minZoom: 0.02,
      maxZoom: 4,
      textureOnViewport: big,
      hideEdgesOnViewport: big,
      motionBlur: big,
      pixelRatio: big ? 1 : 'auto',
      boxSelectionEnabled: true,
    });
    const cy = this.cy;
    cy.on('tap', 'node', (e: EventObject) => events.onFocus(e.target.id() as string));
    cy.on('tap', (e: EventObject) => {
      if (e.target === cy) events.onFocus(null);
    });
    cy.on('dbltap', 'node', (e: EventObject) => events.onExpand(e.target.id() as string));
    // Tooltips: on entering an element only (nothing runs per frame); moving the view or a node
    // takes the tooltip away, through a one-off listener.
    const hover = (kind: Hover['kind']) => (e: EventObject) => {
      if (e.target.hasClass('axis')) return;
      const at = e.renderedPosition ?? { x: 0, y: 0 };
      events.onHover({ kind, id: e.target.id() as string, x: at.x, y: at.y });
      cy.one('viewport grab', () => events.onHover(null));
    };
    cy.on('mouseover', 'node', hover('node'));
    cy.on('mouseover', 'edge', hover('edge'));
    cy.on('mouseout', 'node, edge', () => events.onHover(null));
    // Reported only when the zoom crosses the labels' limit, not on every step.
    cy.on('zoom', () => {
      const hidden = cy.zoom() < LABEL_MIN_ZOOM;
      if (hidden === this.labelsHidden) return;
      this.labelsHidden = hidden;
      events.onLabelZoom(hidden);
    });
    // One report per burst: box selection fires an event per node.
    cy.on('select unselect', () => {
      window.clearTimeout(this.selectionTimer);
      this.selectionTimer = window.setTimeout(() => {
        this.labelSelectedEdges();
        events.onSelection(cy.nodes(':selected').map((n) => n.id()));
      }, 30);
    });
    cy.on('dragfree', 'node', (e: EventObject) => {
      const pos = e.target.position() as { x: number; y: number };
      this.moved.set(e.target.id() as string, { x: Math.round(pos.x), y: Math.round(pos.y) });
      window.clearTimeout(this.movedTimer);
      this.movedTimer = window.setTimeout(() => {
        const moved = [...this.moved].map(([id, p]) => ({ id, ...p }));
        this.moved.clear();
        events.onMoved(moved);
      }, 50);
    });
  }

  /** Re-reads the theme's colours (after the theme toggle). */
  restyle(): void {
    this.cy.style(buildStyle(themeColours(), this.big));
  }

  /** Patches the canvas to show `view`: removes what went, adds what came, updates what changed. */
  sync(view: DerivedGraph): void {
    const cy = this.cy;
    cy.batch(() => {
      const want = new Set<string>();
      for (const n of view.nodes) want.add(n.id);
      for (const e of view.edges) want.add(e.id);
      for (const a of view.axisLabels) want.add(a.id);
      // Known ids spare a lookup per element (each builds a collection) when thousands are new.
      for (const id of this.ids)
        if (!want.has(id)) {
          cy.getElementById(id).remove();
          this.ids.delete(id);
          this.placed.delete(id);
        }
      const add: ElementDefinition[] = [];
      for (const n of view.nodes) {
        const last = this.placed.get(n.id);
        const moved = !last || last.x !== n.x || last.y !== n.y;
        if (moved) this.placed.set(n.id, { x: n.x, y: n.y });
        if (!this.ids.has(n.id)) {
          add.push(nodeDefinition(n));
          continue;
        }
        const el = cy.getElementById(n.id);
        if (moved) el.position({ x: n.x, y: n.y });
        if (el.data('label') !== n.label || el.data('colour') !== n.colour)
          el.data({ label: n.label, colour: n.colour });
        setClasses(el, n.classes);
      }
      for (const a of view.axisLabels) {
        if (!this.ids.has(a.id)) {
          add.push(axisDefinition(a));
          continue;
        }
        const el = cy.getElementById(a.id);
        el.position({ x: a.x, y: a.y });
        if (el.data('label') !== a.label) el.data({ label: a.label });
      }
      for (const e of view.edges) {
        if (!this.ids.has(e.id)) {
          add.push({
            group: 'edges',
            data: { id: e.id, source: e.source, target: e.target, label: e.label, width: e.width },
            classes: e.classes,
          });
          continue;
        }
        const el = cy.getElementById(e.id);
        if (el.data('label') !== e.label || el.data('width') !== e.width)
          el.data({ label: e.label, width: e.width });
        setClasses(el, e.classes);
      }
      if (add.length) {
        cy.add(add);
        for (const a of add) this.ids.add(a.data.id!);
      }
    });
    if (this.path) this.dimExcept(this.path);
    this.labelSelectedEdges();
  }

  /** Big graphs label edges only around the selection (thousands of edge labels cost seconds). */
  private labelSelectedEdges(): void {
    if (!this.big) return;
    const cy = this.cy;
    cy.batch(() => {
      cy.edges('.show-label').removeClass('show-label');
      cy.nodes(':selected').connectedEdges().addClass('show-label');
    });
  }

  /**
   * Frames all nodes. By node bodies only: cy.fit() measures every label (thousands of rotated
   * edge labels take seconds), and labels hidden at overview zoom need no room.
   */
  fit(padding = 30): void {
    const cy = this.cy;
    if (cy.nodes().empty()) return;
    const bb = cy.nodes().boundingBox({ includeLabels: false, includeOverlays: false });
    const w = cy.width() - 2 * padding;
    const h = cy.height() - 2 * padding;
    if (w <= 0 || h <= 0) return;
    const zoom = Math.min(
      cy.maxZoom(),
      Math.max(cy.minZoom(), Math.min(w / Math.max(bb.w, 1), h / Math.max(bb.h, 1), 1.5)),
    );
    cy.viewport({
      zoom,
      pan: {
        x: cy.width() / 2 - zoom * (bb.x1 + bb.w / 2),
        y: cy.height() / 2 - zoom * (bb.y1 + bb.h / 2),
      },
    });
  }

  zoomBy(factor: number): void {
    const cy = this.cy;
    const zoom = cy.zoom() * factor;
    cy.zoom({ level: zoom, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  panBy(x: number, y: number): void {
    this.cy.panBy({ x, y });
  }

  /** Selects just this node and brings it into view. */
  focus(id: string, additive = false): void {
    const cy = this.cy;
    const el = cy.getElementById(id);
    if (el.empty()) return;
    cy.batch(() => {
      if (!additive) cy.elements(':selected').unselect();
      el.select();
    });
    const zoom = Math.max(cy.zoom(), 0.8);
    cy.animate({ center: { eles: el }, zoom }, { duration: this.big ? 0 : 250 });
  }

  /** Frames a node with its neighbours (after expanding it). */
  frame(id: string): void {
    const el = this.cy.getElementById(id);
    if (el.empty()) return;
    this.cy.animate(
      { fit: { eles: el.closedNeighborhood(), padding: 40 } },
      { duration: this.big ? 0 : 300 },
    );
  }

  clearSelection(): void {
    this.cy.elements(':selected').unselect();
  }

  private dimExcept(ids: Set<string>): void {
    const cy = this.cy;
    cy.batch(() => {
      cy.elements().forEach((el) => {
        if (ids.has(el.id())) el.removeClass('dimmed').addClass('on-path');
        else el.removeClass('on-path').addClass('dimmed');
      });
    });
  }

  /**
   * Highlights the shortest directed path from any seed to `target` (with the flow; else from
   * `target` to a seed, as a backward trace's paths run) and dims the rest. Returns the path's node
   * and edge ids in order along the flow, or null when no seed reaches it.
   */
  showPath(seedIds: string[], target: string): { nodes: string[]; edges: string[] } | null {
    const cy = this.cy;
    const end = cy.getElementById(target);
    if (end.empty()) return null;
    const eles = cy.elements();
    let best: cytoscape.CollectionReturnValue | null = null;
    let bestLength = Infinity;
    const consider = (root: string, goal: cytoscape.CollectionArgument) => {
      const start = cy.getElementById(root);
      if (start.empty()) return;
      const found = eles.dijkstra({ root: start, directed: true });
      const length = found.distanceTo(goal as cytoscape.NodeSingular);
      if (Number.isFinite(length) && length < bestLength) {
        bestLength = length;
        best = found.pathTo(goal as cytoscape.NodeSingular);
      }
    };
    for (const seed of seedIds) if (seed !== target) consider(seed, end);
    if (!best)
      for (const seed of seedIds) if (seed !== target) consider(target, cy.getElementById(seed));
    if (seedIds.includes(target)) {
      best = end;
      bestLength = 0;
    }
    if (!best) return null;
    const path = best as cytoscape.CollectionReturnValue;
    this.path = new Set(path.map((el) => el.id()));
    this.dimExcept(this.path);
    cy.animate({ fit: { eles: path, padding: 60 } }, { duration: this.big ? 0 : 300 });
    return { nodes: path.nodes().map((n) => n.id()), edges: path.edges().map((e) => e.id()) };
  }

  clearPath(): void {
    this.path = null;
    this.cy.batch(() => this.cy.elements().removeClass('dimmed on-path'));
  }

  /** Runs cytoscape's force-directed or breadth-first layout; resolves with the new positions. */
  layout(
    name: 'cose' | 'breadthfirst',
    roots: string[],
  ): Promise<{ id: string; x: number; y: number }[]> {
    const cy = this.cy;
    let rootEles = cy.collection();
    for (const id of roots) rootEles = rootEles.union(cy.getElementById(id));
    // The time axis's labels belong to the time layout: another one leaves them out.
    const eles = cy.elements().not('node.axis');
    const layout =
      name === 'cose'
        ? eles.layout({
            name: 'cose',
            animate: false,
            randomize: false,
            nodeDimensionsIncludeLabels: true,
            idealEdgeLength: () => 90,
            nodeRepulsion: () => 9000,
            numIter: 1500,
            padding: 30,
          })
        : eles.layout({
            name: 'breadthfirst',
            directed: true,
            animate: false,
            spacingFactor: 1.1,
            padding: 30,
            ...(rootEles.nonempty() ? { roots: rootEles } : {}),
          });
    return new Promise((resolve) => {
      layout.one('layoutstop', () => {
        const positions: { id: string; x: number; y: number }[] = [];
        cy.nodes().forEach((n) => {
          if (n.hasClass('aggregate') || n.hasClass('axis')) return;
          const p = n.position();
          positions.push({ id: n.id(), x: Math.round(p.x), y: Math.round(p.y) });
        });
        resolve(positions);
      });
      layout.run();
    });
  }

  /** The whole graph as a PNG on the theme's background. */
  png(): Blob {
    return this.cy.png({
      output: 'blob',
      full: true,
      scale: 2,
      maxWidth: 8000,
      maxHeight: 8000,
      bg: themeColours().panel,
    });
  }

  viewport(): { zoom: number; pan: { x: number; y: number } } {
    return { zoom: this.cy.zoom(), pan: { ...this.cy.pan() } };
  }

  setViewport(v: { zoom: number; pan: { x: number; y: number } }): void {
    this.cy.viewport(v);
  }

  destroy(): void {
    window.clearTimeout(this.selectionTimer);
    window.clearTimeout(this.movedTimer);
    this.cy.destroy();
  }
}
