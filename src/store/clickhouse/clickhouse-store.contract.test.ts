import { describeOnClickHouseReleases } from '../../../test/helpers/clickhouse-releases.ts';
import { describeStoreContract } from '../store.contract.ts';

// The whole store contract on ClickHouse 26.7 (chdb, in-process) and on a 2-shard cluster of
// Debian's clickhouse-server 18.16; not UTC on the cluster: the round trips of times must not depend
// on the servers' time zone.
describeOnClickHouseReleases(
  'contract',
  (release, open) =>
    describeStoreContract(release, async () => {
      const store = await open();
      return { store, cleanup: () => store.close() };
    }),
  { timezone: 'Asia/Pyongyang' },
);
