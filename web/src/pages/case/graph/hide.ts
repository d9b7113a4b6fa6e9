// Hiding nodes by hand: one node, the selection, or everything downstream of a node (prune). The
// hidden nodes stay in the graph (and in the case's saved state) but are not drawn, and the JSON
// and GraphML exports are of what is shown. Pure, like ./model.ts.
import type { GraphState } from './model.ts';

/** The graph with `ids` hidden too (nodes not on it are ignored); a hidden node is no longer pinned. */
export function hideNodes(state: GraphState, ids: Iterable<string>): GraphState {
  const onGraph = new Set(state.nodes.map((n) => n.id));
  const hidden = new Set(state.hidden);
  for (const id of ids) if (onGraph.has(id)) hidden.add(id);
  if (hidden.size === state.hidden.length) return state;
  return { ...state, hidden: [...hidden], pinned: state.pinned.filter((id) => !hidden.has(id)) };
}

/** The graph with one hidden node shown again. */
export function showNode(state: GraphState, id: string): GraphState {
  return state.hidden.includes(id)
    ? { ...state, hidden: state.hidden.filter((h) => h !== id) }
    : state;
}

/** The graph with every hidden node shown again. */
export function showAll(state: GraphState): GraphState {
  return state.hidden.length ? { ...state, hidden: [] } : state;
}

/** Nodes reachable from `starts` along the flow, not passing through `avoid`. */
function reach(
  out: Map<string, string[]>,
  starts: Iterable<string>,
  avoid: string | null,
): Set<string> {
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const s of starts)
    if (s !== avoid && !seen.has(s)) {
      seen.add(s);
      queue.push(s);
    }
  for (let i = 0; i < queue.length; i++)
    for (const next of out.get(queue[i]!) ?? [])
      if (next !== avoid && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
  return seen;
}

/**
 * What "Prune: hide everything downstream" hides below `id`: the nodes the money reaches from it,
 * along the edges of the layers shown and the counterparty flows (whatever the time and dust filters
 * or folds draw, and through nodes already hidden: money moved there all the same), except those a
 * seed also reaches without passing through `id`. So pruning one peel chain does not take away the
 * exchange deposit another chain also reached, nor a seed. `id` itself stays.
 */
export function downstreamOf(
  state: GraphState,
  id: string,
  shownLayer: (layer: string | null) => boolean,
  seeds: ReadonlySet<string>,
): string[] {
  const out = new Map<string, string[]>();
  for (const e of state.edges) {
    if (!shownLayer(e.layer) || e.from === e.to) continue;
    (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e.to);
  }
  const below = reach(out, [id], null);
  below.delete(id);
  const otherwise = reach(out, seeds, id);
  return state.nodes.map((n) => n.id).filter((n) => below.has(n) && !otherwise.has(n));
}

/**
 * The graph as shown, for the JSON and GraphML exports: without the hidden nodes and the edges that
 * touch them, and how many nodes were left out (the export says so).
 */
export function withoutHidden(state: GraphState): { state: GraphState; leftOut: number } {
  if (!state.hidden.length) return { state, leftOut: 0 };
  const hidden = new Set(state.hidden);
  return {
    state: {
      ...state,
      nodes: state.nodes.filter((n) => !hidden.has(n.id)),
      edges: state.edges.filter((e) => !hidden.has(e.from) && !hidden.has(e.to)),
      opened: state.opened.filter((o) => !hidden.has(o.slice(0, o.lastIndexOf('|')))),
      hidden: [],
    },
    leftOut: hidden.size,
  };
}
