import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChdbTransport } from '../../../test/helpers/chdb-transport.ts';
import {
  type ClickHouseCluster,
  clickHouseUnavailable,
  startClickHouseCluster,
} from '../../../test/helpers/clickhouse-cluster.ts';
import { ETL_TOKEN_TRANSFERS } from '../../../test/helpers/etl-transfers.ts';
import type { ChainEvent } from '../../model/events.ts';
import type { Transfer } from '../../model/transfer.ts';
import type { Store } from '../store.ts';
import { createClickHouseStore, StoreUnsupportedError } from './clickhouse-store.ts';
import { quote } from './quote.ts';
import type { ClickHouseTransport } from './transport.ts';

/** Real ERC-20 transfers (ethereum-etl's test resources), and one amount past 2^128. */
const REAL = ETL_TOKEN_TRANSFERS;
const HUGE: Transfer = { ...REAL[0]!, position: 'log:999', amount: 2n ** 200n + 12345n };

function block(chain: string, number: bigint, time: number) {
  return { chain, number, hash: `0xh${number}`, parentHash: `0xh${number - 1n}`, time };
}

/**
 * The ClickHouse store's guarantees, on one deployment: `open` gives a fresh store (its own
 * database) and the transports it opened (for the statement check).
 */
function describeClickHouseStore(name: string, open: () => Promise<Store>) {
  describe(name, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stores transfers once however often they are written, amounts exact past 2^64', async () => {
      const rows = [...REAL, HUGE];
      const first = await store.write(async (w) => w.appendTransfers(rows));
      expect(first.transfersWritten).toBe(rows.length);
      await store.write(async (w) => w.appendTransfers(rows));
      const stored = await store.listTransfers({ chain: 'ethereum' });
      expect(stored).toEqual(
        [...rows].sort(
          (a, b) =>
            Number(a.blockNumber - b.blockNumber) ||
            a.txHash.localeCompare(b.txHash) ||
            a.position.localeCompare(b.position),
        ),
      );
      const stats = await store.getStats();
      const eth = stats.chains.find((c) => c.chain === 'ethereum')!;
      expect(eth.transfers).toBe(rows.length);
      const sums = new Map<string, bigint>();
      for (const t of rows) sums.set(t.asset, (sums.get(t.asset) ?? 0n) + t.amount);
      for (const a of stats.assets.filter((x) => x.chain === 'ethereum'))
        expect(a.amount).toBe(sums.get(a.asset));
      expect(await store.listTransfers({ address: REAL[0]!.to!, direction: 'in' })).toEqual(
        rows
          .filter((t) => t.to === REAL[0]!.to)
          .sort((a, b) => a.position.localeCompare(b.position)),
      );
    });

    it('writes nothing when the write function throws', async () => {
      await expect(
        store.write(async (w) => {
          await w.appendTransfers([{ ...REAL[0]!, chain: 'atomic-test' }]);
          await w.setCheckpoint({
            chain: 'atomic-test',
            stream: 's',
            blockNumber: 1n,
            blockHash: null,
          });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.listTransfers({ chain: 'atomic-test' })).toEqual([]);
      expect(await store.getCheckpoint('atomic-test', 's')).toBeNull();
    });

    it('rolls a reorg back and takes the new branch, checkpoint and blocks included', async () => {
      const chain = 'reorg-test';
      const at = (n: bigint, position: string, amount: bigint): Transfer => ({
        ...REAL[0]!,
        chain,
        blockNumber: n,
        txHash: `0xtx${n}`,
        position,
        amount,
      });
      await store.write(async (w) => {
        await w.putBlocks([block(chain, 1n, 100), block(chain, 2n, 200), block(chain, 3n, 300)]);
        await w.appendTransfers([at(1n, 'log:0', 1n), at(2n, 'log:0', 2n), at(3n, 'log:0', 3n)]);
        await w.setCheckpoint({ chain, stream: 'sync', blockNumber: 3n, blockHash: '0xh3' });
      });
      await store.write(async (w) => {
        await w.deleteFromBlock(chain, 2n);
        await w.putBlocks([{ ...block(chain, 2n, 201), hash: '0xother2' }]);
        await w.appendTransfers([at(2n, 'log:0', 20n)]);
        await w.setCheckpoint({ chain, stream: 'sync', blockNumber: 2n, blockHash: '0xother2' });
      });
      expect((await store.listTransfers({ chain })).map((t) => [t.blockNumber, t.amount])).toEqual([
        [1n, 1n],
        [2n, 20n],
      ]);
      expect((await store.getBlocks(chain, [1n, 2n, 3n])).map((b) => b.hash)).toEqual([
        '0xh1',
        '0xother2',
      ]);
      expect(await store.getCheckpoint(chain, 'sync')).toEqual({
        chain,
        stream: 'sync',
        blockNumber: 2n,
        blockHash: '0xother2',
      });
    });

    it('round-trips events, assets, documents and audit', async () => {
      const t = REAL[0]!;
      const events: ChainEvent[] = [
        {
          chain: 'ethereum',
          blockNumber: t.blockNumber,
          blockTime: t.blockTime,
          txHash: t.txHash,
          position: 'log:50',
          type: 'bridge_deposit',
          protocol: 'thorchain',
          contract: t.asset,
          account: t.from,
          asset: t.asset,
          amount: 2n ** 70n,
          memo: "=:b:bc1q'x",
          counterparty: t.to,
        },
        {
          chain: 'ethereum',
          blockNumber: t.blockNumber,
          blockTime: t.blockTime,
          txHash: t.txHash,
          position: 'log:51',
          type: 'freeze',
          contract: t.asset,
          account: t.to!,
        },
      ];
      await store.write(async (w) => {
        await w.appendEvents(events);
        await w.putAssets([
          { chain: 'ethereum', asset: t.asset, symbol: 'TKN', name: "It's a token", decimals: 18 },
        ]);
      });
      expect(await store.listEvents({ chain: 'ethereum' })).toEqual(events);
      expect((await store.listAssets('ethereum'))[0]).toMatchObject({
        symbol: 'TKN',
        name: "It's a token",
        decimals: 18,
      });
      const doc = await store.putDocument({
        kind: 'case',
        id: 'c1',
        org: 'org-a',
        body: { title: 'Bybit', n: 1 },
      });
      await store.putDocument({ ...doc, body: { title: 'Bybit', n: 2 } });
      expect((await store.getDocument('case', 'c1'))?.body).toEqual({ title: 'Bybit', n: 2 });
      expect(await store.listDocuments({ kind: 'case', org: 'org-b' })).toEqual([]);
      expect(await store.deleteDocument('case', 'c1')).toBe(true);
      expect(await store.getDocument('case', 'c1')).toBeNull();
      await store.appendAudit([
        { actor: 'key1', org: 'org-a', action: 'screen', target: '0xabc', detail: { n: 1 } },
        { actor: 'key2', org: 'org-b', action: 'trace.create', target: null },
      ]);
      expect(
        (await store.listAudit({ org: 'org-a' })).map((a) => [a.actor, a.action, a.detail]),
      ).toEqual([['key1', 'screen', { n: 1 }]]);
    });

    it('refuses what it does not keep yet, by name', async () => {
      await expect(store.getLabels('ethereum', REAL[0]!.to!)).rejects.toBeInstanceOf(
        StoreUnsupportedError,
      );
      await expect(store.getLabels('ethereum', REAL[0]!.to!)).rejects.toThrow(/getLabels/);
    });
  });
}

describe('ClickHouse store', () => {
  const missing = clickHouseUnavailable();
  describe.skipIf(missing !== null)(
    `on a 2-shard ClickHouse cluster (Debian's clickhouse-server 18.16)${missing ? `: NOT RUN, ${missing}` : ''}`,
    () => {
      let cluster: ClickHouseCluster;
      beforeAll(async () => {
        // Not UTC: stored times must not depend on the servers' time zone.
        cluster = await startClickHouseCluster({ shards: 2, timezone: 'Asia/Pyongyang' });
      }, 60_000);
      afterAll(async () => {
        await cluster?.stop();
      });
      describeClickHouseStore('store', () =>
        createClickHouseStore({ location: cluster.storeUrl('ct_store') }),
      );

      it('spreads transfers over both shards', async () => {
        const counts = [];
        for (const shard of cluster.shards) {
          const r = await fetch(
            `${shard}/?query=${encodeURIComponent('SELECT count() FROM ct_store.transfers_local')}`,
          );
          counts.push(Number((await r.text()).trim()));
        }
        expect(counts.every((n) => n > 0)).toBe(true);
      });

      it('round-trips every byte of a string through the quoting function', async () => {
        let text = '';
        for (let i = 0; i < 256; i++) text += String.fromCharCode(i);
        text += "€😀'\\";
        const r = await fetch(`${cluster.shards[0]}/?default_format=JSONEachRow`, {
          method: 'POST',
          body: `SELECT ${quote(text)} AS s`,
        });
        expect(JSON.parse(await r.text()).s).toBe(text);
      });
    },
  );

  // ClickHouse 26.7 in-process: every statement the store sends must run on a current release too.
  const transports: (ClickHouseTransport & { statements: string[] })[] = [];
  describeClickHouseStore('on chdb (ClickHouse 26.7 in-process)', () =>
    createClickHouseStore({
      location: 'clickhouse://default@localhost:8123/ct_chdb',
      connect: () => {
        const t = createChdbTransport();
        transports.push(t);
        return t;
      },
    }),
  );
  it('sent statements to chdb (the check above is not empty)', () => {
    expect(transports.flatMap((t) => t.statements).length).toBeGreaterThan(20);
  });
});
