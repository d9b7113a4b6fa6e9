import { describe, expect, it } from 'vitest';
import { deriveView } from './derive.ts';
import {
  COLUMN_WIDTH,
  ROW_HEIGHT,
  edgeId,
  nodeId,
  type GraphNode,
  type GraphState,
} from './model.ts';
import {
  MAX_TIME_COLUMNS,
  arrivalTimes,
  timePositions,
  type TimeLayoutGraph,
} from './time-layout.ts';

const T0 = 1740147251;
type Edge = TimeLayoutGraph['edges'][number];

function edge(from: string, to: string, first: number | null, extra: Partial<Edge> = {}): Edge {
  return { from, to, hop: null, first, tainted: true, ...extra };
}

function nodes(ids: string[], seeds: string[] = []): TimeLayoutGraph['nodes'] {
  return ids.map((id) => ({ id, seed: seeds.includes(id) }));
}

describe('the time layout (issue 17, item 9)', () => {
  // A theft: the victim V sends to the seed S at T0; S splits to A (T0 + 60) and B (T0 + 30); A
  // and B both pay C, A first (T0 + 90), B later (T0 + 120); D gets a clean transfer from A at
  // T0 + 40 before its tainted one at T0 + 200.
  const g: TimeLayoutGraph = {
    nodes: nodes(['V', 'S', 'A', 'B', 'C', 'D'], ['S']),
    edges: [
      edge('V', 'S', T0, { hop: 1 }),
      edge('S', 'A', T0 + 60, { hop: 2 }),
      edge('S', 'B', T0 + 30, { hop: 2 }),
      edge('A', 'C', T0 + 90, { hop: 3 }),
      edge('B', 'C', T0 + 120, { hop: 3 }),
      edge('A', 'D', T0 + 40, { tainted: false }),
      edge('A', 'D', T0 + 200, { hop: 3 }),
    ],
  };

  it('takes the first tainted arrival, else the first of any arrival', () => {
    expect(Object.fromEntries(arrivalTimes(g))).toEqual({
      S: T0,
      A: T0 + 60,
      B: T0 + 30,
      C: T0 + 90,
      D: T0 + 200,
    });
  });

  it('orders x by arrival time, the seed in the first column', () => {
    const { at, axis } = timePositions(g, new Set(['S']));
    const x = (id: string) => at.get(id)!.x;
    expect(x('S')).toBe(0);
    for (const id of ['V', 'A', 'B', 'C', 'D']) expect(x('S')).toBeLessThanOrEqual(x(id));
    expect(x('S')).toBeLessThan(x('B'));
    expect(x('B')).toBeLessThan(x('A'));
    expect(x('A')).toBeLessThan(x('C'));
    expect(x('C')).toBeLessThan(x('D'));
    // The victim sent the theft before anything arrived: beside the seed, not right of it.
    expect(x('V')).toBe(x('S'));
    expect(at.get('V')!.y).not.toBe(at.get('S')!.y);
    // After the seeds, one column a distinct time, in order, not to scale.
    expect(axis!.ticks.map((t) => [t.x / COLUMN_WIDTH, t.from - T0])).toEqual([
      [1, 30],
      [2, 60],
      [3, 90],
      [4, 200],
    ]);
    expect([axis!.seedX, axis!.min - T0, axis!.max - T0, axis!.untimed]).toEqual([0, 30, 200, 0]);
  });

  it('keeps the seed first even when money reached it after others moved', () => {
    const late: TimeLayoutGraph = {
      nodes: nodes(['S', 'X', 'Y'], ['S']),
      edges: [edge('X', 'Y', T0), edge('Y', 'S', T0 + 500)],
    };
    const { at } = timePositions(late, new Set(['S']));
    expect(at.get('S')!.x).toBe(0);
    expect(at.get('X')!.x).toBe(0);
    expect(at.get('Y')!.x).toBe(COLUMN_WIDTH);
  });

  it('puts ties in one column without overlapping them', () => {
    // P and Q arrive together; the hop layout would put them in different columns at one height.
    const tie: TimeLayoutGraph = {
      nodes: nodes(['S', 'P', 'Q', 'R'], ['S']),
      edges: [
        edge('S', 'P', T0 + 10, { hop: 1 }),
        edge('P', 'R', T0 + 5, { hop: 2 }),
        edge('R', 'Q', T0 + 10, { hop: 3 }),
      ],
    };
    const { at } = timePositions(tie, new Set(['S']));
    expect(at.get('P')!.x).toBe(at.get('Q')!.x);
    expect(Math.abs(at.get('P')!.y - at.get('Q')!.y)).toBeGreaterThanOrEqual(ROW_HEIGHT);
    expect(at.get('R')!.x).toBeLessThan(at.get('P')!.x);
  });

  it('puts nodes without a time in a column after the last, and counts them', () => {
    const some: TimeLayoutGraph = {
      nodes: nodes(['S', 'A', 'U', 'W'], ['S']),
      edges: [edge('S', 'A', T0 + 10), edge('S', 'U', null)],
    };
    const { at, axis } = timePositions(some, new Set(['S']));
    expect(axis!.untimed).toBe(2);
    expect(at.get('U')!.x).toBe(axis!.untimedX);
    expect(at.get('W')!.x).toBe(axis!.untimedX);
    expect(at.get('U')!.x).toBeGreaterThan(at.get('A')!.x);
    // No time at all: the hop layout stands, without an axis.
    const none = timePositions(
      { nodes: nodes(['S', 'U'], ['S']), edges: [edge('S', 'U', null, { hop: 1 })] },
      new Set(['S']),
    );
    expect(none.axis).toBeNull();
    expect(none.at.get('U')!.x).toBeGreaterThan(none.at.get('S')!.x);
  });

  it('groups consecutive times beyond the column limit, keeping their order', () => {
    const count = MAX_TIME_COLUMNS * 3 + 7;
    const ids = Array.from({ length: count }, (_, i) => `n${i}`);
    const chain: TimeLayoutGraph = {
      nodes: nodes(['S', ...ids], ['S']),
      // Arrival times out of the nodes' order, to see x follow time and not the list.
      edges: ids.map((id, i) => edge('S', id, T0 + ((i * 37) % count) * 60)),
    };
    const { at, axis } = timePositions(chain, new Set(['S']));
    expect(axis!.ticks.length).toBeLessThanOrEqual(MAX_TIME_COLUMNS);
    const arrival = arrivalTimes(chain);
    const sorted = [...ids].sort((a, b) => arrival.get(a)! - arrival.get(b)!);
    for (let i = 1; i < sorted.length; i++)
      expect(at.get(sorted[i]!)!.x).toBeGreaterThanOrEqual(at.get(sorted[i - 1]!)!.x);
    expect(at.get(sorted.at(-1)!)!.x).toBeGreaterThan(at.get(sorted[0]!)!.x);
  });

  it('is what the graph view draws in the time layout, saved as such', () => {
    const node = (address: string, extra: Partial<GraphNode> = {}): GraphNode => ({
      id: nodeId('anvil', address),
      chain: 'anvil',
      address,
      category: null,
      entity: null,
      seed: false,
      seedOf: [],
      expanded: [],
      x: 0,
      y: 0,
      ...extra,
    });
    // Made-up addresses: no chain data is read.
    const seed = node('0x00000000000000000000000000000000000000a1', { seed: true });
    const early = node('0x00000000000000000000000000000000000000b2');
    const late = node('0x00000000000000000000000000000000000000c3');
    const flow = (to: GraphNode, first: number) => ({
      id: edgeId(seed.id, to.id, 'native', 'trace'),
      from: seed.id,
      to: to.id,
      chain: 'anvil',
      asset: 'native',
      amount: '10',
      tainted: '10',
      transfers: 1,
      hop: 1,
      first,
      last: first,
      source: 'trace' as const,
      layer: 'trace',
    });
    const state: GraphState = {
      version: 1,
      traceIds: ['trace'],
      chain: 'anvil',
      nodes: [seed, late, early],
      edges: [flow(late, T0 + 100), flow(early, T0 + 50)],
      filters: { since: '', until: '', minAmount: '', fanOut: 20 },
      opened: [],
      pinned: [],
      hidden: [],
      layout: 'time',
    };
    const view = deriveView(state, {}, () => ({ symbol: 'ETH', decimals: 18 }));
    const x = (n: GraphNode) => view.nodes.find((v) => v.id === n.id)!.x;
    expect(x(seed)).toBeLessThan(x(early));
    expect(x(early)).toBeLessThan(x(late));
    expect(view.timeAxis?.ticks.map((t) => t.from - T0)).toEqual([50, 100]);
    expect(
      deriveView({ ...state, layout: 'columns' }, {}, () => ({ symbol: 'ETH', decimals: 18 }))
        .timeAxis,
    ).toBeNull();
  });
});
