import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MultiDirectedGraph } from 'graphology';
import { assembleGraphIndex, type EdgeColumns, type NameTable } from '../src/trace/graph-index.ts';
import { type GraphIndex, NODE_ACCOUNT } from '../src/trace/types.ts';
import { removeDb } from './duckdb-files.ts';
import type { Benchmark, BenchmarkContext } from './types.ts';

/** Transfers of the generated graph (the 10 M); `BENCH_TRACE_EDGES` scales it down. */
const EDGES = Number(process.env.BENCH_TRACE_EDGES ?? 10_000_000);
/** Edges of the subgraph the DuckDB recursive CTE and graphology run on (both are far slower). */
const SQL_EDGES = Number(process.env.BENCH_TRACE_SQL_EDGES ?? 100_000);
const GRAPHOLOGY_EDGES = Number(process.env.BENCH_TRACE_GRAPHOLOGY_EDGES ?? 1_000_000);
/** Exchange hubs: each is a side of about HUB_SHARE / HUBS of all transfers (millions at 10 M). */
const HUBS = 5;
const HUB_SHARE = 0.4;
/** Users per transfer; a user's activity follows a power law (a few very active, most rare). */
const USERS_PER_EDGE = 0.1;
const ZIPF_EXPONENT = 3;
/** Generated transfers start here and one follows another every few seconds (increasing times). */
const START_TIME = 1_700_000_000;
const SECONDS_PER_EDGE = 3;
/** Timed runs of each traversal; the best counts. */
const ROUNDS = 3;
/** The seed starts at this fraction of the time span (value stolen then moves forward). */
const SEED_AT = 0.5;
/** Where the seed's transfer is looked for: the hour after that point. */
const SEED_WINDOW_SECONDS = 3_600;
const SEED_MIN_OUT_EDGES = 3;

/** xorshift32: a fixed pseudo-random sequence, so every run generates the same graph. */
function createRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** Names of generated nodes, assets and txs: numbered, never real addresses. */
function syntheticNames(count: number, prefix: string): NameTable {
  return {
    count,
    chainOf: () => 'bench',
    valueOf: (id) => `${prefix}${id}`,
    idOf: (chain, value) =>
      chain === 'bench' && value.startsWith(prefix)
        ? Number(value.slice(prefix.length))
        : undefined,
  };
}

export function generate(edges: number): {
  index: GraphIndex;
  buildSeconds: number;
  users: number;
} {
  const users = Math.max(10, Math.floor(edges * USERS_PER_EDGE));
  const nodeCount = HUBS + users;
  const random = createRandom(42);
  const cols: EdgeColumns = {
    count: edges,
    src: new Uint32Array(edges),
    dst: new Uint32Array(edges),
    asset: new Uint32Array(edges),
    amount: new Float64Array(edges),
    time: new Uint32Array(edges),
    tx: new Uint32Array(edges),
  };
  const party = () =>
    random() < HUB_SHARE
      ? Math.floor(random() * HUBS)
      : HUBS + Math.floor(random() ** ZIPF_EXPONENT * users);
  for (let i = 0; i < edges; i++) {
    let s = party();
    let d = party();
    if (s === d) d = HUBS + ((d - HUBS + 1) % users);
    if (s < HUBS && d < HUBS) s = HUBS + Math.floor(random() * users);
    cols.src[i] = s;
    cols.dst[i] = d;
    cols.asset[i] = random() < 0.7 ? 0 : 1;
    // Log-uniform amounts from 1e15 to 1e21 raw units.
    cols.amount[i] = 10 ** (15 + random() * 6);
    cols.time[i] = START_TIME + i * SECONDS_PER_EDGE;
    cols.tx[i] = i;
  }
  const t0 = performance.now();
  const index = assembleGraphIndex({
    nodes: syntheticNames(nodeCount, 'n'),
    nodeKind: new Uint8Array(nodeCount).fill(NODE_ACCOUNT),
    assets: syntheticNames(2, 'asset'),
    txs: syntheticNames(edges, 'tx'),
    edges: cols,
  });
  return { index, buildSeconds: (performance.now() - t0) / 1000, users };
}

/** Arrival "never" in the Uint32 arrival times. */
const NEVER = 0xffffffff;

/**
 * The subject: earliest arrival from the seed over the index (Dijkstra on times, a binary heap in
 * typed arrays). An edge is followed only if its time is at or after the arrival at its source;
 * out edges are time-sorted, so a binary search skips the earlier ones. Returns nodes reached and
 * edges visited.
 */
function timeRespecting(index: GraphIndex, seed: number, seedTime: number) {
  const arrival = new Uint32Array(index.nodeCount).fill(NEVER);
  let keys = new Uint32Array(1 << 16);
  let vals = new Uint32Array(1 << 16);
  const { outStart, time, dst } = index;
  arrival[seed] = seedTime;
  keys[0] = seedTime;
  vals[0] = seed;
  let size = 1;
  let visits = 0;
  let reached = 0;
  while (size) {
    // Pop the earliest (time, node).
    const n = vals[0]!;
    const t = keys[0]!;
    size--;
    if (size) {
      const k = keys[size]!;
      const x = vals[size]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= size) break;
        if (c + 1 < size && keys[c + 1]! < keys[c]!) c++;
        if (keys[c]! >= k) break;
        keys[i] = keys[c]!;
        vals[i] = vals[c]!;
        i = c;
      }
      keys[i] = k;
      vals[i] = x;
    }
    if (t > arrival[n]!) continue;
    reached++;
    let lo = outStart[n]!;
    let hi = outStart[n + 1]!;
    const end = hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (time[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    visits += end - lo;
    for (let e = lo; e < end; e++) {
      const d = dst[e]!;
      const te = time[e]!;
      if (te >= arrival[d]!) continue;
      arrival[d] = te;
      if (size === keys.length) {
        const k2 = new Uint32Array(size * 2);
        k2.set(keys);
        keys = k2;
        const v2 = new Uint32Array(size * 2);
        v2.set(vals);
        vals = v2;
      }
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (keys[p]! <= te) break;
        keys[i] = keys[p]!;
        vals[i] = vals[p]!;
        i = p;
      }
      keys[i] = te;
      vals[i] = d;
    }
  }
  return { reached, visits };
}

/** The floor: plain BFS over the same CSR, time ignored. */
export function bareBfs(index: GraphIndex, seed: number) {
  const seen = new Uint8Array(index.nodeCount);
  const queue = new Uint32Array(index.nodeCount);
  let head = 0;
  let tail = 0;
  queue[tail++] = seed;
  seen[seed] = 1;
  let visits = 0;
  const { outStart, dst } = index;
  while (head < tail) {
    const n = queue[head++]!;
    const end = outStart[n + 1]!;
    visits += end - outStart[n]!;
    for (let e = outStart[n]!; e < end; e++) {
      const d = dst[e]!;
      if (!seen[d]) {
        seen[d] = 1;
        queue[tail++] = d;
      }
    }
  }
  return { reached: tail, visits };
}

function best<T>(fn: () => T, rounds = ROUNDS): { seconds: number; result: T } {
  let seconds = Infinity;
  let result!: T;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    result = fn();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, result };
}

/**
 * The highest-value transfer to a user in the hour after `from`: its receiver is the seed, holding
 * the value from that transfer's time (stolen funds landing at the thief).
 */
export function pickSeed(index: GraphIndex, from: number): { seed: number; time: number } {
  let bestEdge = -1;
  for (let e = 0; e < index.edgeCount; e++) {
    const t = index.time[e]!;
    const d = index.dst[e]!;
    if (d < HUBS || t < from || t > from + SEED_WINDOW_SECONDS) continue;
    // A thief moves the funds on: a receiver that never sends again is no seed.
    const last = index.outStart[d + 1]! - 1;
    if (last - index.outStart[d]! + 1 < SEED_MIN_OUT_EDGES || index.time[last]! <= t) continue;
    if (bestEdge < 0 || index.amount[e]! > index.amount[bestEdge]!) bestEdge = e;
  }
  return { seed: index.dst[bestEdge]!, time: index.time[bestEdge]! };
}

/** The first `edges` transfers of the graph (in time), as an index of their own. */
function prefix(index: GraphIndex, edges: number): GraphIndex {
  const keep: number[] = [];
  for (let e = 0; e < index.edgeCount; e++)
    if (index.time[e]! < START_TIME + edges * SECONDS_PER_EDGE) keep.push(e);
  keep.sort((a, b) => index.time[a]! - index.time[b]!);
  const pick = <T extends Uint32Array | Float64Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(keep.length);
    keep.forEach((e, i) => (out[i] = a[e]!));
    return out;
  };
  return assembleGraphIndex({
    nodes: syntheticNames(index.nodeCount, 'n'),
    nodeKind: index.nodeKind,
    assets: syntheticNames(2, 'asset'),
    txs: syntheticNames(edges, 'tx'),
    edges: {
      count: keep.length,
      src: pick(index.src),
      dst: pick(index.dst),
      asset: pick(index.asset),
      amount: pick(index.amount),
      time: pick(index.time),
      tx: pick(index.tx),
    },
  });
}

/** The same earliest-arrival traversal on graphology (objects per node and edge). */
function graphologyTraversal(graph: MultiDirectedGraph, seed: string, seedTime: number) {
  const arrival = new Map<string, number>([[seed, seedTime]]);
  const heap: [number, string][] = [[seedTime, seed]];
  const settled = new Set<string>();
  let visits = 0;
  // A sorted-array queue would favour graphology less than a heap; use the same heap discipline.
  const push = (k: number, v: string) => {
    heap.push([k, v]);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p]![0] <= k) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const pop = () => {
    const topItem = heap[0]!;
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= heap.length) break;
        if (c + 1 < heap.length && heap[c + 1]![0] < heap[c]![0]) c++;
        if (heap[c]![0] >= heap[i]![0]) break;
        [heap[i], heap[c]] = [heap[c]!, heap[i]!];
        i = c;
      }
    }
    return topItem;
  };
  while (heap.length) {
    const [t, n] = pop();
    if (settled.has(n) || t > (arrival.get(n) ?? Infinity)) continue;
    settled.add(n);
    graph.forEachOutEdge(n, (_e, attrs, _s, d) => {
      const time = attrs.time as number;
      if (time < t) return;
      visits++;
      if (time < (arrival.get(d) ?? Infinity)) {
        arrival.set(d, time);
        push(time, d);
      }
    });
  }
  return { reached: settled.size, visits };
}

async function sqlTraversal(
  ctx: BenchmarkContext,
  index: GraphIndex,
  seed: number,
  seedTime: number,
): Promise<{ seconds: number; reached: number }> {
  const file = path.join(ctx.workDir, 'trace-sql.duckdb');
  removeDb(file);
  const db = await DuckDBInstance.create(file);
  const con = await db.connect();
  try {
    await con.run('CREATE TABLE edges (src UINTEGER, dst UINTEGER, time UINTEGER)');
    const appender = await con.createAppender('edges');
    for (let e = 0; e < index.edgeCount; e++) {
      appender.appendUInteger(index.src[e]!);
      appender.appendUInteger(index.dst[e]!);
      appender.appendUInteger(index.time[e]!);
      appender.endRow();
    }
    appender.closeSync();
    // Earliest arrival per node as the recursion's key: each round keeps a node's best time only.
    const sql = `WITH RECURSIVE r(node, t) USING KEY (node) AS (
        SELECT ${seed}::UINTEGER, ${seedTime}::UINTEGER
        UNION
        SELECT e.dst, min(e.time) FROM r JOIN edges e ON e.src = r.node AND e.time >= r.t
        LEFT JOIN recurring.r prev ON prev.node = e.dst
        WHERE prev.node IS NULL OR e.time < prev.t
        GROUP BY e.dst)
      SELECT count(*)::INTEGER AS n FROM r`;
    let seconds = Infinity;
    let reached = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      const rows = (await con.runAndReadAll(sql)).getRowObjectsJS();
      seconds = Math.min(seconds, (performance.now() - t0) / 1000);
      reached = Number(rows[0]!.n);
    }
    return { seconds, reached };
  } finally {
    con.closeSync();
    db.closeSync();
    removeDb(file);
  }
}

/**
 * Time-respecting reachability over the trace graph index, against a bare typed-array BFS (the
 * floor), DuckDB's recursive SQL and graphology on the same generated graph.
 */
export const traceBenchmark: Benchmark = {
  id: 'trace',
  name: `trace: time-respecting reachability on the graph index (${EDGES.toLocaleString('en-US')} transfers)`,
  async run(ctx) {
    ctx.log(`  generating ${EDGES.toLocaleString('en-US')} transfers and building the index ...`);
    const { index, buildSeconds } = generate(EDGES);
    const bytesPerEdge = index.byteLength() / index.edgeCount;
    const { seed, time: seedTime } = pickSeed(
      index,
      START_TIME + Math.floor(EDGES * SEED_AT) * SECONDS_PER_EDGE,
    );
    const subject = best(() => timeRespecting(index, seed, seedTime));
    const reference = best(() => bareBfs(index, seed));
    const subjectRate = subject.result.visits / subject.seconds;
    const referenceRate = reference.result.visits / reference.seconds;
    // Ratios as rates: the BFS visits every out edge, the time-respecting traversal fewer.
    const perVisit = (s: number, v: number) => (s / v) * subject.result.visits;

    ctx.log(
      `  DuckDB recursive CTE on the first ${SQL_EDGES.toLocaleString('en-US')} transfers ...`,
    );
    const small = prefix(index, SQL_EDGES);
    const { seed: smallSeed, time: smallSeedTime } = pickSeed(
      small,
      START_TIME + Math.floor(SQL_EDGES * SEED_AT) * SECONDS_PER_EDGE,
    );
    const smallIndex = best(() => timeRespecting(small, smallSeed, smallSeedTime), 20);
    const sql = await sqlTraversal(ctx, small, smallSeed, smallSeedTime);
    if (sql.reached !== smallIndex.result.reached)
      throw new Error(`SQL reached ${sql.reached} nodes, the index ${smallIndex.result.reached}`);
    const sqlRatio = sql.seconds / smallIndex.seconds;

    ctx.log(`  graphology on the first ${GRAPHOLOGY_EDGES.toLocaleString('en-US')} transfers ...`);
    const mid = prefix(index, GRAPHOLOGY_EDGES);
    const { seed: midSeed, time: midSeedTime } = pickSeed(
      mid,
      START_TIME + Math.floor(GRAPHOLOGY_EDGES * SEED_AT) * SECONDS_PER_EDGE,
    );
    const graph = new MultiDirectedGraph();
    for (let n = 0; n < mid.nodeCount; n++) graph.addNode(String(n));
    for (let e = 0; e < mid.edgeCount; e++)
      graph.addEdge(String(mid.src[e]), String(mid.dst[e]), { time: mid.time[e] });
    const midIndex = best(() => timeRespecting(mid, midSeed, midSeedTime));
    const g = best(() => graphologyTraversal(graph, String(midSeed), midSeedTime));
    if (g.result.reached !== midIndex.result.reached)
      throw new Error(
        `graphology reached ${g.result.reached} nodes, the index ${midIndex.result.reached}`,
      );
    const graphologyRatio = g.seconds / midIndex.seconds;

    const verdict = (r: number, target: number) =>
      `${r.toFixed(1)}x (target ${target}x: ${r >= target ? 'met' : 'NOT met'})`;
    return {
      reference: {
        label: `bare typed-array BFS over the same CSR, time ignored (${reference.result.visits.toLocaleString('en-US')} edge visits, ${Math.round(referenceRate).toLocaleString('en-US')}/s), seconds for the subject's visit count`,
        seconds: perVisit(reference.seconds, reference.result.visits),
      },
      subject: {
        label: `time-respecting earliest-arrival traversal (${subject.result.visits.toLocaleString('en-US')} edge visits, ${subject.result.reached.toLocaleString('en-US')} nodes reached)`,
        seconds: subject.seconds,
      },
      rows: subject.result.visits,
      unit: 'edge visits',
      target: 0.5,
      notes: [
        `(a) vs bare BFS, per edge visit: ${(subjectRate / referenceRate).toFixed(2)}x`,
        `(b) vs DuckDB recursive CTE (USING KEY earliest arrival) on the first ${small.edgeCount.toLocaleString('en-US')} transfers, same seed rule and same ${sql.reached.toLocaleString('en-US')} nodes reached: SQL ${(sql.seconds * 1000).toFixed(1)} ms, index ${(smallIndex.seconds * 1000).toFixed(3)} ms (${smallIndex.result.visits.toLocaleString('en-US')} visits): ${verdict(sqlRatio, 20)}`,
        `(c) vs graphology (MultiDirectedGraph, same heap traversal) on the first ${mid.edgeCount.toLocaleString('en-US')} transfers, same ${g.result.reached.toLocaleString('en-US')} nodes reached: graphology ${(g.seconds * 1000).toFixed(1)} ms, index ${(midIndex.seconds * 1000).toFixed(1)} ms: ${verdict(graphologyRatio, 30)}`,
        `index: ${index.nodeCount.toLocaleString('en-US')} nodes, ${index.edgeCount.toLocaleString('en-US')} edges, ${bytesPerEdge.toFixed(1)} bytes per transfer (32 per edge + node arrays), built in ${buildSeconds.toFixed(2)} s from generated typed arrays by the builder core (assembleGraphIndex; not read through the store)`,
        `graph: ${HUBS} exchange hubs on ${Math.round(HUB_SHARE * 100)}% of transfer sides, users with power-law activity, one transfer every ${SECONDS_PER_EDGE} s`,
      ],
    };
  },
};
