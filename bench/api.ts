import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CONNECTIONS,
  createUnlimitedScreenerKey,
  DURATION_S,
  depositBodies,
  HIT_EVERY,
  type Load,
  measure,
  rotatingBodies,
  SANCTIONED,
  WARMUP_S,
} from './api-load.ts';
import { startServerProcess, stop } from './server-process.ts';
import type { Benchmark, BenchmarkContext } from './types.ts';

/** Targets of the issue: throughput against a bare Fastify POST of the same sizes, and p99 latency. */
const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 10;

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

async function run(ctx: BenchmarkContext) {
  const dir = path.join(ctx.workDir, 'api');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const db = path.join(dir, 'api.duckdb');
  const helloFile = path.join(dir, 'hello.mjs');
  fs.writeFileSync(helloFile, HELLO_SERVER);
  const cli = path.resolve('bin/chaintrail.js');
  const env = { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn' };
  const key = createUnlimitedScreenerKey(cli, db, env);

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
    bodies = depositBodies();
    screenLoad = await measure(
      { url: `${api.url}/v1/screen`, method: 'POST', headers, requests: rotatingBodies(bodies) },
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
    sameSizeLoad = await measure(
      {
        url: `${hello.url}/same-size`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: rotatingBodies(bodies),
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
  // The issue's reference: a bare Fastify POST route given the same requests and answering as many
  // bytes (the hello-world answers 17 bytes to a GET: a bound no route with a body can reach here).
  return {
    reference: {
      label: `bare Fastify POST, same requests, ${answerBytes}-byte answer, seconds per request`,
      seconds: 1 / sameSizeLoad.rps,
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
      `  (${(sameSizeLoad.rps / helloLoad.rps).toFixed(2)}x of hello-world: what request and answer sizes alone leave on this machine; POST /v1/screen is ${(screenLoad.rps / helloLoad.rps).toFixed(2)}x of hello-world)`,
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

/** `POST /v1/screen` under load against a bare Fastify POST of the same sizes, both over real sockets. */
export const apiBenchmark: Benchmark = {
  id: 'api',
  name: 'Screening API throughput (POST /v1/screen) vs a bare Fastify POST of the same sizes',
  run,
};
