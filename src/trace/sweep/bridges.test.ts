import { describe, expect, it } from 'vitest';
import { smallGraphIndex, type SmallEdge } from '../../../test/helpers/small-graph-index.ts';
import { traceSmall, where } from '../../../test/helpers/small-trace.ts';

const THOR = { ROUTER: ['bridge', 'THORChain'] as [string, string] };

/** A backward trace from Y with the bridge payout memos given by transaction name. */
function backward(
  edges: SmallEdge[],
  outMemos: Record<string, string>,
  utxoTxs: { chain: string; name: string }[] = [],
) {
  const index = smallGraphIndex({ edges, utxoTxs });
  const bridgeOutMemos = new Map(
    Object.entries(outMemos).map(([tx, memo]) => [index.txId('test', tx)!, memo]),
  );
  return traceSmall(edges, {
    index,
    labelMap: THOR,
    seeds: [{ kind: 'address', chain: 'test', address: 'Y' }],
    direction: 'backward',
    bridgeOutMemos,
  });
}

describe('bridges, backward: a THORChain payout (OUT:<inbound hash>) goes back to its deposit', () => {
  it('on the same chain: from the payout to the depositor, and on to where the depositor got it', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'D', amount: 40, time: 0 },
      { from: 'D', to: 'ROUTER', amount: 40, time: 1, tx: 'in' },
      { from: 'ROUTER', to: 'R', amount: 38, time: 5, tx: 'out' },
      { from: 'R', to: 'Y', amount: 38, time: 6 },
    ];
    const r = backward(edges, { out: 'OUT:IN' });
    expect(where(r)).toEqual({ 'V/origin/native': ['40', 1] });
    expect(r.endpoints[0]!.paths).toEqual([['V', 'D', 'ROUTER', 'R', 'Y']]);
  });

  it('a refund (REFUND:<inbound hash>) goes back to the deposit it returns', () => {
    const edges: SmallEdge[] = [
      { from: 'V', to: 'D', amount: 40, time: 0 },
      { from: 'D', to: 'ROUTER', amount: 40, time: 1, tx: 'in' },
      { from: 'ROUTER', to: 'R', amount: 39, time: 5, tx: 'refund' },
      { from: 'R', to: 'Y', amount: 39, time: 6 },
    ];
    const r = backward(edges, { refund: 'REFUND:IN' });
    // As for a payout: the deposit it answers, in full (the other chain's amount is its own asset's).
    expect(where(r)).toEqual({ 'V/origin/native': ['40', 1] });
  });

  it('from another chain the index holds: a Bitcoin deposit to the vault, change left out', () => {
    // B1 spends 50 into h1: 45 to THORChain's vault, 4 back to itself (change), 1 fee.
    const edges: SmallEdge[] = [
      { from: 'B1', to: 'h1', amount: 50, time: 1, tx: 'h1', chain: 'btc' },
      { from: 'h1', to: 'VAULT', amount: 45, time: 1, tx: 'h1', chain: 'btc' },
      { from: 'h1', to: 'B1', amount: 4, time: 1, tx: 'h1', chain: 'btc' },
      { from: 'ROUTER', to: 'R', amount: 38, time: 5, tx: 'out' },
      { from: 'R', to: 'Y', amount: 38, time: 6 },
    ];
    const r = backward(edges, { out: 'OUT:H1' }, [{ chain: 'btc', name: 'h1' }]);
    // The deposit output (45) is the payout's origin; haircut on the reversed UTXO tx gives it to B1.
    expect(where(r)).toEqual({ 'B1/origin/native': ['45', 1] });
    expect(r.endpoints[0]).toMatchObject({ chain: 'btc' });
  });

  it('from a chain the store does not hold: ends at the bridge, naming the inbound transaction', () => {
    const inbound = 'A'.repeat(64);
    const edges: SmallEdge[] = [
      { from: 'ROUTER', to: 'R', amount: 38, time: 5, tx: 'out' },
      { from: 'R', to: 'Y', amount: 38, time: 6 },
    ];
    const r = backward(edges, { out: `OUT:${inbound}` });
    expect(where(r)).toEqual({ 'ROUTER/bridge/native': ['38', 1] });
    expect(r.endpoints[0]).toMatchObject({
      bridgedFrom: { txHash: inbound, chain: null },
      finding: `came over THORChain from transaction ${inbound} on a chain the store does not hold`,
    });
  });
});
