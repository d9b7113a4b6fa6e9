// The case page in a real browser: how long the demo's case takes to show its summary line and to
// draw its graph, against the same page opening a case with no trace (its heading and the "no
// graph yet" state), the page's own cost without data. Both cases are in the database
// `chaintrail demo` writes, served by `chaintrail serve`; the browser is Debian's Chromium.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { listApiKeys } from '../src/api/auth/api-keys.ts';
import { createCaseStore } from '../src/api/cases/case-store.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import { openPage } from '../test/e2e/harness.ts';
import { browserOrSkip } from './browser.ts';
import { startServerProcess, stop } from './server-process.ts';
import type { Benchmark, BenchmarkContext, BenchmarkResult, BenchmarkSkipped } from './types.ts';

const VIEWPORT = { width: 1280, height: 800, theme: 'light' } as const;
/** Visits of each case, alternating, after one untimed warm-up of each: the medians are reported. */
const VISITS = 7;
/** How long one visit may take before the benchmark fails (2 slow cores, a cold browser context). */
const VISIT_TIMEOUT_MS = 60_000;
const CLI = path.resolve('bin/chaintrail.js');

/** Milestones of one visit, ms from the navigation's start (the page's performance.now()). */
type Visit = { ready: number; summary: number | null; drawn: number | null };

/** Opens a case in a fresh context (a first visit) and times its milestones in the page. */
async function visit(
  browser: Browser,
  url: string,
  key: string,
  caseId: string,
  traced: boolean,
): Promise<Visit> {
  const { context, page } = await openPage(browser, VIEWPORT);
  try {
    await page.goto(`${url}/ui/cases/${caseId}#key=${key}`);
    if (!traced) {
      // The empty case is ready when its graph view says there is nothing to draw yet.
      const ready = await page.waitForFunction(
        () =>
          /No graph yet|no finished trace/.test(document.body.textContent ?? '')
            ? performance.now()
            : false,
        undefined,
        { polling: 'raf', timeout: VISIT_TIMEOUT_MS },
      );
      return { ready: (await ready.jsonValue()) as number, summary: null, drawn: null };
    }
    const summary = page.waitForFunction(
      () => (document.querySelector('.case-summary strong') ? performance.now() : false),
      undefined,
      { polling: 'raf', timeout: VISIT_TIMEOUT_MS },
    );
    // Drawn: cytoscape's node layer holds pixels (see bench/ui-graph.ts).
    const drawn = page.waitForFunction(
      () => {
        const layer = document.querySelector<HTMLCanvasElement>(
          '[aria-label="Investigation graph"] canvas[data-id="layer2-node"]',
        );
        if (!layer?.width || !layer.height) return false;
        const pixels = layer.getContext('2d')!.getImageData(0, 0, layer.width, layer.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return performance.now();
        return false;
      },
      undefined,
      { polling: 'raf', timeout: VISIT_TIMEOUT_MS },
    );
    const s = (await (await summary).jsonValue()) as number;
    const d = (await (await drawn).jsonValue()) as number;
    return { ready: s, summary: s, drawn: d };
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const ms = (v: number) => `${v.toFixed(0)} ms`;

async function run(ctx: BenchmarkContext): Promise<BenchmarkResult | BenchmarkSkipped> {
  const browser = await browserOrSkip(ctx, 'ui-case');
  if ('skipped' in browser) return browser;
  try {
    const dir = path.join(ctx.workDir, 'ui-case');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const db = path.join(dir, 'demo.duckdb');
    ctx.log('  chaintrail demo ...');
    const demo = spawnSync(process.execPath, [CLI, 'demo', '--db', db], {
      encoding: 'utf8',
      env: { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (demo.status !== 0) throw new Error(`chaintrail demo failed:\n${demo.stderr}`);
    const printed = /\/ui\/cases\/([0-9a-f-]{36})#key=(\S+)/.exec(demo.stdout);
    if (!printed) throw new Error('chaintrail demo printed no case URL');
    const [, tracedId, key] = printed as unknown as [string, string, string];
    // The empty case: same organisation, same key, no seeds and no trace.
    const store = await createDuckDbStore({ path: db });
    let emptyId: string;
    try {
      const owner = (await listApiKeys(store)).find((k) => !k.revokedAt)!;
      const cases = createCaseStore({ store, traceExists: async () => false });
      emptyId = (await cases.create(owner.org, owner.id, { name: 'Empty case', seeds: [] })).id;
    } finally {
      await store.close();
    }
    const server = await startServerProcess(
      process.execPath,
      [CLI, 'serve', '--db', db, '--port', '0', '--json'],
      { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn' },
    );
    try {
      ctx.log(`  warm-up visits at ${server.url} ...`);
      await visit(browser, server.url, key, emptyId, false);
      await visit(browser, server.url, key, tracedId, true);
      const empty: Visit[] = [];
      const traced: Visit[] = [];
      for (let i = 0; i < VISITS; i++) {
        empty.push(await visit(browser, server.url, key, emptyId, false));
        traced.push(await visit(browser, server.url, key, tracedId, true));
      }
      const emptyMs = median(empty.map((v) => v.ready));
      const summaryMs = median(traced.map((v) => v.summary!));
      const drawnMs = median(traced.map((v) => v.drawn!));
      return {
        reference: { label: 'empty case, open to "No graph yet"', seconds: emptyMs / 1000 },
        subject: { label: 'demo case, open to its graph drawn', seconds: drawnMs / 1000 },
        rows: 1,
        unit: 'case',
        notes: [
          `medians of ${VISITS} first visits each (fresh browser contexts, alternating): empty case ready ${ms(emptyMs)}; demo case summary ${ms(summaryMs)} (${(emptyMs / summaryMs).toFixed(2)}x the empty case), graph drawn ${ms(drawnMs)}`,
          `demo case visits: summary ${traced.map((v) => ms(v.summary!)).join(', ')}; drawn ${traced.map((v) => ms(v.drawn!)).join(', ')}`,
          `headless Chromium ${browser.version()} on ${os.availableParallelism()} cores, ${VIEWPORT.width}x${VIEWPORT.height}; the server and this process share them`,
        ],
      };
    } finally {
      await stop(server.child);
    }
  } finally {
    await browser.close();
  }
}

/** The demo case's page to its summary and its drawn graph, against an empty case's page. */
export const uiCaseBenchmark: Benchmark = {
  id: 'ui-case',
  name: 'Web UI case page: demo case to summary and drawn graph vs an empty case',
  run,
};
