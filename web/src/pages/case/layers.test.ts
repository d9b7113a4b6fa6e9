import { describe, expect, it } from 'vitest';
import { deriveView, type LayerView } from './graph/derive.ts';
import {
  A,
  BACKWARD_ID,
  backwardResult,
  FORWARD_ID,
  forwardResult,
  id,
  job,
} from './graph/layer-fixture.ts';
import {
  addCounterparties,
  mergeLayer,
  parseSavedState,
  removeLayer,
  toSavedGraph,
  type GraphState,
} from './graph/model.ts';
import {
  type CaseTrace,
  defaultLayerChoice,
  type LayerChoice,
  mainTraceId,
  markMain,
  parseLayerChoice,
  renameTrace,
  toggleLayer,
  withLayerChoice,
  withoutTrace,
} from './layers.ts';

const lookup = () => ({ symbol: 'ETH', decimals: 18 });
const CASE_SEEDS = [`0x${'7'.repeat(64)}`];
const NONE: LayerChoice = { shown: [], main: null, names: {} };

const trace = (traceId: string, direction: 'forward' | 'backward', state = 'done' as const) =>
  ({ id: traceId, job: job(traceId, direction, state), result: null, error: null }) as CaseTrace;

/** Layers drawn, each with its colour by its place in the case. */
function drawn(...ids: string[]): Map<string, LayerView> {
  return new Map(
    ids.map((l) => [l, { colour: l === FORWARD_ID ? 0 : 1, backward: l === BACKWARD_ID }]),
  );
}

/** The graph of the forward trace with the backward one merged in as a second layer. */
function both(): GraphState {
  return mergeLayer(
    mergeLayer(null, FORWARD_ID, forwardResult(), CASE_SEEDS),
    BACKWARD_ID,
    backwardResult(),
    CASE_SEEDS,
  );
}

const nodeIds = (g: { nodes: { id: string }[] }) => g.nodes.map((n) => n.id).sort();

describe('the main trace of a case', () => {
  it('is the first forward trace that is done, even after a backward one', () => {
    const traces = [trace('b1', 'backward'), trace('f1', 'forward'), trace('f2', 'forward')];
    expect(mainTraceId(traces, NONE)).toBe('f1');
  });

  it('is the one the investigator marked, until it is removed from the case', () => {
    const traces = [trace('f1', 'forward'), trace('f2', 'forward'), trace('b1', 'backward')];
    const marked = markMain(NONE, 'b1');
    expect(mainTraceId(traces, marked)).toBe('b1');
    const removed = withoutTrace(marked, 'b1');
    expect(removed.main).toBeNull();
    expect(mainTraceId(traces.slice(0, 2), removed)).toBe('f1');
  });

  it('skips a trace that did not finish; a case of backward traces only has its first done one', () => {
    expect(
      mainTraceId([trace('f0', 'forward', 'failed' as 'done'), trace('f1', 'forward')], NONE),
    ).toBe('f1');
    expect(mainTraceId([trace('b1', 'backward'), trace('b2', 'backward')], NONE)).toBe('b1');
    expect(mainTraceId([trace('f0', 'forward', 'running' as 'done')], NONE)).toBeNull();
    // Marked main but failed: the rule applies as if none was marked.
    const failed = [trace('f0', 'forward', 'failed' as 'done'), trace('f1', 'forward')];
    expect(mainTraceId(failed, markMain(NONE, 'f0'))).toBe('f1');
  });

  it('and the latest trace are drawn when the case saved no choice', () => {
    const traces = [trace('f1', 'forward'), trace('f2', 'forward'), trace('b1', 'backward')];
    expect(defaultLayerChoice(traces)).toEqual({ shown: ['f1', 'b1'], main: null, names: {} });
    expect(defaultLayerChoice([trace('f1', 'forward')]).shown).toEqual(['f1']);
    expect(defaultLayerChoice([]).shown).toEqual([]);
  });
});

describe('the layer choice saved with the case', () => {
  const ids = ['f1', 'b1', 'f2'];

  it('toggles a layer, keeping the case’s order', () => {
    let choice: LayerChoice = { ...NONE, shown: ['f2'] };
    choice = toggleLayer(choice, 'f1', ids);
    expect(choice.shown).toEqual(['f1', 'f2']);
    choice = toggleLayer(choice, 'b1', ids);
    expect(choice.shown).toEqual(['f1', 'b1', 'f2']);
    choice = toggleLayer(choice, 'f1', ids);
    expect(choice.shown).toEqual(['b1', 'f2']);
  });

  it('survives a save and a reload, with the graph state it rides in', () => {
    const graph = toSavedGraph(both());
    let choice = markMain({ ...NONE, shown: ['f1', 'b1'] }, 'f2');
    choice = renameTrace(choice, 'b1', '  Where depositA’s 30 ETH came from  ');
    const saved = JSON.parse(JSON.stringify(withLayerChoice(graph, choice, ids))) as unknown;
    expect(parseLayerChoice(saved, ids)).toEqual({
      shown: ['f1', 'b1'],
      main: 'f2',
      names: { b1: 'Where depositA’s 30 ETH came from' },
    });
    // The graph state beside it is read as before.
    expect(parseSavedState(saved)).toEqual(parseSavedState(graph));
  });

  it('keeps only the case’s traces, and gives way to the default when none was saved', () => {
    const removed = withLayerChoice(
      null,
      { shown: ['gone', 'b1'], main: 'gone', names: { gone: 'x' } },
      ids,
    );
    expect(removed).toEqual({ layers: { shown: ['b1'], main: null, names: {} } });
    const saved = { layers: { shown: ['gone', 'b1'], main: 'gone', names: { gone: 'x' } } };
    expect(parseLayerChoice(saved, ids)).toEqual({ shown: ['b1'], main: null, names: {} });
    expect(parseLayerChoice(toSavedGraph(both()), ids)).toBeNull();
    expect(parseLayerChoice(null, ids)).toBeNull();
  });

  it('renames a trace, and an empty name gives back its description', () => {
    const named = renameTrace(NONE, 'f1', 'Theft, haircut');
    expect(named.names).toEqual({ f1: 'Theft, haircut' });
    expect(renameTrace(named, 'f1', '   ').names).toEqual({});
  });
});

describe('traces as layers of the graph', () => {
  const forwardOnly = mergeLayer(null, FORWARD_ID, forwardResult(), CASE_SEEDS);

  it('a second trace adds its nodes and edges: the graph is the union, nothing of the first goes', () => {
    const g = both();
    const first = deriveView(forwardOnly, {}, lookup, drawn(FORWARD_ID));
    const union = deriveView(g, {}, lookup, drawn(FORWARD_ID, BACKWARD_ID));
    expect(first.nodes).toHaveLength(6);
    expect(first.edges).toHaveLength(5);
    // The backward trace adds the funder (its origin) and its 4 edges, one per flow it followed.
    expect(nodeIds(union)).toEqual(
      [...nodeIds(first), id(A.funder)].sort((a, b) => a.localeCompare(b)),
    );
    expect(union.edges).toHaveLength(5 + 4);
    expect(g.traceIds).toEqual([FORWARD_ID, BACKWARD_ID]);
  });

  it('each layer keeps its own edge and tainted amount where both went', () => {
    const g = both();
    const thiefToSplit = g.edges.filter((e) => e.from === id(A.thief) && e.to === id(A.split1));
    expect(thiefToSplit.map((e) => [e.layer, e.tainted])).toEqual([
      [FORWARD_ID, '60000000000000000000'],
      [BACKWARD_ID, '30000000000000000000'],
    ]);
    expect(new Set(thiefToSplit.map((e) => e.id)).size).toBe(2);
  });

  it('toggling a layer off hides what it alone brought, and its seeds stop being seeds', () => {
    const g = both();
    const noBackward = deriveView(g, {}, lookup, drawn(FORWARD_ID));
    expect(nodeIds(noBackward)).toEqual(nodeIds(deriveView(forwardOnly, {}, lookup)));
    expect([...noBackward.layerHidden]).toEqual([id(A.funder)]);
    // depositA is the backward trace's seed: drawn as one only while that layer is.
    expect(noBackward.seeds.has(id(A.depositA))).toBe(false);
    expect(noBackward.seeds.has(id(A.thief))).toBe(true);

    const noForward = deriveView(g, {}, lookup, drawn(BACKWARD_ID));
    expect(nodeIds(noForward)).toEqual(
      [A.funder, A.cold, A.thief, A.split1, A.depositA].map(id).sort(),
    );
    expect([...noForward.layerHidden].sort()).toEqual([id(A.split2), id(A.depositB)].sort());
    expect(noForward.seeds.has(id(A.depositA))).toBe(true);
    expect(noForward.edges.every((e) => e.layer === BACKWARD_ID)).toBe(true);
  });

  it('removing a layer leaves the others whole', () => {
    const annotated = { [id(A.funder)]: 'Funded the cold wallet' };
    const removed = removeLayer(both(), BACKWARD_ID, (n) => !!annotated[n]);
    expect(removed.traceIds).toEqual([FORWARD_ID]);
    // The annotated funder stays (a note is never dropped); the rest is the forward graph exactly.
    expect(nodeIds(removed)).toEqual([...nodeIds(forwardOnly), id(A.funder)].sort());
    expect(removed.edges).toEqual(forwardOnly.edges);
    const bare = removeLayer(both(), BACKWARD_ID, () => false);
    expect(bare.nodes.map((n) => ({ ...n, x: 0, y: 0 }))).toEqual(
      forwardOnly.nodes.map((n) => ({ ...n, x: 0, y: 0 })),
    );
    // Removing the other one keeps the backward layer whole.
    const backwardOnly = removeLayer(both(), FORWARD_ID, () => false);
    expect(backwardOnly.edges.every((e) => e.layer === BACKWARD_ID)).toBe(true);
    expect(backwardOnly.edges).toHaveLength(4);
    expect(nodeIds(backwardOnly)).toEqual(nodeIds(backwardResult()));
  });

  it('merging a layer again replaces its edges instead of adding them twice', () => {
    const again = mergeLayer(both(), BACKWARD_ID, backwardResult(), CASE_SEEDS);
    expect(again.edges).toHaveLength(both().edges.length);
    expect(again.nodes.find((n) => n.id === id(A.depositA))!.seedOf).toEqual([BACKWARD_ID]);
  });

  it('marks each node by its layers when two are drawn, and not when one is', () => {
    const union = deriveView(both(), {}, lookup, drawn(FORWARD_ID, BACKWARD_ID));
    const classes = (address: string) => union.nodes.find((n) => n.id === id(address))!.classes;
    expect(classes(A.split1)).toEqual(
      expect.arrayContaining(['layer-0', 'layer-1', 'multi-layer']),
    );
    expect(classes(A.split2)).toContain('layer-0');
    expect(classes(A.split2)).not.toContain('layer-1');
    expect(classes(A.funder)).toEqual(expect.arrayContaining(['layer-1']));
    expect(union.nodeLayers.get(id(A.split1))).toEqual([FORWARD_ID, BACKWARD_ID]);
    expect(union.edges.filter((e) => e.classes.includes('layer-1'))).toHaveLength(4);
    const one = deriveView(both(), {}, lookup, drawn(FORWARD_ID));
    expect(one.nodes.flatMap((n) => n.classes).filter((c) => c.startsWith('layer-'))).toEqual([]);
  });

  it('lays a backward layer out against the flow: its hops give no columns', () => {
    const union = deriveView(both(), {}, lookup, drawn(FORWARD_ID, BACKWARD_ID));
    expect(union.edges.filter((e) => e.layer === BACKWARD_ID).map((e) => e.hop)).toEqual([
      null,
      null,
      null,
      null,
    ]);
    // The origin sits left of the cold wallet, which sits left of the thief.
    const x = (address: string) => union.nodes.find((n) => n.id === id(address))!.x;
    expect(x(A.funder)).toBeLessThan(x(A.cold));
    expect(x(A.cold)).toBeLessThan(x(A.thief));
  });

  it('keeps its layers, seeds included, through the case’s saved form', () => {
    const g = both();
    const saved = JSON.parse(JSON.stringify(toSavedGraph(g))) as unknown;
    expect(parseSavedState(saved)).toEqual(g);
  });

  it('reads a save made before layers: its trace edges are the one trace it names', () => {
    const legacy = {
      ...toSavedGraph(forwardOnly),
      traceIds: undefined,
      traceId: FORWARD_ID,
      edges: toSavedGraph(forwardOnly).edges.map((e) => e.slice(0, 11)),
    };
    const parsed = parseSavedState(JSON.parse(JSON.stringify(legacy)))!;
    expect(parsed.traceIds).toEqual([FORWARD_ID]);
    expect(parsed.edges.map((e) => e.layer)).toEqual(forwardOnly.edges.map(() => FORWARD_ID));
    expect(parsed.edges.map((e) => e.id)).toEqual(forwardOnly.edges.map((e) => e.id));
  });

  it('an expansion stays when a layer goes; a flow a trace drew gives way to the trace', () => {
    const g = both();
    addCounterparties(g, id(A.thief), {
      chain: 'anvil',
      address: A.thief,
      direction: 'out',
      assets: [
        {
          asset: 'native',
          total: '0',
          counterparties: 2,
          flows: [
            { counterparty: A.split1, amount: '1', transfers: 1, first: null, last: null },
            { counterparty: A.funder, amount: '2', transfers: 1, first: null, last: null },
          ],
        },
      ],
    });
    const flows = g.edges.filter((e) => e.source === 'counterparties');
    // thief > split1 is drawn by both traces: no second, untainted edge for it.
    expect(flows.map((e) => e.to)).toEqual([id(A.funder)]);
    const removed = removeLayer(g, BACKWARD_ID, () => false);
    expect(removed.edges.filter((e) => e.source === 'counterparties')).toEqual(flows);
    expect(removed.nodes.some((n) => n.id === id(A.funder))).toBe(true);
  });
});
