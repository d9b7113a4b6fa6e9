import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Transfer } from '../../model/transfer.ts';
import { amountLimbs } from './amount-limbs.ts';
import { identifier } from './quote.ts';
import {
  columnNames,
  selectTransferAddresses,
  TABLES,
  tableName,
  TRANSFER_ADDRESS_COLUMNS,
} from './schema.ts';
import type { ClickHouseTransport } from './transport.ts';

const STAGE_ID_BYTES = 8;
/**
 * Characters of TabSeparated text gathered before they are written to an insert's stream (about
 * 1,000 transfers): fewer, larger writes; the stream's buffer bounds what waits for the server.
 */
const TEXT_CHUNK_CHARS = 256 * 1024;
/**
 * Rows the server gathers into one block of a streamed insert: each block becomes one sorted part
 * per shard, written while that insert reads no more. A quarter of the server's default (1,048,576)
 * so that it writes in smaller steps while the process parses; not measured against other sizes.
 */
export const STAGE_BLOCK_ROWS = 262_144;
/**
 * Transfers of one chunk of a large write (attach mode): when one is sent, the server makes its
 * rows by address while the process sends the next, instead of all of them after the last. 1 M
 * transfers into the 2-shard 18.16 cluster at load 13-17 on 2 cores, one after the other: 38.1 and
 * 19.0 s in chunks of 500,000 against 41.5 and 24.6 s in one (0.19x and 0.31x against 0.15x and
 * 0.21x of clickhouse-client).
 */
export const STAGE_CHUNK_ROWS = 500_000;
const LIMB_MASK = 2n ** 64n - 1n;
/** The largest amount of two 64-bit limbs (the others zero). */
const TWO_LIMBS_MAX = 2n ** 128n - 1n;

/**
 * An amount's four limbs as TabSeparated text (`amount` is its decimal text): those of one or two
 * limbs without {@link amountLimbs}' four shifts (token amounts of 18 decimals pass 2^64 at 18.4
 * tokens); amountLimbs refuses the negative and those of 2^256 or more.
 */
function limbsText(amount: bigint, text: string): string {
  if (amount >= 0n && amount <= LIMB_MASK) return `${text}\t0\t0\t0`;
  if (amount > LIMB_MASK && amount <= TWO_LIMBS_MAX)
    return `${amount & LIMB_MASK}\t${amount >> 64n}\t0\t0`;
  return amountLimbs(amount).join('\t');
}

/** Where a write's transfers are staged (the store's deployment). */
export type TransferStageTarget = {
  /** The server chaintrail talks to (inserts go through its Distributed tables). */
  t: ClickHouseTransport;
  database: string;
  cluster: string | null;
  /**
   * Opens each shard's transport for the stage (the deployment's `shards=`); null with a cluster
   * whose shards chaintrail does not know (`ON CLUSTER`).
   */
  openShards: (() => ClickHouseTransport[]) | null;
};

/** One streamed INSERT of TabSeparated rows into a table. */
type TextInsert = {
  write(text: string): Promise<void>;
  /** Ends the stream; resolves when the server has stored every row. */
  end(): Promise<void>;
  /** Fails the insert (its rows go with the stage) and waits for it to stop. */
  abort(): Promise<void>;
};

function openTextInsert(
  t: ClickHouseTransport,
  table: string,
  columns: readonly string[],
): TextInsert {
  const body = new PassThrough();
  // A refused insert destroys its body with the error, which the insert's promise carries: without
  // a listener the stream's 'error' would end the process (an uncaught EPIPE).
  body.on('error', () => undefined);
  let failure: unknown = null;
  const done = t.insertText(table, columns, body, STAGE_BLOCK_ROWS).catch((error: unknown) => {
    failure = error;
  });
  return {
    async write(text) {
      if (failure !== null) throw failure;
      if (!body.write(text)) await Promise.race([once(body, 'drain'), done]);
      if (failure !== null) throw failure;
    },
    async end() {
      body.end();
      await done;
      if (failure !== null) throw failure;
    },
    async abort() {
      body.destroy(new Error('write abandoned'));
      await done;
    },
  };
}

/**
 * A value as TabSeparated text: backslash, tab, line feed, carriage return and NUL escaped, as
 * ClickHouse reads them back (18.16 and current releases).
 */
export function tsv(text: string): string {
  return /[\\\t\n\r\0]/.test(text) ? text.replace(/[\\\t\n\r\0]/g, escapeChar) : text;
}
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\\0',
};
const escapeChar = (c: string) => ESCAPES[c]!;
const nullable = (text: string | null) => (text === null ? '\\N' : tsv(text));
/** The store's tables a write's transfers are staged for. */
type StagedTable = 'transfers' | 'transfer_addresses';

/** The columns of a transfers row as {@link TransferStage.add} writes it. */
const TRANSFER_COLUMNS = columnNames('transfers');

/**
 * A large write's transfers, staged on the server as they come and made visible at the write's end
 * ({@link TransferStage.publish}); a failed write's stage is dropped ({@link TransferStage.drop})
 * and leaves nothing visible.
 *
 * Rows go as TabSeparated text in INSERTs streamed while the process parses the next rows (the
 * server stores a block while the process makes the next, instead of each waiting for the other),
 * into scratch tables made like `transfers`. On a deployment whose servers chaintrail knows (one
 * server, or `shards=`) each is a MergeTree table on every shard under a Distributed one sharded as
 * `transfers` is, one per {@link STAGE_CHUNK_ROWS} transfers: once a chunk is sent, the server makes
 * its rows by address into an address stage (sharded by address) while the next chunk is sent; at
 * the end each shard attaches every stage's parts to its tables (`ATTACH PARTITION … FROM`: the
 * parts are linked, not copied again). With `ON CLUSTER` (shards unknown) the stage is one Log
 * table on the server chaintrail talks to, copied in at the end with `INSERT … SELECT`, by address
 * too.
 *
 * Measured on 1 M transfers of the import benchmark into the 2-shard 18.16 cluster (CPU seconds of
 * the process and both servers, load 6-9 on 2 cores): JSONEachRow batches into a Log stage, then
 * both copies, 9.1 + 12.6 s; the address rows also sent from here as text, 8.3 + 11.8 s; made by the
 * server from the stage, as here, 5.9 + 10.5 s; the same made by each shard from its own part of
 * the stage at once, 5.9-6.0 + 10.3-10.8 s and longer wall times (2 cores).
 */
export class TransferStage {
  private readonly id = randomBytes(STAGE_ID_BYTES).toString('hex');
  /** Transports of the servers holding the local scratch tables (attach mode). */
  private servers: ClickHouseTransport[] = [];
  private ownServers = false;
  private readonly attach: boolean;
  private created: { server: ClickHouseTransport; table: string }[] = [];
  /** The transfers' stages (attach mode: one per {@link STAGE_CHUNK_ROWS}), the last one open. */
  private chunks: string[] = [];
  private insert: TextInsert | null = null;
  private chunkRows = 0;
  /** The server making the rows by address of the chunk before the open one, if it is not done. */
  private building: Promise<void> | null = null;
  private buildFailure: unknown = null;
  private text = '';

  constructor(
    private readonly target: TransferStageTarget,
    private readonly version: string,
    /** Transfers per chunk (tests; default {@link STAGE_CHUNK_ROWS}). */
    private readonly chunkSize = STAGE_CHUNK_ROWS,
  ) {
    this.attach = target.cluster === null || target.openShards !== null;
  }

  /** Makes the scratch tables and opens the insert. */
  async open(): Promise<void> {
    if (this.attach && this.target.cluster !== null) {
      this.servers = this.target.openShards!();
      this.ownServers = true;
    } else if (this.attach) this.servers = [this.target.t];
    await this.makeStage('transfer_addresses', `stage_transfer_addresses_${this.id}`);
    await this.openChunk();
  }

  /**
   * Makes a scratch table `stage` for the store's table `name` (see the class): a Log table (copy
   * mode), a table like it (one server), or one on every shard under a Distributed one.
   */
  private async makeStage(name: StagedTable, stage: string): Promise<void> {
    const { t, database, cluster } = this.target;
    const db = identifier(database);
    if (!this.attach) {
      if (name === 'transfers')
        await this.create(
          t,
          `CREATE TABLE ${db}.${stage} AS ${db}.transfers_local ENGINE = Log`,
          stage,
        );
    } else if (cluster === null)
      await this.create(t, `CREATE TABLE ${db}.${stage} AS ${db}.${name}`, stage);
    else {
      for (const server of this.servers)
        await this.create(
          server,
          `CREATE TABLE ${db}.${stage}_local AS ${db}.${name}_local`,
          `${stage}_local`,
        );
      const spec = TABLES.find((x) => x.name === name)!;
      await this.create(
        t,
        `CREATE TABLE ${db}.${stage} AS ${db}.${stage}_local ENGINE = Distributed(${identifier(cluster)}, ${db}, ${stage}_local, ${spec.shardBy})`,
        stage,
      );
    }
  }

  private async openChunk(): Promise<void> {
    const stage = `stage_transfers_${this.id}_${this.chunks.length}`;
    await this.makeStage('transfers', stage);
    this.chunks.push(stage);
    this.chunkRows = 0;
    this.insert = openTextInsert(
      this.target.t,
      tableName(this.target.database, stage),
      TRANSFER_COLUMNS,
    );
  }

  /**
   * Ends the open chunk's insert and has the server make its rows by address while the next chunk
   * is sent (one chunk at a time: the one before must be done).
   */
  private async nextChunk(): Promise<void> {
    await this.flush();
    await this.insert!.end();
    await this.waitForBuild();
    const chunk = this.chunks.at(-1)!;
    this.building = this.buildAddresses(chunk).catch((error: unknown) => {
      this.buildFailure = error;
    });
    await this.openChunk();
  }

  private async waitForBuild(): Promise<void> {
    await this.building;
    this.building = null;
    if (this.buildFailure !== null) throw this.buildFailure;
  }

  /** The rows by address of a chunk of transfers, into the address stage (on the server). */
  private buildAddresses(chunk: string): Promise<void> {
    const { t, database } = this.target;
    return t.command(
      `INSERT INTO ${tableName(database, `stage_transfer_addresses_${this.id}`)} (${TRANSFER_ADDRESS_COLUMNS})
       ${selectTransferAddresses(tableName(database, chunk))}`,
    );
  }

  private async create(server: ClickHouseTransport, statement: string, table: string) {
    this.created.push({ server, table });
    await server.command(statement);
  }

  /** Transfers with their place in the write (`seqs[i]`), and with a time. */
  async add(transfers: readonly Transfer[], seqs: readonly number[]): Promise<void> {
    const version = this.version;
    // A write's chain, asset and kind are mostly one value: escaped once per change.
    let chain = '';
    let chainText = '';
    let asset = '';
    let assetText = '';
    let kind = '';
    let kindText = '';
    for (let i = 0; i < transfers.length; i++) {
      const t = transfers[i]!;
      if (t.chain !== chain) chainText = tsv((chain = t.chain));
      if (t.asset !== asset) assetText = tsv((asset = t.asset));
      if (t.kind !== kind) kindText = tsv((kind = t.kind));
      const amount = t.amount.toString();
      this.text += `${chainText}\t${t.blockNumber}\t${t.blockTime === null ? '\\N' : t.blockTime}\t${tsv(t.txHash)}\t${tsv(t.position)}\t${nullable(t.from)}\t${nullable(t.to)}\t${assetText}\t${amount}\t${limbsText(t.amount, amount)}\t${kindText}\t${version}\t0\t${seqs[i]}\n`;
      if (this.text.length >= TEXT_CHUNK_CHARS) await this.flush();
      if (++this.chunkRows >= this.chunkSize && this.attach) await this.nextChunk();
    }
  }

  private async flush(): Promise<void> {
    const text = this.text;
    this.text = '';
    if (text !== '') await this.insert!.write(text);
  }

  /**
   * Sends what is left, then makes the staged rows the store's: the transfers first, then by
   * address (as the copies did before: a reader may see the transfers a moment before).
   */
  async publish(): Promise<void> {
    await this.flush();
    await this.insert!.end();
    const { t, database } = this.target;
    const db = identifier(database);
    if (!this.attach) {
      const stage = tableName(database, this.chunks[0]!);
      await t.command(`INSERT INTO ${tableName(database, 'transfers')} SELECT * FROM ${stage}`);
      await t.command(
        `INSERT INTO ${tableName(database, 'transfer_addresses')} (${TRANSFER_ADDRESS_COLUMNS})
         ${selectTransferAddresses(stage)}`,
      );
      return;
    }
    await this.waitForBuild();
    await this.buildAddresses(this.chunks.at(-1)!);
    const local = this.target.cluster === null ? '' : '_local';
    const stages = [
      ...this.chunks.map((stage) => ({ name: 'transfers', stage })),
      { name: 'transfer_addresses', stage: `stage_transfer_addresses_${this.id}` },
    ];
    for (const { name, stage } of stages)
      for (const server of this.servers)
        await server.command(
          `ALTER TABLE ${db}.${name}${local} ATTACH PARTITION tuple() FROM ${db}.${stage}${local}`,
        );
  }

  /** Stops the insert of a failed write (if still open) and waits for the server's build. */
  async abort(): Promise<void> {
    await this.insert?.abort();
    await this.building;
  }

  /** Drops the scratch tables (after publishing, or of a failed write) and closes shard connections. */
  async drop(): Promise<void> {
    const db = identifier(this.target.database);
    try {
      // The Distributed tables (made last) before the local ones they read.
      for (const { server, table } of this.created.reverse())
        await server.command(`DROP TABLE IF EXISTS ${db}.${table}`);
      this.created = [];
    } finally {
      if (this.ownServers) await Promise.all(this.servers.map((s) => s.close()));
      this.servers = [];
      this.ownServers = false;
    }
  }
}
