import { describe, expect, it } from 'vitest';
import { smallGraphIndex, type SmallEdge } from '../../../test/helpers/small-graph-index.ts';
import { type LabelMap, traceSmall, where } from '../../../test/helpers/small-trace.ts';
import { serviceOf } from './same-service.ts';

// The thief T pays 50 into a bridge's inbox, which pays its bridge contract in the same transaction
// (54m: "Arbitrum: Delayed Inbox" then "Arbitrum: Bridge").
const arbitrum: LabelMap = {
  INBOX: ['bridge', 'Arbitrum: Delayed Inbox'],
  BRIDGE: ['bridge', 'Arbitrum: Bridge'],
  HOP: ['bridge', 'Hop Protocol: Ethereum Bridge'],
};

describe('a service that hands value on within one transaction', () => {
  it('ends at the service, at the address the value rested at, naming the address it passed', () => {
    const edges: SmallEdge[] = [
      { from: 'T', to: 'INBOX', amount: 50, time: 5, tx: 'd' },
      { from: 'INBOX', to: 'BRIDGE', amount: 50, time: 5, tx: 'd' },
    ];
    const r = traceSmall(edges, { labelMap: arbitrum });
    expect(where(r)).toEqual({ 'BRIDGE/bridge/native': ['50', 1] });
    expect(r.endpoints[0]).toMatchObject({
      entity: 'Arbitrum: Bridge',
      via: ['INBOX'],
      paths: [['T', 'INBOX', 'BRIDGE']],
    });
    expect(r.edges.map((e) => [e.from, e.to, e.tainted, e.hop])).toEqual([
      ['test:T', 'test:INBOX', '50', 1],
      ['test:INBOX', 'test:BRIDGE', '50', 2],
    ]);
  });

  it('what it does not hand on stays at the first address; another service or transaction is not a hand-off', () => {
    const edges: SmallEdge[] = [
      { from: 'T', to: 'INBOX', amount: 50, time: 5, tx: 'd' },
      { from: 'INBOX', to: 'BRIDGE', amount: 30, time: 5, tx: 'd' },
      // Another service in the same transaction, and the same service in a later one.
      { from: 'INBOX', to: 'HOP', amount: 20, time: 5, tx: 'd' },
      { from: 'INBOX', to: 'BRIDGE', amount: 20, time: 9, tx: 'later' },
    ];
    const r = traceSmall(edges, { labelMap: arbitrum });
    expect(where(r)).toEqual({
      'BRIDGE/bridge/native': ['30', 0.6],
      'INBOX/bridge/native': ['20', 0.4],
    });
  });

  it('a THORChain router paying the vault its deposit names: the value rests at the vault', () => {
    const edges: SmallEdge[] = [
      { from: 'T', to: 'ROUTER', amount: 35, time: 5, tx: 'dep' },
      { from: 'ROUTER', to: 'VAULT', amount: 35, time: 5, tx: 'dep' },
    ];
    const index = smallGraphIndex({ edges });
    const dep = index.txId('test', 'dep')!;
    const r = traceSmall(edges, {
      index,
      labelMap: { ROUTER: ['bridge', 'THORChain'] },
      bridgeMemos: new Map([[dep, '=:BTC.BTC:bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh']]),
      bridgeVaults: new Map([[dep, ['VAULT']]]),
    });
    expect(r.endpoints).toHaveLength(1);
    expect(r.endpoints[0]).toMatchObject({
      address: 'VAULT',
      category: 'bridge',
      entity: 'THORChain',
      via: ['ROUTER'],
      finding: 'bridged to bitcoin bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
    });
  });

  it('names services from their labels: "<service>: <role>" and "<service> <n>"', () => {
    expect(serviceOf('Arbitrum: Delayed Inbox')).toBe('arbitrum');
    expect(serviceOf('Binance 14')).toBe('binance');
    expect(serviceOf('THORChain')).toBe('thorchain');
    expect(serviceOf(null)).toBeNull();
  });
});
