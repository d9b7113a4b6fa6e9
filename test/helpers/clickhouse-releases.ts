import { describe } from 'vitest';
import { createClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.ts';
import type { Store } from '../../src/store/store.ts';
import { chdbUnavailable, createChdbTransport } from './chdb-transport.ts';
import { clickHouseUnavailable, useClickHouseCluster } from './clickhouse-cluster.ts';

let databases = 0;

/**
 * Defines the same tests on both ClickHouse releases chaintrail is checked on: 26.7 in-process
 * (npm chdb, one session per process, a database per store) and a 2-shard cluster of Debian's
 * clickhouse-server 18.16 started for the file. Each release's suite says "NOT RUN" and why when it
 * cannot run here. `open` gives a fresh store in a database of its own (named from `prefix`).
 *
 * @example
 * describeOnClickHouseReleases('ch_labels', (release, open) => { it('…', async () => { const store = await open(); … }); });
 */
export function describeOnClickHouseReleases(
  prefix: string,
  define: (release: string, open: () => Promise<Store>) => void,
  options: { timezone?: string } = {},
): void {
  const noChdb = chdbUnavailable();
  describe.skipIf(noChdb !== null)(`ClickHouse 26.7${noChdb ? `: NOT RUN, ${noChdb}` : ''}`, () => {
    define('ClickHouse 26.7 (chdb)', () =>
      createClickHouseStore({
        location: `clickhouse://default@localhost:8123/${prefix}_${++databases}`,
        connect: () => createChdbTransport(),
      }),
    );
  });
  const missing = clickHouseUnavailable();
  describe.skipIf(missing !== null)(
    `on a 2-shard ClickHouse 18.16 cluster${missing ? `: NOT RUN, ${missing}` : ''}`,
    () => {
      const ch = useClickHouseCluster({ shards: 2, ...options });
      define('ClickHouse 18.16, 2 shards', () =>
        createClickHouseStore({ location: ch.cluster.storeUrl(`${prefix}_${++databases}`) }),
      );
    },
  );
}
