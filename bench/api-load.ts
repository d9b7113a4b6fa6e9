// What the API benchmarks share: the load (50 connections), the deposit stream they screen,
// and one measured run of autocannon with the server's and the load generator's CPU per request.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';

/** The load: 50 concurrent connections for 30 seconds. */
export const CONNECTIONS = 50;
export const DURATION_S = Number(process.env.BENCH_API_SECONDS ?? 30);
/** Untimed load first, so every server runs JIT-optimised code when measured. */
export const WARMUP_S = 3;
/** On OFAC's SDN list (Lazarus Group, DPRK3): the answer carries an identification. */
export const SANCTIONED = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
/** One deposit in this many is to a sanctioned address; the rest are ordinary addresses. */
export const HIT_EVERY = 100;
/** Real mainnet addresses (ethereum-etl's test resources) for the ordinary deposits. */
const ORDINARY_SOURCE = 'test/fixtures/ethereum-etl';

/** The addresses a stream of deposits screens: real ones, one sanctioned in {@link HIT_EVERY}. */
export function depositAddresses(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/0x[0-9a-f]{40}\b/g))
          found.add(m[0]);
    }
  };
  walk(path.resolve(ORDINARY_SOURCE));
  const ordinary = [...found].sort().slice(0, HIT_EVERY - 1);
  return [SANCTIONED, ...ordinary];
}

/** The deposit stream as `POST /v1/screen` bodies, one address each. */
export function depositBodies(): string[] {
  return depositAddresses().map((a) => JSON.stringify({ addresses: [a] }));
}

/** autocannon's requests that send `bodies` in turn. */
export function rotatingBodies(bodies: readonly string[]): autocannon.Request[] {
  let next = 0;
  return [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }];
}

export type Load = {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  /** CPU microseconds per request: the server's process (null off Linux) and the load generator. */
  serverCpuUs: number | null;
  loadCpuUs: number;
};

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_S = 100;

/** CPU seconds a process has used (user + system), from /proc; null where there is none. */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing paren).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

export async function load(
  options: autocannon.Options,
  seconds: number,
  serverPid: number | undefined,
  connections: number = CONNECTIONS,
): Promise<Load> {
  const serverBefore = processCpuSeconds(serverPid);
  const loadBefore = process.cpuUsage();
  const r = await autocannon({ ...options, connections, duration: seconds });
  const loadCpu = process.cpuUsage(loadBefore);
  const serverAfter = processCpuSeconds(serverPid);
  const requests = Math.max(1, r.requests.total);
  return {
    rps: r.requests.total / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    requests: r.requests.total,
    serverCpuUs:
      serverBefore === null || serverAfter === null
        ? null
        : ((serverAfter - serverBefore) * 1e6) / requests,
    loadCpuUs: (loadCpu.user + loadCpu.system) / requests,
  };
}

/** {@link load} after {@link WARMUP_S} seconds of the same load, unmeasured. */
export async function measure(
  options: autocannon.Options,
  serverPid: number | undefined,
): Promise<Load> {
  await load(options, WARMUP_S, serverPid);
  return load(options, DURATION_S, serverPid);
}

/**
 * Creates a screener key through the CLI, with a rate limit the load cannot reach (the benchmarks
 * measure screening, not 429s); returns the key.
 */
export function createUnlimitedScreenerKey(
  cli: string,
  db: string,
  env: NodeJS.ProcessEnv,
): string {
  const created = spawnSync(
    process.execPath,
    [
      cli,
      'keys',
      'create',
      '--role',
      'screener',
      '--rate-limit',
      '999999999',
      '--db',
      db,
      '--json',
    ],
    { env, encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`keys create failed: ${created.stderr}`);
  return (JSON.parse(created.stdout) as { key: string }).key;
}
