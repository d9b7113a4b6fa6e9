import { describe } from 'vitest';
import { chdbUnavailable, createChdbTransport } from '../../../test/helpers/chdb-transport.ts';
import {
  clickHouseUnavailable,
  useClickHouseCluster,
} from '../../../test/helpers/clickhouse-cluster.ts';
import { describeStoreContract } from '../store.contract.ts';
import { createClickHouseStore } from './clickhouse-store.ts';

/**
 * The parts of the store contract the ClickHouse backend does not keep yet: the per-address reads
 * of screening, tracing and the address page, the cursor scan of the in-memory graph index, and the
 * labelled volume. They show as skipped, so the gap stays in view; every other test of the
 * contract runs on ClickHouse 26.7 (chdb, in-process) and on a 2-shard cluster of Debian's
 * clickhouse-server 18.16.
 */
const NOT_YET: readonly string[] = [
  "gives an address's UTXO transactions net of its change, largest first, with what it had received by then",
  'summarises an address: totals, first/last seen, counterparties',
  'gives counterparty flows with the first and last time of their transfers',
  'gives flow transfers one by one within a time bound, with what the address had received by then',
  'scans every transfer once, in store order, and resumes from a cursor with what came after it',
  'lists the transfers touching addresses or transactions, keyed by their place in store order',
  'leaves out of counterparty flows what the model says is no counterparty leg (fees, self-transfers, one-sided legs)',
  "counts volume by the model's kinds and a UTXO output as labelled through its inputs",
];

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
