import os from 'node:os';
import path from 'node:path';
import {
  clickHouseUnavailable,
  startClickHouseCluster,
} from '../test/helpers/clickhouse-cluster.ts';
import {
  CONNECTIONS,
  createUnlimitedScreenerKey,
  DURATION_S,
  depositBodies,
  HIT_EVERY,
  type Load,
  load,
  rotatingBodies,
  WARMUP_S,
} from './api-load.ts';
import { startServerProcess, stop } from './server-process.ts';
import type { Benchmark, BenchmarkContext } from './types.ts';

/** Several `serve` processes share the load: each gets this share of the connections. */
const SERVERS = 2;

/** `load` against every server at once, the connections split evenly; their sums and worst p99. */
async function loadAll(
  urls: readonly string[],
  pids: readonly (number | undefined)[],
  key: string,
  seconds: number,
): Promise<Load> {
  const bodies = depositBodies();
  const each = await Promise.all(
    urls.map((url, i) =>
      load(
        {
          url: `${url}/v1/screen`,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          requests: rotatingBodies(bodies),
        },
        seconds,
        pids[i],
        Math.round(CONNECTIONS / urls.length),
      ),
    ),
  );
  const requests = each.reduce((n, l) => n + l.requests, 0);
  return {
    rps: each.reduce((n, l) => n + l.rps, 0),
    p50: Math.max(...each.map((l) => l.p50)),
    p99: Math.max(...each.map((l) => l.p99)),
    errors: each.reduce((n, l) => n + l.errors, 0),
    requests,
    serverCpuUs: each.every((l) => l.serverCpuUs !== null)
      ? each.reduce((n, l) => n + l.serverCpuUs! * l.requests, 0) / requests
      : null,
    loadCpuUs: each.reduce((n, l) => n + l.loadCpuUs * l.requests, 0) / requests,
  };
}

/**
 * `POST /v1/screen` at 50 connections against one `serve` process on a 2-shard ClickHouse 18.16
 * cluster, then against two `serve` processes on the same store (25 connections each, one load
 * generator): how far a second server takes throughput on this machine.
 */
export const apiServersBenchmark: Benchmark = {
  id: 'api-servers',
  name: 'POST /v1/screen: two serve processes on one ClickHouse cluster vs one',
  async run(ctx: BenchmarkContext) {
    const missing = clickHouseUnavailable();
    if (missing) return { skipped: missing };
    const cluster = await startClickHouseCluster({ shards: 2 });
    const servers: Awaited<ReturnType<typeof startServerProcess>>[] = [];
    try {
      const db = cluster.storeUrl('bench_api_servers');
      const cli = path.resolve('bin/chaintrail.js');
      const env = { ...process.env, CHAINTRAIL_LOG_LEVEL: 'warn' };
      const key = createUnlimitedScreenerKey(cli, db, env);
      const serve = () =>
        startServerProcess(
          process.execPath,
          [cli, 'serve', '--db', db, '--port', '0', '--json'],
          env,
        );
      servers.push(await serve());
      const measureOn = async (count: number) => {
        const on = servers.slice(0, count);
        const urls = on.map((s) => s.url);
        const pids = on.map((s) => s.child.pid);
        ctx.log(
          `  POST /v1/screen on ${count} server(s): ${CONNECTIONS} connections, ${DURATION_S} s ...`,
        );
        await loadAll(urls, pids, key, WARMUP_S);
        return loadAll(urls, pids, key, DURATION_S);
      };
      const one = await measureOn(1);
      while (servers.length < SERVERS) servers.push(await serve());
      const two = await measureOn(SERVERS);
      const line = (name: string, l: Load) =>
        `${name}: ${Math.round(l.rps).toLocaleString('en-US')} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, ${l.errors} errors of ${l.requests.toLocaleString('en-US')}; CPU per request: servers ${l.serverCpuUs === null ? 'n/a' : `${l.serverCpuUs.toFixed(1)} µs`}, load generator ${l.loadCpuUs.toFixed(1)} µs`;
      return {
        reference: { label: 'one serve process, seconds per request', seconds: 1 / one.rps },
        subject: { label: `${SERVERS} serve processes, seconds per request`, seconds: 1 / two.rps },
        rows: 1,
        unit: 'requests',
        notes: [
          line('one server', one),
          line(`${SERVERS} servers`, two),
          `one address per request, 1 in ${HIT_EVERY} sanctioned; the store is a 2-shard ClickHouse 18.16 cluster on this machine (screening answers from labels in memory; the audit log goes to the cluster)`,
          `on ${os.availableParallelism()} cores shared by the servers, the load generator and ClickHouse: a second server can add at most what the cores left over allow`,
        ],
      };
    } finally {
      for (const s of servers) await stop(s.child);
      await cluster.stop();
    }
  },
};
