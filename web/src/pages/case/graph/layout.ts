// The hop-column layout: money flows left to right, one column per hop, computed in one pass (no
// physics), so it stays instant for thousands of nodes.
import { COLUMN_WIDTH, ROW_HEIGHT } from './model.ts';

/** What the layout needs of a graph. */
export type LayoutGraph = {
  nodes: { id: string; seed: boolean }[];
  edges: { from: string; to: string; hop: number | null }[];
};

export type Point = { x: number; y: number };

/**
 * Column of each node: its lowest incoming trace hop (a trace's sources sit one column left of
 * their first hop); nodes without hops take a column beside a placed neighbour, breadth-first.
 */
export function columnsOf(g: LayoutGraph): Map<string, number> {
  const level = new Map<string, number>();
  for (const e of g.edges) {
    if (e.hop === null) continue;
    const to = level.get(e.to);
    if (to === undefined || e.hop < to) level.set(e.to, e.hop);
  }
  // Sources (nothing traced flows into them) sit one column left of the first hop they start.
  const sources = new Map<string, number>();
  for (const e of g.edges) {
    if (e.hop === null || level.has(e.from)) continue;
    sources.set(e.from, Math.min(sources.get(e.from) ?? Infinity, e.hop - 1));
  }
  for (const [id, l] of sources) level.set(id, l);
  const out = new Map<string, string[]>();
  const inn = new Map<string, string[]>();
  for (const e of g.edges) {
    (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e.to);
    (inn.get(e.to) ?? inn.set(e.to, []).get(e.to)!).push(e.from);
  }
  const spread = (queue: string[]) => {
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]!;
      const l = level.get(id)!;
      for (const next of out.get(id) ?? [])
        if (!level.has(next)) {
          level.set(next, l + 1);
          queue.push(next);
        }
      for (const prev of inn.get(id) ?? [])
        if (!level.has(prev)) {
          level.set(prev, l - 1);
          queue.push(prev);
        }
    }
  };
  spread([...level.keys()]);
  // What no trace reached: start from seeds, then from addresses nothing flows into.
  const roots = [
    ...g.nodes.filter((n) => n.seed),
    ...g.nodes.filter((n) => !(inn.get(n.id)?.length ?? 0)),
    ...g.nodes,
  ];
  for (const n of roots)
    if (!level.has(n.id)) {
      level.set(n.id, 0);
      spread([n.id]);
    }
  return level;
}

/**
 * Positions of every node: x by column, y spread within the column in the order of the nodes they
 * receive from (a barycentre pass left to right keeps most edges short and uncrossed).
 */
export function columnPositions(g: LayoutGraph): Map<string, Point> {
  const level = columnsOf(g);
  const columns = new Map<number, string[]>();
  for (const n of g.nodes) {
    const l = level.get(n.id) ?? 0;
    (columns.get(l) ?? columns.set(l, []).get(l)!).push(n.id);
  }
  const inn = new Map<string, string[]>();
  for (const e of g.edges) (inn.get(e.to) ?? inn.set(e.to, []).get(e.to)!).push(e.from);
  const seed = new Set(g.nodes.filter((n) => n.seed).map((n) => n.id));
  const rank = new Map<string, number>();
  const at = new Map<string, Point>();
  const order = [...columns.keys()].sort((a, b) => a - b);
  const min = order[0] ?? 0;
  for (const l of order) {
    const ids = columns.get(l)!;
    const key = new Map<string, number>();
    for (const id of ids) {
      let sum = 0;
      let count = 0;
      for (const p of inn.get(id) ?? []) {
        const r = rank.get(p);
        if (r !== undefined) {
          sum += r;
          count++;
        }
      }
      key.set(id, count ? sum / count : -1e9);
    }
    ids.sort(
      (a, b) =>
        key.get(a)! - key.get(b)! ||
        (seed.has(b) ? 1 : 0) - (seed.has(a) ? 1 : 0) ||
        (a < b ? -1 : 1),
    );
    ids.forEach((id, i) => {
      const y = i - (ids.length - 1) / 2;
      rank.set(id, y);
      at.set(id, { x: (l - min) * COLUMN_WIDTH, y: Math.round(y * ROW_HEIGHT) });
    });
  }
  return at;
}
