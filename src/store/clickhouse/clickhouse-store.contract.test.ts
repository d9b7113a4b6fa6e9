import { describe } from 'vitest';
import { chdbUnavailable, createChdbTransport } from '../../../test/helpers/chdb-transport.ts';
import {
  clickHouseUnavailable,
  useClickHouseCluster,
} from '../../../test/helpers/clickhouse-cluster.ts';
import { describeStoreContract } from '../store.contract.ts';
import { createClickHouseStore } from './clickhouse-store.ts';

/**
 * The parts of the store contract the ClickHouse backend does not keep yet (none now): they would
 * show as skipped, so a gap stays in view; the whole contract runs on ClickHouse 26.7 (chdb,
 * in-process) and on a 2-shard cluster of Debian's clickhouse-server 18.16.
 */
const NOT_YET: readonly string[] = [];

let databases = 0;
const noChdb = chdbUnavailable();
describe.skipIf(noChdb !== null)(`ClickHouse 26.7${noChdb ? `: NOT RUN, ${noChdb}` : ''}`, () => {
  describeStoreContract(
    'ClickHouse 26.7 (chdb)',
    async () => {
      // One chdb session per process (test/helpers/chdb-transport.ts): a database per test.
      const store = await createClickHouseStore({
        location: `clickhouse://default@localhost:8123/contract_${++databases}`,
        connect: () => createChdbTransport(),
      });
      return { store, cleanup: () => store.close() };
    },
    { notYet: NOT_YET },
  );
});

const missing = clickHouseUnavailable();
describe.skipIf(missing !== null)(
  `on a 2-shard ClickHouse 18.16 cluster${missing ? `: NOT RUN, ${missing}` : ''}`,
  () => {
    // Not UTC: the round trips of times must not depend on the servers' time zone.
    const ch = useClickHouseCluster({ shards: 2, timezone: 'Asia/Pyongyang' });
    describeStoreContract(
      'ClickHouse 18.16, 2 shards',
      async () => {
        const store = await createClickHouseStore({
          location: ch.cluster.storeUrl(`contract_${++databases}`),
        });
        return { store, cleanup: () => store.close() };
      },
      { notYet: NOT_YET },
    );
  },
);
