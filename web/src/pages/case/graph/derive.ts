// What the canvas shows of the graph: the filters applied and big fan-outs folded into one
// aggregate node each. Pure, so a 5,000-node graph is recomputed in one pass and the canvas is
// then patched with the difference.
import { categoryColour, shortAddress, type AssetInfo } from '../../../lib/format.ts';
import { columnPositions, type Point } from './layout.ts';
import {
  addRaw,
  isPseudo,
  isUtxoTx,
  wholeUnits,
  type GraphEdge,
  type GraphNode,
  type GraphState,
} from './model.ts';
import { axisLabels, timePositions, type AxisLabel, type TimeAxis } from './time-layout.ts';

export type AssetLookup = (chain: string, asset: string) => AssetInfo;

/**
 * Outline colours of chains (`--chain-0` … in graph.css), when the graph shows more than one chain:
 * beyond this many, they repeat.
 */
export const CHAIN_COLOURS = 4;

/** A UTXO transaction's label on the canvas: its txid's first 8 and last 4 digits. */
export function shortTxid(txid: string): string {
  return shortAddress(txid, 8);
}

/** A layer (trace) that is drawn: its colour (0 … LAYER_COLOURS - 1) and its direction. */
export type LayerView = { colour: number; backward: boolean };

/** A node as the canvas draws it. */
export type ViewNode = {
  id: string;
  label: string;
  colour: string;
  classes: string[];
  x: number;
  y: number;
  /** Aggregates only: the node whose fan-out it folds, which side, and the folded node ids. */
  group?: { hub: string; side: 'in' | 'out'; members: string[]; summary: string };
};

/** An edge as the canvas draws it (possibly the sum of several folded into an aggregate). */
export type ViewEdge = {
  id: string;
  source: string;
  target: string;
  label: string;
  width: number;
  classes: string[];
  /**
   * Lowest trace hop among its transfers, for the column layout (null for counterparty flows, and
   * for a backward trace's edges, whose hops count against the flow).
   */
  hop: number | null;
  /** The layer (trace id) it belongs to; null for counterparty flows. */
  layer: string | null;
  /** Unix seconds of its first transfer (null when none has a time), for the time layout. */
  first: number | null;
  /** Whether it carries tainted value (more than zero). */
  tainted: boolean;
  /** Ids of the graph's edges it draws: itself, or those summed into it at a fold. */
  parts: string[];
};

export type DerivedGraph = {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** Folded node id → the aggregate node that stands for it. */
  groupOf: Map<string, string>;
  /** Nodes the time and dust filters hid. */
  filteredOut: number;
  /** Nodes not drawn because every edge they have belongs to a layer that is not shown. */
  layerHidden: Set<string>;
  /** Ids of the nodes drawn as seeds: the case's, and those of the layers shown. */
  seeds: Set<string>;
  /**
   * The seeds that are where stolen money starts, drawn red: seeds of a forward layer shown, and
   * the case's own seeds unless every layer shown that they seed is backward (there a seed is where
   * money ended, and its sources are what the trace looks for).
   */
  theftSeeds: Set<string>;
  /** Nodes the investigator hid (see ./hide.ts). */
  hidden: number;
  /** The time layout's axis (null in other layouts, or when no edge carries a time). */
  timeAxis: TimeAxis | null;
  /** Its column labels, which the canvas draws above the columns. */
  axisLabels: AxisLabel[];
  /** Layers (trace ids) each drawn node belongs to: by its edges shown, or as their seed. */
  nodeLayers: Map<string, string[]>;
  /**
   * The chains of the nodes drawn, sorted, when there are two or more: a node's outline takes the
   * colour of its chain (`chain-<i mod CHAIN_COLOURS>`), and the legend names them. Empty for one.
   */
  chains: string[];
  /** Whether a UTXO transaction node and a bridge hop are drawn (the legend explains them). */
  drawsUtxoTx: boolean;
  drawsBridge: boolean;
};

/**
 * The category whose colour a node takes (and the legend names): `seed` (red) for a theft seed
 * whatever its labels say, else its category, else `other` (unlabelled).
 */
export function colourKey(node: Pick<GraphNode, 'category'>, theftSeed: boolean): string {
  return theftSeed ? 'seed' : (node.category ?? 'other');
}

/** A datetime-local value (taken as UTC) or an ISO date as Unix seconds; null when empty or invalid. */
export function parseUtc(value: string): number | null {
  if (!value.trim()) return null;
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/** Unix seconds as a datetime-local value in UTC. */
export function toUtcInput(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 16);
}

function symbolOf(info: AssetInfo, asset: string): string {
  return info.symbol ?? (asset.length > 12 ? `${asset.slice(0, 8)}…` : asset);
}

// One formatter for thousands of labels: toLocaleString per call costs ~10 µs each.
const LABEL_NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const LABEL_SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 });

/**
 * Whole units for a canvas label, at most 2 decimals (amounts below 0.01 with 2 significant
 * digits, so dust does not read as 0). Through a double: labels are approximate by design; the side
 * panel shows exact amounts.
 */
export function labelUnits(raw: string, decimals: number | null): string {
  const value = wholeUnits(raw, decimals);
  if (!Number.isFinite(value)) return raw;
  return value !== 0 && Math.abs(value) < 0.01
    ? LABEL_SMALL.format(value)
    : LABEL_NUMBER.format(value);
}

/** `12.5 ETH` for a raw amount of an asset. */
export function amountText(lookup: AssetLookup, chain: string, asset: string, raw: string): string {
  const info = lookup(chain, asset);
  return `${labelUnits(raw, info.decimals)} ${symbolOf(info, asset)}`;
}

/** The amount that matters on an edge: what the trace found tainted, else the flow. */
export function edgeValue(e: Pick<GraphEdge, 'amount' | 'tainted'>): string {
  return e.tainted ?? e.amount;
}

function edgeLabel(
  lookup: AssetLookup,
  e: Pick<GraphEdge, 'chain' | 'asset' | 'amount' | 'tainted' | 'bridge'>,
  summed: boolean,
): string {
  // A bridge hop moves no amount of its own: its name is what the investigator needs to see.
  if (e.bridge !== undefined) return e.bridge;
  const prefix = summed ? 'Σ ' : '';
  if (e.tainted === null) return prefix + amountText(lookup, e.chain, e.asset, e.amount);
  const whole = Number(e.tainted) >= Number(e.amount) * 0.9999;
  return whole
    ? `${prefix}${amountText(lookup, e.chain, e.asset, e.tainted)} tainted`
    : `${prefix}${labelUnits(e.tainted, lookup(e.chain, e.asset).decimals)} of ${amountText(lookup, e.chain, e.asset, e.amount)} tainted`;
}

/** Whether a trace found value on the edge tainted (a haircut can find none on a transfer). */
function carriesTaint(e: Pick<GraphEdge, 'tainted'>): boolean {
  return e.tainted !== null && Number(e.tainted) > 0;
}

/** Hidden nodes that are on the graph (a saved id can outlive its node). */
function hiddenCount(state: GraphState, hidden: ReadonlySet<string>): number {
  if (!hidden.size) return 0;
  let count = 0;
  for (const n of state.nodes) if (hidden.has(n.id)) count++;
  return count;
}

/** Width of a bridge hop's edge: as a mid-sized flow, so its dashes show. */
const BRIDGE_EDGE_WIDTH = 3;

function edgeWidth(lookup: AssetLookup, e: GraphEdge): number {
  if (e.bridge !== undefined) return BRIDGE_EDGE_WIDTH;
  const units = wholeUnits(edgeValue(e), lookup(e.chain, e.asset).decimals);
  return Math.round((1 + Math.min(6, Math.log10(1 + Math.max(0, units)))) * 10) / 10;
}

/**
 * Columns to add to each edge's hop for the column layout: one per bridge hop upstream of it. A
 * payout on the far chain has no traced edge into it, so by its hops alone it would share the
 * bridge's column and the hop between them would be drawn as a short vertical stub, its name
 * unreadable; shifted, the far chain's side starts one column to the right.
 */
function bridgeShifts(edges: readonly ViewEdge[]): number[] {
  const shift = new Array<number>(edges.length).fill(0);
  const bridges = edges.filter((e) => e.classes.includes('bridge'));
  if (bridges.length === 0) return shift;
  const out = new Map<string, number[]>();
  edges.forEach((e, i) => {
    const list = out.get(e.source);
    if (list) list.push(i);
    else out.set(e.source, [i]);
  });
  for (const b of bridges) {
    const seen = new Set([b.target]);
    const queue = [b.target];
    for (let q = 0; q < queue.length; q++)
      for (const i of out.get(queue[q]!) ?? []) {
        shift[i]!++;
        const next = edges[i]!.target;
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
  }
  return shift;
}

/**
 * What a fold holds, in words: `37 transactions` (a bridge's payouts on Bitcoin), `33 addresses`,
 * or `20 addresses and 3 transactions`. A fold of transactions said "+37 addresses" before.
 */
function foldedWhat(members: readonly (GraphNode | undefined)[]): string {
  const transactions = members.filter((m) => m && isUtxoTx(m)).length;
  const addresses = members.length - transactions;
  const words = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (transactions === 0) return words(addresses, 'address', 'addresses');
  if (addresses === 0) return words(transactions, 'transaction', 'transactions');
  return `${words(addresses, 'address', 'addresses')} and ${words(transactions, 'transaction', 'transactions')}`;
}

/**
 * Applies the filters and folds fan-outs. An edge passes the time filter when its transfers overlap
 * the range (edges whose transfers carry no time always pass) and the dust filter when its
 * value reaches the minimum in whole units. A node stays when an edge that passed touches it, or
 * when it is kept (seeds, annotated, pinned) or never had edges. A node with more than `fanOut`
 * neighbours on one side keeps its largest `fanOut` and folds the rest into an aggregate node,
 * except kept, labelled and hub nodes, unless that fan-out was opened.
 *
 * `layers` are the traces drawn (all when left out): the graph is the union of their edges and the
 * counterparty flows; an edge of another layer is left out, and so is a node that only such edges
 * touch. With two layers or more, each node is marked by the layers it is in.
 */
export function deriveView(
  state: GraphState,
  annotations: Record<string, string>,
  lookup: AssetLookup,
  layers?: ReadonlyMap<string, LayerView>,
): DerivedGraph {
  const since = parseUtc(state.filters.since);
  const until = parseUtc(state.filters.until);
  const min = Number(state.filters.minAmount);
  const dust = state.filters.minAmount.trim() !== '' && Number.isFinite(min) && min > 0 ? min : 0;
  const fanOut = Math.max(1, state.filters.fanOut);
  const opened = new Set(state.opened);
  const pinned = new Set(state.pinned);
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  const shownLayer = (layer: string | null) => layer === null || !layers || layers.has(layer);
  const seeds = new Set(
    state.nodes.filter((n) => n.seed || n.seedOf.some(shownLayer)).map((n) => n.id),
  );
  const theftSeeds = new Set<string>();
  for (const n of state.nodes) {
    if (!seeds.has(n.id)) continue;
    const shown = n.seedOf.filter(shownLayer);
    const forward = shown.some((l) => !layers?.get(l)?.backward);
    if (forward || (n.seed && shown.length === 0)) theftSeeds.add(n.id);
  }
  const hidden = new Set(state.hidden);
  const kept = (id: string) => seeds.has(id) || pinned.has(id) || !!annotations[id];

  const passing: GraphEdge[] = [];
  const hasEdges = new Set<string>();
  // Nodes an edge of a shown layer (or a counterparty flow) touches, before time and dust.
  const inShownLayer = new Set<string>();
  for (const e of state.edges) {
    // An edge to a hidden node is not drawn, and does not count as one of the other end's: a node
    // whose shown edges all lead to hidden ones stays, alone (hiding hides just what was named).
    if (hidden.has(e.from) || hidden.has(e.to)) {
      if (!shownLayer(e.layer)) {
        hasEdges.add(e.from);
        hasEdges.add(e.to);
      }
      continue;
    }
    hasEdges.add(e.from);
    hasEdges.add(e.to);
    if (!shownLayer(e.layer)) continue;
    inShownLayer.add(e.from);
    inShownLayer.add(e.to);
    if (since !== null && e.last !== null && e.last < since) continue;
    if (until !== null && e.first !== null && e.first > until) continue;
    // A bridge hop carries no amount of its own: the dust limit is for transfers.
    if (
      dust &&
      e.bridge === undefined &&
      wholeUnits(edgeValue(e), lookup(e.chain, e.asset).decimals) < dust
    )
      continue;
    passing.push(e);
  }
  const visible = new Set<string>();
  for (const e of passing) {
    visible.add(e.from);
    visible.add(e.to);
  }
  for (const n of state.nodes)
    if (!hidden.has(n.id) && (!hasEdges.has(n.id) || kept(n.id))) visible.add(n.id);
  const layerHidden = new Set<string>();
  for (const n of state.nodes)
    if (!visible.has(n.id) && !hidden.has(n.id) && !inShownLayer.has(n.id)) layerHidden.add(n.id);

  // The layers of each node, to mark it by them when several are drawn.
  const nodeLayers = new Map<string, string[]>();
  const inLayer = (id: string, layer: string) => {
    const list = nodeLayers.get(id);
    if (!list) nodeLayers.set(id, [layer]);
    else if (!list.includes(layer)) list.push(layer);
  };
  for (const e of passing)
    if (e.layer !== null) {
      inLayer(e.from, e.layer);
      inLayer(e.to, e.layer);
    }
  for (const n of state.nodes) for (const l of n.seedOf) if (shownLayer(l)) inLayer(n.id, l);
  const marked = (layers?.size ?? 0) > 1;
  const colourOf = (layer: string | null) =>
    layer === null ? 0 : (layers?.get(layer)?.colour ?? 0);
  const layoutHop = (e: Pick<GraphEdge, 'hop' | 'layer'>) =>
    e.layer !== null && layers?.get(e.layer)?.backward ? null : e.hop;

  // Neighbours per side with the value that flowed, to keep the largest.
  const sides = {
    out: new Map<string, Map<string, number>>(),
    in: new Map<string, Map<string, number>>(),
  };
  const add = (side: 'in' | 'out', a: string, b: string, value: number) => {
    const m = sides[side].get(a) ?? sides[side].set(a, new Map()).get(a)!;
    m.set(b, (m.get(b) ?? 0) + value);
  };
  for (const e of passing) {
    if (e.from === e.to) continue;
    const v = wholeUnits(edgeValue(e), lookup(e.chain, e.asset).decimals);
    add('out', e.from, e.to, v);
    add('in', e.to, e.from, v);
  }
  // Named services stay visible: an exchange among a peel chain's hops is the finding.
  const labelled = (id: string) => {
    const c = byId.get(id)?.category;
    return !!c && c !== 'unspent';
  };
  const isHub = (id: string) =>
    (sides.out.get(id)?.size ?? 0) > fanOut || (sides.in.get(id)?.size ?? 0) > fanOut;
  const fans: { hub: string; side: 'in' | 'out'; size: number }[] = [];
  for (const side of ['out', 'in'] as const)
    for (const [hub, m] of sides[side]) if (m.size > fanOut) fans.push({ hub, side, size: m.size });
  fans.sort((a, b) => b.size - a.size || a.hub.localeCompare(b.hub));

  const groupOf = new Map<string, string>();
  const groups: ViewNode[] = [];
  const groupIndex = new Map<string, ViewNode>();
  for (const { hub, side } of fans) {
    if (opened.has(`${hub}|${side}`) || groupOf.has(hub)) continue;
    const ranked = [...sides[side].get(hub)!].sort((a, b) => b[1] - a[1]);
    const members = ranked
      .slice(fanOut)
      .map(([id]) => id)
      .filter((id) => !kept(id) && !groupOf.has(id) && !isHub(id) && !labelled(id));
    if (members.length < 2) continue;
    const id = `group:${hub}|${side}`;
    for (const m of members) groupOf.set(m, id);
    const node: ViewNode = {
      id,
      label: '',
      colour: categoryColour('aggregate'),
      classes: ['aggregate'],
      x: 0,
      y: 0,
      group: { hub, side, members, summary: '' },
    };
    let x = 0;
    let y = 0;
    for (const m of members) {
      x += byId.get(m)?.x ?? 0;
      y += byId.get(m)?.y ?? 0;
    }
    node.x = x / members.length;
    node.y = y / members.length;
    groups.push(node);
    groupIndex.set(id, node);
  }

  // Edges: kept as they are, or summed per (source, target, asset) once an end is folded.
  const edges: ViewEdge[] = [];
  const summed = new Map<string, GraphEdge & { parts: string[] }>();
  const hubTotals = new Map<string, Map<string, { chain: string; raw: string }>>();
  for (const e of passing) {
    const s = groupOf.get(e.from) ?? e.from;
    const t = groupOf.get(e.to) ?? e.to;
    if (s === t) continue;
    if ((s === e.from && t === e.to) || e.bridge !== undefined) {
      // A bridge hop stays itself even to or from a fold: its name is the point, not a sum.
      const classes = e.source === 'trace' ? ['trace', `layer-${colourOf(e.layer)}`] : ['flow'];
      if (e.bridge !== undefined) classes.push('bridge');
      edges.push({
        id: e.id,
        source: s,
        target: t,
        label: edgeLabel(lookup, e, false),
        width: edgeWidth(lookup, e),
        classes,
        hop: layoutHop(e),
        layer: e.layer,
        first: e.first,
        tainted: carriesTaint(e),
        parts: [e.id],
      });
      continue;
    }
    const group = groupIndex.get(s === e.from ? t : s);
    if (group?.group && (e.from === group.group.hub || e.to === group.group.hub)) {
      const totals = hubTotals.get(group.id) ?? hubTotals.set(group.id, new Map()).get(group.id)!;
      const prev = totals.get(e.asset);
      totals.set(e.asset, { chain: e.chain, raw: addRaw(prev?.raw ?? '0', edgeValue(e)) });
    }
    // Summed per layer too: each layer's tainted amounts are its own.
    const id = `${s}>${t}>${e.asset}${e.layer === null ? '' : `@${e.layer}`}`;
    const prev = summed.get(id);
    if (!prev) summed.set(id, { ...e, id, from: s, to: t, parts: [e.id] });
    else {
      prev.hop = prev.hop === null ? e.hop : e.hop === null ? prev.hop : Math.min(prev.hop, e.hop);
      prev.first =
        prev.first === null
          ? e.first
          : e.first === null
            ? prev.first
            : Math.min(prev.first, e.first);
      prev.amount = addRaw(prev.amount, e.amount);
      prev.tainted =
        prev.tainted === null && e.tainted === null
          ? null
          : addRaw(prev.tainted ?? '0', e.tainted ?? '0');
      prev.transfers += e.transfers;
      prev.parts.push(e.id);
    }
  }
  for (const e of summed.values())
    edges.push({
      id: e.id,
      source: e.from,
      target: e.to,
      label: edgeLabel(lookup, e, e.parts.length > 1),
      width: edgeWidth(lookup, e),
      classes:
        e.tainted !== null ? ['trace', `layer-${colourOf(e.layer)}`, 'summed'] : ['flow', 'summed'],
      hop: layoutHop(e),
      layer: e.layer,
      first: e.first,
      tainted: carriesTaint(e),
      parts: e.parts,
    });

  for (const g of groups) {
    const totals = [...(hubTotals.get(g.id) ?? new Map<string, { chain: string; raw: string }>())];
    totals.sort(
      (a, b) =>
        wholeUnits(b[1].raw, lookup(b[1].chain, b[0]).decimals) -
        wholeUnits(a[1].raw, lookup(a[1].chain, a[0]).decimals),
    );
    const top = totals[0];
    const amount = top ? amountText(lookup, top[1].chain, top[0], top[1].raw) : '';
    const more =
      totals.length > 1 ? ` + ${totals.length - 1} more asset${totals.length > 2 ? 's' : ''}` : '';
    const what = foldedWhat(g.group!.members.map((m) => byId.get(m)));
    g.group!.summary = `+${what}${amount ? `, ${amount}${more}` : ''}`;
    g.label = `+${what}${amount ? `\n${amount}${more}` : ''}`;
  }

  const drawn = state.nodes.filter((n) => visible.has(n.id) && !groupOf.has(n.id));
  const chainList = [...new Set(drawn.map((n) => n.chain))].sort();
  const chains = chainList.length > 1 ? chainList : [];
  const chainColour = new Map(chains.map((c, i) => [c, i % CHAIN_COLOURS]));
  const nodes: ViewNode[] = [];
  let drawsUtxoTx = false;
  for (const n of drawn) {
    const tx = isUtxoTx(n);
    drawsUtxoTx ||= tx;
    const classes = [tx ? 'utxo-tx' : 'address'];
    const chain = chainColour.get(n.chain);
    if (chain !== undefined) classes.push(`chain-${chain}`);
    if (seeds.has(n.id)) classes.push('seed');
    if (theftSeeds.has(n.id)) classes.push('theft');
    const own = nodeLayers.get(n.id);
    if (marked && own) {
      for (const c of new Set(own.map(colourOf))) classes.push(`layer-${c}`);
      if (own.length > 1) classes.push('multi-layer');
    }
    if (n.entity) classes.push('labelled');
    // Where money still rests: a landmark like the services, its label kept further out too.
    else if (n.category === 'unspent') classes.push('endpoint');
    if (annotations[n.id]) classes.push('annotated');
    if (isPseudo(n.address)) classes.push('pseudo');
    const name =
      n.entity ??
      (isPseudo(n.address) ? n.address : tx ? shortTxid(n.address) : shortAddress(n.address));
    nodes.push({
      id: n.id,
      label: `${annotations[n.id] ? '✎ ' : ''}${name}`,
      colour: categoryColour(colourKey(n, theftSeeds.has(n.id))),
      classes,
      x: n.x,
      y: n.y,
    });
  }
  nodes.push(...groups);
  // Columns (of hops or times) are laid out over what is shown, so folds, filters and hidden nodes
  // leave no gaps.
  let timeAxis: TimeAxis | null = null;
  if (state.layout === 'columns' || state.layout === 'time') {
    const shift = bridgeShifts(edges);
    const g = {
      nodes: nodes.map((n) => ({ id: n.id, seed: n.classes.includes('seed') })),
      edges: edges.map((e, i) => ({
        from: e.source,
        to: e.target,
        hop: e.hop === null ? null : e.hop + shift[i]!,
        first: e.first,
        tainted: e.tainted,
      })),
    };
    let at: Map<string, Point>;
    if (state.layout === 'time') {
      const laid = timePositions(g, theftSeeds);
      at = laid.at;
      timeAxis = laid.axis;
    } else at = columnPositions(g);
    for (const n of nodes) {
      const p = at.get(n.id);
      if (p) {
        n.x = p.x;
        n.y = p.y;
      }
    }
  }
  const hiddenOnGraph = hiddenCount(state, hidden);
  return {
    nodes,
    edges,
    groupOf,
    filteredOut: state.nodes.length - visible.size - layerHidden.size - hiddenOnGraph,
    layerHidden,
    seeds,
    theftSeeds,
    hidden: hiddenOnGraph,
    nodeLayers,
    timeAxis,
    axisLabels: axisLabels(timeAxis),
    chains,
    drawsUtxoTx,
    drawsBridge: edges.some((e) => e.classes.includes('bridge')),
  };
}
