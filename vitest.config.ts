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
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: MAX_WORKERS,
  },
});
