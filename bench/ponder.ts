// Ponder (https://ponder.sh, npm `ponder`) as an outside reference for the sync benchmark: the
// project in bench/ponder-app indexes one ERC-20's Transfer events into Ponder's embedded database
// (PGlite). It is installed on demand into <workDir>/ponder with its own package.json and lockfile,
// never into chaintrail's dependencies.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../test/helpers/free-port.ts';

/**
 * The newest Ponder whose `engines` allow Node 20: 0.17 requires Node >= 22, and 1.0.0 (an early
 * version number, published before 0.8) is deprecated. Pinned with its lockfile in bench/ponder-app.
 */
export const PONDER_VERSION = '0.16.10';
const APP = path.join(import.meta.dirname, 'ponder-app');
const APP_FILES = [
  'package.json',
  'package-lock.json',
  'ponder.config.ts',
  'ponder.schema.ts',
  'src/index.ts',
  'src/api/index.ts',
];
const INSTALL_TIMEOUT_MS = 300_000;
/** Longest wait for Ponder to have indexed every Transfer. */
const INDEX_TIMEOUT_MS = 600_000;
const POLL_MS = 100;

export type PonderRun =
  | {
      ok: true;
      version: string;
      /** Transfer events in Ponder's table once caught up. */
      events: number;
      /** From spawning `ponder start` to every event indexed. */
      seconds: number;
      /** From spawning `ponder start` to its HTTP server answering /health (build, database, schema). */
      startupSeconds: number;
    }
  | { ok: false; reason: string };

const run = promisify(execFile);

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** Copies the Ponder project into `dir` and installs it (only when the pinned version is missing). */
async function installPonder(dir: string, log: (m: string) => void): Promise<string | null> {
  for (const f of APP_FILES) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(APP, f), path.join(dir, f));
  }
  const installed = path.join(dir, 'node_modules/ponder/package.json');
  const version = fs.existsSync(installed)
    ? (JSON.parse(fs.readFileSync(installed, 'utf8')) as { version: string }).version
    : null;
  if (version === PONDER_VERSION) return null;
  try {
    await run(npmCommand(), ['ping', '--fetch-retries=0', '--fetch-timeout=15000'], {
      cwd: dir,
      timeout: 30_000,
    });
  } catch (error) {
    return `npm registry unreachable, Ponder skipped: ${firstLines(error)}`;
  }
  log(`  installing ponder@${PONDER_VERSION} into ${dir} (npm ci, first run only) ...`);
  try {
    // No install scripts: Ponder needs none (esbuild ships its binary as a platform package).
    await run(npmCommand(), ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: dir,
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 16 * 2 ** 20,
    });
  } catch (error) {
    return `npm ci of ponder@${PONDER_VERSION} failed: ${firstLines(error)}`;
  }
  return null;
}

/** npm's own error lines ("npm error code …", the FetchError), without the stack under them. */
function firstLines(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  const lines = (e.stderr?.trim() || e.message || String(error)).split('\n');
  const errors = lines
    .filter((l) => l.startsWith('npm error') && !/^npm error\s+at /.test(l))
    .map((l) => l.replace(/^npm error\s*/, ''));
  return (errors.length ? errors : lines).slice(0, 4).join(' | ');
}

async function getJson<T>(url: string): Promise<{ status: number; body: T | null } | null> {
  try {
    const res = await fetch(url);
    const text = await res.text();
    let body: T | null = null;
    try {
      body = JSON.parse(text) as T;
    } catch {
      // /health and /ready answer plain text.
    }
    return { status: res.status, body };
  } catch {
    return null;
  }
}

/** The last error Ponder logged (JSON log lines), or the tail of its output. */
function ponderError(output: string): string {
  const lines = output.trim().split('\n');
  for (const line of [...lines].reverse()) {
    try {
      const entry = JSON.parse(line) as {
        level?: number;
        msg?: string;
        error?: { message?: string };
      };
      if ((entry.level ?? 0) >= 50)
        return [entry.msg, entry.error?.message].filter(Boolean).join(': ');
    } catch {
      // Not a log line (e.g. a Node error printed before the logger existed).
    }
  }
  // A Node error before Ponder's logger started: its message line, not the stack under it.
  const thrown = lines.find((l) => /^\w*Error\b.*:/.test(l.trim()));
  return thrown?.trim() ?? lines.slice(-8).join(' | ');
}

/**
 * Runs `ponder start` on the chain at `rpcUrl`, indexing the Transfer events of `token` in blocks
 * `fromBlock`..`toBlock`, and times it from spawn until all `expectedEvents` are in its database
 * (Ponder reports /ready after its backfill, which stops at its finality depth of 30 blocks on
 * unknown chains; later blocks come from its live sync, so the row count is what is waited for).
 * Never throws for Ponder's own failures: `{ ok: false, reason }` carries the exact error.
 */
export async function runPonder(parameters: {
  workDir: string;
  rpcUrl: string;
  /**
   * How many RPC backends Ponder is given, all `rpcUrl`: Ponder rate-limits each one adaptively
   * (from 20 requests/s, raised 5% at a time), so several lift that limit on a local node.
   */
  backends?: number;
  token: string;
  fromBlock: bigint;
  toBlock: bigint;
  expectedEvents: number;
  log: (message: string) => void;
}): Promise<PonderRun> {
  const dir = path.resolve(parameters.workDir, 'ponder');
  const failure = await installPonder(dir, parameters.log);
  if (failure) return { ok: false, reason: failure };
  const pglite = path.join(dir, '.ponder');
  fs.rmSync(pglite, { recursive: true, force: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(dir, 'node_modules/ponder/dist/esm/bin/ponder.js'),
      'start',
      '--schema',
      'bench',
      '--port',
      String(port),
      '--hostname',
      '127.0.0.1',
      '--log-format',
      'json',
    ],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PONDER_TELEMETRY_DISABLED: 'true',
        BENCH_RPC_URL: Array.from(
          { length: parameters.backends ?? 1 },
          (_, i) => `${parameters.rpcUrl}/?backend=${i}`,
        ).join(','),
        BENCH_TOKEN: parameters.token,
        BENCH_FROM_BLOCK: String(parameters.fromBlock),
        BENCH_TO_BLOCK: String(parameters.toBlock),
        BENCH_PGLITE_DIR: path.join(pglite, 'pglite'),
      },
    },
  );
  // Its whole log is kept next to it, for a look at where its time went.
  const logFile = fs.createWriteStream(path.join(dir, 'ponder.log'));
  let output = '';
  // Ponder logs when its backfill is indexed and /ready turns 200: read from its log, not polled.
  let ready = false;
  const collect = (d: Buffer) => {
    logFile.write(d);
    output = (output + d.toString()).slice(-64_000);
    ready ||= /Started returning 200 responses.*"endpoint":"\/ready"/.test(output);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    let startupSeconds: number | null = null;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        return {
          ok: false,
          reason: `ponder start exited (${child.exitCode ?? child.signalCode}): ${ponderError(output)}`,
        };
      const elapsed = performance.now() - started;
      if (elapsed > INDEX_TIMEOUT_MS)
        return {
          ok: false,
          reason: `ponder did not index ${parameters.expectedEvents} events within ${INDEX_TIMEOUT_MS / 1000} s: ${ponderError(output)}`,
        };
      if (startupSeconds === null) {
        if ((await getJson(`${base}/health`))?.status === 200) startupSeconds = elapsed / 1000;
      } else if (ready) {
        // Only now query its database: polling earlier would compete with the indexing.
        const count = await getJson<{ transfers: number }>(`${base}/count`);
        const events = count?.body?.transfers ?? 0;
        if (events >= parameters.expectedEvents) {
          const seconds = (performance.now() - started) / 1000;
          const version = (
            JSON.parse(
              fs.readFileSync(path.join(dir, 'node_modules/ponder/package.json'), 'utf8'),
            ) as { version: string }
          ).version;
          return { ok: true, version, events, seconds, startupSeconds };
        }
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    logFile.end();
  }
}
