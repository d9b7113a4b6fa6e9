import {
  DuckDBDataChunk,
  INTEGER,
  UBIGINT,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import {
  CLUSTER_STREAM,
  type ClusterChanges,
  type ClusterLink,
  type ClusterRef,
  type ClusterRefusal,
  type ClusterState,
  type OwnerLabel,
  type Page,
  type ScanUtxoParameters,
  type UtxoColumns,
  type UtxoExtent,
} from '../store.ts';

// The DuckDB side of clusters (src/cluster): reads, and the staging and applying of a build step.

/** Rows per DuckDB data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;
/**
 * Addresses per cluster lookup that goes through the address index (`address IN (…)`); a longer
 * list is semi-joined with the whole table in one scan instead, which costs the same for 1,000 or
 * 50,000 addresses.
 */
const INDEXED_LOOKUP_ADDRESSES = 1000;
/** Addresses per semi-join lookup (one string parameter split in SQL, as getAddressChains does). */
const JOINED_LOOKUP_ADDRESSES = 200_000;
/** Joins the addresses of a semi-join lookup into one parameter; no canonical address holds one. */
const ADDRESS_SEPARATOR = ',';
/** Rows per batch of {@link scanUtxoTransactions} when the caller does not say. */
const DEFAULT_UTXO_BATCH_ROWS = 1_000_000;
const UTXO_KINDS = `('utxo_in', 'utxo_out')`;

/** Scratch tables of a cluster build step: filled before the write's transaction, read inside it. */
export const CLUSTER_STAGE_TABLES = [
  'stage_cluster_members',
  'stage_cluster_renames',
  'stage_cluster_sizes',
  'stage_cluster_links',
] as const;

type Rows = (sql: string, values?: DuckDBValue[]) => Promise<Record<string, unknown>[]>;

function appendColumns(
  appender: DuckDBAppender,
  types: DuckDBType[],
  columns: readonly (readonly DuckDBValue[])[],
  length: number,
): void {
  for (let start = 0; start < length; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, length - start);
    const chunk = DuckDBDataChunk.create(types, count);
    chunk.setColumns(columns.map((c) => c.slice(start, start + count)));
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

/**
 * Copies a build step's bulk rows into the scratch tables (outside the write's transaction, so they
 * never pin memory in it).
 */
export async function stageClusterChanges(
  c: DuckDBConnection,
  changes: ClusterChanges,
): Promise<void> {
  await c.run(
    `CREATE OR REPLACE TABLE stage_cluster_members (address VARCHAR, cluster_id VARCHAR, seq UBIGINT)`,
  );
  await c.run(`CREATE OR REPLACE TABLE stage_cluster_renames (from_id VARCHAR, to_id VARCHAR)`);
  await c.run(
    `CREATE OR REPLACE TABLE stage_cluster_sizes (id VARCHAR, size UBIGINT, seq UBIGINT)`,
  );
  await c.run(`CREATE OR REPLACE TABLE stage_cluster_links (tx_hash VARCHAR, block_number UBIGINT,
    address VARCHAR, cluster_id VARCHAR, joined INTEGER, inputs INTEGER)`);
  const m = changes.members;
  appendColumns(
    await c.createAppender('stage_cluster_members'),
    [VARCHAR, VARCHAR, UBIGINT],
    [m.address, m.clusterId, m.seq.map(BigInt)],
    m.address.length,
  );
  appendColumns(
    await c.createAppender('stage_cluster_renames'),
    [VARCHAR, VARCHAR],
    [changes.renames.map((r) => r.from), changes.renames.map((r) => r.to)],
    changes.renames.length,
  );
  appendColumns(
    await c.createAppender('stage_cluster_sizes'),
    [VARCHAR, UBIGINT, UBIGINT],
    [changes.clusters.id, changes.clusters.size.map(BigInt), changes.clusters.seq.map(BigInt)],
    changes.clusters.id.length,
  );
  const l = changes.links;
  appendColumns(
    await c.createAppender('stage_cluster_links'),
    [VARCHAR, UBIGINT, VARCHAR, VARCHAR, INTEGER, INTEGER],
    [l.txHash, l.blockNumber.map(BigInt), l.address, l.clusterId, l.joined, l.inputs],
    l.txHash.length,
  );
}

/**
 * Applies a staged build step inside the write's transaction: renamed clusters' addresses and links
 * move to their new id first, then sizes, members, links and refusals are written, and the state.
 */
export async function applyClusterChanges(
  c: DuckDBConnection,
  changes: ClusterChanges,
): Promise<void> {
  const chain = changes.chain;
  if (changes.renames.length > 0) {
    for (const table of ['cluster_addresses', 'cluster_links'])
      await c.run(
        `UPDATE ${table} SET cluster_id = r.to_id FROM stage_cluster_renames r
         WHERE ${table}.chain = $1 AND ${table}.cluster_id = r.from_id`,
        [chain],
      );
    await c.run(
      `DELETE FROM clusters WHERE chain = $1 AND cluster_id IN (SELECT from_id FROM stage_cluster_renames)`,
      [chain],
    );
  }
  await c.run(
    `DELETE FROM clusters WHERE chain = $1 AND cluster_id IN (SELECT id FROM stage_cluster_sizes)`,
    [chain],
  );
  await c.run(`INSERT INTO clusters SELECT $1, id, size, seq FROM stage_cluster_sizes`, [chain]);
  await c.run(
    `INSERT INTO cluster_addresses SELECT $1, address, cluster_id, seq FROM stage_cluster_members`,
    [chain],
  );
  await c.run(
    `INSERT INTO cluster_links SELECT $1, cluster_id, tx_hash, block_number, address, joined, inputs FROM stage_cluster_links`,
    [chain],
  );
  for (const r of changes.refusals) {
    const [a, b] = r.sides;
    await c.run(`INSERT INTO cluster_refusals VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      chain,
      r.txHash,
      r.blockNumber,
      a.address,
      a.clusterId,
      JSON.stringify(a.labels),
      b.address,
      b.clusterId,
      JSON.stringify(b.labels),
    ]);
  }
  const s = changes.state;
  await c.run(
    `INSERT OR REPLACE INTO cluster_state (chain, next_seq, utxo_rows, clusters, addresses, coinjoins, refusals, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, current_timestamp)`,
    [
      chain,
      BigInt(s.nextSeq),
      BigInt(s.utxoRows),
      BigInt(s.clusters),
      BigInt(s.addresses),
      BigInt(s.coinjoins),
      BigInt(s.refusals),
    ],
  );
}

/** Removes every cluster of `chain`, with its links, refusals, state and checkpoint. */
export async function dropClustersOf(c: DuckDBConnection, chain: string): Promise<void> {
  for (const table of [
    'cluster_addresses',
    'clusters',
    'cluster_links',
    'cluster_refusals',
    'cluster_state',
  ])
    await c.run(`DELETE FROM ${table} WHERE chain = $1`, [chain]);
  await c.run(`DELETE FROM checkpoints WHERE chain = $1 AND stream = $2`, [chain, CLUSTER_STREAM]);
}

/**
 * Drops the clusters of `chain` when its build read any block from `fromBlock` on (its checkpoint is
 * there or later): a reorg removed those blocks, and unions made from them cannot be undone.
 */
export async function dropClustersBuiltFrom(
  c: DuckDBConnection,
  chain: string,
  fromBlock: bigint,
): Promise<void> {
  const reader = await c.runAndReadAll(
    `SELECT block_number FROM checkpoints WHERE chain = $1 AND stream = $2 AND block_number >= $3`,
    [chain, CLUSTER_STREAM, fromBlock],
  );
  if (reader.currentRowCount > 0) await dropClustersOf(c, chain);
}

function toRef(r: Record<string, unknown>): ClusterRef {
  return {
    chain: String(r.chain),
    id: String(r.cluster_id),
    size: Number(r.size),
    seq: Number(r.seq),
  };
}

/**
 * Rows of `table` whose `column` is one of `values`: through the column's index for a short list (the
 * column alone in the filter, see migration 8), else one semi-join scan per 200,000 values.
 */
async function rowsWhereIn(
  rows: Rows,
  select: string,
  table: string,
  column: string,
  values: readonly string[],
): Promise<Record<string, unknown>[]> {
  if (values.length === 0) return [];
  if (values.length <= INDEXED_LOOKUP_ADDRESSES)
    return rows(
      `SELECT ${select} FROM ${table} WHERE ${column} IN (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
      [...values],
    );
  const listed = values.filter((v) => !v.includes(ADDRESS_SEPARATOR));
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < listed.length; i += JOINED_LOOKUP_ADDRESSES)
    out.push(
      ...(await rows(
        `WITH wanted AS (SELECT unnest(string_split($1, '${ADDRESS_SEPARATOR}')) AS v)
         SELECT ${select} FROM ${table} t SEMI JOIN wanted w ON t.${column} = w.v`,
        [listed.slice(i, i + JOINED_LOOKUP_ADDRESSES).join(ADDRESS_SEPARATOR)],
      )),
    );
  return out;
}

/**
 * See {@link Store.getClusters}. Two lookups, each through its index: the addresses' cluster ids,
 * then, only for addresses found, the clusters' sizes. One joined query took 7.4-7.8 ms for a
 * clustered address on 235,000 clustered addresses here (it scanned the clusters), the two 1.5-1.8 ms;
 * an address in no cluster costs 0.6 ms (1.3 ms joined).
 */
export async function readClusters(
  rows: Rows,
  chain: string,
  addresses: readonly string[],
): Promise<Map<string, ClusterRef>> {
  const found = new Map<string, ClusterRef>();
  const members = (
    await rowsWhereIn(rows, 'chain, address, cluster_id', 'cluster_addresses', 'address', [
      ...new Set(addresses),
    ])
  ).filter((r) => r.chain === chain);
  if (members.length === 0) return found;
  const ids = [...new Set(members.map((r) => String(r.cluster_id)))];
  const sizes = new Map<string, Record<string, unknown>>();
  for (const r of await rowsWhereIn(
    rows,
    'chain, cluster_id, size, seq',
    'clusters',
    'cluster_id',
    ids,
  ))
    if (r.chain === chain) sizes.set(String(r.cluster_id), r);
  for (const m of members) {
    const c = sizes.get(String(m.cluster_id));
    if (c) found.set(String(m.address), toRef(c));
  }
  return found;
}

const limitOf = (page: Page | undefined) =>
  `${page?.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(page.limit))}`}${page?.offset ? ` OFFSET ${Math.max(0, Math.floor(page.offset))}` : ''}`;

/** See {@link Store.listClusterAddresses}. */
export async function readClusterAddresses(
  rows: Rows,
  chain: string,
  clusterId: string,
  page?: Page,
): Promise<string[]> {
  const found = await rows(
    `SELECT address FROM cluster_addresses WHERE chain = $1 AND cluster_id = $2 ORDER BY seq${limitOf(page)}`,
    [chain, clusterId],
  );
  return found.map((r) => String(r.address));
}

/** See {@link Store.listClusterLinks}. */
export async function readClusterLinks(
  rows: Rows,
  chain: string,
  clusterId: string,
  page?: Page,
): Promise<{ links: ClusterLink[]; total: number }> {
  const [count] = await rows(
    `SELECT count(*)::DOUBLE AS n FROM cluster_links WHERE chain = $1 AND cluster_id = $2`,
    [chain, clusterId],
  );
  const found = await rows(
    `SELECT tx_hash, block_number, address, joined, inputs FROM cluster_links
     WHERE chain = $1 AND cluster_id = $2 ORDER BY block_number, tx_hash${limitOf(page)}`,
    [chain, clusterId],
  );
  return {
    total: Number(count!.n),
    links: found.map((r) => ({
      txHash: String(r.tx_hash),
      blockNumber: BigInt(r.block_number as bigint),
      address: String(r.address),
      joined: Number(r.joined),
      inputs: Number(r.inputs),
    })),
  };
}

/** See {@link Store.listClusterRefusals}. */
export async function readClusterRefusals(
  rows: Rows,
  chain: string,
  clusterId: string,
): Promise<ClusterRefusal[]> {
  // An address in no stored cluster is a cluster of its own: its id is the address.
  const found = await rows(
    `SELECT r.tx_hash, r.block_number, r.address_a, r.cluster_a, r.labels_a::VARCHAR AS labels_a,
       r.address_b, r.cluster_b, r.labels_b::VARCHAR AS labels_b
     FROM cluster_refusals r
     LEFT JOIN cluster_addresses a ON a.chain = r.chain AND a.address = r.address_a
     LEFT JOIN cluster_addresses b ON b.chain = r.chain AND b.address = r.address_b
     WHERE r.chain = $1 AND (coalesce(a.cluster_id, r.address_a) = $2 OR coalesce(b.cluster_id, r.address_b) = $2)
     ORDER BY r.block_number, r.tx_hash`,
    [chain, clusterId],
  );
  return found.map((r) => ({
    txHash: String(r.tx_hash),
    blockNumber: BigInt(r.block_number as bigint),
    sides: [
      {
        address: String(r.address_a),
        clusterId: String(r.cluster_a),
        labels: JSON.parse(String(r.labels_a)) as OwnerLabel[],
      },
      {
        address: String(r.address_b),
        clusterId: String(r.cluster_b),
        labels: JSON.parse(String(r.labels_b)) as OwnerLabel[],
      },
    ],
  }));
}

/** See {@link Store.getClusterState}. */
export async function readClusterState(rows: Rows, chain: string): Promise<ClusterState | null> {
  const [r] = await rows(
    `SELECT s.*, cp.block_number, cp.block_hash FROM cluster_state s
     JOIN checkpoints cp ON cp.chain = s.chain AND cp.stream = $2 WHERE s.chain = $1`,
    [chain, CLUSTER_STREAM],
  );
  if (!r) return null;
  return {
    chain,
    blockNumber: BigInt(r.block_number as bigint),
    blockHash: (r.block_hash as string | null) ?? null,
    nextSeq: Number(r.next_seq),
    utxoRows: Number(r.utxo_rows),
    clusters: Number(r.clusters),
    addresses: Number(r.addresses),
    coinjoins: Number(r.coinjoins),
    refusals: Number(r.refusals),
  };
}

/** Chains whose build holds at least one cluster. */
export async function readClusterChains(rows: Rows): Promise<Set<string>> {
  const found = await rows(`SELECT chain FROM cluster_state WHERE clusters > 0`);
  return new Set(found.map((r) => String(r.chain)));
}

/** See {@link Store.getUtxoExtent}. */
export async function readUtxoExtent(
  rows: Rows,
  chain: string,
  toBlock?: bigint,
): Promise<UtxoExtent> {
  const [r] = await rows(
    `SELECT count(*)::DOUBLE AS n, min(block_number) AS lo, max(block_number) AS hi FROM transfers
     WHERE chain = $1 AND kind IN ${UTXO_KINDS}${toBlock === undefined ? '' : ' AND block_number <= $2'}`,
    toBlock === undefined ? [chain] : [chain, toBlock],
  );
  const block = (v: unknown) => (v === null || v === undefined ? null : BigInt(v as bigint));
  return { rows: Number(r!.n), firstBlock: block(r!.lo), lastBlock: block(r!.hi) };
}

/** See {@link Store.scanUtxoTransactions}. */
export async function* scanUtxo(
  reader: DuckDBConnection,
  params: ScanUtxoParameters,
  assertOpen: () => void,
): AsyncIterable<UtxoColumns> {
  const batchRows = Math.max(1, Math.floor(params.batchRows ?? DEFAULT_UTXO_BATCH_ROWS));
  const counts = await reader.runAndReadAll(
    `SELECT block_number::DOUBLE AS b, count(*)::DOUBLE AS n FROM transfers
     WHERE chain = $1 AND kind IN ${UTXO_KINDS} AND block_number BETWEEN $2 AND $3
     GROUP BY block_number ORDER BY block_number`,
    [params.chain, params.fromBlock, params.toBlock],
  );
  const [blocks, rowsPerBlock] = counts.getColumnsJS() as [number[], number[]];
  // Whole blocks per batch (a transaction never straddles two), about batchRows rows each.
  for (let i = 0; i < blocks.length;) {
    let rows = 0;
    let j = i;
    while (j < blocks.length && (j === i || rows + rowsPerBlock[j]! <= batchRows))
      rows += rowsPerBlock[j++]!;
    const from = BigInt(blocks[i]!);
    const to = BigInt(blocks[j - 1]!);
    assertOpen();
    const result = await reader.runAndReadAll(
      `SELECT block_number::DOUBLE AS b, tx_hash, kind = 'utxo_in' AS is_input,
         CASE WHEN kind = 'utxo_in' THEN from_address ELSE to_address END AS address,
         amount::DOUBLE AS amount
       FROM transfers WHERE chain = $1 AND kind IN ${UTXO_KINDS} AND block_number BETWEEN $2 AND $3
       ORDER BY block_number, tx_hash, is_input DESC, CAST(split_part(position, ':', 2) AS INTEGER)`,
      [params.chain, from, to],
    );
    const [b, txHash, isInput, address, amount] = result.getColumnsJS() as [
      number[],
      string[],
      boolean[],
      (string | null)[],
      number[],
    ];
    yield {
      length: txHash.length,
      blockNumber: Float64Array.from(b),
      txHash,
      isInput: Uint8Array.from(isInput, (x) => (x ? 1 : 0)),
      address,
      amount: Float64Array.from(amount),
      toBlock: to,
    };
    i = j;
  }
}
