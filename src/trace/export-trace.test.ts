import { SaxesParser } from 'saxes';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { FIXTURE, handBuiltTrace } from '../../test/helpers/trace-fixture.ts';
import { traceEndpointsToCsv, traceToCsv, traceToGraphml, traceToJson } from './export-trace.ts';
import type { TraceResult } from './types.ts';

/** The same result with every object's keys, and the nodes and edges, in reverse order. */
function shuffled(result: TraceResult): TraceResult {
  const reverseKeys = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).reverse()) as T;
  return reverseKeys({
    ...result,
    nodes: [...result.nodes].reverse().map(reverseKeys),
    edges: [...result.edges].reverse().map(reverseKeys),
    summary: reverseKeys(result.summary),
  });
}

type Element = { name: string; attributes: Record<string, string>; data: Record<string, string> };

/** Parses GraphML with saxes (which throws on any well-formedness error) into its nodes, edges and keys. */
function readGraphml(text: string) {
  const parser = new SaxesParser({ xmlns: true });
  const keys: Record<string, string>[] = [];
  const elements: Element[] = [];
  let current: Element | null = null;
  let dataKey: string | null = null;
  let root: string | null = null;
  parser.on('opentag', (tag) => {
    const attributes = Object.fromEntries(
      Object.entries(tag.attributes).map(([k, a]) => [k, typeof a === 'string' ? a : a.value]),
    );
    if (root === null) root = `${tag.uri} ${tag.local}`;
    if (tag.local === 'key') keys.push(attributes);
    if (tag.local === 'node' || tag.local === 'edge') {
      current = { name: tag.local, attributes, data: {} };
      elements.push(current);
    }
    if (tag.local === 'data') dataKey = attributes.key ?? null;
  });
  parser.on('text', (t) => {
    if (current && dataKey) current.data[dataKey] = (current.data[dataKey] ?? '') + t;
  });
  parser.on('closetag', (tag) => {
    if (tag.local === 'data') dataKey = null;
  });
  parser.write(text).close();
  return {
    root,
    keys,
    nodes: elements.filter((e) => e.name === 'node'),
    edges: elements.filter((e) => e.name === 'edge'),
  };
}

describe('traceToJson', () => {
  it('gives the same bytes for the same result, whatever order keys, nodes and edges come in', () => {
    const a = traceToJson(handBuiltTrace());
    expect(traceToJson(handBuiltTrace())).toBe(a);
    expect(traceToJson(shuffled(handBuiltTrace()))).toBe(a);
    // The order it fixes is sorted keys: the top level reads edges, endpoints, nodes, parameters, summary.
    expect(Object.keys(JSON.parse(a) as object)).toEqual([
      'edges',
      'endpoints',
      'nodes',
      'parameters',
      'summary',
    ]);
  });

  it('keeps every field and the endpoints in the engine order (strongest first)', () => {
    const result = handBuiltTrace();
    const back = JSON.parse(traceToJson(result)) as TraceResult;
    expect(back.endpoints).toEqual(result.endpoints);
    expect(back.edges).toHaveLength(5);
    expect(new Set(back.nodes.map((n) => n.id))).toEqual(new Set(result.nodes.map((n) => n.id)));
    expect(back.summary).toEqual(result.summary);
  });

  it('changes when one amount changes', () => {
    const changed = handBuiltTrace();
    changed.edges[0]!.tainted = '59000000000000000000';
    expect(traceToJson(changed)).not.toBe(traceToJson(handBuiltTrace()));
  });
});

describe('traceToCsv / traceEndpointsToCsv', () => {
  it('writes one row per edge with addresses, raw amounts, hop and ISO time', () => {
    const rows = parse(traceToCsv(handBuiltTrace()), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(5);
    expect(Object.keys(rows[0]!)).toEqual([
      'from',
      'to',
      'tx_hash',
      'asset',
      'amount',
      'tainted',
      'hop',
      'time',
      'kind',
    ]);
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['traced']));
    const bridge = rows.find((r) => r.to === FIXTURE.thorRouter)!;
    expect(bridge).toMatchObject({
      from: FIXTURE.split2,
      asset: 'native',
      amount: '35000000000000000000',
      tainted: '35000000000000000000',
      hop: '2',
    });
    expect(bridge.time).toMatch(/^2023-11-14T22:\d\d:\d\dZ$/);
    // Hop 1 rows come first.
    expect(rows.map((r) => r.hop)).toEqual(['1', '1', '2', '2', '2']);
  });

  it('quotes the entity with a quote and keeps the endpoint fields, destination and path', () => {
    const text = traceEndpointsToCsv(handBuiltTrace());
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatchObject({
      address: FIXTURE.deposit,
      category: 'deposit_wallet',
      entity: FIXTURE.exchangeEntity,
      share: '0.3',
      path: `${FIXTURE.exploiter} > ${FIXTURE.split1} > ${FIXTURE.deposit}`,
    });
    expect(rows[0]).toMatchObject({
      destination_chain: 'bitcoin',
      destination_address: FIXTURE.btcPayout,
    });
  });

  it('carries an inferred deposit address, a bridge hand-off and a sweep as columns', () => {
    const result = handBuiltTrace();
    const deposit = result.endpoints.find((e) => e.address === FIXTURE.deposit)!;
    deposit.inferred = {
      exchangeAddress: FIXTURE.split2,
      sweeps: ['0xs1', '0xs2'],
      confidence: 40,
    };
    deposit.via = [FIXTURE.split1];
    result.endpoints[0]!.bridgedFrom = { txHash: 'ab12', chain: null };
    result.edges[0]!.sweep = true;
    const rows = parse(traceEndpointsToCsv(result), { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.address === FIXTURE.deposit)).toMatchObject({
      via: FIXTURE.split1,
      inferred_from_sweeps_to: FIXTURE.split2,
      sweep_tx_hashes: '0xs1;0xs2',
      confidence: '40',
    });
    expect(rows[0]).toMatchObject({ bridged_from_chain: 'unknown', bridged_from_tx: 'ab12' });
    const edges = parse(traceToCsv(result), { columns: true }) as Record<string, string>[];
    expect(edges.filter((r) => r.kind === 'sweep')).toHaveLength(1);
    expect(traceToGraphml(result)).toContain('<data key="sweep">true</data>');
  });

  it('defuses a spreadsheet formula in a label', () => {
    const result = handBuiltTrace();
    result.endpoints[0]!.entity = '=HYPERLINK("http://x")';
    const rows = parse(traceEndpointsToCsv(result), { columns: true }) as Record<string, string>[];
    expect(rows[0]!.entity).toBe(`'=HYPERLINK("http://x")`);
  });
});

describe('traceToGraphml', () => {
  it('parses back as GraphML with every node, edge and attribute, escaped text intact', () => {
    const result = handBuiltTrace();
    const g = readGraphml(traceToGraphml(result));
    expect(g.root).toBe('http://graphml.graphdrawing.org/xmlns graphml');
    expect(g.keys.map((k) => `${k.for}:${k['attr.name']}`)).toEqual([
      'node:label',
      'node:chain',
      'node:address',
      'node:category',
      'node:entity',
      'edge:asset',
      'edge:amount',
      'edge:tainted',
      'edge:weight',
      'edge:hop',
      'edge:time',
      'edge:tx',
      'edge:sweep',
    ]);
    expect(g.nodes).toHaveLength(6);
    expect(g.edges).toHaveLength(5);
    const deposit = g.nodes.find((n) => n.data.address === FIXTURE.deposit)!;
    expect(deposit.data).toMatchObject({
      chain: 'anvil',
      category: 'deposit_wallet',
      entity: FIXTURE.exchangeEntity,
    });
    const ids = new Set(g.nodes.map((n) => n.attributes.id));
    for (const e of g.edges) {
      expect(ids.has(e.attributes.source!)).toBe(true);
      expect(ids.has(e.attributes.target!)).toBe(true);
    }
    const mixerEdge = g.edges.find((e) => e.attributes.target === `anvil:${FIXTURE.mixer}`)!;
    expect(mixerEdge.data).toMatchObject({
      asset: 'native',
      amount: '30000000000000000000',
      tainted: '30000000000000000000',
      weight: '30000000000000000000',
      hop: '2',
      tx: result.edges[3]!.txHash,
    });
  });

  it('adds a bare node for an edge end missing from the nodes, and replaces characters XML cannot hold', () => {
    const result = handBuiltTrace();
    result.nodes = result.nodes.filter((n) => n.category !== 'mixer');
    result.nodes[0]!.entity = 'bell\u0007 & null\u0000';
    const g = readGraphml(traceToGraphml(result));
    expect(g.nodes).toHaveLength(6);
    expect(g.nodes.find((n) => n.attributes.id === `anvil:${FIXTURE.mixer}`)).toBeDefined();
    expect(g.nodes.find((n) => n.data.entity?.startsWith('bell'))!.data.entity).toBe(
      'bell\uFFFD & null\uFFFD',
    );
  });
});
