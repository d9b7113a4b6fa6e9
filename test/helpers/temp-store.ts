import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import type { Store } from '../../src/store/store.ts';
import { makeTempDir } from './temp-dir.ts';

/**
 * Gives each test of the enclosing `describe` a fresh on-disk DuckDB store in a temporary folder,
 * closed and removed after the test.
 *
 * @example
 * const ctx = useTempStore();
 * it('stores', async () => { await ctx.store.write(...); });
 */
export function useTempStore(): { readonly store: Store; readonly dir: string } {
  let dir: ReturnType<typeof makeTempDir> | null = null;
  let store: Store | null = null;
  beforeEach(async () => {
    dir = makeTempDir();
    store = await createDuckDbStore({ path: path.join(dir.path, 'db.duckdb') });
  });
  afterEach(async () => {
    await store?.close();
    dir?.cleanup();
  });
  return {
    get store() {
      return store!;
    },
    get dir() {
      return dir!.path;
    },
  };
}
