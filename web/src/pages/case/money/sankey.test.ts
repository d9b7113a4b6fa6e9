import { describe, expect, it } from 'vitest';
import { buildSankey, sankeyTopLevels } from './sankey.ts';
import { heldText } from './held-amounts.ts';
import { crossChainAssetInfo, crossChainSample, sampleResult } from './test-fixture.ts';
import { valuationOf } from './valuation.ts';

const whole = (m: number) => Math.round(m / 1e16) / 100;

describe('buildSankey', () => {
  it('flows from Stolen through buckets to entities, the smallest entities into Other', () => {
    const r = sampleResult();
    const { nodes, links } = buildSankey(r, valuationOf(r), 3);
    const flow = (s: string, t: string) => {
      const l = links.find((x) => x.source === s && x.target === t);
      return l ? whole(l.measure) : undefined;
    };
    expect(flow('stolen', 'bucket:exchanges')).toBe(45);
    expect(flow('stolen', 'bucket:bridged')).toBe(30);
    expect(flow('stolen', 'bucket:instant')).toBe(15);
    expect(flow('stolen', 'bucket:mixed')).toBe(5);
    expect(flow('stolen', 'bucket:held')).toBe(4);
    expect(flow('stolen', 'untraced')).toBe(1);
    expect(flow('untraced', 'untraced:fees')).toBe(1);
    // Top 3: Alder 40, THORChain 30, Fixed Swap 15; the rest (5 + 5 + 4) is Other.
    expect(flow('bucket:exchanges', 'entity:Alder Exchange')).toBe(40);
    expect(flow('bucket:bridged', 'entity:THORChain')).toBe(30);
    expect(flow('bucket:exchanges', 'other')).toBe(5);
    expect(flow('bucket:mixed', 'other')).toBe(5);
    expect(flow('bucket:held', 'other')).toBe(4);
    const other = nodes.find((n) => n.id === 'other')!;
    expect(whole(other.measure)).toBe(14);
    expect(nodes.find((n) => n.id === 'stolen')!.share).toBeCloseTo(1);
    // Columns in order, largest first, Untraced and Other closing theirs.
    expect(nodes.map((n) => n.id)).toEqual([
      'stolen',
      'bucket:exchanges',
      'bucket:bridged',
      'bucket:instant',
      'bucket:mixed',
      'bucket:held',
      'untraced',
      'entity:Alder Exchange',
      'entity:THORChain',
      'entity:Fixed Swap',
      'other',
      'untraced:fees',
    ]);
    // One bridge address with two endpoints is one address of its entity.
    expect(nodes.find((n) => n.id === 'entity:THORChain')!.detail).toBe('1 address');
  });

  it('names unlabelled held value and unlabelled service addresses', () => {
    const r = sampleResult();
    const { nodes } = buildSankey(r, valuationOf(r), 10);
    expect(nodes.find((n) => n.id === 'unlabelled:bucket:held')?.label).toBe(
      'Unlabelled (still held)',
    );
    expect(nodes.find((n) => n.id === 'address:eth:0xx1')).toBeDefined();
    expect(nodes.find((n) => n.id === 'other')).toBeUndefined();
  });

  it('keeps Stolen and its buckets for a narrow screen', () => {
    const r = sampleResult();
    const top = sankeyTopLevels(buildSankey(r, valuationOf(r), 3));
    expect(top.nodes.map((n) => n.id)).toEqual([
      'stolen',
      'bucket:exchanges',
      'bucket:bridged',
      'bucket:instant',
      'bucket:mixed',
      'bucket:held',
      'untraced',
    ]);
    expect(top.links.every((l) => l.source === 'stolen')).toBe(true);
    expect(top.links.reduce((s, l) => s + l.share, 0)).toBeCloseTo(1);
  });

  it('carries what each flow’s endpoints hold per asset, so its label names rBTC as rBTC', () => {
    const r = crossChainSample();
    const { nodes, links } = buildSankey(r, valuationOf(r), 8);
    const flow = (s: string, t: string) =>
      heldText(links.find((x) => x.source === s && x.target === t)!.held, crossChainAssetInfo);
    expect(flow('stolen', 'bucket:exchanges')).toBe('45 ETH + 0.3 rBTC');
    expect(flow('stolen', 'bucket:mixed')).toBe('0.18 rBTC + 5 ETH');
    expect(flow('bucket:mixed', 'entity:CoinJoin (Whirlpool)')).toBe('0.18 rBTC');
    expect(flow('bucket:exchanges', 'entity:Alder Exchange')).toBe('40 ETH + 0.3 rBTC');
    const alder = nodes.find((n) => n.id === 'entity:Alder Exchange')!;
    expect(heldText(alder.held, crossChainAssetInfo)).toBe('40 ETH + 0.3 rBTC');
    // The widths stay values: 0.3 rBTC stands for 10 ETH of the stolen value.
    expect(whole(alder.measure)).toBe(50);
    // Stolen and untraced are shares, held nowhere.
    expect(nodes.find((n) => n.id === 'stolen')!.held).toEqual([]);
    expect(links.find((l) => l.target === 'untraced')!.held).toEqual([]);
  });
});
