import { createRequire } from 'node:module';
import { BaseError } from '../../src/errors/base.ts';
import type { ClickHouseTransport } from '../../src/store/clickhouse/transport.ts';

/** What the tests use of chdb's `Session` (chdb 3.4). */
interface Session {
  query(statement: string): unknown;
  queryAsync(statement: string, options: { format?: string }): Promise<{ text(): string }>;
  cleanup(): void;
}

/**
 * chdb is not in package.json: its lock entry names platform packages (macOS, ARM Linux) the
 * registry does not serve, and `npm ci` refuses a lock without them. `.ci/run` installs it with
 * `npm install --no-save chdb@3.4.0`; a clone without it says so and skips the 26.7 checks.
 */
const CHDB_PACKAGE = 'chdb';
const require = createRequire(import.meta.url);
let chdb: { Session: new () => Session } | null | undefined;
let chdbError = '';

function loadChdb(): { Session: new () => Session } | null {
  if (chdb === undefined) {
    try {
      chdb = require(CHDB_PACKAGE) as { Session: new () => Session };
    } catch (error) {
      chdb = null;
      chdbError = (error as Error).message.split('\n')[0] ?? '';
    }
  }
  return chdb;
}

/**
 * Why the chdb checks cannot run here (npm `chdb` is not installed, see `.ci/run`), or null when
 * they can.
 */
export function chdbUnavailable(): string | null {
  return loadChdb() === null
    ? `npm chdb (ClickHouse 26.7 in-process) is not installed: \`npm install --no-save chdb@3.4.0\` (${chdbError})`
    : null;
}

/**
 * chdb allows one data directory per process ("only one active data directory per process"), so
 * every transport of a test file shares one session; stores keep apart by database name.
 */
let shared: Session | null = null;
let users = 0;

/**
 * A {@link ClickHouseTransport} over chdb (npm, ClickHouse 26.7 in-process; a dev dependency): the
 * store's statements run on a current ClickHouse release without a server. The process's one
 * session (a temporary directory) is removed when its last transport closes. Tests only.
 *
 * @example
 * const store = await createClickHouseStore({ location: 'clickhouse://default@localhost/t1', connect: () => createChdbTransport() });
 */
export function createChdbTransport(): ClickHouseTransport & { statements: string[] } {
  if (shared === null) {
    const lib = loadChdb();
    if (lib === null) throw new Error(chdbUnavailable() ?? 'chdb is not installed');
    shared = new lib.Session();
    // 64-bit integers as JSON strings, as ClickHouse 18.16 writes them by default (the store reads
    // both, but exact values need the strings).
    shared.query('SET output_format_json_quote_64bit_integers = 1');
  }
  const session = shared;
  users++;
  let open = true;
  const statements: string[] = [];
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
    async insertText(table, columns, body) {
      let text = '';
      for await (const chunk of body) text += String(chunk);
      if (text === '') return;
      await run(`INSERT INTO ${table} (${columns.join(', ')}) FORMAT TabSeparated\n${text}`);
    },
    async close() {
      if (!open) return;
      open = false;
      if (--users === 0) {
        session.cleanup();
        shared = null;
      }
    },
  };
}
