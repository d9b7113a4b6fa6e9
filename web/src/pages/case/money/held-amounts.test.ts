import { describe, expect, it } from 'vitest';
import {
  endsInOtherAssets,
  heldAmounts,
  heldText,
  inValuationAsset,
  otherAssetsNote,
} from './held-amounts.ts';
import {
  BTC_CHAIN,
  btc,
  crossChainAssetInfo,
  crossChainSample,
  eth,
  sampleResult,
} from './test-fixture.ts';
import { endpointMeasure, valuationOf } from './valuation.ts';

const measured = (r: ReturnType<typeof sampleResult>, category: string) => {
  const valuation = valuationOf(r);
  return r.endpoints
    .filter((e) => e.category === category)
    .map((e) => ({ ...e, measure: endpointMeasure(valuation, e) }));
};

describe('what endpoints hold, per asset', () => {
  it('sums each asset exactly, never ETH and rBTC into one number, the largest value first', () => {
    const r = crossChainSample();
    const deposits = measured(r, 'deposit_wallet');
    const held = heldAmounts(deposits);
    expect(held.map((h) => [h.chain, h.asset, h.amount])).toEqual([
      ['eth', 'native', BigInt(eth(40))],
      [BTC_CHAIN, 'native', BigInt(btc(0.3))],
    ]);
    // 0.3 rBTC stands for 10% of the stolen value: 10 ETH of the 100.
    expect(held[1]!.measure / 1e18).toBeCloseTo(10);
    expect(heldText(held, crossChainAssetInfo)).toBe('40 ETH + 0.3 rBTC');
    // Ordered by value, not by raw units (wei and satoshis do not compare): 0.42 rBTC stands
    // for 14 ETH, more than the 4 ETH held beside it.
    const stillHeld = heldAmounts(measured(r, 'unspent'));
    expect(heldText(stillHeld, crossChainAssetInfo, 4)).toBe('0.42 rBTC + 4 ETH');
    expect(heldText(heldAmounts(measured(r, 'mixer')), crossChainAssetInfo)).toBe(
      '0.18 rBTC + 5 ETH',
    );
    // A small non-zero amount is not written as none.
    expect(heldText([{ ...held[1]!, amount: 1n }], crossChainAssetInfo)).toBe('< 0.01 rBTC');
  });

  it('says when one figure in the valuation asset tells it all, and when charts must say how they count', () => {
    const single = sampleResult();
    const cross = crossChainSample();
    const valuation = valuationOf(single);
    expect(inValuationAsset(heldAmounts(measured(single, 'deposit_wallet')), valuation)).toBe(true);
    expect(inValuationAsset([], valuation)).toBe(true);
    expect(
      inValuationAsset(heldAmounts(measured(cross, 'deposit_wallet')), valuationOf(cross)),
    ).toBe(false);
    expect(endsInOtherAssets(single.endpoints, valuation)).toBe(false);
    expect(endsInOtherAssets(cross.endpoints, valuationOf(cross))).toBe(true);
    expect(otherAssetsNote('ETH')).toContain('at the ETH of the stolen value it stands for');
  });
});
