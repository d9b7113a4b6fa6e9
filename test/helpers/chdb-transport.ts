import { Session } from 'chdb';
import { BaseError } from '../../src/errors/base.ts';
import type { ClickHouseTransport } from '../../src/store/clickhouse/transport.ts';

/**
 * A {@link ClickHouseTransport} over chdb (npm, ClickHouse 26.7 in-process; a dev dependency): the
 * store's statements run on a current ClickHouse release without a server. One session (its own
 * temporary directory) per transport, removed on close. Tests only.
 *
 * @example
 * const store = await createClickHouseStore({ location, transports: { connect: () => createChdbTransport() } });
 */
export function createChdbTransport(): ClickHouseTransport & { statements: string[] } {
  const session = new Session();
  const statements: string[] = [];
  // 64-bit integers as JSON strings, as ClickHouse 18.16 writes them by default (the store reads
  // both, but exact values need the strings).
  session.query('SET output_format_json_quote_64bit_integers = 1');
  const run = async (statement: string, format?: string) => {
    statements.push(statement);
    try {
      return (await session.queryAsync(statement, format ? { format } : {})).text();
    } catch (error) {
      throw new BaseError(`chdb refused a statement: ${(error as Error).message.split('\n')[0]}`, {
        code: 'STORE_QUERY_FAILED',
        details: `Statement: ${statement.replace(/\s+/g, ' ').slice(0, 300)}`,
        cause: error,
      });
    }
  };
  return {
    statements,
    async command(statement) {
      await run(statement);
    },
    async query<T>(statement: string) {
      const text = await run(statement, 'JSONEachRow');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as T);
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      await run(
        `INSERT INTO ${table} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`,
      );
    },
    async close() {
      session.cleanup();
    },
  };
}
