import { escapeHtml } from './escape-html.ts';
import { BUCKET_LABELS, BUCKET_ORDER } from './summarise-trace.ts';
import type { ReportBucket, WhereRow } from './types.ts';

/** Drawing size in CSS pixels: the width of an A4 page's text column at 96 dpi. */
const WIDTH_PX = 680;
/** Height the bands of 100% share, without the gaps between nodes. */
const FLOW_HEIGHT_PX = 300;
const NODE_WIDTH_PX = 12;
const GAP_PX = 8;
/** A band narrower than this would vanish: small shares are drawn this wide, and labelled with their figure. */
const MIN_BAND_PX = 1.5;
/** Entities drawn on the right; the rest of a bucket is one node "others". */
const MAX_ENTITIES = 12;
const LABEL_FONT_PX = 11;

/** Colour per bucket (print-safe, readable on white). */
export const BUCKET_COLOURS: Readonly<Record<ReportBucket, string>> = {
  exchanges: '#1f6feb',
  bridged: '#8250df',
  mixed: '#cf222e',
  held: '#bf8700',
  frozen: '#1a7f37',
  other: '#57606a',
  untraced: '#afb8c1',
};

const pct = (share: number) =>
  share > 0 && share < 0.0005 ? '< 0.1%' : `${(share * 100).toFixed(1)}%`;

/** Characters of an entity name drawn beside its node; the tables give it in full. */
const MAX_LABEL_CHARS = 34;

function shortLabel(text: string): string {
  return text.length <= MAX_LABEL_CHARS ? text : `${text.slice(0, MAX_LABEL_CHARS - 1)}…`;
}

type Node = { label: string; share: number; colour: string; y: number; h: number };

/** Lays nodes out top to bottom in one column, heights by share, and returns the column's height. */
function layout(nodes: Node[], top: number): number {
  let y = top;
  for (const n of nodes) {
    n.y = y;
    n.h = Math.max(MIN_BAND_PX, n.share * FLOW_HEIGHT_PX);
    y += n.h + GAP_PX;
  }
  return y - GAP_PX;
}

/** A band from (x0, y0..y0+h0) to (x1, y1..y1+h1) as a closed cubic path. */
function band(x0: number, y0: number, x1: number, y1: number, h: number, colour: string): string {
  const mid = (x0 + x1) / 2;
  const d =
    `M${x0.toFixed(1)},${y0.toFixed(1)} C${mid.toFixed(1)},${y0.toFixed(1)} ${mid.toFixed(1)},${y1.toFixed(1)} ${x1.toFixed(1)},${y1.toFixed(1)} ` +
    `L${x1.toFixed(1)},${(y1 + h).toFixed(1)} C${mid.toFixed(1)},${(y1 + h).toFixed(1)} ${mid.toFixed(1)},${(y0 + h).toFixed(1)} ${x0.toFixed(1)},${(y0 + h).toFixed(1)} Z`;
  return `<path d="${d}" fill="${colour}" fill-opacity="0.35"/>`;
}

function label(x: number, n: Node, anchor: 'start' | 'end'): string {
  const y = n.y + n.h / 2 + LABEL_FONT_PX / 3;
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${LABEL_FONT_PX}" text-anchor="${anchor}">${escapeHtml(`${n.label} ${pct(n.share)}`)}</text>`;
}

/**
 * The summary's Sankey as inline SVG (drawn here, no library): the seed on the left, where it went
 * by bucket in the middle (exchanges, bridged, mixed, still held, frozen, other, untraced), and the
 * entities of each bucket on the right, band widths by share of the seed.
 *
 * @example
 * const svg = sankeySvg(report.summary.where);
 */
export function sankeySvg(rows: readonly WhereRow[]): string {
  const buckets = BUCKET_ORDER.map((bucket) => ({
    bucket,
    rows: rows.filter((r) => r.bucket === bucket && r.share > 0),
  })).filter((b) => b.rows.length > 0);
  const total = buckets.reduce((s, b) => s + b.rows.reduce((t, r) => t + r.share, 0), 0);
  const seed: Node = { label: 'Seed', share: total, colour: '#24292f', y: 0, h: 0 };
  const middle: (Node & { bucket: ReportBucket })[] = buckets.map((b) => ({
    bucket: b.bucket,
    label: BUCKET_LABELS[b.bucket],
    share: b.rows.reduce((t, r) => t + r.share, 0),
    colour: BUCKET_COLOURS[b.bucket],
    y: 0,
    h: 0,
  }));
  // Entities: the largest, each in its bucket's colour; the untraced bucket has none.
  const ranked = rows
    .filter((r) => r.bucket !== 'untraced' && r.share > 0)
    .sort((a, b) => b.share - a.share);
  const shown = new Set(ranked.slice(0, MAX_ENTITIES));
  const right: (Node & { bucket: ReportBucket })[] = [];
  for (const b of buckets) {
    if (b.bucket === 'untraced') continue;
    let rest = 0;
    for (const r of b.rows) {
      if (shown.has(r)) {
        right.push({
          bucket: b.bucket,
          label: shortLabel(r.entity ?? r.category.replace(/_/g, ' ')),
          share: r.share,
          colour: BUCKET_COLOURS[b.bucket],
          y: 0,
          h: 0,
        });
      } else rest += r.share;
    }
    if (rest > 0)
      right.push({
        bucket: b.bucket,
        label: `others (${BUCKET_LABELS[b.bucket].toLowerCase()})`,
        share: rest,
        colour: BUCKET_COLOURS[b.bucket],
        y: 0,
        h: 0,
      });
  }
  const top = 10;
  const height = Math.max(layout([seed], top), layout(middle, top), layout(right, top)) + top;
  const x0 = 40;
  const x1 = 250;
  const x2 = 400;
  const parts: string[] = [];
  // Seed -> buckets: the seed node is cut in the buckets' order.
  let seedY = seed.y;
  for (const m of middle) {
    parts.push(band(x0 + NODE_WIDTH_PX, seedY, x1, m.y, m.h, m.colour));
    seedY += m.h;
  }
  // Buckets -> entities.
  for (const m of middle) {
    let y = m.y;
    for (const r of right.filter((n) => n.bucket === m.bucket)) {
      const h = Math.min(r.h, m.h);
      parts.push(band(x1 + NODE_WIDTH_PX, y, x2, r.y, h, r.colour));
      y += h;
    }
  }
  const rect = (x: number, n: Node) =>
    `<rect x="${x}" y="${n.y.toFixed(1)}" width="${NODE_WIDTH_PX}" height="${n.h.toFixed(1)}" fill="${n.colour}"/>`;
  parts.push(rect(x0, { ...seed, h: seedY - seed.y }));
  parts.push(
    `<text x="${x0 - 4}" y="${(seed.y + (seedY - seed.y) / 2).toFixed(1)}" font-size="${LABEL_FONT_PX}" text-anchor="end">Seed</text>`,
  );
  for (const m of middle) parts.push(rect(x1, m), label(x1 - 4, m, 'end'));
  for (const r of right) parts.push(rect(x2, r), label(x2 + NODE_WIDTH_PX + 4, r, 'start'));
  return `<svg class="sankey" role="img" aria-label="Where the traced value went" width="100%" style="max-width: ${WIDTH_PX}px" viewBox="0 0 ${WIDTH_PX} ${Math.ceil(height)}" font-family="sans-serif">${parts.join('')}</svg>`;
}
