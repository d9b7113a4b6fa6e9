import { describe, expect, it } from 'vitest';
import { deriveView } from './derive.ts';
import {
  addCounterparties,
  edgeId,
  type GraphEdge,
  type GraphNode,
  type GraphState,
  nodeId,
  parseSavedState,
  toSavedGraph,
} from './model.ts';

/** The case API's limit on a case body (src/api/cases/case-store.ts). */
const CASE_LIMIT_BYTES = 5 * 1024 * 1024;

function node(chain: string, address: string, extra: Partial<GraphNode> = {}): GraphNode {
  return {
    id: nodeId(chain, address),
    chain,
    address,
    category: null,
    entity: null,
    seed: false,
    seedOf: [],
    expanded: [],
    x: 0,
    y: 0,
    ...extra,
  };
}

const TRACE_ID = 'f1b8a7c2-0000-4000-8000-000000000001';

function edge(from: GraphNode, to: GraphNode, extra: Partial<GraphEdge> = {}): GraphEdge {
  const asset = extra.asset ?? 'native';
  const layer = extra.source === 'counterparties' ? null : (extra.layer ?? TRACE_ID);
  return {
    id: edgeId(from.id, to.id, asset, layer),
    from: from.id,
    to: to.id,
    chain: from.chain,
    asset,
    amount: '1000000000000000000',
    tainted: null,
    transfers: 1,
    hop: null,
    first: null,
    last: null,
    source: 'trace',
    ...extra,
    layer,
  };
}

// Addresses here are made up for the format only (no chain data is read).
const seed = node('anvil', '0x00000000000000000000000000000000000000a1', {
  seed: true,
  expanded: ['in', 'out'],
  x: 0,
  y: 48,
});
const exchange = node('anvil', '0x00000000000000000000000000000000000000b2', {
  category: 'exchange',
  entity: 'Alder Exchange',
  expanded: ['out'],
  x: 240,
  y: -96,
});
const bitcoin = node('bitcoin', 'bc1qexampleexampleexampleexampleexample0', { x: 480, y: 0 });
const fees = node('anvil', '(fees)', { x: 240, y: 96 });

const STATE: GraphState = {
  version: 1,
  traceIds: [TRACE_ID],
  chain: 'anvil',
  nodes: [seed, exchange, bitcoin, fees],
  edges: [
    edge(seed, exchange, {
      tainted: '999000000000000000',
      transfers: 3,
      hop: 1,
      first: 1740000000,
      last: 1740000600,
    }),
    edge(seed, exchange, { asset: 'usdt', amount: '5000000', source: 'counterparties' }),
    edge(exchange, bitcoin, { chain: 'bitcoin', amount: '1.5e+21', hop: 2 }),
    edge(seed, fees, { amount: '21000', hop: 0 }),
  ],
  filters: { since: '2025-02-21T00:00', until: '', minAmount: '0.01', fanOut: 12 },
  opened: [`${seed.id}|out`],
  pinned: [exchange.id],
  hidden: [bitcoin.id],
  layout: 'free',
};

describe('the saved graph (version 2)', () => {
  it('gives back the graph it saved, through JSON', () => {
    const saved = JSON.parse(JSON.stringify(toSavedGraph(STATE))) as unknown;
    expect(parseSavedState(saved)).toEqual(STATE);
  });

  it('names chains once and points edges at nodes by index; positions to the pixel', () => {
    const moved = { ...STATE, nodes: STATE.nodes.map((n, i) => ({ ...n, x: n.x + 0.4 * i })) };
    const saved = toSavedGraph(moved);
    expect(saved.version).toBe(2);
    expect(saved.chains).toEqual(['anvil', 'bitcoin']);
    expect(saved.edges[2]!.slice(0, 3)).toEqual([1, 2, 1]);
    expect(parseSavedState(saved)!.nodes.map((n) => n.x)).toEqual([0, 240, 481, 241]);
  });

  it('still reads version 1 saves and "Export JSON" files', () => {
    expect(parseSavedState(JSON.parse(JSON.stringify(STATE)))).toEqual(STATE);
  });

  it('refuses arrays that point outside the graph or name no chain', () => {
    const saved = toSavedGraph(STATE);
    const badEdge = { ...saved, edges: [[0, 9, 0, 'native', '1', null, 1, null, null, null, 0]] };
    expect(parseSavedState(badEdge)).toBeNull();
    const badChain = { ...saved, nodes: [[5, seed.address, null, null, 0, 0, 0]], edges: [] };
    expect(parseSavedState(badChain)).toBeNull();
    expect(parseSavedState({ ...saved, version: 3 })).toBeNull();
  });

  it('fits a 40,000-element trace graph in a case, at about a quarter of version 1', () => {
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    const NODES = 20_000;
    for (let i = 0; i < NODES; i++) {
      const n = node('ethereum', `0x${i.toString(16).padStart(40, '0')}`, {
        x: (i % 40) * 240,
        y: Math.floor(i / 40) * 48,
      });
      nodes.push(n);
      if (i > 0)
        edges.push(
          edge(nodes[Math.floor((i - 1) / 3)]!, n, {
            amount: String(10n ** 21n + BigInt(i) * 7919n),
            tainted: String(10n ** 20n + BigInt(i) * 104729n),
            hop: Math.floor(Math.log2(i + 1)),
            first: 1740000000 + i,
            last: 1740000000 + i * 2,
          }),
        );
    }
    const state: GraphState = { ...STATE, nodes, edges, opened: [], pinned: [], hidden: [] };
    const v2 = JSON.stringify(toSavedGraph(state)).length;
    const v1 = JSON.stringify(state).length;
    const elements = nodes.length + edges.length;
    expect(v2 / elements).toBeLessThan(100);
    expect(v2).toBeLessThan(CASE_LIMIT_BYTES);
    expect(v1).toBeGreaterThan(CASE_LIMIT_BYTES);
    expect(v2 * 3).toBeLessThan(v1);
    expect(parseSavedState(JSON.parse(JSON.stringify(toSavedGraph(state))))).toEqual(state);
  });
});

describe('counterparty flows on the graph', () => {
  const hub = node('anvil', '0x00000000000000000000000000000000000000c3', { seed: true });
  const early = '0x00000000000000000000000000000000000000d4';
  const late = '0x00000000000000000000000000000000000000e5';
  const undated = '0x00000000000000000000000000000000000000f6';
  const lookup = () => ({ symbol: 'ETH', decimals: 18 });

  function expanded(filters: GraphState['filters']): GraphState {
    const state: GraphState = {
      ...STATE,
      nodes: [{ ...hub }],
      edges: [],
      filters,
      opened: [],
      pinned: [],
    };
    addCounterparties(state, hub.id, {
      chain: 'anvil',
      address: hub.address,
      direction: 'out',
      assets: [
        {
          asset: 'native',
          total: '6000000000000000000',
          counterparties: 3,
          flows: [
            {
              counterparty: early,
              amount: '3000000000000000000',
              transfers: 2,
              first: 1740000000,
              last: 1740000600,
            },
            {
              counterparty: late,
              amount: '2000000000000000000',
              transfers: 1,
              first: 1750000000,
              last: 1750000000,
            },
            {
              counterparty: undated,
              amount: '1000000000000000000',
              transfers: 1,
              first: null,
              last: null,
            },
          ],
        },
      ],
    });
    return state;
  }

  it('keep the first and last time of their transfers', () => {
    const state = expanded(STATE.filters);
    expect(state.edges.map((e) => [e.to, e.first, e.last])).toEqual([
      [nodeId('anvil', early), 1740000000, 1740000600],
      [nodeId('anvil', late), 1750000000, 1750000000],
      [nodeId('anvil', undated), null, null],
    ]);
  });

  it('are hidden by a time range they miss; undated ones always show', () => {
    const filters = { since: '2025-06-01T00:00', until: '', minAmount: '', fanOut: 20 };
    const view = deriveView(expanded(filters), {}, lookup);
    expect(view.edges.map((e) => e.target).sort()).toEqual(
      [nodeId('anvil', late), nodeId('anvil', undated)].sort(),
    );
    const all = deriveView(expanded({ ...filters, since: '' }), {}, lookup);
    expect(all.edges).toHaveLength(3);
  });
});
