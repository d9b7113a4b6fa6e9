import { describe, expect, it } from 'vitest';
import { endpointsIn } from './endpoint-lists.ts';
import { BTC_CHAIN, crossChainSample } from './test-fixture.ts';
import { valuationOf } from './valuation.ts';

describe('endpointsIn', () => {
  it('tells a CoinJoin the trace stopped at (a transaction, with a transaction page) from an address', () => {
    const r = crossChainSample();
    const mixed = endpointsIn(r, valuationOf(r), 'mixed');
    expect(mixed.map((e) => [e.entity, e.transaction])).toEqual([
      ['CoinJoin (Whirlpool)', true],
      ['Tornado Cash', false],
    ]);
    // Still-held Bitcoin value sits at an address.
    const held = endpointsIn(r, valuationOf(r), 'held');
    expect(held.find((e) => e.chain === BTC_CHAIN)!.transaction).toBe(false);
  });

  it('takes the result’s word that a node is a transaction, whatever its form', () => {
    const r = crossChainSample();
    const mix = r.endpoints.find((e) => e.category === 'mixer' && e.chain === BTC_CHAIN)!;
    // A chain this build does not know: its txids are not recognised by their form.
    mix.chain = 'litecoin-test';
    expect(endpointsIn(r, valuationOf(r), 'mixed')[0]!.transaction).toBe(false);
    r.nodes.push({
      id: `litecoin-test:${mix.address}`,
      chain: 'litecoin-test',
      address: mix.address,
      category: 'mixer',
      entity: mix.entity,
      kind: 'utxo_tx',
    });
    expect(endpointsIn(r, valuationOf(r), 'mixed')[0]!.transaction).toBe(true);
  });
});
