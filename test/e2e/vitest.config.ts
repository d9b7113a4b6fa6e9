import { defineConfig } from 'vitest/config';

// End-to-end tests of the web UI: a real `chaintrail serve` on the demo's data, driven in Debian's
// Chromium by playwright-core. `npm run test:e2e` runs them; `npm test` does not (they need Chromium).
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
