import type { TraceResult } from '../../../api/types.ts';
import { shortAddress } from '../../../lib/format.ts';
import { BUCKET_CATEGORY, BUCKET_LABELS, bucketOf, categoryLabel } from './buckets.ts';
import { heldAmounts, type HeldAmount } from './held-amounts.ts';
import { endpointMeasure, measureOfShare, type Valuation } from './valuation.ts';

export type SankeyNode = {
  /** Unique (echarts names nodes by it); `label` is what people read. */
  id: string;
  label: string;
  /** The category whose colour the node takes. */
  category: string;
  measure: number;
  share: number;
  /** e.g. `14 addresses`. */
  detail: string | null;
  /** What its endpoints hold per asset (none for Stolen and Untraced: shares, held nowhere). */
  held: HeldAmount[];
};
export type SankeyLink = {
  source: string;
  target: string;
  measure: number;
  share: number;
  /** What the endpoints it leads to hold per asset (none for Untraced). */
  held: HeldAmount[];
};
export type SankeyData = { nodes: SankeyNode[]; links: SankeyLink[] };

const UNTRACED_CAUSES = [
  ['hopLimit', 'Hop limit'],
  ['dust', 'Dust'],
  ['conversion', 'Unresolved conversions'],
  ['fees', 'Gas fees'],
] as const;

/**
 * Where the stolen value went, as a three-level flow: "Stolen" to buckets (Exchanges, Bridged,
 * Mixers, Instant exchanges, Still held, other categories by name, Untraced) to entities. The
 * `topN` largest entities keep their own node and the rest share "Other". Endpoints without an
 * entity are "Unlabelled addresses" of their category, or their own address when the category is a
 * service's. Untraced value splits by cause.
 *
 * @example
 * buildSankey(result, valuation, 8).links[0]; // { source: 'stolen', target: 'bucket:bridged', … }
 */
export function buildSankey(result: TraceResult, valuation: Valuation, topN = 8): SankeyData {
  const nodes = new Map<string, SankeyNode>();
  const links = new Map<string, SankeyLink>();
  type Holding = { chain: string; asset: string; amount: string; measure: number };
  const holdings = new Map<SankeyNode | SankeyLink, Holding[]>();
  const hold = (at: SankeyNode | SankeyLink, h: readonly Holding[]) =>
    (holdings.get(at) ?? holdings.set(at, []).get(at)!).push(...h);
  const node = (id: string, label: string, category: string, detail: string | null = null) => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = { id, label, category, measure: 0, share: 0, detail, held: [] }));
    return n;
  };
  const link = (
    source: string,
    target: string,
    measure: number,
    share: number,
    held: readonly Holding[] = [],
  ) => {
    const key = `${source}\u0000${target}`;
    let l = links.get(key);
    if (!l) links.set(key, (l = { source, target, measure: 0, share: 0, held: [] }));
    l.measure += measure;
    l.share += share;
    hold(l, held);
  };

  const stolen = node('stolen', 'Stolen', 'theft');
  const { untraced, untracedBy } = result.summary;
  stolen.share = result.summary.traced + untraced;
  stolen.measure = measureOfShare(valuation, stolen.share);

  // Group endpoints under their bucket node and an entity (or stand-in) key first, to pick the top N.
  type Group = {
    id: string;
    label: string;
    category: string;
    addresses: Set<string>;
    measure: number;
    share: number;
    holdings: Holding[];
    byParent: Map<string, { measure: number; share: number; holdings: Holding[] }>;
  };
  const groups = new Map<string, Group>();
  for (const e of result.endpoints) {
    const bucket = bucketOf(e.category);
    const parentId = bucket === 'other' ? `category:${e.category}` : `bucket:${bucket}`;
    const parent = node(
      parentId,
      bucket === 'other' ? categoryLabel(e.category) : BUCKET_LABELS[bucket],
      bucket === 'other' ? e.category : BUCKET_CATEGORY[bucket],
    );
    const measure = endpointMeasure(valuation, e);
    const held = [{ chain: e.chain, asset: e.asset, amount: e.amount, measure }];
    parent.measure += measure;
    parent.share += e.share;
    hold(parent, held);
    link('stolen', parentId, measure, e.share, held);

    const service = bucket !== 'held' && bucket !== 'other';
    const [id, label] = e.entity
      ? [`entity:${e.entity}`, e.entity]
      : service
        ? [`address:${e.chain}:${e.address}`, shortAddress(e.address)]
        : [`unlabelled:${parentId}`, `Unlabelled (${parent.label.toLowerCase()})`];
    let g = groups.get(id);
    if (!g) {
      g = {
        id,
        label,
        category: e.category,
        addresses: new Set(),
        measure: 0,
        share: 0,
        holdings: [],
        byParent: new Map(),
      };
      groups.set(id, g);
    }
    g.addresses.add(`${e.chain}:${e.address}`);
    g.measure += measure;
    g.share += e.share;
    g.holdings.push(...held);
    const p = g.byParent.get(parentId) ?? { measure: 0, share: 0, holdings: [] };
    p.measure += measure;
    p.share += e.share;
    p.holdings.push(...held);
    g.byParent.set(parentId, p);
  }

  const ranked = [...groups.values()].sort((a, b) => b.share - a.share || cmp(a.label, b.label));
  ranked.forEach((g, i) => {
    const own = i < topN || ranked.length === topN + 1;
    const count = g.addresses.size;
    const target = own
      ? node(g.id, g.label, g.category, `${count} address${count === 1 ? '' : 'es'}`)
      : node('other', 'Other', 'other');
    if (!own) target.detail = null;
    target.measure += g.measure;
    target.share += g.share;
    hold(target, g.holdings);
    for (const [parentId, p] of g.byParent)
      link(parentId, target.id, p.measure, p.share, p.holdings);
  });
  const other = nodes.get('other');
  if (other) {
    const rest = ranked.slice(topN);
    other.detail = `${rest.length} more entities and addresses`;
  }

  if (untraced > 0) {
    const u = node('untraced', 'Untraced', 'aggregate');
    u.share = untraced;
    u.measure = measureOfShare(valuation, untraced);
    link('stolen', 'untraced', u.measure, untraced);
    for (const [key, label] of UNTRACED_CAUSES) {
      const share = untracedBy[key];
      if (!(share > 0)) continue;
      const c = node(`untraced:${key}`, `Untraced: ${label.toLowerCase()}`, 'aggregate');
      c.share = share;
      c.measure = measureOfShare(valuation, share);
      link('untraced', c.id, c.measure, share);
    }
  }

  for (const [at, list] of holdings) at.held = heldAmounts(list);
  const kept = [...links.values()].filter((l) => l.share > 0);
  const linked = new Set(kept.flatMap((l) => [l.source, l.target]));
  // Columns top to bottom, largest first; Other and Untraced close their columns (the chart keeps
  // this order).
  const rank = (n: SankeyNode) =>
    n.id === 'stolen'
      ? 0
      : n.id.startsWith('bucket:') || n.id.startsWith('category:')
        ? 1
        : n.id === 'untraced'
          ? 2
          : n.id === 'other'
            ? 4
            : n.id.startsWith('untraced:')
              ? 5
              : 3;
  const ordered = [...nodes.values()]
    .filter((n) => linked.has(n.id))
    .sort((a, b) => rank(a) - rank(b) || b.share - a.share || cmp(a.label, b.label));
  const order = new Map(ordered.map((n, i) => [n.id, i]));
  kept.sort(
    (a, b) =>
      order.get(a.source)! - order.get(b.source)! || order.get(a.target)! - order.get(b.target)!,
  );
  return { nodes: ordered, links: kept };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The first two columns of a Sankey (Stolen and where it went, Untraced by cause left out): what a
 * narrow screen can show legibly.
 */
export function sankeyTopLevels(data: SankeyData): SankeyData {
  const links = data.links.filter((l) => l.source === 'stolen');
  const kept = new Set(['stolen', ...links.map((l) => l.target)]);
  return { nodes: data.nodes.filter((n) => kept.has(n.id)), links };
}
