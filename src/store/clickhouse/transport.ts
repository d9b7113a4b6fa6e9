import type { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { BaseError, RetryableError } from '../../errors/base.ts';

/**
 * How the ClickHouse store talks to one server: statements as text ({@link quote}d values), rows
 * in and out as JSONEachRow, the one row format both ClickHouse 18.16 and current releases read and
 * write the same way (18.16 knows no JSONCompactEachRow, @clickhouse/client's default insert
 * format). 64-bit integers come back as strings (ClickHouse quotes them in JSON by default).
 */
export type ClickHouseTransport = {
  /** A statement that returns no rows (DDL, INSERT ... SELECT, ALTER). */
  command(statement: string): Promise<void>;
  /** A SELECT; its rows as objects. */
  query<T = Record<string, unknown>>(statement: string): Promise<T[]>;
  /**
   * A SELECT whose rows come as they arrive, in chunks (a transport that cannot stream has none:
   * its reader pages instead). Stopping the iteration closes the response.
   */
  stream?<T = Record<string, unknown>>(statement: string): AsyncIterable<T[]>;
  /** Rows into a table (database-qualified), as JSONEachRow. */
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  /**
   * Rows into `columns` of a table as TabSeparated text, read from `body` as the server takes it:
   * one INSERT for as long as the stream lasts (a bulk import's rows, sent while they are parsed).
   * Resolves once the server has stored what the stream held; destroying the stream fails it.
   */
  insertText(
    table: string,
    columns: readonly string[],
    body: Readable,
    /** Rows the server gathers into one block (one part per shard). */
    blockRows: number,
  ): Promise<void>;
  close(): Promise<void>;
};

/** Server error codes that are worth trying again (ClickHouse's ErrorCodes). */
const RETRYABLE_SERVER_CODES = new Set([
  '159', // TIMEOUT_EXCEEDED
  '164', // READONLY (a replica catching up)
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '241', // MEMORY_LIMIT_EXCEEDED (another query's)
  '252', // TOO_MANY_PARTS
  '279', // ALL_CONNECTION_TRIES_FAILED (a shard down)
]);
/** Node's errors of a server that cannot be reached now. */
const RETRYABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);
/** Longest statement text an error repeats. */
const STATEMENT_IN_ERROR_CHARS = 300;

/**
 * A ClickHouse error as chaintrail's: RetryableError for a server that is down or busy, BaseError
 * otherwise, naming the server (never its password) and the start of the statement.
 */
function toStoreError(error: unknown, server: string, statement: string): Error {
  const e = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  const head = statement.replace(/\s+/g, ' ').slice(0, STATEMENT_IN_ERROR_CHARS);
  const message = (e.message ?? String(error)).split('\n')[0]!;
  if (code !== undefined && (RETRYABLE_SERVER_CODES.has(code) || RETRYABLE_NODE_CODES.has(code)))
    return new RetryableError(`ClickHouse at ${server} is unavailable: ${message}`, {
      code: 'STORE_UNAVAILABLE',
      details: `Statement: ${head}`,
      cause: error,
    });
  // Not the user's input: a statement chaintrail made was refused (a bug, or a deployment missing
  // what the store needs), which the API answers with 500.
  return new BaseError(`ClickHouse at ${server} refused a statement: ${message}`, {
    code: 'STORE_QUERY_FAILED',
    details: `Statement: ${head}`,
    cause: error,
  });
}

/**
 * The HTTP transport over `@clickhouse/client` (1.23; works against ClickHouse 18.16 with
 * JSONEachRow, as `format` is always given here).
 *
 * @example
 * const t = createHttpTransport({ url: 'http://127.0.0.1:8123', username: 'default', password: '', describe: '127.0.0.1:8123' });
 * await t.query('SELECT 1 AS one'); // [{ one: 1 }]
 */
export function createHttpTransport(parameters: {
  url: string;
  username: string;
  password: string;
  /** How errors name the server (no password). */
  describe: string;
  requestTimeoutMs?: number;
}): ClickHouseTransport {
  const client = createClient({
    url: parameters.url,
    username: parameters.username,
    password: parameters.password,
    request_timeout: parameters.requestTimeoutMs ?? 300_000,
    // 18.16 does not know settings newer clients send by default; none is sent here.
    compression: { request: false, response: false },
    // Errors are thrown to the caller as chaintrail's (toStoreError); the client's own log would
    // print every refused statement a second time.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: {
      // An insert into a Distributed table returns once every shard has its rows (the default
      // queues them and sends them later: a read just after missed them).
      insert_distributed_sync: 1,
      // 64-bit integers as JSON strings, exact (current releases default to numbers).
      output_format_json_quote_64bit_integers: 1,
    },
  });
  const server = parameters.describe;
  return {
    async command(statement) {
      try {
        await client.command({ query: statement });
      } catch (error) {
        throw toStoreError(error, server, statement);
      }
    },
    async query<T>(statement: string) {
      try {
        const result = await client.query({ query: statement, format: 'JSONEachRow' });
        return (await result.json()) as T[];
      } catch (error) {
        throw toStoreError(error, server, statement);
      }
    },
    async *stream<T>(statement: string) {
      let result;
      try {
        result = await client.query({ query: statement, format: 'JSONEachRow' });
      } catch (error) {
        throw toStoreError(error, server, statement);
      }
      const rows = result.stream<T>();
      try {
        for await (const chunk of rows) yield chunk.map((row) => row.json<T>());
      } catch (error) {
        throw toStoreError(error, server, statement);
      } finally {
        // Stopped early (or failed): the rest of the response is not read.
        rows.destroy();
      }
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      try {
        await client.insert({
          table,
          values: rows as Record<string, unknown>[],
          format: 'JSONEachRow',
        });
      } catch (error) {
        throw toStoreError(error, server, `INSERT INTO ${table}`);
      }
    },
    async insertText(table, columns, body, blockRows) {
      try {
        await client.insert({
          table,
          columns: columns as [string, ...string[]],
          values: body,
          format: 'TabSeparated',
          clickhouse_settings: { max_insert_block_size: String(blockRows) },
        });
      } catch (error) {
        throw toStoreError(error, server, `INSERT INTO ${table}`);
      }
    },
    async close() {
      await client.close();
    },
  };
}
