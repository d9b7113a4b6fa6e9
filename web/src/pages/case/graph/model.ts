// The investigation graph as the case saves it: addresses, flows between them, positions, filters.
// Pure data and functions (no React, no cytoscape) so the view can rebuild, merge and save it.
import { getChain } from '../../../../../src/model/chains.ts';
import type { TraceNode, TraceResult } from '../../../api/types.ts';

/** An address (or a trace's pseudo node such as `(fees)`) on the graph. */
export type GraphNode = {
  /** `<chain>:<address>`, as trace results name nodes; annotations are keyed by it. */
  id: string;
  chain: string;
  address: string;
  category: string | null;
  entity: string | null;
  /** A seed of the case (its address seeds): drawn as a seed whichever layers are shown. */
  seed: boolean;
  /** Traces (layers) the node is a seed of: drawn as a seed while one of them is shown. */
  seedOf: string[];
  /** Directions whose counterparties were loaded. */
  expanded: ('in' | 'out')[];
  x: number;
  y: number;
  /**
   * `utxo_tx`: a Bitcoin-family transaction (its inputs flow in, its outputs out), drawn apart
   * from addresses and linked to its page; left out for an address.
   */
  kind?: 'utxo_tx' | undefined;
};

/** Transfers from one address to another in one asset, summed. */
export type GraphEdge = {
  /** `<from>><to>><asset>`, and `@<trace id>` for a trace's edge (see {@link edgeId}). */
  id: string;
  from: string;
  to: string;
  chain: string;
  asset: string;
  /** Raw units (an integer string, or a trace's double as a string). */
  amount: string;
  /** Raw units that carry taint (trace edges only). */
  tainted: string | null;
  transfers: number;
  /** Lowest hop of the trace's transfers (trace edges only). */
  hop: number | null;
  /** Unix seconds of the first and last transfer (null when none has a time). */
  first: number | null;
  last: number | null;
  source: 'trace' | 'counterparties';
  /**
   * The trace (layer) that drew it; null for counterparty flows, which belong to no layer. Two
   * traces through the same addresses draw an edge each: their tainted amounts differ.
   */
  layer: string | null;
  /**
   * A trace's hop across a bridge (see {@link bridgeHops}): the bridge's name. No transfer links
   * its ends, so it has no amount or time of its own (`amount` '0', `asset` {@link BRIDGE_ASSET}).
   */
  bridge?: string | undefined;
};

/** The asset a bridge hop's edge names: none (value moves by a deposit on one chain, a payout on the other). */
export const BRIDGE_ASSET = '(bridge)';

/** What the investigator narrowed the view to. */
export type GraphFilters = {
  /** ISO date-times (UTC) as a datetime-local input gives them, or ''. */
  since: string;
  until: string;
  /** Hide edges below this many whole units of their asset ('' for none). */
  minAmount: string;
  /** Collapse a node's neighbours on one side when it has more than this many. */
  fanOut: number;
};

/**
 * `columns`: laid out by hop over what is shown, again whenever that changes; `time`: likewise, x
 * by when tainted value first reached each address (see ./time-layout.ts); `free`: positions as
 * saved (after a drag, or a force-directed or tree layout).
 */
export type LayoutName = 'columns' | 'time' | 'free';

/** The graph view's state, as it works on it and as "Export JSON" writes it (the case saves {@link SavedGraph}). */
export type GraphState = {
  version: 1;
  /**
   * The traces merged into the graph as layers, in the order they were merged. Which of them are
   * drawn is the case's choice (see ../layers.ts), not the graph's.
   */
  traceIds: string[];
  chain: string | null;
  nodes: GraphNode[];
  edges: GraphEdge[];
  filters: GraphFilters;
  /** Fan-outs (`<node id>|in` or `<node id>|out`) the investigator opened again. */
  opened: string[];
  /** Collapsed nodes brought back into view one by one (from the node list). */
  pinned: string[];
  /**
   * Nodes the investigator hid (one by one, or pruned below a node): not drawn, and left out of
   * the JSON and GraphML exports, until shown again. See ./hide.ts.
   */
  hidden: string[];
  layout: LayoutName;
};

/** Share of the traced value resting at an address for the graph to mark it unspent. */
const UNSPENT_SHARE = 0.001;

export const DEFAULT_FILTERS: GraphFilters = { since: '', until: '', minAmount: '', fanOut: 20 };

/** Horizontal distance of hop columns; the vertical spacing of nodes in a column. */
export const COLUMN_WIDTH = 240;
export const ROW_HEIGHT = 48;

export function nodeId(chain: string, address: string): string {
  return `${chain}:${address}`;
}

/** `<from>><to>><asset>`; a trace's edge adds `@<trace id>`, so each layer keeps its own. */
export function edgeId(
  from: string,
  to: string,
  asset: string,
  layer: string | null = null,
): string {
  return layer === null ? `${from}>${to}>${asset}` : `${from}>${to}>${asset}@${layer}`;
}

/** The id of the flow an edge draws, whichever layer drew it: `<from>><to>><asset>`. */
export function flowId(e: Pick<GraphEdge, 'from' | 'to' | 'asset'>): string {
  return edgeId(e.from, e.to, e.asset);
}

/** A trace's pseudo node (`(fees)`): no address page, no counterparties. */
export function isPseudo(address: string): boolean {
  return address.startsWith('(');
}

/** A UTXO transaction's node (see {@link GraphNode.kind}): no address page, no counterparties. */
export function isUtxoTx(node: Pick<GraphNode, 'kind'>): boolean {
  return node.kind === 'utxo_tx';
}

/** Whether a node is an address the API can look up (labels, counterparties, marks). */
export function isAddressNode(node: Pick<GraphNode, 'kind' | 'address'>): boolean {
  return !isPseudo(node.address) && !isUtxoTx(node);
}

/**
 * Whether a trace's node is a UTXO transaction: the result says so, or, for results stored before
 * it did, {@link looksLikeUtxoTx}.
 */
function isUtxoTxNode(n: TraceNode): boolean {
  return n.kind === 'utxo_tx' || looksLikeUtxoTx(n.chain, n.address);
}

/**
 * Whether a trace's node name is a transaction's: a 64-hex hash on a Bitcoin-family chain (the
 * trace's index names transaction nodes by their hash; no Bitcoin address is written that way).
 *
 * @example
 * looksLikeUtxoTx('bitcoin', '7940cdde…455a'); // true
 * looksLikeUtxoTx('bitcoin', '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ'); // false
 */
export function looksLikeUtxoTx(chain: string, address: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(address)) return false;
  try {
    return getChain(chain).family === 'bitcoin';
  } catch {
    // A chain this build does not know: not one of Bitcoin's.
    return false;
  }
}

/**
 * Adds raw amounts. Integer strings add exactly; a trace's doubles (`1.5e+21`) add as numbers,
 * which is as exact as the trace computed them.
 */
export function addRaw(a: string, b: string): string {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return (BigInt(a) + BigInt(b)).toString();
  const sum = Number(a) + Number(b);
  return Number.isFinite(sum) && Math.abs(sum) < 2 ** 53 ? String(Math.round(sum)) : String(sum);
}

/** Raw units as whole units (for comparing against a dust limit and ranking). */
export function wholeUnits(raw: string, decimals: number | null): number {
  const value = Number(raw);
  return decimals === null ? value : value / 10 ** decimals;
}

function emptyState(): GraphState {
  return {
    version: 1,
    traceIds: [],
    chain: null,
    nodes: [],
    edges: [],
    filters: { ...DEFAULT_FILTERS },
    opened: [],
    pinned: [],
    hidden: [],
    layout: 'columns',
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A node as the case saves it: `[chain index, address, category, entity, flags, x, y, seed of]`,
 * flags {@link SEED_FLAG} and the expanded directions, `seed of` the layers it seeds (indexes in
 * `traceIds`, left out when none). Its id is `<chain>:<address>`.
 */
type SavedNode = [number, string, string | null, string | null, number, number, number, number[]?];
/**
 * An edge as the case saves it: `[from node, to node, chain index, asset, amount, tainted, transfers,
 * hop, first, last, from counterparties (1) or a trace (0), layer, bridge]`, nodes by their index,
 * the layer as an index in `traceIds` (null for counterparty flows), the bridge's name on a hop
 * across one (left out otherwise). Saves made before layers have no layer:
 * their trace edges are the one trace's they name as `traceId`.
 */
type SavedEdge = [
  number,
  number,
  number,
  string,
  string,
  string | null,
  number,
  number | null,
  number | null,
  number | null,
  0 | 1,
  (number | null)?,
  string?,
];

/**
 * The graph as a case saves it (version 2): nodes and edges as arrays, edges pointing at nodes by
 * index and chains named once. Version 1 saved objects with ids, about 320 bytes a node or edge, so
 * a graph past about 15,000 of them did not fit the API's 5 MB case limit; this form takes about a
 * quarter of that.
 */
export type SavedGraph = Omit<GraphState, 'version' | 'nodes' | 'edges'> & {
  version: 2;
  chains: string[];
  nodes: SavedNode[];
  edges: SavedEdge[];
};

const SEED_FLAG = 1;
const EXPANDED_IN_FLAG = 2;
const EXPANDED_OUT_FLAG = 4;
const UTXO_TX_FLAG = 8;

/**
 * The graph as the case saves it (see {@link SavedGraph}); positions to the whole pixel.
 *
 * @example
 * workspace.setGraph(toSavedGraph(state));
 */
export function toSavedGraph(state: GraphState): SavedGraph {
  const chains: string[] = [];
  const chainIndex = new Map<string, number>();
  const chainOf = (chain: string) => {
    let i = chainIndex.get(chain);
    if (i === undefined) chainIndex.set(chain, (i = chains.push(chain) - 1));
    return i;
  };
  const layerIndex = new Map(state.traceIds.map((id, i) => [id, i]));
  const nodeIndex = new Map<string, number>();
  const nodes = state.nodes.map((n, i): SavedNode => {
    nodeIndex.set(n.id, i);
    const flags =
      (n.seed ? SEED_FLAG : 0) |
      (n.expanded.includes('in') ? EXPANDED_IN_FLAG : 0) |
      (n.expanded.includes('out') ? EXPANDED_OUT_FLAG : 0) |
      (isUtxoTx(n) ? UTXO_TX_FLAG : 0);
    const saved: SavedNode = [
      chainOf(n.chain),
      n.address,
      n.category,
      n.entity,
      flags,
      Math.round(n.x),
      Math.round(n.y),
    ];
    const seedOf = n.seedOf
      .map((id) => layerIndex.get(id))
      .filter((i): i is number => i !== undefined);
    if (seedOf.length) saved.push(seedOf);
    return saved;
  });
  const edges: SavedEdge[] = [];
  for (const e of state.edges) {
    const from = nodeIndex.get(e.from);
    const to = nodeIndex.get(e.to);
    // An edge whose address is not on the graph is not drawn either: it is left out.
    if (from === undefined || to === undefined) continue;
    const saved: SavedEdge = [
      from,
      to,
      chainOf(e.chain),
      e.asset,
      e.amount,
      e.tainted,
      e.transfers,
      e.hop,
      e.first,
      e.last,
      e.source === 'counterparties' ? 1 : 0,
      e.layer === null ? null : (layerIndex.get(e.layer) ?? null),
    ];
    if (e.bridge !== undefined) saved.push(e.bridge);
    edges.push(saved);
  }
  const { version: _version, nodes: _nodes, edges: _edges, ...rest } = state;
  return { ...rest, version: 2, chains, nodes, edges };
}

const stringOrNull = (v: unknown) => (typeof v === 'string' ? v : null);
const numberOrNull = (v: unknown) => (typeof v === 'number' ? v : null);

/**
 * Nodes and edges of a version 2 saved graph, or null when its arrays are not this view's. Layers
 * are indexes in `traceIds`; a trace edge saved without one (before layers) is `legacyLayer`'s.
 */
function parseVersion2(
  value: Record<string, unknown>,
  traceIds: string[],
  legacyLayer: string | null,
): Pick<GraphState, 'nodes' | 'edges'> | null {
  const { chains, nodes: savedNodes, edges: savedEdges } = value;
  if (!Array.isArray(chains) || !chains.every((c) => typeof c === 'string')) return null;
  if (!Array.isArray(savedNodes) || !Array.isArray(savedEdges)) return null;
  const nodes: GraphNode[] = [];
  for (const n of savedNodes) {
    if (!Array.isArray(n) || typeof n[1] !== 'string') return null;
    const chain = chains[n[0] as number] as string | undefined;
    if (chain === undefined) return null;
    const flags = typeof n[4] === 'number' ? n[4] : 0;
    const expanded: ('in' | 'out')[] = [];
    if (flags & EXPANDED_IN_FLAG) expanded.push('in');
    if (flags & EXPANDED_OUT_FLAG) expanded.push('out');
    nodes.push({
      id: nodeId(chain, n[1]),
      chain,
      address: n[1],
      category: stringOrNull(n[2]),
      entity: stringOrNull(n[3]),
      seed: (flags & SEED_FLAG) !== 0,
      seedOf: Array.isArray(n[7])
        ? n[7].map((i) => traceIds[i as number]).filter((id): id is string => id !== undefined)
        : [],
      expanded,
      x: typeof n[5] === 'number' ? n[5] : 0,
      y: typeof n[6] === 'number' ? n[6] : 0,
      ...(flags & UTXO_TX_FLAG ? { kind: 'utxo_tx' as const } : {}),
    });
  }
  const edges: GraphEdge[] = [];
  for (const e of savedEdges) {
    if (!Array.isArray(e)) return null;
    const from = nodes[e[0] as number];
    const to = nodes[e[1] as number];
    const chain = chains[e[2] as number] as string | undefined;
    if (!from || !to || chain === undefined || typeof e[3] !== 'string') return null;
    const source = e[10] === 1 ? 'counterparties' : 'trace';
    const layer =
      source === 'counterparties'
        ? null
        : typeof e[11] === 'number'
          ? (traceIds[e[11]] ?? null)
          : legacyLayer;
    edges.push({
      id: edgeId(from.id, to.id, e[3], layer),
      from: from.id,
      to: to.id,
      chain,
      asset: e[3],
      amount: typeof e[4] === 'string' ? e[4] : '0',
      tainted: stringOrNull(e[5]),
      transfers: typeof e[6] === 'number' ? e[6] : 1,
      hop: numberOrNull(e[7]),
      first: numberOrNull(e[8]),
      last: numberOrNull(e[9]),
      source,
      layer,
      ...(typeof e[12] === 'string' ? { bridge: e[12] } : {}),
    });
  }
  return { nodes, edges };
}

/**
 * Nodes and edges of a version 1 saved graph (objects with ids), or of a {@link GraphState} as
 * "Export JSON" writes it, or null when malformed. A trace edge without a layer is `legacyLayer`'s.
 */
function parseVersion1(
  value: Record<string, unknown>,
  traceIds: string[],
  legacyLayer: string | null,
): Pick<GraphState, 'nodes' | 'edges'> | null {
  if (!Array.isArray(value.nodes) || !Array.isArray(value.edges)) return null;
  const nodes: GraphNode[] = [];
  for (const n of value.nodes) {
    if (!isRecord(n) || typeof n.id !== 'string' || typeof n.address !== 'string') return null;
    nodes.push({
      id: n.id,
      chain: typeof n.chain === 'string' ? n.chain : n.id.split(':')[0]!,
      address: n.address,
      category: typeof n.category === 'string' ? n.category : null,
      entity: typeof n.entity === 'string' ? n.entity : null,
      seed: n.seed === true,
      seedOf: Array.isArray(n.seedOf)
        ? n.seedOf.filter((id): id is string => typeof id === 'string' && traceIds.includes(id))
        : [],
      expanded: Array.isArray(n.expanded)
        ? n.expanded.filter((d): d is 'in' | 'out' => d === 'in' || d === 'out')
        : [],
      x: typeof n.x === 'number' ? n.x : 0,
      y: typeof n.y === 'number' ? n.y : 0,
      ...(n.kind === 'utxo_tx' ? { kind: 'utxo_tx' as const } : {}),
    });
  }
  const ids = new Set(nodes.map((n) => n.id));
  const edges: GraphEdge[] = [];
  for (const e of value.edges) {
    if (!isRecord(e) || typeof e.from !== 'string' || typeof e.to !== 'string') return null;
    if (!ids.has(e.from) || !ids.has(e.to)) continue;
    const asset = typeof e.asset === 'string' ? e.asset : 'native';
    const source = e.source === 'counterparties' ? 'counterparties' : 'trace';
    const layer =
      source === 'counterparties'
        ? null
        : typeof e.layer === 'string' && traceIds.includes(e.layer)
          ? e.layer
          : legacyLayer;
    edges.push({
      id: edgeId(e.from, e.to, asset, layer),
      from: e.from,
      to: e.to,
      chain: typeof e.chain === 'string' ? e.chain : e.from.split(':')[0]!,
      asset,
      amount: typeof e.amount === 'string' ? e.amount : '0',
      tainted: typeof e.tainted === 'string' ? e.tainted : null,
      transfers: typeof e.transfers === 'number' ? e.transfers : 1,
      hop: typeof e.hop === 'number' ? e.hop : null,
      first: typeof e.first === 'number' ? e.first : null,
      last: typeof e.last === 'number' ? e.last : null,
      source,
      layer,
      ...(typeof e.bridge === 'string' ? { bridge: e.bridge } : {}),
    });
  }
  return { nodes, edges };
}

/**
 * The saved state if `value` is one this view wrote ({@link SavedGraph}, or version 1 of earlier
 * saves, or a {@link GraphState} as "Export JSON" writes it), else null. Checks the shape so a
 * hand-edited or foreign `graph` falls back to rebuilding instead of breaking the page.
 */
export function parseSavedState(value: unknown): GraphState | null {
  if (!isRecord(value)) return null;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);
  // Saves before layers name the one trace they were built from.
  const legacyLayer = typeof value.traceId === 'string' ? value.traceId : null;
  const traceIds = Array.isArray(value.traceIds)
    ? [...new Set(strings(value.traceIds))]
    : legacyLayer
      ? [legacyLayer]
      : [];
  const fallback = Array.isArray(value.traceIds) ? null : legacyLayer;
  const parsed =
    value.version === 2
      ? parseVersion2(value, traceIds, fallback)
      : value.version === 1
        ? parseVersion1(value, traceIds, fallback)
        : null;
  if (!parsed) return null;
  const { nodes, edges } = parsed;
  const nodeIds = new Set(nodes.map((n) => n.id));
  const f = isRecord(value.filters) ? value.filters : {};
  return {
    version: 1,
    traceIds,
    chain: typeof value.chain === 'string' ? value.chain : (nodes[0]?.chain ?? null),
    nodes,
    edges,
    filters: {
      since: typeof f.since === 'string' ? f.since : '',
      until: typeof f.until === 'string' ? f.until : '',
      minAmount: typeof f.minAmount === 'string' ? f.minAmount : '',
      fanOut:
        typeof f.fanOut === 'number' && f.fanOut >= 1
          ? Math.floor(f.fanOut)
          : DEFAULT_FILTERS.fanOut,
    },
    opened: strings(value.opened),
    pinned: strings(value.pinned),
    // Saves before hiding have none; an id no longer on the graph is dropped.
    hidden: [...new Set(strings(value.hidden))].filter((id) => nodeIds.has(id)),
    layout: value.layout === 'free' || value.layout === 'time' ? value.layout : 'columns',
  };
}

/** Case seeds that look like EVM/Bitcoin/Tron addresses (not transaction hashes). */
export function addressSeeds(seeds: string[]): string[] {
  return seeds.filter((s) => !/^0x[0-9a-fA-F]{64}$/.test(s) && !s.includes(':'));
}

/** Case seeds a trace accepts: addresses, transaction hashes and `<tx>:<position>`. */
export function traceableSeeds(seeds: string[]): string[] {
  return seeds.filter(
    (s) =>
      /^(0x)?[0-9a-fA-F]{64}(:\d+)?$/.test(s) ||
      /^0x[0-9a-fA-F]{40}$/.test(s) ||
      /^(bc1|tb1|[13]|T)[0-9A-Za-z]{20,90}$/.test(s),
  );
}

/**
 * Which nodes of a trace are its seeds: its address seeds, and for transaction seeds the side where
 * the traced money starts (receivers going forward, senders going backward).
 */
function traceSeedIds(result: TraceResult): Set<string> {
  const addresses = new Set<string>();
  const txs = new Set<string>();
  for (const seed of result.parameters.seeds) {
    if (seed.kind === 'address') addresses.add(seed.address.toLowerCase());
    else txs.add(seed.txHash.toLowerCase());
  }
  const ids = new Set<string>();
  for (const n of result.nodes) if (addresses.has(n.address.toLowerCase())) ids.add(n.id);
  const backward = result.parameters.direction === 'backward';
  for (const e of result.edges)
    if (txs.has(e.txHash.toLowerCase())) ids.add(backward ? e.from : e.to);
  return ids;
}

/** A trace's transfers summed per (from, to, asset), with their hops and times, as edges of its layer. */
export function traceEdges(result: TraceResult, layer: string): GraphEdge[] {
  const chainOf = new Map(result.nodes.map((n) => [n.id, n.chain]));
  const byId = new Map<string, GraphEdge>();
  for (const t of result.edges) {
    const id = edgeId(t.from, t.to, t.asset, layer);
    const e = byId.get(id);
    if (!e) {
      byId.set(id, {
        id,
        from: t.from,
        to: t.to,
        chain: chainOf.get(t.from) ?? t.from.split(':')[0]!,
        asset: t.asset,
        amount: t.amount,
        tainted: t.tainted,
        transfers: 1,
        hop: t.hop,
        first: t.time,
        last: t.time,
        source: 'trace',
        layer,
      });
      continue;
    }
    e.amount = addRaw(e.amount, t.amount);
    e.tainted = addRaw(e.tainted ?? '0', t.tainted);
    e.transfers += 1;
    e.hop = Math.min(e.hop ?? t.hop, t.hop);
    e.first = Math.min(e.first ?? t.time, t.time);
    e.last = Math.max(e.last ?? t.time, t.time);
  }
  for (const hop of bridgeHops(result)) {
    const id = edgeId(hop.from, hop.to, BRIDGE_ASSET, layer);
    byId.set(id, {
      id,
      from: hop.from,
      to: hop.to,
      chain: chainOf.get(hop.to)!,
      asset: BRIDGE_ASSET,
      amount: '0',
      tainted: null,
      transfers: 0,
      hop: null,
      first: null,
      last: null,
      source: 'trace',
      layer,
      bridge: hop.bridge,
    });
  }
  return [...byId.values()];
}

/** A trace's hop across a bridge: from the node the value left by to where it came out. */
export type BridgeHop = { from: string; to: string; bridge: string };

/**
 * Where a trace's value crossed from one chain to another: consecutive nodes of an endpoint's
 * evidence path that sit on two chains with no edge of the result between them. The trace follows
 * a bridge deposit (to THORChain's router, say) to its payout on the other chain (a Bitcoin
 * transaction), and no transfer joins the two: without this hop, the graph would show the value
 * stop at the bridge and start again from nowhere. Named after the bridge's entity (the node of
 * category `bridge` at either end), else "bridge". Paths name addresses without their chain; an
 * address on several chains is taken on the one that makes the hop.
 *
 * @example
 * bridgeHops(result); // [{ from: 'anvil:0x…router', to: 'bitcoin-regtest:<payout txid>', bridge: 'THORChain' }]
 */
export function bridgeHops(
  result: Pick<TraceResult, 'nodes' | 'edges' | 'endpoints'>,
): BridgeHop[] {
  const byAddress = new Map<string, TraceNode[]>();
  for (const n of result.nodes) {
    const list = byAddress.get(n.address);
    if (list) list.push(n);
    else byAddress.set(n.address, [n]);
  }
  const linked = new Set<string>();
  for (const e of result.edges) {
    linked.add(`${e.from}>${e.to}`);
    linked.add(`${e.to}>${e.from}`);
  }
  const hops = new Map<string, BridgeHop>();
  for (const endpoint of result.endpoints)
    for (const path of endpoint.paths)
      for (let i = 0; i + 1 < path.length; i++) {
        const froms = byAddress.get(path[i]!) ?? [];
        const tos = byAddress.get(path[i + 1]!) ?? [];
        if (froms.some((a) => tos.some((b) => linked.has(`${a.id}>${b.id}`)))) continue;
        const pair = froms
          .flatMap((a) => tos.map((b) => [a, b] as const))
          .find(([a, b]) => a.chain !== b.chain);
        if (!pair) continue;
        const [a, b] = pair;
        const key = `${a.id}>${b.id}`;
        if (hops.has(key)) continue;
        const bridge = [a, b].find((n) => n.category === 'bridge');
        hops.set(key, { from: a.id, to: b.id, bridge: bridge?.entity ?? 'bridge' });
      }
  return [...hops.values()];
}

/**
 * Adds a trace to a graph (or a new one) as a layer: its edges join those of the other layers (a
 * layer merged again has its edges replaced), its nodes join the graph's, and no node or edge of
 * another layer or expansion goes. A counterparty flow the trace also drew gives way to the trace's
 * edge, which carries the tainted amount. Case address seeds among its nodes become seeds.
 */
export function mergeLayer(
  previous: GraphState | null,
  traceId: string,
  result: TraceResult,
  caseSeeds: string[],
): GraphState {
  const state = previous ? structuredClone(previous) : emptyState();
  const seeds = traceSeedIds(result);
  const caseAddresses = new Set(addressSeeds(caseSeeds).map((s) => s.toLowerCase()));
  // An endpoint where a material share of the funds rests is 'unspent' even when no label names
  // it; gas change left on every hop of a peel chain is not worth a colour.
  const endpointCategory = new Map<string, string>();
  for (const p of result.endpoints)
    if (p.category !== 'unspent' || p.share >= UNSPENT_SHARE)
      endpointCategory.set(nodeId(p.chain, p.address), p.category);
  const newEdges = traceEdges(result, traceId);
  const drawn = new Set(newEdges.map(flowId));
  state.edges = [
    ...state.edges.filter(
      (e) => e.layer !== traceId && !(e.source === 'counterparties' && drawn.has(flowId(e))),
    ),
    ...newEdges,
  ];
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  for (const n of byId.values()) n.seedOf = n.seedOf.filter((id) => id !== traceId);
  for (const n of result.nodes) {
    const old = byId.get(n.id);
    const category = n.category ?? endpointCategory.get(n.id) ?? null;
    const caseSeed = caseAddresses.has(n.address.toLowerCase());
    const seedOf = seeds.has(n.id) ? [traceId] : [];
    const kind = isUtxoTxNode(n) ? { kind: 'utxo_tx' as const } : {};
    if (old) {
      old.category = n.category ?? old.category ?? category;
      old.entity = n.entity ?? old.entity;
      old.seed = old.seed || caseSeed;
      old.seedOf = [...old.seedOf, ...seedOf];
      Object.assign(old, kind);
    } else
      byId.set(n.id, {
        id: n.id,
        chain: n.chain,
        address: n.address,
        category,
        entity: n.entity,
        seed: caseSeed,
        seedOf,
        expanded: [],
        x: 0,
        y: 0,
        ...kind,
      });
  }
  state.nodes = [...byId.values()];
  state.traceIds = [...state.traceIds.filter((id) => id !== traceId), traceId];
  state.chain = state.chain ?? result.nodes[0]?.chain ?? null;
  // Positions placed by hand do not cover the new nodes: lay them out again (by time if chosen).
  if (state.layout === 'free') state.layout = 'columns';
  return state;
}

/**
 * The graph without a layer: its edges go, and the nodes only it brought (not seeds of the case or
 * of another layer, not expanded, and not kept: annotated or pinned). The other layers and the
 * expansions stay whole.
 */
export function removeLayer(
  previous: GraphState,
  traceId: string,
  keep: (id: string) => boolean,
): GraphState {
  const state = structuredClone(previous);
  state.edges = state.edges.filter((e) => e.layer !== traceId);
  const used = new Set<string>();
  for (const e of state.edges) {
    used.add(e.from);
    used.add(e.to);
  }
  for (const n of state.nodes) n.seedOf = n.seedOf.filter((id) => id !== traceId);
  state.nodes = state.nodes.filter(
    (n) => used.has(n.id) || n.seed || n.seedOf.length > 0 || n.expanded.length > 0 || keep(n.id),
  );
  state.traceIds = state.traceIds.filter((id) => id !== traceId);
  const ids = new Set(state.nodes.map((n) => n.id));
  state.pinned = state.pinned.filter((id) => ids.has(id));
  state.hidden = state.hidden.filter((id) => ids.has(id));
  return state;
}

/** A graph of just the case's address seeds, each on its chain. */
export function seedGraph(
  seeds: { chain: string; address: string }[],
  fallbackChain: string,
): GraphState {
  const state = emptyState();
  state.chain = seeds[0]?.chain ?? fallbackChain;
  const seen = new Set<string>();
  seeds.forEach(({ chain, address }, i) => {
    const canonical = /^0x/i.test(address) ? address.toLowerCase() : address;
    const id = nodeId(chain, canonical);
    if (seen.has(id)) return;
    seen.add(id);
    state.nodes.push({
      id,
      chain,
      address: canonical,
      category: null,
      entity: null,
      seed: true,
      seedOf: [],
      expanded: [],
      x: 0,
      y: i * ROW_HEIGHT * 2,
    });
  });
  return state;
}

/**
 * The graph with an address the investigator typed in (canonical, as the API gave it back): a node
 * of its own, not a seed, expanded like any other. Placed right of everything for a graph laid out
 * by hand; the column and time layouts place it themselves.
 */
export function addAddress(state: GraphState, chain: string, address: string): GraphState {
  const id = nodeId(chain, address);
  if (state.nodes.some((n) => n.id === id)) return state;
  const right = state.nodes.reduce((x, n) => Math.max(x, n.x), -COLUMN_WIDTH);
  const node: GraphNode = {
    id,
    chain,
    address,
    category: null,
    entity: null,
    seed: false,
    seedOf: [],
    expanded: [],
    x: right + COLUMN_WIDTH,
    y: 0,
  };
  return {
    ...state,
    chain: state.chain ?? chain,
    nodes: [...state.nodes, node],
    hidden: state.hidden.filter((h) => h !== id),
  };
}

/** `GET /v1/addresses/:chain/:address/counterparties` as the API answers it. */
export type CounterpartiesAnswer = {
  chain: string;
  address: string;
  direction: 'in' | 'out';
  assets: {
    asset: string;
    total: string;
    counterparties: number;
    flows: {
      counterparty: string;
      amount: string;
      transfers: number;
      /** Unix seconds of the first and last of these transfers (null when none has a time). */
      first: number | null;
      last: number | null;
    }[];
  }[];
};

/**
 * Adds an address's counterparties (one direction) to the graph: new nodes in the column beside it,
 * spread around it; flows a trace (of any layer) already drew keep the trace's tainted amounts.
 * Returns the ids of the nodes it added.
 */
export function addCounterparties(
  state: GraphState,
  hubId: string,
  answer: CounterpartiesAnswer,
): string[] {
  const hub = state.nodes.find((n) => n.id === hubId);
  if (!hub) return [];
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  const edges = new Map(state.edges.map((e) => [e.id, e]));
  // Flows a trace of any layer drew keep the trace's edge (with its tainted amount).
  const traced = new Set(state.edges.filter((e) => e.source === 'trace').map(flowId));
  const added: string[] = [];
  const out = answer.direction === 'out';
  for (const a of answer.assets)
    for (const f of a.flows) {
      const otherId = nodeId(hub.chain, f.counterparty);
      if (otherId === hubId) continue;
      if (!byId.has(otherId)) {
        const node: GraphNode = {
          id: otherId,
          chain: hub.chain,
          address: f.counterparty,
          category: null,
          entity: null,
          seed: false,
          seedOf: [],
          expanded: [],
          x: 0,
          y: 0,
        };
        byId.set(otherId, node);
        state.nodes.push(node);
        added.push(otherId);
      }
      const from = out ? hubId : otherId;
      const to = out ? otherId : hubId;
      const id = edgeId(from, to, a.asset);
      if (traced.has(id)) continue;
      const edge: GraphEdge = {
        id,
        from,
        to,
        chain: hub.chain,
        asset: a.asset,
        amount: f.amount,
        tainted: null,
        transfers: f.transfers,
        hop: null,
        first: f.first,
        last: f.last,
        source: 'counterparties',
        layer: null,
      };
      if (!edges.has(id)) state.edges.push(edge);
      else Object.assign(edges.get(id)!, edge);
      edges.set(id, edge);
    }
  if (!hub.expanded.includes(answer.direction)) hub.expanded.push(answer.direction);
  // New neighbours go in the column beside the hub (right for money out, left for money in).
  const x = hub.x + (out ? COLUMN_WIDTH : -COLUMN_WIDTH);
  const occupied = state.nodes
    .filter((n) => Math.abs(n.x - x) < COLUMN_WIDTH / 3 && !added.includes(n.id))
    .map((n) => n.y);
  let top = hub.y - ((added.length - 1) * ROW_HEIGHT) / 2;
  // Below whatever already sits in that column near the hub, so nodes do not land on each other.
  const clash = occupied.filter(
    (y) => y >= top - ROW_HEIGHT && y <= top + added.length * ROW_HEIGHT,
  );
  if (clash.length) top = Math.max(...clash) + ROW_HEIGHT;
  added.forEach((id, i) => {
    const n = byId.get(id)!;
    n.x = x;
    n.y = top + i * ROW_HEIGHT;
  });
  return added;
}

/** Sets the category and entity of a node from its first label (the org's own labels come first). */
export function applyLabel(
  state: GraphState,
  id: string,
  label: { category: string; entity: string | null } | undefined,
): boolean {
  const node = state.nodes.find((n) => n.id === id);
  if (!node || !label) return false;
  if (node.category === label.category && node.entity === label.entity) return false;
  node.category = label.category;
  node.entity = label.entity ?? node.entity;
  return true;
}
