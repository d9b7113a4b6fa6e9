import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';

/** Debian's package puts the server here (`apt-get install clickhouse-server`, 18.16). */
const SERVER_BINARY = 'clickhouse-server';
/** The cluster name the test deployment declares in `remote_servers`. */
export const TEST_CLUSTER = 'chaintrail_test';
/** How long a server may take to answer `SELECT 1` after its start (18.16 here: about 1 s). */
const START_TIMEOUT_MS = 30_000;
const POLL_MS = 100;
/** Each server's memory cap: two servers share this 2-core CI machine with the tests. */
const SERVER_MAX_MEMORY_BYTES = 2_000_000_000;

/** Why ClickHouse tests cannot run here, or null when they can. */
export function clickHouseUnavailable(): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${SERVER_BINARY}`], { encoding: 'utf8' });
  if (found.status !== 0)
    return `${SERVER_BINARY} is not installed (Debian: apt-get install clickhouse-server; .ci/run installs it)`;
  return null;
}

/** A local ClickHouse deployment of `shards` servers, one replica each, no ZooKeeper. */
export type ClickHouseCluster = {
  /** Each shard's HTTP address, `http://127.0.0.1:<port>`. */
  shards: string[];
  /** Each shard's native protocol port (clickhouse-client). */
  tcpPorts: number[];
  /** The cluster name in every server's `remote_servers`. */
  cluster: string;
  /**
   * A `clickhouse://` store URL for `database` on this deployment: the first shard, the cluster and
   * every shard's HTTP address (no ZooKeeper: chaintrail makes the local tables on each).
   */
  storeUrl(database: string): string;
  stop(): Promise<void>;
};

/** The server config of one shard (XML, ClickHouse 18.16's `<yandex>` root, which 26.x still reads). */
function serverConfig(p: {
  dir: string;
  http: number;
  tcp: number;
  interserver: number;
  cluster: string;
  shardTcpPorts: number[];
  timezone: string;
}): string {
  const shards = p.shardTcpPorts
    .map((port) => `<shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`)
    .join('');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${p.dir}/server.log</log><errorlog>${p.dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${p.http}</http_port>
  <tcp_port>${p.tcp}</tcp_port>
  <interserver_http_port>${p.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <path>${p.dir}/data/</path>
  <tmp_path>${p.dir}/tmp/</tmp_path>
  <user_files_path>${p.dir}/user_files/</user_files_path>
  <format_schema_path>${p.dir}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>${p.timezone}</timezone>
  <mlock_executable>false</mlock_executable>
  <remote_servers><${p.cluster}>${shards}</${p.cluster}></remote_servers>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
`;
}

const USERS_CONFIG = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>${SERVER_MAX_MEMORY_BYTES}</max_memory_usage><load_balancing>in_order</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

async function waitUntilUp(url: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`clickhouse-server exited (${child.exitCode}): ${readTail(log)}`);
    try {
      const response = await fetch(`${url}/?query=SELECT%201`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(
        `clickhouse-server did not answer within ${START_TIMEOUT_MS} ms: ${readTail(log)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}

/**
 * Starts `shards` clickhouse-server processes (Debian's package) on loopback, each with its own
 * directory and ports under a temporary folder, declared to each other as one cluster of `shards`
 * shards of one replica: the smallest sharded deployment, on one machine. No ZooKeeper, so no
 * `ON CLUSTER`: the store makes each shard's local tables itself. `stop()` ends them and removes
 * their data.
 *
 * @example
 * const cluster = await startClickHouseCluster({ shards: 2 });
 * const store = await openStore({ location: cluster.storeUrl('chaintrail_test') });
 */
export async function startClickHouseCluster(
  parameters: {
    shards?: number;
    /** The servers' time zone (default UTC): a store must not depend on it. */
    timezone?: string;
  } = {},
): Promise<ClickHouseCluster> {
  const count = parameters.shards ?? 2;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaintrail-clickhouse-'));
  const ports: { http: number; tcp: number; interserver: number }[] = [];
  for (let i = 0; i < count; i++)
    ports.push({ http: await freePort(), tcp: await freePort(), interserver: await freePort() });
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const dir = path.join(root, `shard${i + 1}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'config.xml'),
        serverConfig({
          dir,
          ...ports[i]!,
          cluster: TEST_CLUSTER,
          shardTcpPorts: ports.map((p) => p.tcp),
          timezone: parameters.timezone ?? 'UTC',
        }),
      );
      fs.writeFileSync(path.join(dir, 'users.xml'), USERS_CONFIG);
      const child = spawn(SERVER_BINARY, [`--config-file=${path.join(dir, 'config.xml')}`], {
        cwd: dir,
        stdio: 'ignore',
      });
      children.push(child);
    }
    const shards = ports.map((p) => `http://127.0.0.1:${p.http}`);
    await Promise.all(
      shards.map((url, i) =>
        waitUntilUp(url, children[i]!, path.join(root, `shard${i + 1}`, 'server.err.log')),
      ),
    );
    return {
      shards,
      tcpPorts: ports.map((p) => p.tcp),
      cluster: TEST_CLUSTER,
      storeUrl: (database) =>
        `clickhouse://default@127.0.0.1:${ports[0]!.http}/${database}?cluster=${TEST_CLUSTER}&shards=${ports.map((p) => `127.0.0.1:${p.http}`).join(',')}`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts a cluster before the enclosing `describe`'s tests and stops it after them; the cluster is
 * read through the returned getter.
 *
 * @example
 * const ch = useClickHouseCluster({ shards: 2 });
 * it('…', async () => createClickHouseStore({ location: ch.cluster.storeUrl('db') }));
 */
export function useClickHouseCluster(
  parameters: Parameters<typeof startClickHouseCluster>[0] = {},
): {
  readonly cluster: ClickHouseCluster;
} {
  let cluster: ClickHouseCluster | null = null;
  beforeAll(async () => {
    cluster = await startClickHouseCluster(parameters);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return {
    get cluster() {
      return cluster!;
    },
  };
}
