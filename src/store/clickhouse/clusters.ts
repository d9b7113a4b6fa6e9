import {
  CLUSTER_STREAM,
  type Checkpoint,
  type ClusterChanges,
  type ClusterLink,
  type ClusterRef,
  type ClusterRefusal,
  type ClusterState,
  type OwnerLabel,
  type Page,
} from '../store.ts';
import type { ClickHouseContext } from './context.ts';
import { quote, quotedLists } from './quote.ts';
import { columnNames } from './schema.ts';

// The ClickHouse side of clusters (src/cluster, src/store/cluster-store.ts): a build step's rows are
// kept in the process until the write's function has returned, then inserted: a renamed cluster's
// members and links under the surviving id (copied on the server, the old rows tombstoned), the
// clusters it replaced as tombstones, then sizes, members, links, refusals and the state; the store inserts the
// build's checkpoint after them. A write that fails before then inserts nothing. A crash between
// the step's inserts can leave part of a step: `chaintrail cluster --rebuild` starts over.

/**
 * Renames per statement: a rename lists its cluster ids three times (up to 66 characters each
 * quoted: Bitcoin addresses), which stays within STATEMENT_LIST_CHARS (./quote.ts).
 */
const RENAMES_PER_STATEMENT = 1_000;
/** Rows per INSERT: bounds one request's body. */
const INSERT_BATCH_ROWS = 10_000;
/** The tables of a chain's clusters (its checkpoint is in `checkpoints`). */
const CLUSTER_TABLES = [
  'cluster_addresses',
  'cluster_members',
  'clusters',
  'cluster_links',
  'cluster_refusals',
  'cluster_state',
] as const;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const list = (values: readonly string[]) => values.map(quote).join(', ');

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

async function insertAll(
  ctx: ClickHouseContext,
  name: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  for (const part of chunks(rows, INSERT_BATCH_ROWS)) await ctx.t.insert(ctx.table(name), part);
}

/**
 * Writes the live rows of `from` (default: `table` itself) that `where` selects into `table`, with
 * `set` (column → SQL) and the given version: a tombstone (`deleted` → 1) or a rename. The new
 * values are given in an outer query: a SELECT alias shadowing its column would change what WHERE
 * matches. Server-side: no row passes through the process.
 */
async function rewriteRows(
  ctx: ClickHouseContext,
  table: string,
  where: string,
  set: Record<string, string>,
  version: bigint,
  from: string = table,
): Promise<void> {
  const columns = columnNames(table);
  const select = columns
    .map((c) =>
      c === 'version' ? `${version} AS version` : c in set ? `${set[c]} AS ${c}` : `\`${c}\``,
    )
    .join(', ');
  await ctx.t.command(
    `INSERT INTO ${ctx.table(table)} (${columns.map((c) => `\`${c}\``).join(', ')})
     SELECT ${select} FROM (SELECT * FROM ${ctx.table(from)} FINAL WHERE ${where} AND deleted = 0)`,
  );
}

/**
 * Removes every cluster of `chain`, its links, refusals and state (tombstones at `version`). The
 * build's checkpoint row stays (the checkpoints table has no tombstones): without its state it is
 * no build, and getClusterState answers null, which is what a build and the API read.
 */
export async function dropClustersOf(
  ctx: ClickHouseContext,
  chain: string,
  version: bigint,
): Promise<void> {
  for (const table of CLUSTER_TABLES)
    await rewriteRows(ctx, table, `chain = ${quote(chain)}`, { deleted: '1' }, version);
}

/**
 * Drops the clusters of `chain` when its build read any block from `fromBlock` on (its checkpoint
 * is there or later): a reorg removed those blocks, and unions made from them cannot be undone.
 */
export async function dropClustersBuiltFrom(
  ctx: ClickHouseContext,
  checkpoint: Checkpoint | null,
  chain: string,
  fromBlock: bigint,
  version: bigint,
): Promise<void> {
  if (
    checkpoint !== null &&
    checkpoint.stream === CLUSTER_STREAM &&
    checkpoint.blockNumber >= fromBlock
  )
    await dropClustersOf(ctx, chain, version);
}

/**
 * Applies a build step: renamed clusters' addresses and links move to their new id, the renamed
 * clusters go (tombstones at `tombstoneVersion`, older than the step's rows), then sizes, members,
 * links, refusals and the state are written at `version`.
 */
export async function applyClusterChanges(
  ctx: ClickHouseContext,
  changes: ClusterChanges,
  version: bigint,
  tombstoneVersion: bigint,
): Promise<void> {
  const chain = changes.chain;
  const v = version.toString();
  for (const part of chunks(changes.renames, RENAMES_PER_STATEMENT)) {
    const from = part.map((r) => r.from);
    const moved = `transform(cluster_id, [${list(from)}], [${list(part.map((r) => r.to))}], cluster_id)`;
    const where = `chain = ${quote(chain)} AND cluster_id IN (${list(from)})`;
    // Members and links move to the new id (new keys: rows under it, then tombstones of the old
    // ones; no rename's `to` is another's `from`); the lookup rows by address take it in place.
    await rewriteRows(
      ctx,
      'cluster_addresses',
      where,
      { cluster_id: moved },
      version,
      'cluster_members',
    );
    for (const table of ['cluster_members', 'cluster_links']) {
      await rewriteRows(ctx, table, where, { cluster_id: moved }, version);
      await rewriteRows(ctx, table, where, { deleted: '1' }, version);
    }
    await rewriteRows(ctx, 'clusters', where, { deleted: '1' }, tombstoneVersion);
  }
  const c = changes.clusters;
  await insertAll(
    ctx,
    'clusters',
    c.id.map((id, i) => ({
      chain,
      cluster_id: id,
      size: c.size[i],
      seq: c.seq[i],
      version: v,
      deleted: 0,
    })),
  );
  const m = changes.members;
  const members = m.address.map((address, i) => ({
    chain,
    address,
    cluster_id: m.clusterId[i],
    seq: m.seq[i],
    version: v,
    deleted: 0,
  }));
  for (const table of ['cluster_addresses', 'cluster_members'])
    await insertAll(ctx, table, members);
  const l = changes.links;
  await insertAll(
    ctx,
    'cluster_links',
    l.txHash.map((txHash, i) => ({
      chain,
      cluster_id: l.clusterId[i],
      tx_hash: txHash,
      block_number: String(l.blockNumber[i]),
      address: l.address[i],
      joined: l.joined[i],
      inputs: l.inputs[i],
      version: v,
      deleted: 0,
    })),
  );
  await insertAll(
    ctx,
    'cluster_refusals',
    changes.refusals.map((r) => ({
      chain,
      tx_hash: r.txHash,
      block_number: r.blockNumber.toString(),
      address_a: r.sides[0].address,
      cluster_a: r.sides[0].clusterId,
      labels_a: JSON.stringify(r.sides[0].labels),
      address_b: r.sides[1].address,
      cluster_b: r.sides[1].clusterId,
      labels_b: JSON.stringify(r.sides[1].labels),
      version: v,
      deleted: 0,
    })),
  );
  const s = changes.state;
  await insertAll(ctx, 'cluster_state', [
    {
      chain,
      next_seq: s.nextSeq,
      utxo_rows: s.utxoRows,
      clusters: s.clusters,
      addresses: s.addresses,
      coinjoins: s.coinjoins,
      refusals: s.refusals,
      updated_at: nowSeconds(),
      version: v,
      deleted: 0,
    },
  ]);
}

/** The cluster ids of `addresses` on `chain` (those in a stored cluster), by address. */
async function clusterIdsOf(
  ctx: ClickHouseContext,
  chain: string,
  addresses: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const part of quotedLists([...new Set(addresses)])) {
    const rows = await ctx.t.query<{ address: string; cluster_id: string }>(
      `SELECT address, cluster_id, version FROM ${ctx.table('cluster_addresses')} FINAL
       WHERE chain = ${quote(chain)} AND address IN (${part}) AND deleted = 0`,
    );
    for (const r of rows) found.set(r.address, r.cluster_id);
  }
  return found;
}

/** See {@link ClusterStore.getClusters}: two lookups by key, the members then their clusters. */
export async function readClusters(
  ctx: ClickHouseContext,
  chain: string,
  addresses: readonly string[],
): Promise<Map<string, ClusterRef>> {
  const found = new Map<string, ClusterRef>();
  const members = await clusterIdsOf(ctx, chain, addresses);
  if (members.size === 0) return found;
  const sizes = new Map<string, ClusterRef>();
  for (const part of quotedLists([...new Set(members.values())])) {
    const rows = await ctx.t.query<{ cluster_id: string; size: string; seq: string }>(
      `SELECT cluster_id, size, seq, version FROM ${ctx.table('clusters')} FINAL
       WHERE chain = ${quote(chain)} AND cluster_id IN (${part}) AND deleted = 0`,
    );
    for (const r of rows)
      sizes.set(r.cluster_id, {
        chain,
        id: r.cluster_id,
        size: Number(r.size),
        seq: Number(r.seq),
      });
  }
  for (const [address, id] of members) {
    const ref = sizes.get(id);
    if (ref) found.set(address, ref);
  }
  return found;
}

const limitOf = (page: Page | undefined) =>
  page?.limit === undefined && !page?.offset
    ? ''
    : ` LIMIT ${Math.max(0, Math.floor(page?.offset ?? 0))}, ${Math.max(0, Math.floor(page?.limit ?? Number.MAX_SAFE_INTEGER))}`;

/** See {@link ClusterStore.listClusterAddresses}: first seen first. */
export async function readClusterAddresses(
  ctx: ClickHouseContext,
  chain: string,
  clusterId: string,
  page?: Page,
): Promise<string[]> {
  const rows = await ctx.t.query<{ address: string }>(
    `SELECT address, seq, version FROM ${ctx.table('cluster_members')} FINAL
     WHERE chain = ${quote(chain)} AND cluster_id = ${quote(clusterId)} AND deleted = 0
     ORDER BY seq${limitOf(page)}`,
  );
  return rows.map((r) => r.address);
}

/** See {@link ClusterStore.listClusterLinks}: in block and hash order, and how many. */
export async function readClusterLinks(
  ctx: ClickHouseContext,
  chain: string,
  clusterId: string,
  page?: Page,
): Promise<{ links: ClusterLink[]; total: number }> {
  const where = `chain = ${quote(chain)} AND cluster_id = ${quote(clusterId)} AND deleted = 0`;
  const [count] = await ctx.t.query<{ n: string }>(
    `SELECT toString(count()) AS n FROM (SELECT tx_hash, version FROM ${ctx.table('cluster_links')} FINAL WHERE ${where})`,
  );
  const rows = await ctx.t.query<Record<string, string | number>>(
    `SELECT tx_hash, block_number, address, joined, inputs, version FROM ${ctx.table('cluster_links')} FINAL
     WHERE ${where} ORDER BY block_number, tx_hash${limitOf(page)}`,
  );
  return {
    total: Number(count?.n ?? 0),
    links: rows.map((r) => ({
      txHash: String(r.tx_hash),
      blockNumber: BigInt(r.block_number!),
      address: String(r.address),
      joined: Number(r.joined),
      inputs: Number(r.inputs),
    })),
  };
}

/** See {@link ClusterStore.listClusterRefusals}: by the clusters their addresses are in now. */
export async function readClusterRefusals(
  ctx: ClickHouseContext,
  chain: string,
  clusterId: string,
): Promise<ClusterRefusal[]> {
  // Refused merges are few (one per transaction whose owners differed): all of the chain's, then
  // the clusters their addresses are in now. An address in no cluster is a cluster of its own.
  const rows = await ctx.t.query<Record<string, string>>(
    `SELECT tx_hash, block_number, address_a, cluster_a, labels_a, address_b, cluster_b, labels_b, version
     FROM ${ctx.table('cluster_refusals')} FINAL WHERE chain = ${quote(chain)} AND deleted = 0
     ORDER BY block_number, tx_hash`,
  );
  const now = await clusterIdsOf(
    ctx,
    chain,
    rows.flatMap((r) => [r.address_a!, r.address_b!]),
  );
  const inCluster = (address: string) => (now.get(address) ?? address) === clusterId;
  return rows
    .filter((r) => inCluster(r.address_a!) || inCluster(r.address_b!))
    .map((r) => ({
      txHash: String(r.tx_hash),
      blockNumber: BigInt(r.block_number!),
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

/** See {@link ClusterStore.getClusterState}: the state row with the build's checkpoint. */
export async function readClusterState(
  ctx: ClickHouseContext,
  chain: string,
  checkpoint: Checkpoint | null,
): Promise<ClusterState | null> {
  if (checkpoint === null) return null;
  const [r] = await ctx.t.query<Record<string, string>>(
    `SELECT next_seq, utxo_rows, clusters, addresses, coinjoins, refusals, version
     FROM ${ctx.table('cluster_state')} FINAL WHERE chain = ${quote(chain)} AND deleted = 0`,
  );
  if (!r) return null;
  return {
    chain,
    blockNumber: checkpoint.blockNumber,
    blockHash: checkpoint.blockHash,
    nextSeq: Number(r.next_seq),
    utxoRows: Number(r.utxo_rows),
    clusters: Number(r.clusters),
    addresses: Number(r.addresses),
    coinjoins: Number(r.coinjoins),
    refusals: Number(r.refusals),
  };
}

/**
 * See {@link ClusterStore.listClusterChains}. Another process of the deployment may build clusters:
 * the store keeps the answer for a few seconds only (see `clusterChains` in clickhouse-store.ts).
 */
export async function readClusterChains(ctx: ClickHouseContext): Promise<string[]> {
  const rows = await ctx.t.query<{ chain: string }>(
    `SELECT chain, version FROM ${ctx.table('cluster_state')} FINAL WHERE clusters > 0 AND deleted = 0
     ORDER BY chain`,
  );
  return rows.map((r) => r.chain);
}
