import { describe, expect, it } from 'vitest';
import {
  A,
  BTC,
  crossChainResult,
  DEST,
  EXCHANGE,
  PAYOUT,
  SPEND,
  TRACE,
} from './cross-chain-fixture.ts';
import { deriveView, shortTxid } from './derive.ts';
import { buildGraphml } from './export.ts';
import { edgeTooltip, nodeTooltip, nodeTotals } from './facts.ts';
import {
  BRIDGE_ASSET,
  bridgeHops,
  mergeLayer,
  nodeId,
  parseSavedState,
  toSavedGraph,
} from './model.ts';

const lookup = (chain: string) =>
  chain === 'anvil' ? { symbol: 'ETH', decimals: 18 } : { symbol: 'rBTC', decimals: 8 };
const ROUTER = nodeId('anvil', A.router);
const PAYOUT_ID = nodeId(BTC, PAYOUT);

describe('a trace from an EVM chain across THORChain to Bitcoin on the case graph', () => {
  it('finds the bridge hop where the path crosses chains with no transfer between', () => {
    expect(bridgeHops(crossChainResult())).toEqual([
      { from: ROUTER, to: PAYOUT_ID, bridge: 'THORChain' },
    ]);
  });

  it('draws the transactions as small squares with their short txid and the hop named THORChain', () => {
    const state = mergeLayer(null, TRACE, crossChainResult(), []);
    const view = deriveView(state, {}, lookup);
    const drawn = (id: string) => view.nodes.find((n) => n.id === id)!;
    for (const txid of [PAYOUT, SPEND]) {
      const tx = drawn(nodeId(BTC, txid));
      expect(tx.classes).toContain('utxo-tx');
      expect(tx.classes).not.toContain('address');
      expect(tx.label).toBe(shortTxid(txid));
      expect(tx.label).toBe(`${txid.slice(0, 8)}…${txid.slice(-4)}`);
    }
    expect(drawn(nodeId(BTC, DEST)).classes).toContain('address');
    const hop = view.edges.filter((e) => e.classes.includes('bridge'));
    expect(hop.map((e) => [e.source, e.target, e.label])).toEqual([
      [ROUTER, PAYOUT_ID, 'THORChain'],
    ]);
    expect(view.drawsBridge).toBe(true);
    expect(view.drawsUtxoTx).toBe(true);
  });

  it('lays the hop out left to right: the bridge, then its payout, then what the payout paid', () => {
    const state = mergeLayer(null, TRACE, crossChainResult(), []);
    const view = deriveView(state, {}, lookup);
    const x = (id: string) => view.nodes.find((n) => n.id === id)!.x;
    // Before, the payout (no traced edge into it) shared the bridge's column: the hop was a stub.
    expect(x(PAYOUT_ID)).toBeGreaterThan(x(ROUTER));
    expect(x(nodeId(BTC, DEST))).toBeGreaterThan(x(PAYOUT_ID));
    expect(x(nodeId(BTC, EXCHANGE))).toBeGreaterThan(x(nodeId(BTC, SPEND)));
  });

  it('marks each node with its chain when the graph shows two', () => {
    const state = mergeLayer(null, TRACE, crossChainResult(), []);
    const view = deriveView(state, {}, lookup);
    expect(view.chains).toEqual(['anvil', BTC]);
    const chainClass = (id: string) =>
      view.nodes.find((n) => n.id === id)!.classes.find((c) => c.startsWith('chain-'));
    expect(chainClass(ROUTER)).toBe('chain-0');
    expect(chainClass(nodeId('anvil', A.thief))).toBe('chain-0');
    expect(chainClass(PAYOUT_ID)).toBe('chain-1');
    expect(chainClass(nodeId(BTC, EXCHANGE))).toBe('chain-1');
    // Hiding the Bitcoin side leaves one chain: no outlines, nothing to tell apart.
    const anvilOnly = deriveView(
      { ...state, hidden: state.nodes.filter((n) => n.chain === BTC).map((n) => n.id) },
      {},
      lookup,
    );
    expect(anvilOnly.chains).toEqual([]);
    expect(anvilOnly.nodes.flatMap((n) => n.classes).filter((c) => c.startsWith('chain-'))).toEqual(
      [],
    );
  });

  it('keeps the hop through the dust filter, and saves and reloads kinds and hop with the case', () => {
    const state = mergeLayer(null, TRACE, crossChainResult(), []);
    state.filters.minAmount = '1';
    const view = deriveView(state, {}, lookup);
    expect(view.edges.some((e) => e.classes.includes('bridge'))).toBe(true);
    const back = parseSavedState(JSON.parse(JSON.stringify(toSavedGraph(state))))!;
    expect(back.nodes.filter((n) => n.kind === 'utxo_tx').map((n) => n.address)).toEqual([
      PAYOUT,
      SPEND,
    ]);
    expect(back.edges.filter((e) => e.bridge)).toEqual([
      expect.objectContaining({ from: ROUTER, to: PAYOUT_ID, bridge: 'THORChain' }),
    ]); // Other tools read the same in the GraphML export.
    const graphml = buildGraphml(state, {});
    expect(graphml).toContain(
      `<node id="${PAYOUT_ID}"><data key="label">${PAYOUT}</data><data key="chain">${BTC}</data>`,
    );
    expect(graphml.match(/<data key="kind">utxo_tx<\/data>/g)).toHaveLength(2);
    expect(graphml).toContain('<data key="bridge">THORChain</data>');
  });

  it('takes 64-hex nodes on a Bitcoin chain for transactions in results stored before nodes had a kind', () => {
    const state = mergeLayer(null, TRACE, crossChainResult({ kinds: false }), []);
    expect(state.nodes.filter((n) => n.kind === 'utxo_tx').map((n) => n.address)).toEqual([
      PAYOUT,
      SPEND,
    ]);
  });

  it('says in tooltips what a transaction node and the bridge hop are, and counts no amount on the hop', () => {
    const state = mergeLayer(null, TRACE, crossChainResult(), []);
    const payout = state.nodes.find((n) => n.id === PAYOUT_ID)!;
    const tip = nodeTooltip({
      node: payout,
      seed: false,
      theftSeed: false,
      edges: state.edges,
      lookup,
      traceLabel: () => null,
    });
    expect(tip.title).toBe(`Transaction on ${BTC}`);
    expect(tip.lines[0]).toEqual({ name: 'Transaction', text: `${PAYOUT} (${BTC})`, mono: true });
    const hop = state.edges.find((e) => e.bridge)!;
    expect(hop.asset).toBe(BRIDGE_ASSET);
    expect(edgeTooltip({ parts: [hop], transactions: [], lookup })?.title).toBe(
      'Bridge hop: THORChain',
    );
    // The payout's totals are its Bitcoin output only, not a "(bridge)" asset.
    expect(nodeTotals(PAYOUT_ID, state.edges).map((t) => t.asset)).toEqual(['native']);
  });

  it('says a fold of payouts holds transactions, not addresses', () => {
    // 25 more payouts from the router, each to its own address: more than the fan-out limit.
    const result = crossChainResult();
    const payouts = Array.from({ length: 25 }, (_, i) => i.toString(16).padStart(64, 'd'));
    payouts.forEach((txid, i) => {
      const dest = `${DEST.slice(0, -2)}${i.toString().padStart(2, '0')}`;
      result.nodes.push(
        {
          id: nodeId(BTC, txid),
          chain: BTC,
          address: txid,
          category: null,
          entity: null,
          kind: 'utxo_tx',
        },
        { id: nodeId(BTC, dest), chain: BTC, address: dest, category: null, entity: null },
      );
      result.edges.push({
        from: nodeId(BTC, txid),
        to: nodeId(BTC, dest),
        txHash: txid,
        asset: 'native',
        amount: '1000000',
        tainted: '1000000',
        hop: 3,
        time: 1_740_000_900,
      });
      result.endpoints.push({
        ...result.endpoints[0]!,
        address: dest,
        category: 'unspent',
        entity: null,
        paths: [[A.victim, A.thief, A.router, txid, dest]],
      });
    });
    const state = mergeLayer(null, TRACE, result, []);
    const view = deriveView(state, {}, lookup);
    const fold = view.nodes.find((n) => n.id === `group:${ROUTER}|out`)!;
    expect(fold.group!.members).toHaveLength(26 - state.filters.fanOut);
    // Before, "+6 addresses".
    expect(fold.label).toBe(`+${26 - state.filters.fanOut} transactions`);
    expect(fold.group!.summary).toBe(fold.label);
  });
});
