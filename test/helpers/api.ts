import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { type ApiApp, type BuildAppParameters, buildApp } from '../../src/api/app.ts';
import { createApiKey } from '../../src/api/auth/api-keys.ts';
import { ROLES, type Role } from '../../src/api/auth/roles.ts';
import { loadReferenceLabels } from '../../src/labels/reference.ts';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import type { Store } from '../../src/store/store.ts';
import { makeTempDir } from './temp-dir.ts';

/** What {@link useApi} gives a test file. */
export type ApiFixture = {
  readonly app: ApiApp;
  readonly store: Store;
  readonly dir: string;
  /** A key of each role, organisation `acme`. */
  readonly keys: Record<Role, string>;
  /** Headers that present the key of `role`. */
  as(role: Role): { 'x-api-key': string };
};

/** Options of {@link useApi}. */
export type UseApiOptions = {
  /** Load the shipped reference labels (OFAC and others), about a second. */
  referenceLabels?: boolean;
  /** Data to write before the app is built (the screener loads labels at build). */
  seed?: (store: Store) => Promise<void>;
  app?: Partial<Omit<BuildAppParameters, 'store' | 'logger'>>;
};

/**
 * One API app over a fresh on-disk DuckDB store for the enclosing `describe` (built once, closed
 * after its tests), with a key of every role.
 *
 * @example
 * const api = useApi({ referenceLabels: true });
 * it('screens', async () => { await api.app.inject({ url: '/v1/address/0x…', headers: api.as('screener') }); });
 */
export function useApi(options: UseApiOptions = {}): ApiFixture {
  let dir: ReturnType<typeof makeTempDir> | null = null;
  let store: Store | null = null;
  let app: ApiApp | null = null;
  const keys = {} as Record<Role, string>;
  beforeAll(async () => {
    dir = makeTempDir('chaintrail-api-');
    store = await createDuckDbStore({ path: path.join(dir.path, 'db.duckdb') });
    if (options.referenceLabels)
      await loadReferenceLabels({ store, dir: path.resolve('data/reference') });
    await options.seed?.(store);
    for (const role of ROLES)
      keys[role] = (await createApiKey({ store, role, org: 'acme', name: `test ${role}` })).key;
    app = await buildApp({ store, logger: pino({ level: 'silent' }), ...options.app });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    dir?.cleanup();
  });
  return {
    get app() {
      return app!;
    },
    get store() {
      return store!;
    },
    get dir() {
      return dir!.path;
    },
    keys,
    as: (role) => ({ 'x-api-key': keys[role] }),
  };
}
