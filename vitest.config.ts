import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files run at once. Vitest's default in a run is one less than the cores: one worker on the
 * 2-core CI, which left a core idle while a file waited on its child processes (the CLI, anvil,
 * bcoin): `npm test` took 13 m 59 s with one worker (mean load 2.5 on 2 shared cores) and 9 m 49 s
 * with two (mean load 3.2, the other engineers' tests included), all 1,078 tests passing in both.
 */
const MAX_WORKERS = Math.max(2, os.availableParallelism() - 1);

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: MAX_WORKERS,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'],
          /**
           * These files import the sources in-process (viem, DuckDB, Fastify, …): in a fresh process
           * each, that import was most of a small file's time. Kept between files, it is paid once
           * per worker: 57 files of web/src, src/trace, src/cluster and src/model took 71 s (63 s of
           * CPU) isolated and 43 s (34 s of CPU) not, the same 503 tests passing. Safe because no
           * test here mocks a module or changes process state for the next file (no vi.mock,
           * vi.stubEnv or process.env writes; the house rules forbid module singletons).
           */
          isolate: false,
        },
      },
      {
        extends: true,
        // The CLI's tests: each file drives child processes (the CLI, anvil, bcoin, ClickHouse)
        // and imports little, so it keeps a process of its own.
        test: { name: 'cli', include: ['test/**/*.test.ts'] },
      },
    ],
  },
});
