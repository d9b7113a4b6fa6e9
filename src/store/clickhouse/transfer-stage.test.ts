import { describe, expect, it } from 'vitest';
import {
  clickHouseUnavailable,
  useClickHouseCluster,
} from '../../../test/helpers/clickhouse-cluster.ts';
import { ETL_TOKEN_TRANSFERS } from '../../../test/helpers/etl-transfers.ts';
import { createClickHouseStore } from './clickhouse-store.ts';
import { parseClickHouseLocation } from './clickhouse-url.ts';
import { TransferStage, tsv } from './transfer-stage.ts';
import { createHttpTransport } from './transport.ts';

describe('tsv', () => {
  it('escapes what TabSeparated reads as separators or escapes, and nothing else', () => {
    expect(tsv('a\tb\\c\nd\re\0f')).toBe('a\\tb\\\\c\\nd\\re\\0f');
    expect(tsv('\\N')).toBe('\\\\N');
    expect(tsv(`plain 'quoted' "text" ü €`)).toBe(`plain 'quoted' "text" ü €`);
  });
});

const missing = clickHouseUnavailable();
describe.skipIf(missing !== null)(
  `a transfer stage on a 2-shard ClickHouse 18.16 cluster${missing ? `: NOT RUN, ${missing}` : ''}`,
  () => {
    const ch = useClickHouseCluster({ shards: 2 });

    it('with the shards listed: chunks of transfers and their rows by address attached by each shard, then dropped', async () => {
      const url = ch.cluster.storeUrl('ct_stage_attach');
      const store = await createClickHouseStore({ location: url });
      const location = parseClickHouseLocation(url);
      const connect = (server: string, describe: string) =>
        createHttpTransport({ url: server, username: 'default', password: '', describe });
      const t = connect(location.url, location.describe);
      try {
        const rows = Array.from({ length: 10 }, (_, i) => ({
          ...ETL_TOKEN_TRANSFERS[0]!,
          chain: 'stage-attach',
          position: `log:${i}`,
          amount: 2n ** 130n + BigInt(i),
        }));
        const stage = new TransferStage(
          {
            t,
            database: location.database,
            cluster: location.cluster,
            openShards: () => location.shards.map((s) => connect(s, s)),
          },
          '1000',
          3,
        );
        await stage.open();
        for (let i = 0; i < rows.length; i += 2) await stage.add(rows.slice(i, i + 2), [i, i + 1]);
        expect(await store.listTransfers({ chain: 'stage-attach' })).toEqual([]);
        await stage.publish();
        await stage.drop();
        expect(await store.listTransfers({ chain: 'stage-attach' })).toEqual(rows);
        const { from, to } = ETL_TOKEN_TRANSFERS[0]!;
        const touching = await store.listTransfersTouching({
          chain: 'stage-attach',
          addresses: [from!, to!],
        });
        expect(touching.order.length).toBe(rows.length);
        for (const shard of ch.cluster.shards) {
          const left = await (
            await fetch(
              `${shard}/?query=${encodeURIComponent("SELECT count() FROM system.tables WHERE database = 'ct_stage_attach' AND name LIKE 'stage_%'")}`,
            )
          ).text();
          expect(left.trim()).toBe('0');
        }
      } finally {
        await t.close();
        await store.close();
      }
    });

    it('without the shards listed (ON CLUSTER deployments): a Log stage copied in, by address too, then dropped', async () => {
      const url = ch.cluster.storeUrl('ct_stage_copy');
      const store = await createClickHouseStore({ location: url });
      const location = parseClickHouseLocation(url);
      const t = createHttpTransport({
        url: location.url,
        username: location.username,
        password: location.password,
        describe: location.describe,
      });
      try {
        const rows = Array.from({ length: 4 }, (_, i) => ({
          ...ETL_TOKEN_TRANSFERS[0]!,
          chain: 'stage-copy',
          position: `log:${i}\t`,
          amount: 2n ** 70n + BigInt(i),
        }));
        const stage = new TransferStage(
          { t, database: location.database, cluster: location.cluster, openShards: null },
          '1000',
        );
        await stage.open();
        await stage.add(rows, [0, 1, 2, 3]);
        expect(await store.listTransfers({ chain: 'stage-copy' })).toEqual([]);
        await stage.publish();
        await stage.drop();
        expect(await store.listTransfers({ chain: 'stage-copy' })).toEqual(rows);
        const { from, to } = ETL_TOKEN_TRANSFERS[0]!;
        const touching = await store.listTransfersTouching({
          chain: 'stage-copy',
          addresses: [from!, to!],
        });
        expect(touching.order.length).toBe(rows.length);
        const left = await t.query<{ name: string }>(
          `SELECT name FROM system.tables WHERE database = 'ct_stage_copy' AND name LIKE 'stage_%'`,
        );
        expect(left).toEqual([]);
      } finally {
        await t.close();
        await store.close();
      }
    });
  },
);
