import { UserError } from '../../errors/base.ts';
import { identifier, quote } from './quote.ts';
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
 *   (a UTXO transaction's inputs and outputs, and a row and its tombstone, on one shard); the
 *   transfers' copy by address (`transfer_addresses`) by address. Small tables (blocks, assets,
 *   checkpoints, documents, audit) by their key.
 *
 * The version of a write is its time in microseconds, made larger than any version this process
 * wrote before ({@link createVersionClock}).
 */
export const CLICKHOUSE_SCHEMA_VERSION = 4;

/** The columns of `labels` and `carried_labels`. */
const LABEL_COLUMNS = `id UInt64, chain String, address String, entity Nullable(String), category String, source String,
  confidence Nullable(Int32), added_at DateTime, actor Nullable(String), country Nullable(String),
  sanction_list Nullable(String), programs Nullable(String), valid_from Nullable(String), valid_to Nullable(String),
  import_id Nullable(UInt64), version UInt64, deleted UInt8`;

type TableSpec = {
  name: string;
  columns: string;
  engine: string;
  orderBy: string;
  /** The Distributed table's sharding expression. */
  shardBy: string;
  /** MergeTree settings of the table (its `SETTINGS` clause), where not the defaults. */
  settings?: string;
};

/**
 * Rows per mark of `transfer_addresses` (ClickHouse's default is 8,192): a read of one address
 * decompresses and merges (FINAL) at least one granule of each part it is in. On the 2-shard 18.16
 * cluster, 200,000 transfers: 12.7 ms a read at 8,192 rows, 8.5 at 1,024, 8.1 at 256; the primary
 * index held in memory grows as the granule shrinks (about 130 bytes a mark).
 */
const ADDRESS_INDEX_GRANULARITY = 1_024;

export const TABLES: readonly TableSpec[] = [
  {
    name: 'transfers',
    // Amounts are exact decimal text (`amount`), with four 64-bit limbs (`a0` least significant)
    // that sums add exactly: ClickHouse 18.16 has no 256-bit integer, and token amounts need one.
    columns: `chain String, block_number UInt64, block_time Nullable(DateTime), tx_hash String, position String,
      from_address Nullable(String), to_address Nullable(String), asset String, amount String,
      a0 UInt64, a1 UInt64, a2 UInt64, a3 UInt64, kind String, version UInt64, deleted UInt8, seq UInt32`,
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
  // Version 2: labels, prices and clusters (tables only added: a version-1 database gets them at open).
  {
    // Labels are history: a closed label is a newer version of its row (valid_to set), a removed
    // one a tombstone. Days are `YYYY-MM-DD` text: compared as text they order as days do, on every
    // year (18.16's Date stops at 2105 and starts at 1970). `id` is random (see ./labels.ts).
    name: 'labels',
    columns: LABEL_COLUMNS,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, address, id)',
    shardBy: 'cityHash64(chain, address)',
  },
  {
    // What an import carried of a label another import holds (see LabelWriter.addLabels).
    name: 'carried_labels',
    columns: LABEL_COLUMNS,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, address, id)',
    shardBy: 'cityHash64(chain, address)',
  },
  {
    name: 'label_imports',
    columns: `id UInt64, format String, source String, list_name Nullable(String), list_date Nullable(String),
      sha256 Nullable(String), labels UInt64, closed UInt64, imported_at DateTime, version UInt64, deleted UInt8`,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(id)',
    shardBy: 'id',
  },
  {
    // One price per chain, asset and day: a day imported again is a newer version of its row.
    name: 'prices',
    columns: 'chain String, asset String, day String, usd Float64, source String, version UInt64',
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, asset, day)',
    shardBy: 'cityHash64(chain, asset)',
  },
  {
    // Cluster members by address, for lookups (a rename writes the address's row again with its
    // new cluster).
    name: 'cluster_addresses',
    columns:
      'chain String, address String, cluster_id String, seq UInt64, version UInt64, deleted UInt8',
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, address)',
    shardBy: 'cityHash64(chain, address)',
  },
  {
    // The same members by cluster, for a cluster's list and its renames: a key range each, not a
    // scan of the chain's members (a rename moves the rows to the new id and tombstones the old).
    name: 'cluster_members',
    columns:
      'chain String, address String, cluster_id String, seq UInt64, version UInt64, deleted UInt8',
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, cluster_id, address)',
    shardBy: 'cityHash64(chain, cluster_id)',
  },
  {
    name: 'clusters',
    columns:
      'chain String, cluster_id String, size UInt64, seq UInt64, version UInt64, deleted UInt8',
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, cluster_id)',
    shardBy: 'cityHash64(chain, cluster_id)',
  },
  {
    name: 'cluster_links',
    columns: `chain String, cluster_id String, tx_hash String, block_number UInt64, address String, joined UInt32,
      inputs UInt32, version UInt64, deleted UInt8`,
    engine: 'ReplacingMergeTree(version)',
    // By cluster, as members are: a cluster's links and its renames read a key range.
    orderBy: '(chain, cluster_id, tx_hash)',
    shardBy: 'cityHash64(chain, cluster_id)',
  },
  {
    name: 'cluster_refusals',
    columns: `chain String, tx_hash String, block_number UInt64, address_a String, cluster_a String, labels_a String,
      address_b String, cluster_b String, labels_b String, version UInt64, deleted UInt8`,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, tx_hash)',
    shardBy: 'cityHash64(chain, tx_hash)',
  },
  {
    name: 'cluster_state',
    columns: `chain String, next_seq UInt64, utxo_rows UInt64, clusters UInt64, addresses UInt64, coinjoins UInt64,
      refusals UInt64, updated_at DateTime, version UInt64, deleted UInt8`,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain)',
    shardBy: 'cityHash64(chain)',
  },
  // Version 4: transfers by address (made at open for an older database, and filled from its
  // transfers: see ensureSchema).
  {
    // Each transfer once per address it has (sender, receiver; once when they are the same), with
    // the columns a trace reads of it: a trace reads an address's transfers as one key range here
    // on every hop instead of scanning `transfers`, which is sorted by transaction (the 300-hop
    // trace of the trace-store benchmark on the 2-shard 18.16 cluster, 200,000 transfers: 22.0 s
    // scanning at load 1-3, 10.2 s reading by address at load 6-12; see the README). Written with
    // the transfers, in the same write and version; a reorg tombstones its rows as it does the
    // transfers' (`block_number` finds them; a row and its tombstone share an address, so a shard).
    // Kept by the store's writes rather than a materialized view: on a cluster an 18.16 view
    // fires on the shard a transfer landed on (by transaction) and would forward to the address's
    // shard asynchronously, so a read just after a write could miss rows.
    name: 'transfer_addresses',
    columns: `chain String, address String, tx_hash String, position String, block_number UInt64,
      block_time Nullable(DateTime), from_address Nullable(String), to_address Nullable(String), asset String,
      amount String, kind String, version UInt64, deleted UInt8, seq UInt32`,
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(chain, address, tx_hash, position)',
    shardBy: 'cityHash64(chain, address)',
    settings: `index_granularity = ${ADDRESS_INDEX_GRANULARITY}`,
  },
  {
    name: 'schema_version',
    columns: 'version UInt32, applied_at DateTime',
    engine: 'ReplacingMergeTree(version)',
    orderBy: '(version)',
    shardBy: 'version',
  },
];

/** The columns of `transfer_addresses`, as an INSERT lists them. */
export const TRANSFER_ADDRESS_COLUMNS =
  'chain, address, tx_hash, position, block_number, block_time, from_address, to_address, asset, amount, kind, version, deleted, seq';

/**
 * A SELECT of `transfer_addresses` rows (in {@link TRANSFER_ADDRESS_COLUMNS}' order) from a table
 * or subquery of transfer rows: a row per address of each, once where sender and receiver are one.
 * It runs on the server: the import's scratch table and a migration's copy never pass through the
 * process.
 */
export function selectTransferAddresses(source: string): string {
  return `SELECT chain, address, tx_hash, position, block_number, block_time, from_address, to_address, asset,
            amount, kind, version, deleted, seq
     FROM (SELECT chain, ifNull(side, '') AS address, tx_hash, position, block_number, block_time, from_address,
                  to_address, asset, amount, kind, version, deleted, seq
           FROM ${source}
           ARRAY JOIN if(ifNull(from_address = to_address, 0), [from_address], [from_address, to_address]) AS side
           WHERE side IS NOT NULL)`;
}

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
  // A database a newer chaintrail made may hold what this one would misread: refused before
  // anything is created in it.
  const [made] = await target.main.query<{ n: string | number }>(
    `SELECT toString(count()) AS n FROM system.tables WHERE database = ${quote(target.database)} AND name = 'schema_version'`,
  );
  const before = Number(made?.n ?? 0) > 0 ? await schemaVersionOf(target.main, db) : 0;
  refuseNewer(target.database, before);
  if (cluster === null) {
    await target.main.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
    for (const t of TABLES)
      await target.main.command(
        `CREATE TABLE IF NOT EXISTS ${db}.${t.name} (${t.columns}) ENGINE = ${t.engine} ORDER BY ${t.orderBy}${settingsOf(t)}`,
      );
  } else {
    const onCluster = target.shards.length === 0 ? ` ON CLUSTER ${identifier(cluster)}` : '';
    const servers = target.shards.length === 0 ? [target.main] : target.shards;
    for (const server of servers) {
      await server.command(`CREATE DATABASE IF NOT EXISTS ${db}${onCluster}`);
      for (const t of TABLES)
        await server.command(
          `CREATE TABLE IF NOT EXISTS ${db}.${t.name}_local${onCluster} (${t.columns}) ENGINE = ${t.engine} ORDER BY ${t.orderBy}${settingsOf(t)}`,
        );
      // Every server that takes queries has the Distributed tables (any shard can be asked).
      for (const t of TABLES)
        await server.command(
          `CREATE TABLE IF NOT EXISTS ${db}.${t.name}${onCluster} AS ${db}.${t.name}_local ENGINE = Distributed(${identifier(cluster)}, ${db}, ${t.name}_local, ${t.shardBy})`,
        );
    }
  }
  // Version 3: a transfer's place in its write (`seq`), so store order is the order it was given in.
  if (before > 0 && before < 3) await addColumn(target, 'transfers', 'seq UInt32');
  // Version 4: the stored transfers copied by address (rows written again keep their key, so a copy
  // interrupted and run again at the next open holds each once).
  if (before > 0 && before < 4)
    await target.main.command(
      `INSERT INTO ${db}.transfer_addresses (${TRANSFER_ADDRESS_COLUMNS})
       ${selectTransferAddresses(`(SELECT * FROM ${db}.transfers FINAL WHERE deleted = 0)`)}`,
    );
  // Another process may have opened it meanwhile (one made between the check and here included).
  const current = await schemaVersionOf(target.main, db);
  refuseNewer(target.database, current);
  if (current < CLICKHOUSE_SCHEMA_VERSION)
    await target.main.command(
      `INSERT INTO ${db}.schema_version (version, applied_at) VALUES (${CLICKHOUSE_SCHEMA_VERSION}, now())`,
    );
}

function settingsOf(table: TableSpec): string {
  return table.settings === undefined ? '' : ` SETTINGS ${table.settings}`;
}

/**
 * Adds a column to one of the store's tables (to its local and Distributed tables on a cluster) where
 * it is missing: rows stored before take the column type's default. 18.16 has no `ADD COLUMN IF NOT
 * EXISTS`: each server's `system.columns` says whether it is there (another process may have added
 * it meanwhile).
 */
async function addColumn(target: SchemaTarget, table: string, column: string): Promise<void> {
  const db = identifier(target.database);
  const name = column.split(/\s+/)[0]!;
  const { cluster } = target;
  const servers = cluster === null || target.shards.length === 0 ? [target.main] : target.shards;
  const onCluster =
    cluster !== null && target.shards.length === 0 ? ` ON CLUSTER ${identifier(cluster)}` : '';
  const tables = cluster === null ? [table] : [`${table}_local`, table];
  for (const server of servers)
    for (const t of tables) {
      const [has] = await server.query<{ n: string | number }>(
        `SELECT toString(count()) AS n FROM system.columns
         WHERE database = ${quote(target.database)} AND table = ${quote(t)} AND name = ${quote(name)}`,
      );
      if (Number(has?.n ?? 0) === 0)
        await server.command(`ALTER TABLE ${db}.${t}${onCluster} ADD COLUMN ${column}`);
    }
}

async function schemaVersionOf(main: ClickHouseTransport, db: string): Promise<number> {
  const rows = await main.query<{ v: string | number }>(
    `SELECT toString(max(version)) AS v FROM ${db}.schema_version`,
  );
  return Number(rows[0]?.v ?? 0);
}

/** Refuses a database whose schema is newer than this chaintrail's (SCHEMA_TOO_NEW). */
function refuseNewer(database: string, version: number): void {
  if (version > CLICKHOUSE_SCHEMA_VERSION)
    throw new UserError(
      `ClickHouse database ${database} has schema version ${version}, newer than this chaintrail (${CLICKHOUSE_SCHEMA_VERSION})`,
      { code: 'SCHEMA_TOO_NEW', details: 'Upgrade chaintrail to open it.' },
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
