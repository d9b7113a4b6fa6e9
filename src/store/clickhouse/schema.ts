import { UserError } from '../../errors/base.ts';
import { identifier } from './quote.ts';
import type { ClickHouseTransport } from './transport.ts';

/**
 * The ClickHouse store's tables, each with the engine and keys that make chaintrail's guarantees
 * hold on a store without transactions (ClickHouse 18.16 and current releases alike):
 *
 * - **Idempotent ingest.** Chain data lives in `ReplacingMergeTree(version)` tables ordered by the
 *   natural key (chain, tx hash, position for transfers and events): a row written twice is kept
 *   once. Merges remove the older copy eventually; reads that show figures use `FINAL`, which
 *   removes it at read time, so answers are exact at once.
 * - **Reorgs** write a newer version of each orphaned row with `deleted = 1` (a tombstone, through
 *   the same sharding key, so it lands beside the row it hides); reads keep `deleted = 0`. 18.16 has
 *   no lightweight DELETE, and its `ALTER ... DELETE` mutations run in the background. A block
 *   re-ingested after the reorg is written with a newer version again and is live.
 * - **Sharding.** With `cluster=`, each table is a `<name>_local` MergeTree table on every shard
 *   and a `Distributed` table `<name>` over them. Transfers and events are sharded by transaction
 *   (a UTXO transaction's inputs and outputs, and a row and its tombstone, on one shard). Small
 *   tables (blocks, assets, checkpoints, documents, audit) by their key.
 *
 * The version of a write is its time in microseconds, made larger than any version this process
 * wrote before ({@link createVersionClock}).
 */
export const CLICKHOUSE_SCHEMA_VERSION = 1;

type TableSpec = {
  name: string;
  columns: string;
  engine: string;
  orderBy: string;
  /** The Distributed table's sharding expression. */
  shardBy: string;
};

export const TABLES: readonly TableSpec[] = [
  {
    name: 'transfers',
    // Amounts are exact decimal text (`amount`), with four 64-bit limbs (`a0` least significant)
    // that sums add exactly: ClickHouse 18.16 has no 256-bit integer, and token amounts need one.
    columns: `chain String, block_number UInt64, block_time Nullable(DateTime), tx_hash String, position String,
      from_address Nullable(String), to_address Nullable(String), asset String, amount String,
      a0 UInt64, a1 UInt64, a2 UInt64, a3 UInt64, kind String, version UInt64, deleted UInt8`,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, tx_hash, position)',
    shardBy: 'cityHash64(chain, tx_hash)',
  },
  {
    name: 'events',
    columns: `chain String, block_number UInt64, block_time Nullable(DateTime), tx_hash String, position String,
      type String, protocol Nullable(String), contract String, account Nullable(String), recipient Nullable(String),
      asset_in Nullable(String), amount_in Nullable(String), asset_out Nullable(String), amount_out Nullable(String),
      memo Nullable(String), counterparty Nullable(String), extra Nullable(String), version UInt64, deleted UInt8`,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, tx_hash, position)',
    shardBy: 'cityHash64(chain, tx_hash)',
  },
  {
    name: 'blocks',
    columns: `chain String, number UInt64, hash Nullable(String), parent_hash Nullable(String), time DateTime,
      version UInt64, deleted UInt8`,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, number)',
    shardBy: 'cityHash64(chain)',
  },
  {
    name: 'assets',
    columns: `chain String, asset String, symbol Nullable(String), name Nullable(String), decimals Nullable(Int32),
      source Nullable(String), version UInt64`,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, asset)',
    shardBy: 'cityHash64(chain, asset)',
  },
  {
    name: 'checkpoints',
    columns: `chain String, stream String, block_number UInt64, block_hash Nullable(String), updated_at DateTime,
      version UInt64`,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, stream)',
    shardBy: 'cityHash64(chain, stream)',
  },
  {
    // Application state: every `serve` process of the deployment reads and writes the same rows.
    name: 'documents',
    columns: `kind String, id String, org Nullable(String), body String, created_at DateTime, updated_at DateTime,
      version UInt64, deleted UInt8`,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(kind, id)',
    shardBy: 'cityHash64(kind, id)',
  },
  {
    name: 'audit_log',
    // Milliseconds since 1970: DateTime on 18.16 keeps seconds only, and audit times keep ms.
    columns: `id UInt64, time_ms UInt64, actor String, actor_name Nullable(String), actor_role Nullable(String),
      org Nullable(String), action String, target Nullable(String), detail Nullable(String), request_id Nullable(String)`,
    engine: 'ReplacingMergeTree(id)',
    orderBy: '(id)',
    shardBy: 'id',
  },
  {
    // The import log: what was loaded, from where (provenance).
    name: 'imports',
    columns: `id UInt64, kind String, source String, rows UInt64, rejected UInt64, sha256 Nullable(String),
      imported_at DateTime`,
    engine: 'ReplacingMergeTree(id)',
    orderBy: '(id)',
    shardBy: 'id',
  },
  {
    // One row per reorg that removed transfers: their count is the transfers' generation.
    name: 'reorgs',
    columns: 'chain String, from_block UInt64, version UInt64',
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(version)',
    shardBy: 'version',
  },
  {
    name: 'schema_version',
    columns: 'version UInt32, applied_at DateTime',
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(version)',
    shardBy: 'version',
  },
];

/** The column names of one of {@link TABLES}, in order (the type of none holds a comma). */
export function columnNames(table: string): string[] {
  const spec = TABLES.find((t) => t.name === table);
  if (!spec) throw new TypeError(`No table ${table}`);
  return spec.columns.split(',').map((c) => c.trim().split(/\s+/)[0]!);
}

/** Where the store's DDL goes: one server, every shard by address, or `ON CLUSTER`. */
export type SchemaTarget = {
  database: string;
  cluster: string | null;
  /** Shards' transports when the deployment has no ZooKeeper (each gets its local tables). */
  shards: readonly ClickHouseTransport[];
  /** The server chaintrail talks to. */
  main: ClickHouseTransport;
};

/** The table a statement reads and writes: the Distributed one with a cluster, else the table. */
export function tableName(database: string, name: string): string {
  return `${identifier(database)}.${identifier(name)}`;
}

/**
 * Creates the database and every table where they are missing (`IF NOT EXISTS`: several `serve`
 * processes may open the store at once). With a cluster and listed shards, each shard gets its
 * database and local tables from chaintrail, then the Distributed tables; with a cluster and no
 * list, `ON CLUSTER` does it (needs ZooKeeper / ClickHouse Keeper); without a cluster, one server.
 *
 * @example
 * await ensureSchema({ database: 'chaintrail', cluster: null, shards: [], main });
 */
export async function ensureSchema(target: SchemaTarget): Promise<void> {
  const db = identifier(target.database);
  const { cluster } = target;
  if (cluster === null) {
    await target.main.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
    for (const t of TABLES)
      await target.main.command(
        `CREATE TABLE IF NOT EXISTS ${db}.${t.name} (${t.columns}) ENGINE = ${t.engine} ORDER BY ${t.orderBy}`,
      );
  } else {
    const onCluster = target.shards.length === 0 ? ` ON CLUSTER ${identifier(cluster)}` : '';
    const servers = target.shards.length === 0 ? [target.main] : target.shards;
    for (const server of servers) {
      await server.command(`CREATE DATABASE IF NOT EXISTS ${db}${onCluster}`);
      for (const t of TABLES)
        await server.command(
          `CREATE TABLE IF NOT EXISTS ${db}.${t.name}_local${onCluster} (${t.columns}) ENGINE = ${t.engine} ORDER BY ${t.orderBy}`,
        );
      // Every server that takes queries has the Distributed tables (any shard can be asked).
      for (const t of TABLES)
        await server.command(
          `CREATE TABLE IF NOT EXISTS ${db}.${t.name}${onCluster} AS ${db}.${t.name}_local ENGINE = Distributed(${identifier(cluster)}, ${db}, ${t.name}_local, ${t.shardBy})`,
        );
    }
  }
  const rows = await target.main.query<{ v: string | number }>(
    `SELECT toString(max(version)) AS v FROM ${db}.schema_version`,
  );
  const current = Number(rows[0]?.v ?? 0);
  // A database a newer chaintrail made may hold what this one would misread: refused, untouched
  // (the CREATE … IF NOT EXISTS above change nothing that exists).
  if (current > CLICKHOUSE_SCHEMA_VERSION)
    throw new UserError(
      `ClickHouse database ${target.database} has schema version ${current}, newer than this chaintrail (${CLICKHOUSE_SCHEMA_VERSION})`,
      { code: 'SCHEMA_TOO_NEW', details: 'Upgrade chaintrail to open it.' },
    );
  if (current < CLICKHOUSE_SCHEMA_VERSION)
    await target.main.command(
      `INSERT INTO ${db}.schema_version (version, applied_at) VALUES (${CLICKHOUSE_SCHEMA_VERSION}, now())`,
    );
}

/**
 * Versions for writes: microseconds since 1970, always above the last one this clock gave (two
 * writes in one microsecond, or a clock stepped back, still get increasing versions).
 */
export function createVersionClock(): () => bigint {
  let last = 0n;
  return () => {
    const now = BigInt(Date.now()) * 1000n;
    last = now > last ? now : last + 1n;
    return last;
  };
}
