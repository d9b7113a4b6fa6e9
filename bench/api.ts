import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startServerProcess, stop } from './server-process.ts';
import type { Benchmark, BenchmarkContext } from './types.ts';

/** The issue's load: 50 concurrent connections for 30 seconds. */
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_API_SECONDS ?? 30);
/** Untimed load first, so both servers run JIT-optimised code when measured. */
const WARMUP_S = 3;
/** Targets of the issue: throughput against a bare Fastify hello-world, and p99 latency. */
const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 10;
/** On OFAC's SDN list (Lazarus Group, DPRK3): the answer carries an identification. */
const SANCTIONED = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
/** One deposit in this many is to a sanctioned address; the rest are ordinary addresses. */
const HIT_EVERY = 100;
/** Real mainnet addresses (ethereum-etl's test resources) for the ordinary deposits. */
const ORDINARY_SOURCE = 'test/fixtures/ethereum-etl';

/** The addresses a stream of deposits screens: real ones, one sanctioned in {@link HIT_EVERY}. */
function depositAddresses(): string[] {
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

// The reference: the least a Fastify server does per request, in a process of its own like ours.
// Its POST route parses the same request body and answers as many bytes as a screening, doing
// nothing else: how far the request and answer sizes alone take a route from the hello-world.
const HELLO_SERVER = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/', async () => ({ hello: 'world' }));
const same = { pad: 'x'.repeat(Math.max(0, Number(process.argv[2] ?? 600) - 10)) };
app.post('/same-size', async () => same);
await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ url: 'http://127.0.0.1:' + app.server.address().port }));
`;

type Load = {
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
function processCpuSeconds(pid: number | undefined): number | null {
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

async function load(
  options: autocannon.Options,
  seconds: number,
  serverPid: number | undefined,
): Promise<Load> {
  const serverBefore = processCpuSeconds(serverPid);
  const loadBefore = process.cpuUsage();
  const r = await autocannon({ ...options, connections: CONNECTIONS, duration: seconds });
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

async function measure(options: autocannon.Options, serverPid: number | undefined): Promise<Load> {
  await load(options, WARMUP_S, serverPid);
  return load(options, DURATION_S, serverPid);
}

async function run(ctx: BenchmarkContext) {
  const dir = path.join(ctx.workDir, 'api');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const db = path.join(dir, 'api.duckdb');
  const helloFile = path.join(dir, 'hello.mjs');
  fs.writeFileSync(helloFile, HELLO_SERVER);
  const cli = path.resolve('bin/chaintrail.js');
  const env = { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn' };
  // A screener key with a limit the load cannot reach: the benchmark measures screening, not 429s.
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
  const key = (JSON.parse(created.stdout) as { key: string }).key;

  const api = await startServerProcess(
    process.execPath,
    [cli, 'serve', '--db', db, '--port', '0', '--json'],
    env,
  );
  let screenLoad: Load;
  let hitLoad: Load;
  let chainalysisLoad: Load;
  let answerBytes: number;
  let bodies: string[];
  try {
    const headers = { 'content-type': 'application/json', 'x-api-key': key };
    ctx.log(`  POST /v1/screen at ${api.url}: ${CONNECTIONS} connections, ${DURATION_S} s ...`);
    bodies = depositAddresses().map((a) => JSON.stringify({ addresses: [a] }));
    let next = 0;
    screenLoad = await measure(
      {
        url: `${api.url}/v1/screen`,
        method: 'POST',
        headers,
        requests: [
          {
            setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
          },
        ],
      },
      api.child.pid,
    );
    ctx.log(`  POST /v1/screen, a sanctioned address every time (the largest answer) ...`);
    hitLoad = await measure(
      {
        url: `${api.url}/v1/screen`,
        method: 'POST',
        headers,
        body: JSON.stringify({ addresses: [SANCTIONED] }),
      },
      api.child.pid,
    );
    ctx.log(`  GET /v1/address/{address} (Chainalysis shape) ...`);
    chainalysisLoad = await measure(
      { url: `${api.url}/v1/address/${SANCTIONED}`, headers },
      api.child.pid,
    );
    // The mean answer of the deposit stream, for the bare route below to answer as much.
    let total = 0;
    for (const body of bodies) {
      const answer = await fetch(`${api.url}/v1/screen`, { method: 'POST', headers, body });
      total += (await answer.arrayBuffer()).byteLength;
    }
    answerBytes = Math.round(total / bodies.length);
  } finally {
    await stop(api.child);
  }

  // Node resolves `fastify` from the script's folder: the work folder lies inside the repository.
  const hello = await startServerProcess(process.execPath, [helloFile, String(answerBytes)], env);
  let helloLoad: Load;
  let sameSizeLoad: Load;
  try {
    ctx.log(`  hello-world at ${hello.url}: ${CONNECTIONS} connections, ${DURATION_S} s ...`);
    helloLoad = await measure({ url: `${hello.url}/` }, hello.child.pid);
    ctx.log(`  bare POST answering ${answerBytes} bytes ...`);
    let nextSame = 0;
    sameSizeLoad = await measure(
      {
        url: `${hello.url}/same-size`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => ({ ...request, body: bodies[nextSame++ % bodies.length] }),
          },
        ],
      },
      hello.child.pid,
    );
  } finally {
    await stop(hello.child);
  }
  const cpu = (l: Load) =>
    `; CPU per request: server ${l.serverCpuUs === null ? 'n/a' : `${l.serverCpuUs.toFixed(1)} µs`}, load generator ${l.loadCpuUs.toFixed(1)} µs`;
  const line = (name: string, l: Load) =>
    `${name}: ${Math.round(l.rps).toLocaleString('en-US')} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, ${l.errors} errors of ${l.requests.toLocaleString('en-US')} requests${cpu(l)}`;
  const p99Ok = screenLoad.p99 < TARGET_P99_MS;
  return {
    reference: {
      label: 'bare Fastify hello-world, seconds per request',
      seconds: 1 / helloLoad.rps,
    },
    subject: {
      label: `POST /v1/screen (one address; 1 in ${HIT_EVERY} sanctioned), seconds per request`,
      seconds: 1 / screenLoad.rps,
    },
    rows: 1,
    unit: 'requests',
    target: TARGET_RATIO,
    notes: [
      line('hello-world', helloLoad),
      line(
        `bare Fastify POST, same requests, ${answerBytes}-byte answer (the stream's mean), no work`,
        sameSizeLoad,
      ),
      `  (${(sameSizeLoad.rps / helloLoad.rps).toFixed(2)}x of hello-world: what request and answer sizes alone leave on this machine)`,
      line(`POST /v1/screen, 1 sanctioned in ${HIT_EVERY}`, screenLoad),
      line('POST /v1/screen, sanctioned every time', hitLoad),
      `sanctioned every time: ${(hitLoad.rps / helloLoad.rps).toFixed(2)}x of hello-world`,
      line('GET /v1/address/{address}', chainalysisLoad),
      `p99 of POST /v1/screen ${screenLoad.p99} ms (target < ${TARGET_P99_MS} ms: ${p99Ok ? 'met' : 'NOT met'}); errors ${screenLoad.errors} (target 0: ${screenLoad.errors === 0 ? 'met' : 'NOT met'})`,
      `load generator (autocannon) in this process, each server in its own process; ${CONNECTIONS} connections, ${DURATION_S} s after ${WARMUP_S} s of warm-up`,
      `on ${os.availableParallelism()} cores, each server's one JavaScript thread is busy all the time under this load: its throughput is about 1 / its CPU per request, so the ratio is about the hello-world server's CPU per request over this one's`,
    ],
  };
}

/** `POST /v1/screen` under load against a bare Fastify hello-world, both over real sockets. */
export const apiBenchmark: Benchmark = {
  id: 'api',
  name: 'Screening API throughput (POST /v1/screen) vs bare Fastify hello-world',
  run,
};
