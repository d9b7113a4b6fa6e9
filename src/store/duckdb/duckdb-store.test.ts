import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ETL_TOKEN_TRANSFERS } from '../../../test/helpers/etl-transfers.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import type { ChainEvent } from '../../model/events.ts';
import { createDuckDbStore } from './duckdb-store.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.ts';

const REAL = ETL_TOKEN_TRANSFERS;

describe('DuckDB store', () => {
  const ctx = useTempStore();

  it('creates the latest schema on a new file', async () => {
    expect(await ctx.store.getSchemaVersion()).toBe(LATEST_SCHEMA_VERSION);
  });

  it('deduplicates across merge slices of one write', async () => {
    const sliced = await createDuckDbStore({
      path: path.join(ctx.dir, 'sliced.duckdb'),
      mergeSliceRows: 2,
    });
    try {
      // Five rows, merged two at a time: the repeats sit in later slices than their first copies.
      const summary = await sliced.write(async (w) =>
        w.appendTransfers([REAL[0]!, REAL[1]!, REAL[0]!, REAL[1]!, REAL[0]!]),
      );
      expect(summary).toMatchObject({ transfersWritten: 2, transfersDuplicate: 3 });
      expect(await sliced.listTransfers()).toEqual(REAL);
    } finally {
      await sliced.close();
    }
  });

  it('loads a CSV file straight in only as the first thing of a write, and refuses what would miss it after', async () => {
    const file = path.join(ctx.dir, 'transfers.csv');
    fs.writeFileSync(
      file,
      [
        'block,tx,position,from,to,amount',
        ...REAL.map((t) => [t.blockNumber, t.txHash, t.position, t.from, t.to, t.amount].join(',')),
      ].join('\n'),
    );
    const load = (asset: string) => ({
      file,
      records: REAL.length,
      width: 6,
      chain: 'ethereum',
      columns: { block: 0, tx: 1, position: 2, from: 3, to: 4, amount: 5, time: null, asset: null },
      decimals: 0,
      asset,
      kind: 'token' as const,
      txHashPrefix: '0x' as const,
      canonicalAddress: '0x[0-9a-f]{40}',
      normalizeAddress: () => null,
      normalizeAsset: () => null,
    });
    // After rows staged another way: not taken (the caller reads the file itself).
    await expect(
      ctx.store.write(async (w) => {
        await w.appendTransfers([REAL[0]!]);
        expect(await w.loadTransfersCsv!(load(REAL[0]!.asset))).toEqual({
          records: 0,
          taken: false,
        });
        throw new Error('aborted');
      }),
    ).rejects.toThrow('aborted');
    // Blocks after a direct load would not time its rows: refused, and nothing is written.
    await expect(
      ctx.store.write(async (w) => {
        expect(await w.loadTransfersCsv!(load(REAL[0]!.asset))).toEqual({
          records: REAL.length,
          taken: true,
        });
        await w.putBlocks([
          { chain: 'ethereum', number: 1n, hash: null, parentHash: null, time: 0 },
        ]);
      }),
    ).rejects.toMatchObject({ code: 'STORE_BAD_WRITE' });
    expect(await ctx.store.listTransfers()).toEqual([]);
  });

  it('stages a small write in temporary tables and moves them to the file when it grows, losing no row', async () => {
    const growing = await createDuckDbStore({
      path: path.join(ctx.dir, 'growing.duckdb'),
      smallWriteRows: 3,
    });
    try {
      const t = REAL[0]!;
      const base = { chain: 'ethereum', blockNumber: t.blockNumber, blockTime: t.blockTime };
      const wrap = (n: number): ChainEvent => ({
        ...base,
        txHash: t.txHash,
        position: `log:${n}`,
        type: 'wrap',
        contract: t.asset,
        account: t.from!,
        amount: BigInt(n),
      });
      const block = { chain: 'ethereum', number: t.blockNumber, hash: null, parentHash: null };
      // Two rows: small, in temporary tables; then two transfers make it large (the tables move,
      // the events' open appender with them); then more events, into the moved table.
      const summary = await growing.write(async (w) => {
        await w.appendEvents([wrap(1)]);
        await w.putBlocks([{ ...block, time: t.blockTime! }]);
        await w.appendTransfers(REAL);
        await w.appendEvents([wrap(2), wrap(3)]);
      });
      expect(summary).toMatchObject({ transfersWritten: 2, eventsWritten: 3 });
      expect(await growing.listTransfers()).toEqual(REAL);
      expect(await growing.listEvents()).toEqual([wrap(1), wrap(2), wrap(3)]);
      expect(await growing.getBlocks('ethereum', [t.blockNumber])).toHaveLength(1);
      // A small write after a large one stages in temporary tables again.
      const again = await growing.write(async (w) => w.appendEvents([wrap(4)]));
      expect(again).toMatchObject({ eventsWritten: 1 });
      expect(await growing.listEvents()).toHaveLength(4);
    } finally {
      await growing.close();
    }
  });

  it('writes a sync batch in one statement, and the staged way when a key of it is stored already or repeated', async () => {
    const t = REAL[0]!;
    const block = (time: number) => ({
      chain: 'ethereum',
      number: t.blockNumber,
      hash: '0xb',
      parentHash: '0xa',
      time,
    });
    const wrap = (n: number): ChainEvent => ({
      chain: 'ethereum',
      blockNumber: t.blockNumber,
      blockTime: null,
      txHash: t.txHash,
      position: `log:${n}`,
      type: 'wrap',
      contract: t.asset,
      account: t.from!,
      amount: BigInt(n),
    });
    // Texts written as SQL literals: a quote must survive; a NUL takes the staged way.
    const asset = {
      chain: 'ethereum',
      asset: t.asset,
      symbol: "O'K",
      name: 'a\u0000b',
      decimals: 6,
    };
    const batch = (time: number, events: ChainEvent[], hash: string) =>
      ctx.store.write(async (w) => {
        await w.putBlocks([block(time)]);
        await w.appendTransfers(REAL.map((x) => ({ ...x, blockTime: null })));
        await w.appendEvents(events);
        await w.putAssets([{ ...asset, name: hash === "0x'1" ? 'plain' : asset.name }]);
        await w.setCheckpoint({
          chain: 'ethereum',
          stream: "it's",
          blockNumber: t.blockNumber,
          blockHash: hash,
        });
      });
    expect(await batch(1000, [wrap(1), wrap(2)], "0x'1")).toMatchObject({
      transfersWritten: 2,
      transfersDuplicate: 0,
      eventsWritten: 2,
      eventsDuplicate: 0,
    });
    // The same batch again with a new event: only that event is new; the block and its time,
    // the asset and the checkpoint are replaced.
    expect(await batch(2000, [wrap(1), wrap(2), wrap(3)], '0x2')).toMatchObject({
      transfersWritten: 0,
      transfersDuplicate: 2,
      eventsWritten: 1,
      eventsDuplicate: 2,
    });
    // An event repeated within one write is stored once.
    expect(await ctx.store.write(async (w) => w.appendEvents([wrap(4), wrap(4)]))).toMatchObject({
      eventsWritten: 1,
      eventsDuplicate: 1,
    });
    expect((await ctx.store.listTransfers()).map((x) => x.blockTime)).toEqual([1000, 1000]);
    expect((await ctx.store.listEvents()).map((e) => [e.position, e.blockTime])).toEqual([
      ['log:1', 1000],
      ['log:2', 1000],
      ['log:3', 2000],
      ['log:4', 2000],
    ]);
    expect(await ctx.store.getBlocks('ethereum', [t.blockNumber])).toMatchObject([{ time: 2000 }]);
    expect(await ctx.store.listAssets('ethereum')).toMatchObject([
      { symbol: "O'K", name: 'a\u0000b' },
    ]);
    expect(await ctx.store.getCheckpoint('ethereum', "it's")).toMatchObject({ blockHash: '0x2' });
  });

  it("removes a killed write's scratch file when the database is opened again", async () => {
    const stale = `${ctx.store.location}.stage-1-1.csv`;
    fs.writeFileSync(stale, 'ethereum,1\n');
    await ctx.store.close();
    const reopened = await createDuckDbStore({ path: ctx.store.location });
    await reopened.close();
    expect(fs.existsSync(stale)).toBe(false);
  });
});

describe('DuckDB store: crash right after creation', () => {
  it('opens a new database again after its creator was killed (kill -9) before closing it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaintrail-crash-'));
    try {
      const db = path.join(dir, 'db.duckdb');
      const script = `import { createDuckDbStore } from ${JSON.stringify(path.resolve(import.meta.dirname, 'duckdb-store.ts'))};
        await createDuckDbStore({ path: ${JSON.stringify(db)} });
        process.kill(process.pid, 'SIGKILL');`;
      const result = spawnSync(process.execPath, [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
      ]);
      expect(result.signal).toBe('SIGKILL');
      const store = await createDuckDbStore({ path: db });
      try {
        expect(await store.getSchemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDB store: API documents and audit log', () => {
  const ctx = useTempStore();

  it('keeps documents across a reopen', async () => {
    await ctx.store.putDocument({ kind: 'case', id: 'c1', org: 'acme', body: { name: 'Bybit 2' } });
    const location = ctx.store.location;
    await ctx.store.close();
    const reopened = await createDuckDbStore({ path: location });
    try {
      expect((await reopened.getDocument('case', 'c1'))?.body).toEqual({ name: 'Bybit 2' });
      expect(await reopened.getDocument('case', 'nope')).toBeNull();
    } finally {
      await reopened.close();
    }
  });

  it('keeps audit entries appended before a crash, once each', async () => {
    await ctx.store.appendAudit([{ actor: 'k1', org: null, action: 'screen', target: 'a' }]);
    await ctx.store.appendAudit([{ actor: 'k1', org: null, action: 'screen', target: 'b' }]);
    // A process killed after appending: the entries are only in the pending file.
    const pending = `${ctx.store.location}.audit.jsonl`;
    const lines = fs.readFileSync(pending, 'utf8');
    expect(lines.trim().split('\n')).toHaveLength(2);
    // Killed again, mid-ingest, after its insert: the file being ingested is still there.
    expect((await ctx.store.listAudit()).map((e) => e.target)).toEqual(['b', 'a']);
    fs.writeFileSync(`${pending}.ingesting`, lines);
    const location = ctx.store.location;
    await ctx.store.close();
    const reopened = await createDuckDbStore({ path: location });
    try {
      await reopened.appendAudit([{ actor: 'k2', org: null, action: 'screen', target: 'c' }]);
      const all = await reopened.listAudit();
      expect(all.map((e) => [e.id, e.target])).toEqual([
        [3, 'c'],
        [2, 'b'],
        [1, 'a'],
      ]);
      expect(fs.existsSync(pending)).toBe(false);
      expect(fs.existsSync(`${pending}.ingesting`)).toBe(false);
    } finally {
      await reopened.close();
    }
  });
});

describe('DuckDB store: rewriting a large document', () => {
  it('does not keep old versions in memory (a case saved again and again)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaintrail-docs-'));
    // A 64 MB limit: with every 1 MB version kept, this dies after about 60 saves.
    const store = await createDuckDbStore({
      path: path.join(dir, 'db.duckdb'),
      memoryLimit: '64MB',
    });
    try {
      const graph = 'x'.repeat(1_000_000);
      for (let i = 0; i < 150; i++)
        await store.putDocument({ kind: 'case', id: 'c1', org: 'acme', body: { i, graph } });
      expect((await store.getDocument('case', 'c1'))!.body).toMatchObject({ i: 149 });
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDB store: prices', () => {
  const ctx = useTempStore();

  it('adds the prices table to a database of schema 6, keeping its data', async () => {
    const db = path.join(ctx.dir, 'v6.duckdb');
    const instance = await DuckDBInstance.create(db);
    const connection = await instance.connect();
    await connection.run(
      `CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
    );
    for (const migration of MIGRATIONS.filter((m) => m.version <= 6)) {
      for (const statement of migration.statements) await connection.run(statement);
      await connection.run('INSERT INTO schema_version (version) VALUES ($1)', [migration.version]);
    }
    connection.closeSync();
    instance.closeSync();
    const store = await createDuckDbStore({ path: db });
    try {
      expect(await store.getSchemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      await store.write(async (w) => {
        await w.appendTransfers(REAL);
        // A test price, not a market one, of the USDT contract of REAL's rows.
        await w.putPrices([
          { chain: 'ethereum', asset: REAL[0]!.asset, day: '2015-11-10', usd: 1, source: 'test' },
        ]);
      });
      expect(await store.listTransfers()).toHaveLength(2);
      expect(await store.listPrices({ chain: 'ethereum', asset: REAL[0]!.asset })).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
