// The time layout: money read left to right in the order it arrived. x is when tainted value first
// reached each address, y as the hop layout spreads them. One pass after the hop layout (no
// physics), so it stays instant for thousands of nodes like the columns.
import { columnPositions, type Point } from './layout.ts';
import { COLUMN_WIDTH, ROW_HEIGHT } from './model.ts';

/** What the time layout needs of a graph: the hop layout's input, and each edge's first time. */
export type TimeLayoutGraph = {
  nodes: { id: string; seed: boolean }[];
  edges: {
    from: string;
    to: string;
    hop: number | null;
    /** Unix seconds of its first transfer (null when none has a time). */
    first: number | null;
    /** Whether a trace found tainted value on it (more than zero). */
    tainted: boolean;
  }[];
};

/**
 * Most time columns. Each distinct arrival time gets a column of its own up to this many; beyond,
 * consecutive times share columns (as evenly as they divide), so a laundering spread over weeks of
 * blocks stays about as wide as its hops (the demo's theft arrives at 10 distinct times).
 */
export const MAX_TIME_COLUMNS = 60;

/** One column of the time axis: where it is and the times of the arrivals it holds. */
export type TimeTick = { x: number; from: number; to: number };

/** The time axis of a time layout, for the canvas's column labels and the caption. */
export type TimeAxis = {
  ticks: TimeTick[];
  /** Earliest and latest arrival times placed. */
  min: number;
  max: number;
  /** x of the seeds' column (null when no seed is drawn). */
  seedX: number | null;
  /** Nodes without any time (no timed edge), in a column right of the last time. */
  untimed: number;
  /** x of that column (null when every node has a time). */
  untimedX: number | null;
  /** y above the topmost node, where the column labels go. */
  top: number;
};

/**
 * When value first arrived at each node: the earliest first transfer of the edges into it that
 * carry taint, else of any edge into it (a counterparty flow). Nodes nothing timed flows into are
 * left out. Self-transfers say nothing about arrival.
 */
export function arrivalTimes(g: TimeLayoutGraph): Map<string, number> {
  const tainted = new Map<string, number>();
  const any = new Map<string, number>();
  for (const e of g.edges) {
    if (e.first === null || e.from === e.to) continue;
    if (e.tainted) earliest(tainted, e.to, e.first);
    earliest(any, e.to, e.first);
  }
  const at = new Map<string, number>();
  for (const n of g.nodes) {
    const t = tainted.get(n.id) ?? any.get(n.id);
    if (t !== undefined) at.set(n.id, t);
  }
  return at;
}

function earliest(m: Map<string, number>, id: string, t: number): void {
  const v = m.get(id);
  if (v === undefined || t < v) m.set(id, t);
}

/**
 * Positions by time: `pinned` nodes (the theft's seeds) in the first column, then a column per
 * arrival time in order (not to scale: a burst of blocks and a week's pause are each one step). A
 * node money only leaves (a trace's source, such as a theft's victim) sits one column before the
 * first arrival at or after its first departure: it held the money just before. Nodes without any
 * time go in a column after the last. Within a column nodes keep the hop layout's order and
 * heights, pushed apart where two would overlap (nodes of different hops can share a time). With no
 * time at all the hop layout stands, and the axis is null.
 */
export function timePositions(
  g: TimeLayoutGraph,
  pinned: ReadonlySet<string>,
): { at: Map<string, Point>; axis: TimeAxis | null } {
  const hop = columnPositions(g);
  const arrival = arrivalTimes(g);
  for (const id of pinned) arrival.delete(id);
  const departure = new Map<string, number>();
  for (const e of g.edges)
    if (e.first !== null && e.from !== e.to && !arrival.has(e.from))
      earliest(departure, e.from, e.first);
  const times = [...new Set(arrival.values())].sort((a, b) => a - b);
  if (times.length === 0) return { at: hop, axis: null };
  const perColumn = Math.ceil(times.length / MAX_TIME_COLUMNS);
  // Column 0 is the seeds' when some are drawn; time columns follow.
  const offset = g.nodes.some((n) => pinned.has(n.id)) ? 1 : 0;
  const columns = Math.floor((times.length - 1) / perColumn) + 1;
  /** The time column of the first arrival at or after `t` (one past the last when none is). */
  const columnFrom = (t: number) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return offset + (lo === times.length ? columns : Math.floor(lo / perColumn));
  };
  const untimedColumn = offset + columns;
  const members = new Map<number, string[]>();
  for (const n of g.nodes) {
    const t = arrival.get(n.id);
    const left = departure.get(n.id);
    const column = pinned.has(n.id)
      ? 0
      : t !== undefined
        ? columnFrom(t)
        : left !== undefined
          ? Math.max(0, columnFrom(left) - 1)
          : untimedColumn;
    (members.get(column) ?? members.set(column, []).get(column)!).push(n.id);
  }
  const at = new Map<string, Point>();
  let top = Infinity;
  for (const [column, ids] of members) {
    const place = (id: string) => hop.get(id) ?? { x: 0, y: 0 };
    ids.sort((a, b) => place(a).y - place(b).y || place(a).x - place(b).x || (a < b ? -1 : 1));
    let previous = -Infinity;
    for (const id of ids) {
      const y = Math.max(place(id).y, previous + ROW_HEIGHT);
      previous = y;
      top = Math.min(top, y);
      at.set(id, { x: column * COLUMN_WIDTH, y });
    }
  }
  const ticks: TimeTick[] = [];
  for (let c = 0; c < columns; c++) {
    const inColumn = times.slice(c * perColumn, (c + 1) * perColumn);
    ticks.push({ x: (offset + c) * COLUMN_WIDTH, from: inColumn[0]!, to: inColumn.at(-1)! });
  }
  const untimed = members.get(untimedColumn)?.length ?? 0;
  return {
    at,
    axis: {
      ticks,
      min: times[0]!,
      max: times.at(-1)!,
      seedX: offset ? 0 : null,
      untimed,
      untimedX: untimed ? untimedColumn * COLUMN_WIDTH : null,
      top: top - 2 * ROW_HEIGHT,
    },
  };
}

/** A label of the time axis, drawn on the canvas above its column. */
export type AxisLabel = { id: string; x: number; y: number; label: string };

/** `2025-02-21` and `14:14:11` of Unix seconds, in UTC. */
function dayAndTime(seconds: number): [string, string] {
  const iso = new Date(seconds * 1000).toISOString();
  return [iso.slice(0, 10), iso.slice(11, 19)];
}

/**
 * The axis's column labels: `seeds`, then each column's time (UTC; the day again where it changes;
 * `14:14:11 …` for a column holding several times), then `no time`.
 */
export function axisLabels(axis: TimeAxis | null): AxisLabel[] {
  if (!axis) return [];
  const labels: AxisLabel[] = [];
  if (axis.seedX !== null)
    labels.push({ id: 'axis:seeds', x: axis.seedX, y: axis.top, label: 'seeds' });
  let day = '';
  axis.ticks.forEach((t, i) => {
    const [d, time] = dayAndTime(t.from);
    const text = `${time}${t.to !== t.from ? ' …' : ''}`;
    labels.push({
      id: `axis:${i}`,
      x: t.x,
      y: axis.top,
      label: d === day ? text : `${d}\n${text} UTC`,
    });
    day = d;
  });
  if (axis.untimedX !== null)
    labels.push({ id: 'axis:untimed', x: axis.untimedX, y: axis.top, label: 'no time' });
  return labels;
}
