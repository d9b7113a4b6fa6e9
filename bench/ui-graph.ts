// The web UI's investigation graph in a real browser: how long a case takes to draw its graph, and
// the frame times while panning and zooming it, for a small graph (the reference) and one of about
// 5,000 nodes (the README's claim that such graphs stay smooth). Both graphs are synthetic finished
// traces stored as cases and served by `chaintrail serve`; the browser is Debian's Chromium.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApiKey } from '../src/api/auth/api-keys.ts';
import { createCaseStore } from '../src/api/cases/case-store.ts';
import { saveFinishedTrace, TRACE_JOB_KIND } from '../src/api/traces/trace-jobs.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import type {
  TraceEdge,
  TraceEndpoint,
  TraceNode,
  TraceParameters,
  TraceResult,
} from '../src/trace/types.ts';
import { openPage } from '../test/e2e/harness.ts';
import { browserOrSkip } from './browser.ts';
import { startServerProcess, stop } from './server-process.ts';
import type { Benchmark, BenchmarkContext, BenchmarkResult, BenchmarkSkipped } from './types.ts';

/** The demo's local chain: the UI knows its native asset (ETH, 18 decimals). */
const CHAIN = 'anvil';
const ORG = 'default';
/** The graph view's size on the README's desktop width. */
const VIEWPORT = { width: 1280, height: 800, theme: 'light' } as const;
/**
 * Mouse moves of one pan drag, and the pixels each moves the pointer: 240 x 120 px in all, so the
 * fitted graph (centred in a canvas about 640 px wide) stays mostly in view while it moves.
 */
const PAN_MOVES = 60;
const PAN_STEP = { x: 4, y: 2 };
/**
 * Wheel steps each way, and the wheel delta of a step (one notch of a mouse wheel). Cytoscape zooms
 * a few per cent a notch (it scales evenly spaced deltas down), so 20 notches double the zoom.
 */
const ZOOM_STEPS = 20;
const WHEEL_DELTA = 120;
/** How long a case may take to draw before the benchmark fails (a 5,000-node graph, 2 slow cores). */
const OPEN_TIMEOUT_MS = 120_000;
/** Synthetic transfers start here and each hop follows the previous one ten minutes later. */
const START_TIME = 1_700_000_000;
const HOP_SECONDS = 600;
/** 1,000 ETH in wei: what the synthetic theft moves. */
const SEED_VALUE = 10n ** 21n;
/** Each hop of a peel chain passes on this many hundredths of what it got (1% peeled off). */
const PEEL_KEEP = 99n;
/** What each address of the dust fan-out gets: 0.001 ETH. */
const DUST_AMOUNT = 10n ** 15n;

/** The shape of a synthetic trace: splits, peel chains, exchange deposits and a dust fan-out. */
export type Shape = {
  /** Number of the first address (and transaction): the two graphs share none. */
  first: number;
  /** Addresses the source splits the theft across, and peel chains started from each. */
  splits: number;
  chainsPerSplit: number;
  /** Hops of each peel chain before it reaches a deposit address. */
  hops: number;
  exchanges: number;
  depositsPerExchange: number;
  /** Addresses one hop of the first chain sends dust to (0: none). */
  dust: number;
};

/** The reference: 1 + 4 + 4·2·5 + 2·3 = 51 nodes. */
const SMALL: Shape = {
  first: 0x1000000,
  splits: 4,
  chainsPerSplit: 2,
  hops: 5,
  exchanges: 2,
  depositsPerExchange: 3,
  dust: 0,
};
/** The subject: 1 + 40 + 40·5·24 + 6·5 + 300 = 5,171 nodes and 5,340 edges. */
export const LARGE: Shape = {
  first: 1,
  splits: 40,
  chainsPerSplit: 5,
  hops: 24,
  exchanges: 6,
  depositsPerExchange: 5,
  dust: 300,
};

/**
 * A finished forward trace of the given shape, deterministic: numbered addresses (0x000…0001 on),
 * amounts in wei, one transfer per edge. Each peel chain ends at a deposit address of a synthetic
 * exchange (category `deposit_wallet`); the dust addresses are `unspent` endpoints.
 */
export function syntheticTrace(shape: Shape): { result: TraceResult; seed: string } {
  let nextAddress = shape.first;
  let nextTx = shape.first;
  const nodes: TraceNode[] = [];
  const edges: TraceEdge[] = [];
  const addressOf = new Map<string, string>();
  const node = (category: string | null, entity: string | null): string => {
    const address = `0x${(nextAddress++).toString(16).padStart(40, '0')}`;
    const id = `${CHAIN}:${address}`;
    nodes.push({ id, chain: CHAIN, address, category, entity });
    addressOf.set(id, address);
    return id;
  };
  const send = (from: string, to: string, amount: bigint, hop: number, order: number) =>
    edges.push({
      from,
      to,
      txHash: `0x${(nextTx++).toString(16).padStart(64, '0')}`,
      asset: 'native',
      amount: String(amount),
      tainted: String(amount),
      hop,
      time: START_TIME + hop * HOP_SECONDS + order,
    });

  const source = node(null, null);
  const splits = Array.from({ length: shape.splits }, () => node(null, null));
  const deposits = Array.from({ length: shape.exchanges * shape.depositsPerExchange }, (_, i) => {
    const entity = `Synthetic Exchange ${Math.floor(i / shape.depositsPerExchange) + 1}`;
    return { id: node('deposit_wallet', entity), entity, amount: 0n, path: [] as string[] };
  });
  const perSplit = SEED_VALUE / BigInt(shape.splits);
  splits.forEach((split, i) => send(source, split, perSplit, 1, i));

  const dust: { id: string; path: string[] }[] = [];
  const dustHop = Math.floor(shape.hops / 2);
  let chainIndex = 0;
  for (const split of splits)
    for (let c = 0; c < shape.chainsPerSplit; c++, chainIndex++) {
      let at = split;
      let amount = perSplit / BigInt(shape.chainsPerSplit);
      const path = [source, split];
      for (let h = 1; h <= shape.hops; h++) {
        const next = node(null, null);
        amount = (amount * PEEL_KEEP) / 100n;
        send(at, next, amount, h + 1, chainIndex);
        path.push(next);
        at = next;
        // One hop of the first chain scatters dust to many fresh addresses: the fan-out to fold.
        if (chainIndex === 0 && h === dustHop)
          for (let d = 0; d < shape.dust; d++) {
            const to = node(null, null);
            send(at, to, DUST_AMOUNT, h + 2, d);
            amount -= DUST_AMOUNT;
            dust.push({ id: to, path: [...path, to] });
          }
      }
      const deposit = deposits[chainIndex % deposits.length]!;
      send(at, deposit.id, amount, shape.hops + 2, chainIndex);
      deposit.amount += amount;
      if (!deposit.path.length) deposit.path = [...path, deposit.id];
    }

  const share = (amount: bigint) => Number(amount) / Number(SEED_VALUE);
  const addresses = (ids: string[]) => ids.map((id) => addressOf.get(id)!);
  const endpoints: TraceEndpoint[] = [
    ...deposits.map((d) => ({
      chain: CHAIN,
      address: addressOf.get(d.id)!,
      category: 'deposit_wallet',
      entity: d.entity,
      asset: 'native',
      amount: String(d.amount),
      share: share(d.amount),
      finding: `arrived at ${d.entity}: freezable`,
      paths: [addresses(d.path)],
    })),
    ...dust.map((d) => ({
      chain: CHAIN,
      address: addressOf.get(d.id)!,
      category: 'unspent',
      entity: null,
      asset: 'native',
      amount: String(DUST_AMOUNT),
      share: share(DUST_AMOUNT),
      finding: 'unspent',
      paths: [addresses(d.path)],
    })),
  ];
  const byEntity = new Map<string, number>();
  for (const d of deposits) byEntity.set(d.entity, (byEntity.get(d.entity) ?? 0) + share(d.amount));
  const dustShare = dust.length * share(DUST_AMOUNT);
  const traced = endpoints.reduce((sum, e) => sum + e.share, 0);
  const parameters: TraceParameters = {
    seeds: [{ kind: 'address', chain: CHAIN, address: addressOf.get(source)! }],
    direction: 'forward',
    policy: 'haircut',
    maxHops: shape.hops + 2,
  };
  return {
    seed: addressOf.get(source)!,
    result: {
      parameters,
      endpoints,
      nodes,
      edges,
      summary: {
        seedValue: [{ chain: CHAIN, asset: 'native', amount: String(SEED_VALUE) }],
        valuedIn: { chain: CHAIN, asset: 'native' },
        traced,
        untraced: 1 - traced,
        // The 1% peeled off at each hop leaves the graph: small change the trace did not follow.
        untracedBy: { hopLimit: 0, dust: 1 - traced, conversion: 0, fees: 0 },
        byCategory: [
          ...[...byEntity].map(([entity, s]) => ({ category: 'deposit_wallet', entity, share: s })),
          ...(dust.length ? [{ category: 'unspent', entity: null, share: dustShare }] : []),
        ],
        edgesVisited: edges.length,
      },
    },
  };
}

/** A stored case of a synthetic trace, and what the trace holds. */
type StoredCase = { id: string; name: string; nodes: number; edges: number };

/** Writes the key, both traces and their cases into a new database at `db`. */
async function prepareDatabase(db: string): Promise<{ key: string; cases: StoredCase[] }> {
  const store = await createDuckDbStore({ path: db });
  try {
    const { key, record } = await createApiKey({
      store,
      role: 'investigator',
      org: ORG,
      name: 'ui-graph bench',
    });
    const caseStore = createCaseStore({
      store,
      traceExists: async (id, org) => (await store.getDocument(TRACE_JOB_KIND, id))?.org === org,
    });
    const cases: StoredCase[] = [];
    for (const [size, shape] of [
      ['small', SMALL],
      ['large', LARGE],
    ] as const) {
      const { result, seed } = syntheticTrace(shape);
      const startedAt = new Date((START_TIME + 100_000) * 1000);
      const job = await saveFinishedTrace({
        store,
        org: ORG,
        createdBy: record.id,
        parameters: result.parameters,
        result,
        startedAt,
      });
      const name = `Synthetic ${size} graph (${result.nodes.length.toLocaleString('en-US')} nodes)`;
      const made = await caseStore.create(ORG, record.id, {
        name,
        description: 'Synthetic data of the ui-graph benchmark.',
        seeds: [seed],
        traceIds: [job.id],
      });
      cases.push({ id: made.id, name, nodes: result.nodes.length, edges: result.edges.length });
    }
    return { key, cases };
  } finally {
    await store.close();
  }
}

/** Median, 95th percentile (nearest rank) and longest of frame intervals, in milliseconds. */
type FrameStats = { median: number; p95: number; max: number; frames: number };

function frameStats(timestamps: number[]): FrameStats {
  const intervals = timestamps
    .slice(1)
    .map((t, i) => t - timestamps[i]!)
    .sort((a, b) => a - b);
  if (!intervals.length) throw new Error('no animation frame was drawn while measuring');
  const rank = (q: number) =>
    intervals[Math.min(intervals.length - 1, Math.ceil(q * intervals.length) - 1)]!;
  return { median: rank(0.5), p95: rank(0.95), max: intervals.at(-1)!, frames: intervals.length };
}

/**
 * Starts recording the time of every animation frame in the page (`window.__uiGraphBench`). A
 * string, not a function: tsx compiles this file with esbuild's keepNames, which wraps named
 * functions in a `__name` helper that does not exist in the page.
 */
const START_FRAME_RECORDER = `(() => {
  const recorder = { frames: [], recording: true };
  window.__uiGraphBench = recorder;
  const tick = (t) => {
    recorder.frames.push(t);
    if (recorder.recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

/**
 * Runs `interact` while the page records the time of every animation frame (requestAnimationFrame),
 * and returns the frame intervals' statistics. One more frame is waited for after the last input,
 * so the drawing that input caused is counted too.
 */
async function framesDuring(page: Page, interact: () => Promise<void>): Promise<FrameStats> {
  await page.evaluate(START_FRAME_RECORDER);
  await interact();
  const frames = await page.evaluate(
    () =>
      new Promise<number[]>((resolve) =>
        requestAnimationFrame(() => {
          const recorder = (
            window as unknown as { __uiGraphBench: { frames: number[]; recording: boolean } }
          ).__uiGraphBench;
          recorder.recording = false;
          resolve(recorder.frames);
        }),
      ),
  );
  return frameStats(frames);
}

type Viewport = { zoom: number; x: number; y: number };

/**
 * The canvas's zoom and pan, from the cytoscape instance: `cytoscape()` registers it on its
 * container as `_cyreg.cy`, the one way to reach it from outside the app. Read only.
 */
function viewport(page: Page): Promise<Viewport> {
  return page.evaluate(() => {
    type Cy = { zoom(): number; pan(): { x: number; y: number } };
    const container = document.querySelector('[aria-label="Investigation graph"]') as
      (Element & { _cyreg?: { cy?: Cy } }) | null;
    const cy = container?._cyreg?.cy;
    if (!cy) throw new Error('no cytoscape instance on the graph canvas');
    return { zoom: cy.zoom(), x: cy.pan().x, y: cy.pan().y };
  });
}

/** What one case measured. */
type CaseMeasurement = {
  /** From navigation to the canvas drawn with all of the graph, ms. */
  openMs: number;
  /** The graph view's status line: addresses and edges shown, and folded. */
  status: string;
  pan: FrameStats;
  zoom: FrameStats;
  /** The canvas's zoom fitted, after the wheel steps in, and after those out. */
  zoomRange: readonly [number, number, number];
  errors: string[];
};

/**
 * Opens a case's graph in a fresh browser context (a cold cache, as a first visit), times how long
 * it takes to draw, fits it, then pans it by dragging the background and zooms it with the wheel.
 */
async function measureCase(
  browser: Browser,
  url: string,
  key: string,
  c: StoredCase,
): Promise<CaseMeasurement> {
  const { context, page, errors } = await openPage(browser, VIEWPORT);
  try {
    await page.goto(`${url}/ui/cases/${c.id}#key=${key}`);
    const canvas = page.getByLabel('Investigation graph');
    await canvas.waitFor();
    // Drawn: the status line counts all of the trace's addresses (the view derived the whole
    // graph), and cytoscape's node layer holds pixels (the canvas is created and synced in the same
    // commit, so its first drawing already has every node). Measured in the page: performance.now()
    // counts from the navigation's start, and no round trip to this process is included.
    const drawn = await page.waitForFunction(
      (total) => {
        const status = document.querySelector('.gv-status')?.textContent ?? '';
        if (!status.includes(` of ${total} addresses`)) return false;
        const layer = document.querySelector<HTMLCanvasElement>(
          '[aria-label="Investigation graph"] canvas[data-id="layer2-node"]',
        );
        if (!layer?.width || !layer.height) return false;
        const pixels = layer.getContext('2d')!.getImageData(0, 0, layer.width, layer.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return performance.now();
        return false;
      },
      c.nodes.toLocaleString('en-US'),
      { polling: 'raf', timeout: OPEN_TIMEOUT_MS },
    );
    const openMs = (await drawn.jsonValue()) as number;
    const status = (await page.locator('.gv-status').innerText()).trim();

    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the graph canvas has no box');
    // Fit leaves 30 px around the nodes: a point 12 px inside the corner is background, so a drag
    // from there pans instead of moving a node.
    const start = { x: box.x + 12, y: box.y + 12 };
    const fitted = await viewport(page);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    // Each move is awaited: Chromium hands mouse moves to the page once per frame, as a hand drags.
    const pan = await framesDuring(page, async () => {
      for (let i = 1; i <= PAN_MOVES; i++)
        await page.mouse.move(start.x + i * PAN_STEP.x, start.y + i * PAN_STEP.y);
    });
    await page.mouse.up();
    // Frames of a view that did not move would say nothing: the drag must have panned the graph.
    const panned = await viewport(page);
    const moved = { x: panned.x - fitted.x, y: panned.y - fitted.y };
    if (
      Math.abs(moved.x - PAN_MOVES * PAN_STEP.x) > 1 ||
      Math.abs(moved.y - PAN_MOVES * PAN_STEP.y) > 1
    )
      throw new Error(
        `dragging the background panned the graph by ${moved.x} x ${moved.y} px, not ${PAN_MOVES * PAN_STEP.x} x ${PAN_MOVES * PAN_STEP.y}`,
      );

    // Zoom at the centre of the fitted graph, fitted again by its key (0): the Fit button is out of
    // view once the canvas is scrolled into it at 800 px (since the traces panel went above the
    // canvas), and clicking it scrolled the page, so the wheel scrolled the page too (cytoscape
    // ignores the wheel for 250 ms after a scroll) and the graph did not zoom.
    await canvas.press('0');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    let zoomedIn = fitted;
    const zoom = await framesDuring(page, async () => {
      for (let i = 0; i < ZOOM_STEPS; i++) await page.mouse.wheel(0, -WHEEL_DELTA);
      zoomedIn = await viewport(page);
      for (let i = 0; i < ZOOM_STEPS; i++) await page.mouse.wheel(0, WHEEL_DELTA);
    });
    const zoomedOut = await viewport(page);
    if (!(zoomedIn.zoom > fitted.zoom * 1.2 && zoomedOut.zoom < zoomedIn.zoom / 1.2))
      throw new Error(
        `the wheel did not zoom the graph: ${fitted.zoom} -> ${zoomedIn.zoom} -> ${zoomedOut.zoom}`,
      );
    const zoomRange = [fitted.zoom, zoomedIn.zoom, zoomedOut.zoom] as const;
    return { openMs, status, pan, zoom, zoomRange, errors };
  } finally {
    await context.close();
  }
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const frames = (f: FrameStats) =>
  `median ${ms(f.median)}, p95 ${ms(f.p95)}, longest ${ms(f.max)} (${f.frames} frames)`;
const line = (size: string, c: StoredCase, m: CaseMeasurement) => [
  `${size}: ${c.nodes.toLocaleString('en-US')} nodes and ${c.edges.toLocaleString('en-US')} edges in the trace; status line: ${m.status}`,
  `  open to drawn ${ms(m.openMs)}`,
  `  pan  ${frames(m.pan)}`,
  `  zoom ${frames(m.zoom)}; zoom ${m.zoomRange.map((z) => z.toFixed(3)).join(' -> ')}`,
  ...m.errors.map((e) => `  page reported: ${e}`),
];

async function run(ctx: BenchmarkContext): Promise<BenchmarkResult | BenchmarkSkipped> {
  const browser = await browserOrSkip(ctx, 'ui-graph');
  if ('skipped' in browser) return browser;
  try {
    const dir = path.join(ctx.workDir, 'ui-graph');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const db = path.join(dir, 'ui-graph.duckdb');
    const { key, cases } = await prepareDatabase(db);
    const [small, large] = cases as [StoredCase, StoredCase];
    ctx.log(
      `  cases: ${small.nodes} and ${large.nodes.toLocaleString('en-US')} nodes (synthetic traces on ${CHAIN})`,
    );
    const server = await startServerProcess(
      process.execPath,
      [path.resolve('bin/chaintrail.js'), 'serve', '--db', db, '--port', '0', '--json'],
      // The graph needs no reference labels: loading them into the new database only delays start.
      { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn', CHAINTRAIL_NO_REFERENCE: '1' },
    );
    try {
      // An untimed first visit: the server's routes and the static UI are then warm for both cases,
      // so the small graph's figures do not carry the first requests' cost.
      ctx.log(`  warm-up visit at ${server.url} ...`);
      await measureCase(browser, server.url, key, small);
      ctx.log(`  small graph ...`);
      const s = await measureCase(browser, server.url, key, small);
      ctx.log(`  large graph ...`);
      const l = await measureCase(browser, server.url, key, large);
      return {
        reference: {
          label: `${small.nodes}-node graph, median frame while panning`,
          seconds: s.pan.median / 1000,
        },
        subject: {
          label: `${large.nodes.toLocaleString('en-US')}-node graph, median frame while panning`,
          seconds: l.pan.median / 1000,
        },
        rows: large.nodes,
        unit: 'nodes',
        notes: [
          ...line('small', small, s),
          ...line('large', large, l),
          `pan: ${PAN_MOVES} mouse moves dragging the background after Fit (${PAN_MOVES * PAN_STEP.x} x ${PAN_MOVES * PAN_STEP.y} px); zoom: ${ZOOM_STEPS} wheel notches in, ${ZOOM_STEPS} out, after Fit; frame times from requestAnimationFrame`,
          `software rendering in headless Chromium ${browser.version()} on ${os.availableParallelism()} cores, ${VIEWPORT.width}x${VIEWPORT.height} ${VIEWPORT.theme}; the server and this process share them`,
        ],
      };
    } finally {
      await stop(server.child);
    }
  } finally {
    await browser.close();
  }
}

/** The investigation graph's draw time and pan/zoom frame times: ~5,000 nodes against ~50. */
export const uiGraphBenchmark: Benchmark = {
  id: 'ui-graph',
  name: 'Web UI investigation graph, frame time while panning (5,000 nodes vs 50)',
  run,
};
