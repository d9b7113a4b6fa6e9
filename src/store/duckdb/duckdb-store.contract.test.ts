import path from 'node:path';
import { makeTempDir } from '../../../test/helpers/temp-dir.ts';
import { describeStoreContract } from '../store.contract.ts';
import { createDuckDbStore } from './duckdb-store.ts';

// The store contract on DuckDB: a database file in a fresh temporary folder per test.
describeStoreContract('DuckDB', async () => {
  const dir = makeTempDir();
  const store = await createDuckDbStore({ path: path.join(dir.path, 'db.duckdb') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      dir.cleanup();
    },
  };
});
