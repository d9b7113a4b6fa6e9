import { describe, expect, it } from 'vitest';
import { deriveView } from './derive.ts';
import { buildGraphml } from './export.ts';
import { downstreamOf, hideNodes, showAll, showNode, withoutHidden } from './hide.ts';
import {
  edgeId,
  nodeId,
  parseSavedState,
  toSavedGraph,
  type GraphEdge,
  type GraphNode,
  type GraphState,
} from './model.ts';

const SHOWN = 'trace-shown';
const OTHER = 'trace-not-shown';
const lookup = () => ({ symbol: 'ETH', decimals: 18 });
const layers = new Map([[SHOWN, { colour: 0, backward: false }]]);
const shownLayer = (layer: string | null) => layer === null || layer === SHOWN;

// Made-up addresses (`0x…a1` for S, …): no chain data is read.
const NAMES = ['S', 'A', 'B', 'X', 'D', 'F', 'G', 'H', 'K'] as const;
type Name = (typeof NAMES)[number];
const address = (name: Name) => `0x${(NAMES.indexOf(name) + 1).toString(16).padStart(40, 'a')}`;
const id = (name: Name) => nodeId('anvil', address(name));

function node(name: Name): GraphNode {
  return {
    id: id(name),
    chain: 'anvil',
    address: address(name),
    category: name === 'X' ? 'deposit_wallet' : null,
    entity: null,
    seed: name === 'S',
    seedOf: name === 'S' ? [SHOWN] : [],
    expanded: [],
    x: 0,
    y: 0,
  };
}

function edge(from: Name, to: Name, layer: string | null = SHOWN): GraphEdge {
  return {
    id: edgeId(id(from), id(to), 'native', layer),
    from: id(from),
    to: id(to),
    chain: 'anvil',
    asset: 'native',
    amount: '1000',
    tainted: layer === null ? null : '1000',
    transfers: 1,
    hop: 1,
    first: 1740147251,
    last: 1740147251,
    source: layer === null ? 'counterparties' : 'trace',
    layer,
  };
}

/**
 * The seed S pays A and D; A's money goes on to B, F (then G, which sends some back to S) and, as a
 * counterparty flow, to H; B and D both pay the deposit address X; A also paid K in a trace that is
 * not drawn.
 */
function graph(): GraphState {
  return {
    version: 1,
    traceIds: [SHOWN, OTHER],
    chain: 'anvil',
    nodes: NAMES.map(node),
    edges: [
      edge('S', 'A'),
      edge('S', 'D'),
      edge('A', 'B'),
      edge('B', 'X'),
      edge('D', 'X'),
      edge('A', 'F'),
      edge('F', 'G'),
      edge('G', 'S'),
      edge('A', 'H', null),
      edge('A', 'K', OTHER),
    ],
    filters: { since: '', until: '', minAmount: '', fanOut: 20 },
    opened: [],
    pinned: [],
    hidden: [],
    layout: 'columns',
  };
}

const drawn = (state: GraphState) =>
  deriveView(state, {}, lookup, layers)
    .nodes.map((n) => NAMES.find((name) => id(name) === n.id))
    .sort();
const names = (ids: string[]) => ids.map((i) => NAMES.find((name) => id(name) === i)).sort();

describe('hiding and pruning nodes (issue 17, item 9)', () => {
  it('prunes exactly what only this node leads to: not what a seed reaches another way', () => {
    const state = graph();
    const below = downstreamOf(state, id('A'), shownLayer, new Set([id('S')]));
    // X is also reached through D; S is the seed (G pays it back); K's trace is not drawn.
    expect(names(below)).toEqual(['B', 'F', 'G', 'H']);
    const pruned = hideNodes(state, below);
    expect(drawn(pruned)).toEqual(['A', 'D', 'S', 'X']);
    const view = deriveView(pruned, {}, lookup, layers);
    expect(view.hidden).toBe(4);
    expect(view.filteredOut).toBe(0);
    expect(view.edges.map((e) => e.id).sort()).toEqual(
      [edge('S', 'A'), edge('S', 'D'), edge('D', 'X')].map((e) => e.id).sort(),
    );
  });

  it('hides just the node named: what it paid stays, on its own', () => {
    const hidden = hideNodes(graph(), [id('B'), id('F')]);
    const view = deriveView(hidden, {}, lookup, layers);
    expect(drawn(hidden)).toEqual(['A', 'D', 'G', 'H', 'S', 'X']);
    expect([view.hidden, view.filteredOut, view.layerHidden.size]).toEqual([2, 0, 1]);
  });

  it('shows everything again, or one node', () => {
    const before = drawn(graph());
    const pruned = hideNodes(graph(), [id('B'), id('F'), id('G')]);
    expect(drawn(showAll(pruned))).toEqual(before);
    expect(drawn(showNode(pruned, id('B')))).toEqual(before.filter((n) => n !== 'F' && n !== 'G'));
  });

  it('is saved with the case and comes back, time layout included', () => {
    const state = { ...hideNodes(graph(), [id('B'), id('H')]), layout: 'time' as const };
    const saved = JSON.parse(JSON.stringify(toSavedGraph(state))) as unknown;
    const back = parseSavedState(saved)!;
    expect(back.hidden).toEqual([id('B'), id('H')]);
    expect(back.layout).toBe('time');
    expect(back).toEqual(state);
    // A save from before hiding has none; an id no longer on the graph is dropped.
    const { hidden: _hidden, ...older } = toSavedGraph(graph());
    expect(parseSavedState(older)!.hidden).toEqual([]);
    expect(
      parseSavedState({ ...(saved as object), hidden: ['anvil:0xgone', id('B')] })!.hidden,
    ).toEqual([id('B')]);
  });

  it('exports what is shown, and says how many nodes were left out', () => {
    const state = hideNodes(graph(), [id('B')]);
    const { state: shown, leftOut } = withoutHidden(state);
    expect(leftOut).toBe(1);
    expect(shown.nodes.map((n) => n.id)).not.toContain(id('B'));
    expect(shown.edges.filter((e) => e.from === id('B') || e.to === id('B'))).toEqual([]);
    expect(shown.edges).toHaveLength(graph().edges.length - 2);
    const graphml = buildGraphml(shown, {}, leftOut);
    expect(graphml).not.toContain(address('B'));
    expect(graphml).toContain('<data key="hidden_left_out">1</data>');
  });
});
