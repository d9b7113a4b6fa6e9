import { isClickHouseLocation } from './clickhouse/clickhouse-url.ts';
import { createDuckDbStore } from './duckdb/duckdb-store.ts';
import type { Store } from './store.ts';

/** Database used when neither `--db` nor `CHAINTRAIL_DB` says otherwise. */
export const DEFAULT_DB_PATH = './chaintrail.duckdb';

/** Input of {@link openStore}. */
export type OpenStoreParameters = {
  /** Explicit location (`--db`); wins over the environment. */
  db?: string | undefined;
  env?: NodeJS.ProcessEnv;
};

/**
 * Where the store lives: `--db`, else `CHAINTRAIL_DB`, else `./chaintrail.duckdb`.
 *
 * @example
 * resolveDbPath({ db: undefined, env: { CHAINTRAIL_DB: '/data/ct.duckdb' } }); // '/data/ct.duckdb'
 */
export function resolveDbPath(parameters: OpenStoreParameters): string {
  const env = parameters.env ?? process.env;
  return parameters.db || env.CHAINTRAIL_DB || DEFAULT_DB_PATH;
}

/**
 * Opens the configured store; the backend is chosen here only: a `clickhouse://` (or
 * `clickhouses://`) URL opens ClickHouse (src/store/clickhouse), anything else is a DuckDB file.
 * `CHAINTRAIL_DUCKDB_MEMORY` and `CHAINTRAIL_DUCKDB_WRITE_MEMORY` override DuckDB's memory limits for
 * queries and for writes.
 *
 * @example
 * const store = await openStore({ db: './case.duckdb' });
 */
export async function openStore(parameters: OpenStoreParameters = {}): Promise<Store> {
  const env = parameters.env ?? process.env;
  const location = resolveDbPath(parameters);
  if (isClickHouseLocation(location)) {
    // Loaded only when asked for: a DuckDB user never loads the ClickHouse client.
    const { createClickHouseStore } = await import('./clickhouse/clickhouse-store.ts');
    return createClickHouseStore({ location });
  }
  return createDuckDbStore({
    path: location,
    memoryLimit: env.CHAINTRAIL_DUCKDB_MEMORY || undefined,
    writeMemoryLimit: env.CHAINTRAIL_DUCKDB_WRITE_MEMORY || undefined,
  });
}
