import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../../../api/types.ts';
import {
  A,
  BACKWARD_ID,
  backwardResult,
  FORWARD_ID,
  forwardResult,
  id,
  THEFT_TX,
} from './layer-fixture.ts';
import {
  A as X,
  BTC,
  crossChainResult,
  DEST,
  EXCHANGE,
  PAYOUT,
  SPEND,
  TRACE,
} from './cross-chain-fixture.ts';
import { mergeLayer, nodeId, type GraphEdge, type GraphState } from './model.ts';
import { integerRaw, PATH_COLUMNS, pathCsv, pathRows, pathTsv, type PathRow } from './path-rows.ts';

const lookup = () => ({ symbol: 'ETH', decimals: 18 });
const crossLookup = (chain: string) =>
  chain === BTC ? { symbol: 'rBTC', decimals: 8 } : { symbol: 'ETH', decimals: 18 };

function graph(): GraphState {
  return mergeLayer(
    mergeLayer(null, FORWARD_ID, forwardResult(), []),
    BACKWARD_ID,
    backwardResult(),
    [],
  );
}

/** The graph edges of one layer along `addresses`, as the path's steps. */
function steps(g: GraphState, layer: string | null, addresses: string[]): GraphEdge[][] {
  return addresses.slice(1).map((to, i) => {
    const e = g.edges.find(
      (x) => x.from === id(addresses[i]!) && x.to === id(to) && x.layer === layer,
    );
    if (!e) throw new Error(`no edge ${addresses[i]} > ${to} in ${layer}`);
    return [e];
  });
}

const results = new Map<string, TraceResult>([
  [FORWARD_ID, forwardResult()],
  [BACKWARD_ID, backwardResult()],
]);
const resultOf = (traceId: string) => results.get(traceId) ?? null;

/** Each row is a transfer of its trace's result: same transaction, ends, amounts and time. */
function inResult(row: PathRow): boolean {
  return results
    .get(row.traceId!)!
    .edges.some(
      (t) =>
        t.txHash === row.txHash &&
        t.from === id(row.from) &&
        t.to === id(row.to) &&
        t.amount === row.amountIn &&
        t.tainted === row.taintedOut &&
        t.time === row.time,
    );
}

describe('the rows of a path from a seed', () => {
  it('list every transfer hop by hop, oldest first, each one of the trace’s own', () => {
    const { rows, missing } = pathRows(
      steps(graph(), FORWARD_ID, [A.cold, A.thief, A.split1, A.depositA]),
      resultOf,
    );
    expect(missing).toEqual([]);
    expect(rows.map((r) => [r.hop, r.from, r.to, r.amountIn])).toEqual([
      [1, A.cold, A.thief, '100000000000000000000'],
      [2, A.thief, A.split1, '60000000000000000000'],
      // Two transfers on the last hop, in time order (the result lists the later one first).
      [3, A.split1, A.depositA, '20000000000000000000'],
      [3, A.split1, A.depositA, '10000000000000000000'],
    ]);
    expect(rows[0]!.txHash).toBe(THEFT_TX);
    expect(rows.every(inResult)).toBe(true);
  });

  it('reconcile: on every hop the tainted amount out is at most the amount in', () => {
    const g = graph();
    const forward = pathRows(steps(g, FORWARD_ID, [A.thief, A.split2, A.depositB]), resultOf);
    const backward = pathRows(
      steps(g, BACKWARD_ID, [A.funder, A.cold, A.thief, A.split1, A.depositA]),
      resultOf,
    );
    for (const { rows } of [forward, backward]) {
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(BigInt(r.taintedOut!) <= BigInt(r.amountIn!)).toBe(true);
      // Each hop starts where the one before it ended.
      for (let i = 1; i < rows.length; i++)
        if (rows[i]!.hop !== rows[i - 1]!.hop) expect(rows[i]!.from).toBe(rows[i - 1]!.to);
    }
    // split2 mixed 5 ETH of its own in: 45 in, 40 of it tainted.
    expect(forward.rows.at(-1)).toMatchObject({
      amountIn: '45000000000000000000',
      taintedOut: '40000000000000000000',
    });
    // The backward trace counts only what reached depositA as tainted: 30 of the theft's 100.
    expect(backward.rows.find((r) => r.from === A.cold)).toMatchObject({
      amountIn: '100000000000000000000',
      taintedOut: '30000000000000000000',
      traceId: BACKWARD_ID,
    });
    expect(backward.rows.every(inResult)).toBe(true);
  });

  it('say which traces’ results are missing instead of giving a partial table', () => {
    const g = graph();
    const { rows, missing } = pathRows(steps(g, BACKWARD_ID, [A.cold, A.thief]), (t) =>
      t === FORWARD_ID ? forwardResult() : null,
    );
    expect(rows).toEqual([]);
    expect(missing).toEqual([BACKWARD_ID]);
  });

  it('cross a bridge hop as a row of its own: from the router to the payout on the other chain, its transaction and time', () => {
    const g = mergeLayer(null, TRACE, crossChainResult(), []);
    const along = [X.thief, X.router, PAYOUT, DEST, SPEND, EXCHANGE].map((a, i) =>
      i < 2 ? nodeId('anvil', a) : nodeId(BTC, a),
    );
    const path = along
      .slice(1)
      .map((to, i) => [g.edges.find((e) => e.from === along[i] && e.to === to)!]);
    const { rows, missing } = pathRows(path, (t) => (t === TRACE ? crossChainResult() : null));
    expect(missing).toEqual([]);
    // Every hop has its row: before, hop 2 (the bridge) had none and the table went 1, 3, 4, 5.
    expect(rows.map((r) => [r.hop, r.chain, r.toChain, r.bridge])).toEqual([
      [1, 'anvil', 'anvil', null],
      [2, 'anvil', BTC, 'THORChain'],
      [3, BTC, BTC, null],
      [4, BTC, BTC, null],
      [5, BTC, BTC, null],
    ]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.from).toBe(rows[i - 1]!.to);
    expect(rows[1]).toMatchObject({
      from: X.router,
      to: PAYOUT,
      amountIn: null,
      taintedOut: null,
      // The payout is the hop's transaction; its outputs' time is the hop's.
      txHash: PAYOUT,
      time: 1_740_000_900,
      transfers: 0,
      traceId: TRACE,
    });
    // The CSV says where it crossed and by what, with no amount or symbol of its own.
    const [, , hop] = pathCsv(rows, crossLookup).trimEnd().split('\r\n');
    const cells = Object.fromEntries(PATH_COLUMNS.map((c, i) => [c, hop!.split(',')[i]]));
    expect(cells).toMatchObject({
      hop: '2',
      from: X.router,
      to: PAYOUT,
      chain: 'anvil',
      to_chain: BTC,
      bridge: 'THORChain',
      symbol: '',
      amount_in: '',
      transaction: PAYOUT,
      time_utc: '2025-02-19T21:35:00Z',
    });
    expect(pathTsv(rows, crossLookup).trimEnd().split('\n')).toHaveLength(rows.length + 1);
  });

  it('give a counterparty flow one row, without a transaction or a tainted amount', () => {
    const flow: GraphEdge = {
      id: `${id(A.thief)}>${id(A.funder)}>native`,
      from: id(A.thief),
      to: id(A.funder),
      chain: 'anvil',
      asset: 'native',
      amount: '3000000000000000000',
      tainted: null,
      transfers: 3,
      hop: null,
      first: 1_740_000_500,
      last: 1_740_000_900,
      source: 'counterparties',
      layer: null,
    };
    const { rows } = pathRows([[flow]], resultOf);
    expect(rows).toEqual([
      {
        hop: 1,
        chain: 'anvil',
        toChain: 'anvil',
        from: A.thief,
        to: A.funder,
        asset: 'native',
        amountIn: '3000000000000000000',
        taintedOut: null,
        txHash: null,
        time: 1_740_000_500,
        transfers: 3,
        traceId: null,
        bridge: null,
      },
    ]);
  });
});

describe('the path as CSV and TSV', () => {
  const row: PathRow = {
    hop: 1,
    chain: 'anvil',
    toChain: 'anvil',
    from: A.split1,
    to: A.depositA,
    asset: 'native',
    amountIn: '10003126404753986000',
    taintedOut: '1.0003126404753986e+19',
    txHash: THEFT_TX,
    time: 1_740_147_311,
    transfers: 1,
    traceId: FORWARD_ID,
    bridge: null,
  };

  it('writes amounts in whole units at full precision and in raw units, times in ISO UTC', () => {
    const csv = pathCsv([row], lookup);
    const [header, line] = csv.trimEnd().split('\r\n');
    expect(header).toBe(PATH_COLUMNS.join(','));
    expect(line!.split(',')).toEqual([
      '1',
      A.split1,
      A.depositA,
      'anvil',
      'native',
      'ETH',
      '10.003126404753986',
      '10003126404753986000',
      '10.003126404753986',
      '1.0003126404753986e+19',
      THEFT_TX,
      '2025-02-21T14:15:11Z',
      '1',
      FORWARD_ID,
      'anvil',
      '',
    ]);
  });

  it('expands a double’s exponent form digit for digit, not through its binary value', () => {
    expect(integerRaw('1.0003126404753986e+19')).toBe('10003126404753986000');
    expect(integerRaw('5e+21')).toBe('5000000000000000000000');
    expect(integerRaw('10003126404753986000')).toBe('10003126404753986000');
    expect(integerRaw('1500.4')).toBe('1500');
  });

  it('copies as tab-separated text, a symbol that reads as a formula made text', () => {
    const tsv = pathTsv([{ ...row, asset: '0xtoken' }], () => ({
      symbol: '=HYPERLINK("x")',
      decimals: 6,
    }));
    const [header, line] = tsv.split('\n');
    expect(header!.split('\t')).toEqual([...PATH_COLUMNS]);
    const cells = line!.split('\t');
    expect(cells[5]).toBe(`'=HYPERLINK("x")`);
    expect(cells[6]).toBe('10003126404753.986');
    expect(cells).toHaveLength(PATH_COLUMNS.length);
  });
});
