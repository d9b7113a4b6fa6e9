import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chdbUnavailable, createChdbTransport } from '../../../test/helpers/chdb-transport.ts';
import {
  clickHouseUnavailable,
  useClickHouseCluster,
} from '../../../test/helpers/clickhouse-cluster.ts';
import { ETL_TOKEN_TRANSFERS } from '../../../test/helpers/etl-transfers.ts';
import { makeTempDir } from '../../../test/helpers/temp-dir.ts';
import {
  plainAddresses,
  syntheticTxHash,
  transfer,
} from '../../../test/helpers/screen-fixtures.ts';
import type { Transfer } from '../../model/transfer.ts';
import type { Label, Store } from '../store.ts';
import { createDuckDbStore } from '../duckdb/duckdb-store.ts';
import { createClickHouseStore } from './clickhouse-store.ts';
import { quote } from './quote.ts';
import { CLICKHOUSE_SCHEMA_VERSION, TABLES } from './schema.ts';
import type { ClickHouseTransport } from './transport.ts';

/** Real ERC-20 transfers (ethereum-etl's test resources). */
const REAL = ETL_TOKEN_TRANSFERS;

function block(chain: string, number: bigint, time: number) {
  return { chain, number, hash: `0xh${number}`, parentHash: `0xh${number - 1n}`, time };
}

/**
 * The ClickHouse store's guarantees, on one deployment: `open` gives a fresh store (its own
 * database) and the transports it opened (for the statement check).
 */
function describeClickHouseStore(
  name: string,
  open: (options?: { writeBufferRows?: number }) => Promise<Store>,
) {
  describe(name, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stages a write larger than its buffer on the server: all of it on success, nothing on failure', async () => {
      const staged = await open({ writeBufferRows: 3 });
      try {
        const rows = Array.from({ length: 10 }, (_, i) => ({
          ...REAL[0]!,
          chain: 'staged-test',
          position: `log:${i}`,
          amount: BigInt(i),
        }));
        await expect(
          staged.write(async (w) => {
            for (const r of rows) await w.appendTransfers([r]);
            throw new Error('bad row at the end');
          }),
        ).rejects.toThrow('bad row');
        // By address too: the copy by address comes from the same scratch table.
        const touching = async () => [
          ...(
            await staged.listTransfersTouching({
              chain: 'staged-test',
              addresses: [REAL[0]!.from!, REAL[0]!.to!],
            })
          ).amount,
        ];
        expect(await staged.listTransfers({ chain: 'staged-test' })).toEqual([]);
        expect(await touching()).toEqual([]);
        const summary = await staged.write(async (w) => {
          for (const r of rows) await w.appendTransfers([r]);
        });
        expect(summary.transfersWritten).toBe(10);
        expect(await staged.listTransfers({ chain: 'staged-test' })).toEqual(rows);
        expect(await touching()).toEqual(rows.map((r) => Number(r.amount)));
      } finally {
        await staged.close();
      }
    });

    it('stages any text, missing addresses and amounts of every size as a write kept in memory stores them', async () => {
      // Positions with every character TabSeparated escapes (and a text that reads as its NULL),
      // amounts of one to four 64-bit limbs, a mint, a burn and a transfer to oneself.
      const positions = [
        'tab\there',
        'line\nfeed',
        'back\\slash',
        'cr\rx',
        'nul\0x',
        '\\N',
        'üñï €',
        `q'"`,
      ];
      const amounts = [0n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 128n - 1n, 2n ** 128n, 2n ** 256n - 1n];
      const { from, to } = REAL[0]!;
      const rowsOf = (chain: string): Transfer[] =>
        positions.map((position, i) => ({
          ...REAL[0]!,
          chain,
          position,
          amount: amounts[i % amounts.length]!,
          from: i === 1 ? null : from,
          to: i === 2 ? null : i === 3 ? from : to,
        }));
      const staged = await open({ writeBufferRows: 2 });
      try {
        await staged.write(async (w) => {
          for (const r of rowsOf('staged-text')) await w.appendTransfers([r]);
        });
        await store.write(async (w) => w.appendTransfers(rowsOf('memory-text')));
        const byPosition = (a: Transfer, b: Transfer) => (a.position < b.position ? -1 : 1);
        const read = async (from: Store, chain: string) =>
          (await from.listTransfers({ chain })).map((t) => ({ ...t, chain: '' })).sort(byPosition);
        expect(await read(staged, 'staged-text')).toEqual(rowsOf('').sort(byPosition));
        expect(await read(staged, 'staged-text')).toEqual(await read(store, 'memory-text'));
        // By address: each transfer once per address it has (the transfer to oneself once).
        const touching = await staged.listTransfersTouching({
          chain: 'staged-text',
          addresses: [from!, to!],
        });
        expect(touching.order.length).toBe(positions.length);
        // Exact sums: the limbs of every amount.
        const asset = (await staged.getStats()).assets.find((a) => a.chain === 'staged-text');
        expect(asset?.amount).toBe(rowsOf('').reduce((sum, r) => sum + r.amount, 0n));
      } finally {
        await staged.close();
      }
    });

    it('fails a staged write whose rows the server refuses, with the store error, leaving nothing', async () => {
      const staged = await open({ writeBufferRows: 2 });
      try {
        const rows = Array.from({ length: 5 }, (_, i) => ({
          ...REAL[0]!,
          chain: 'staged-refused',
          position: `log:${i}`,
          // Not a time (no reader makes one): the server refuses the row.
          blockTime: i === 3 ? Number.NaN : REAL[0]!.blockTime,
        }));
        await expect(
          staged.write(async (w) => {
            for (const r of rows) await w.appendTransfers([r]);
          }),
        ).rejects.toMatchObject({ code: 'STORE_QUERY_FAILED' });
        expect(await staged.listTransfers({ chain: 'staged-refused' })).toEqual([]);
        // The store writes again after the failure.
        await staged.write(async (w) => w.appendTransfers(rows.slice(0, 3)));
        expect(await staged.listTransfers({ chain: 'staged-refused' })).toHaveLength(3);
      } finally {
        await staged.close();
      }
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

    it('ranks counterparties and transfers by their exact amounts where doubles tie (sums carried across limbs)', async () => {
      const chain = 'exact-order-test';
      const [x, low, high] = plainAddresses(3).sort() as [string, string, string];
      // Doubles make 2^201 of all three sums and of both single amounts: only the exact order puts
      // `high` first (ties would go to the lower address, or the earlier transfer).
      const big = 2n ** 200n + 2n ** 64n - 1n;
      await store.write((w) =>
        w.appendTransfers([
          transfer('x-low-1', x, low, big, { chain, day: '2024-01-01' }),
          transfer('x-low-2', x, low, big, { chain, day: '2024-01-01' }),
          transfer('x-high', x, high, 2n * big + 1n, { chain, day: '2024-01-02' }),
        ]),
      );
      expect(Number(2n * big) === Number(2n * big + 1n)).toBe(true);
      const [flows] = await store.getCounterpartyFlows({
        chain,
        addresses: [x],
        direction: 'out',
        maxCounterparties: 1,
      });
      expect(flows).toMatchObject({ total: 4n * big + 1n, counterparties: 2 });
      expect(flows!.flows.map((f) => [f.counterparty, f.amount])).toEqual([[high, 2n * big + 1n]]);
      const [received] = await store.getFlowTransfers({
        chain,
        direction: 'in',
        targets: [{ address: low, asset: null, bound: null }],
        maxTransfers: 2,
      });
      expect(received!.transfers.map((t) => t.txHash)).toEqual(
        [syntheticTxHash('x-low-1'), syntheticTxHash('x-low-2')].sort(),
      );
      const [largest] = await store.getFlowTransfers({
        chain,
        direction: 'out',
        targets: [{ address: x, asset: null, bound: null }],
        maxTransfers: 1,
      });
      expect(largest!.transfers.map((t) => t.counterparty)).toEqual([high]);
      expect(largest!.count).toBe(3);
    });

    it('refuses a transfer cursor it did not make, naming it', async () => {
      for (const cursor of ['row-12', '12:not json', '12:["a","b","c","d"]'])
        await expect(
          (async () => {
            for await (const _ of store.scanTransfers({ after: cursor })) break;
          })(),
        ).rejects.toMatchObject({ code: 'STORE_BAD_CURSOR' });
    });

    it('gives the labelled volume DuckDB gives, by chain, month, category and actor: label days and months in UTC, open labels for untimed transfers', async () => {
      const chain = 'volume-test';
      const [a, b, c, d] = plainAddresses(4) as [string, string, string, string];
      const at = (iso: string) => Date.parse(iso) / 1000;
      const transfers: Transfer[] = [
        // 2024-02-01 08:30 in the servers' zone (Asia/Pyongyang): a label ending on 2024-01-31 holds.
        transfer('vol-a-b', a, b, 5n, { chain, blockTime: at('2024-01-31T23:30:00Z') }),
        transfer('vol-c-d', c, d, 7n, { chain, blockTime: at('2024-02-01T00:30:00Z') }),
        transfer('vol-b-c', b, c, 11n, { chain }),
        transfer('vol-d-a', d, a, 13n, { chain, blockTime: at('2024-03-15T12:00:00Z') }),
        transfer('vol-fee', a, null, 100n, { chain, kind: 'fee', position: 'fee:tip' }),
      ];
      const label = (address: string, category: string, more: Partial<Label>): Label => ({
        chain,
        address,
        entity: null,
        category,
        source: 'test',
        confidence: 10,
        ...more,
      });
      const labels = [
        label(a, 'scam', { actor: 'actor-x', validTo: '2024-01-31' }),
        label(c, 'sanctioned', { validFrom: '2024-02-01' }),
        label(d, 'scam', { actor: 'actor-y', validFrom: '2024-04-01' }),
      ];
      const dir = makeTempDir();
      const duck = await createDuckDbStore({ path: path.join(dir.path, 'volume.duckdb') });
      try {
        for (const s of [store, duck]) {
          await s.write((w) => w.appendTransfers(transfers));
          await s.write((w) => w.addLabels(labels));
        }
        for (const by of ['chain', 'month', 'category', 'actor'] as const) {
          const params = {
            categories: ['scam', 'sanctioned'],
            by,
            assets: [{ chain, asset: 'native' }],
          };
          const { rows } = await store.getLabelledVolume(params);
          expect(rows, by).toEqual((await duck.getLabelledVolume(params)).rows);
          expect(rows.some((r) => r.labelledTransfers > 0)).toBe(true);
        }
        const { rows: months } = await store.getLabelledVolume({
          categories: ['scam'],
          by: 'month',
        });
        expect(
          months.filter((r) => r.chain === chain).map((r) => [r.period, r.labelledTransfers]),
        ).toEqual([
          ['2024-01', 1],
          ['2024-02', 0],
          ['2024-03', 0],
          ['unknown', 0],
        ]);
      } finally {
        await duck.close();
        dir.cleanup();
      }
    });
  });
}

describe('ClickHouse store', () => {
  const missing = clickHouseUnavailable();
  describe.skipIf(missing !== null)(
    `on a 2-shard ClickHouse cluster (Debian's clickhouse-server 18.16)${missing ? `: NOT RUN, ${missing}` : ''}`,
    () => {
      const ch = useClickHouseCluster({ shards: 2, timezone: 'Asia/Pyongyang' });
      describeClickHouseStore('store', (options) =>
        createClickHouseStore({ location: ch.cluster.storeUrl('ct_store'), ...options }),
      );

      it('spreads transfers over both shards', async () => {
        const counts = [];
        for (const shard of ch.cluster.shards) {
          const r = await fetch(
            `${shard}/?query=${encodeURIComponent('SELECT count() FROM ct_store.transfers_local')}`,
          );
          counts.push(Number((await r.text()).trim()));
        }
        expect(counts.every((n) => n > 0)).toBe(true);
      });

      it("keeps the later write of a document when the process that wrote before had a clock ahead of this one's", async () => {
        const location = ch.cluster.storeUrl('ct_docs_skew');
        const store = await createClickHouseStore({ location });
        try {
          await store.putDocument({ kind: 'case', id: 'c1', org: 'acme', body: { v: 1 } });
          // Another server, its clock 10 minutes ahead, wrote version 2 of the case.
          const ahead = (BigInt(Date.now()) + 600_000n) * 1000n;
          const insert = `INSERT INTO ct_docs_skew.documents (kind, id, org, body, created_at, updated_at, version, deleted) VALUES ('case', 'c1', 'acme', '{"v":2}', now(), now(), ${ahead}, 0)`;
          const res = await fetch(ch.cluster.shards[0]!, { method: 'POST', body: insert });
          expect(res.ok, await res.text()).toBe(true);
          expect((await store.getDocument('case', 'c1'))?.body).toEqual({ v: 2 });
          // This server writes version 3 after it: it is what is read, and so is a deletion after it.
          await store.putDocument({ kind: 'case', id: 'c1', org: 'acme', body: { v: 3 } });
          expect((await store.getDocument('case', 'c1'))?.body).toEqual({ v: 3 });
          expect(await store.deleteDocument('case', 'c1')).toBe(true);
          expect(await store.getDocument('case', 'c1')).toBeNull();
        } finally {
          await store.close();
        }
      });

      it('decides claims between two stores opened on one deployment (two serve processes): one winner per name', async () => {
        const location = ch.cluster.storeUrl('ct_claims');
        const a = await createClickHouseStore({ location });
        const b = await createClickHouseStore({ location });
        try {
          const names = Array.from({ length: 10 }, (_, i) => `alert:${i}`);
          const results = await Promise.all(
            names.flatMap((n) => [a.claim(n, 'server_a'), b.claim(n, 'server_b')]),
          );
          for (let i = 0; i < names.length; i++) {
            const [fromA, fromB] = [results[2 * i]!, results[2 * i + 1]!];
            expect(fromA.won !== fromB.won).toBe(true);
            expect(fromA.holder).toBe(fromB.holder);
          }
          // Either process sees every claim afterwards.
          for (const n of names)
            expect((await b.claim(n, 'late')).holder).toBe((await a.claim(n, 'late')).holder);
        } finally {
          await a.close();
          await b.close();
        }
      });

      it('refuses a database a newer chaintrail made, naming both versions, creating nothing in it', async () => {
        const location = ch.cluster.storeUrl('ct_newer');
        await (await createClickHouseStore({ location })).close();
        // The version a newer release would record, into one shard's local table; and a table it
        // would no longer have.
        for (const body of [
          'INSERT INTO ct_newer.schema_version_local (version, applied_at) VALUES (99, now())',
          'DROP TABLE ct_newer.prices',
        ]) {
          const r = await fetch(ch.cluster.shards[0]!, { method: 'POST', body });
          expect(r.ok, await r.text()).toBe(true);
        }
        const tables = async () =>
          (
            await fetch(ch.cluster.shards[0]!, {
              method: 'POST',
              body: "SELECT name FROM system.tables WHERE database = 'ct_newer' ORDER BY name",
            })
          ).text();
        const before = await tables();
        expect(before).not.toMatch(/^prices$/m);
        await expect(createClickHouseStore({ location })).rejects.toMatchObject({
          code: 'SCHEMA_TOO_NEW',
          shortMessage: expect.stringMatching(
            new RegExp(
              `schema version 99, newer than this chaintrail \\(${CLICKHOUSE_SCHEMA_VERSION}\\)`,
            ),
          ),
        });
        expect(await tables()).toBe(before);
      });

      it("opens a database of schema version 1: adds the tables of labels, prices and clusters and the transfers' seq, records the current version", async () => {
        const location = ch.cluster.storeUrl('ct_v1');
        await (await createClickHouseStore({ location })).close();
        // Back to what version 1 made: none of the tables version 2 added, no `seq` (version 3),
        // version 1 recorded.
        const added = TABLES.slice(TABLES.findIndex((t) => t.name === 'labels')).filter(
          (t) => t.name !== 'schema_version',
        );
        expect(added.map((t) => t.name)).toContain('cluster_state');
        for (const shard of ch.cluster.shards) {
          const statements = [
            ...added.flatMap((t) => [
              `DROP TABLE ct_v1.${t.name}`,
              `DROP TABLE ct_v1.${t.name}_local`,
            ]),
            'ALTER TABLE ct_v1.transfers DROP COLUMN seq',
            'ALTER TABLE ct_v1.transfers_local DROP COLUMN seq',
            'TRUNCATE TABLE ct_v1.schema_version_local',
          ];
          for (const body of statements) {
            const r = await fetch(shard, { method: 'POST', body });
            expect(r.ok, await r.text()).toBe(true);
          }
        }
        const r = await fetch(ch.cluster.shards[0]!, {
          method: 'POST',
          body: 'INSERT INTO ct_v1.schema_version_local (version, applied_at) VALUES (1, now())',
        });
        expect(r.ok, await r.text()).toBe(true);
        const store = await createClickHouseStore({ location });
        try {
          expect(await store.getSchemaVersion()).toBe(CLICKHOUSE_SCHEMA_VERSION);
          await store.write((w) =>
            w.putPrices([
              { chain: 'ethereum', asset: 'native', day: '2025-02-21', usd: 1, source: 'test' },
            ]),
          );
          expect(await store.listPrices({ chain: 'ethereum', asset: 'native' })).toHaveLength(1);
          expect(await store.listLabels()).toEqual([]);
          expect(await store.listClusterChains()).toEqual([]);
          // Transfers keep the order they were written in.
          const moves = [...REAL].reverse();
          await store.write((w) => w.appendTransfers(moves));
          const touching = await store.listTransfersTouching({
            chain: 'ethereum',
            txHashes: moves.map((t) => t.txHash),
          });
          expect(touching.txHash).toEqual(moves.map((t) => t.txHash));
        } finally {
          await store.close();
        }
      });

      it('opens a database of schema version 3: copies its live transfers by address, which the touching reads then find', async () => {
        const location = ch.cluster.storeUrl('ct_v3');
        const chain = 'v3-test';
        const [a, b, c] = plainAddresses(3);
        const move = (n: bigint, from: string | null, to: string | null): Transfer => ({
          ...REAL[0]!,
          chain,
          blockNumber: n,
          txHash: syntheticTxHash(`v3-${n}`),
          from,
          to,
        });
        // A payment, a mint (no sender), one to itself, and one the reorg below removes.
        const moves = [move(3n, a!, b!), move(2n, null, a!), move(1n, b!, b!), move(4n, a!, c!)];
        const old = await createClickHouseStore({ location });
        try {
          await old.write(async (w) => {
            await w.putBlocks([1n, 2n, 3n, 4n].map((n) => block(chain, n, Number(n) * 100)));
            await w.appendTransfers(moves);
          });
          await old.write((w) => w.deleteFromBlock(chain, 4n));
        } finally {
          await old.close();
        }
        // Back to what version 3 made: no `transfer_addresses`, version 3 recorded.
        for (const shard of ch.cluster.shards)
          for (const body of [
            'DROP TABLE ct_v3.transfer_addresses',
            'DROP TABLE ct_v3.transfer_addresses_local',
            'TRUNCATE TABLE ct_v3.schema_version_local',
          ]) {
            const r = await fetch(shard, { method: 'POST', body });
            expect(r.ok, await r.text()).toBe(true);
          }
        const r = await fetch(ch.cluster.shards[0]!, {
          method: 'POST',
          body: 'INSERT INTO ct_v3.schema_version_local (version, applied_at) VALUES (3, now())',
        });
        expect(r.ok, await r.text()).toBe(true);
        const store = await createClickHouseStore({ location });
        try {
          expect(await store.getSchemaVersion()).toBe(CLICKHOUSE_SCHEMA_VERSION);
          const touching = async (addresses: string[]) => {
            const t = await store.listTransfersTouching({ chain, addresses });
            const ids = Array.from({ length: t.length }, (_, i) => i);
            ids.sort((x, y) => (t.order[x]! < t.order[y]! ? -1 : 1));
            return ids.map((i) => [t.txHash[i], t.from[i], t.to[i]]);
          };
          const rowsOf = (list: Transfer[]) => list.map((t) => [t.txHash, t.from, t.to]);
          // In the order they were written, the removed one left out.
          expect(await touching([a!, b!, c!])).toEqual(rowsOf(moves.slice(0, 3)));
          expect(await touching([a!])).toEqual(rowsOf(moves.slice(0, 2)));
          expect(await touching([c!])).toEqual([]);
          // One row per address of each live transfer (two, one, one), spread over the shards.
          let copied = 0;
          for (const shard of ch.cluster.shards) {
            const q = await fetch(shard, {
              method: 'POST',
              body: 'SELECT count() FROM ct_v3.transfer_addresses_local FINAL WHERE deleted = 0',
            });
            copied += Number((await q.text()).trim());
          }
          expect(copied).toBe(4);
        } finally {
          await store.close();
        }
      });

      it('round-trips every byte of a string through the quoting function', async () => {
        let text = '';
        for (let i = 0; i < 256; i++) text += String.fromCharCode(i);
        text += "€😀'\\";
        const r = await fetch(`${ch.cluster.shards[0]}/?default_format=JSONEachRow`, {
          method: 'POST',
          body: `SELECT ${quote(text)} AS s`,
        });
        expect(JSON.parse(await r.text()).s).toBe(text);
      });
    },
  );

  // ClickHouse 26.7 in-process: every statement the store sends must run on a current release too.
  const noChdb = chdbUnavailable();
  describe.skipIf(noChdb !== null)(
    `on ClickHouse 26.7${noChdb ? `: NOT RUN, ${noChdb}` : ''}`,
    () => {
      const transports: (ClickHouseTransport & { statements: string[] })[] = [];
      describeClickHouseStore('on chdb (ClickHouse 26.7 in-process)', (options) =>
        createClickHouseStore({
          ...options,
          // One chdb session per process (test/helpers/chdb-transport.ts): a database per store.
          location: `clickhouse://default@localhost:8123/ct_chdb_${transports.length}`,
          connect: () => {
            const t = createChdbTransport();
            transports.push(t);
            return t;
          },
        }),
      );
      it('sent statements to chdb (the check above is not empty)', () => {
        const statements = transports.flatMap((t) => t.statements);
        expect(statements.length).toBeGreaterThan(20);
        // The large writes above went through scratch tables, dropped after.
        const stages = statements.filter((s) => /^CREATE TABLE \S+\.stage_/.test(s));
        expect(stages.length).toBeGreaterThanOrEqual(2);
        expect(statements.filter((s) => s.startsWith('DROP TABLE IF EXISTS')).length).toBe(
          stages.length,
        );
      });
    },
  );
});
