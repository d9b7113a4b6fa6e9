import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { HEADLESS_CHROMIUM_ARGS } from '../../src/report/print-pdf.ts';

/** Debian's Chromium (`apt-get install -y chromium`); CHROMIUM_PATH overrides. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SERVER_START_TIMEOUT_MS = 60_000;
/** Where the tests write their screenshots (gitignored). */
export const SCREENSHOT_DIR = path.resolve('e2e-screenshots');

const CLI = path.resolve('bin/chaintrail.js');

/** The demo's database served by `chaintrail serve`, with the demo's case and key. */
export type DemoServer = {
  url: string;
  /** The investigator key the demo made. */
  key: string;
  caseId: string;
  caseName: string;
  /** The simulator's truth (`chaintrail demo --truth`). */
  truth: SimulationTruth;
  /** The first line `chaintrail demo` printed for the case URL, as a user sees it. */
  demoCaseUrl: string;
  /** Everything `chaintrail demo` printed on stdout (its trace summary included). */
  demoOutput: string;
  /** The demo's database file (served; a CLI command on it must wait for the server to stop). */
  db: string;
  stop(): Promise<void>;
};

/** The part of the simulator's truth file the tests read. */
export type SimulationTruth = {
  scenarios: {
    scenario: string;
    endpoints: {
      address: string;
      category: string;
      entity: string | null;
      asset: string;
      amount: string;
    }[];
    attackerAddresses: { address: string; role: string }[];
  }[];
};

/**
 * Runs `chaintrail demo` into a fresh database and serves it with `chaintrail serve` on a free port,
 * both as a user runs them (the built CLI in child processes).
 */
export async function startDemoServer(
  dir: string,
  options: {
    /** Runs on the demo's database before it is served (a CLI import, say). */
    beforeServe?: (db: string) => void;
    /**
     * Plays and syncs the theft's Bitcoin side too (about 20 s more); off by default, so the
     * Ethereum-only figures the UI tests check stay those of `demo --no-bitcoin`.
     */
    bitcoin?: boolean;
  } = {},
): Promise<DemoServer> {
  const db = path.join(dir, 'demo.duckdb');
  const truthFile = path.join(dir, 'truth.json');
  const args = [CLI, 'demo', '--db', db, '--truth', truthFile];
  if (!options.bitcoin) args.push('--no-bitcoin');
  const demo = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (demo.status !== 0) throw new Error(`chaintrail demo failed:\n${demo.stderr}`);
  const printed = /(http:\/\/\S+\/ui\/cases\/([0-9a-f-]{36}))#key=(\S+)/.exec(demo.stdout);
  if (!printed)
    throw new Error(`chaintrail demo printed no case URL:\n${demo.stdout.slice(-2000)}`);
  const [, demoCaseUrl, caseId, key] = printed;
  const caseName =
    /Simulated Bybit theft \([^)]*\)/.exec(demo.stdout)?.[0] ?? 'Simulated Bybit theft';

  options.beforeServe?.(db);
  const served = await startServe(['--db', db]);
  return {
    url: served.url,
    key: key!,
    caseId: caseId!,
    caseName,
    demoCaseUrl: demoCaseUrl!,
    demoOutput: demo.stdout,
    db,
    truth: JSON.parse(fs.readFileSync(truthFile, 'utf8')) as SimulationTruth,
    stop: served.stop,
  };
}

/** The demo served and a Chromium to visit it, for the tests of one `describe` block. */
export type DemoFixture = {
  /** Available from the first test on (set in `beforeAll`). */
  readonly server: DemoServer;
  readonly browser: Browser;
  /** The temporary folder holding the demo's database, for a test's own files. */
  readonly dir: string;
};

/**
 * Runs `chaintrail demo` into a temporary folder and serves it ({@link startDemoServer}), and
 * launches Chromium, before the enclosing `describe`'s tests; stops both and removes the folder
 * after them.
 *
 * @example
 * const demo = useDemo('chaintrail-e2e-layers-');
 * it('opens the case', async () => { await openPage(demo.browser, …); … demo.server.caseId … });
 */
export function useDemo(
  prefix: string,
  options: { beforeServe?: (db: string, dir: string) => void; bitcoin?: boolean } = {},
): DemoFixture {
  const dir = makeTempDir(prefix);
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    const beforeServe = options.beforeServe;
    server = await startDemoServer(dir.path, {
      ...(beforeServe ? { beforeServe: (db: string) => beforeServe(db, dir.path) } : {}),
      bitcoin: options.bitcoin ?? false,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    dir.cleanup();
  });
  return {
    dir: dir.path,
    get server() {
      if (!server) throw new Error('the demo server starts in beforeAll: use it in a test');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('Chromium starts in beforeAll: use it in a test');
      return browser;
    },
  };
}

/** A `chaintrail serve` child process. */
export type Served = { url: string; stop(): Promise<void> };

/** Starts `chaintrail serve <args>` on a free port, as a user runs it, once it listens. */
export async function startServe(args: string[]): Promise<Served> {
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'serve', ...args, '--port', '0', '--json'],
    {
      env: { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('chaintrail serve did not start')),
      SERVER_START_TIMEOUT_MS,
    );
    child.once('exit', (code) => reject(new Error(`chaintrail serve exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs the built CLI as a user does (`chaintrail <args>`), failing with its stderr. */
export function runCli(args: string[]): string {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn' },
  });
  if (run.status !== 0) throw new Error(`chaintrail ${args[0]} failed:\n${run.stderr}`);
  return run.stdout;
}

/** Creates an API key with `chaintrail keys create` (in `org`, named `name`) and returns its secret. */
export function createKey(
  db: string,
  role: string,
  options: { org?: string; name?: string } = {},
): string {
  const args = [CLI, 'keys', 'create', '--role', role, '--db', db, '--json'];
  if (options.org) args.push('--org', options.org);
  if (options.name) args.push('--name', options.name);
  const created = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn' },
  });
  if (created.status !== 0) throw new Error(`chaintrail keys create failed:\n${created.stderr}`);
  return (JSON.parse(created.stdout) as { key: string }).key;
}

/** Launches Debian's Chromium, or fails saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...HEADLESS_CHROMIUM_ARGS] });
}

/** A page whose console errors and uncaught exceptions are collected, to assert there are none. */
export async function openPage(
  browser: Browser,
  options: { width: number; height: number; theme: 'light' | 'dark' },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width, height: options.height },
    colorScheme: options.theme,
    // Charts then draw at once instead of animating, so a screenshot shows them whole.
    reducedMotion: 'reduce',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  return { context, page, errors };
}

/** Writes a screenshot of one element (a table, a panel) named `name` and returns its path. */
export async function screenshotOf(locator: Locator, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await locator.screenshot({ path: file });
  return file;
}

/** Writes a full-page screenshot named `name` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
