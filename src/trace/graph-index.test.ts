import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importEtl } from '../ingest/etl/import-etl.ts';
import type { Transfer } from '../model/transfer.ts';
import { createDuckDbStore } from '../store/duckdb/duckdb-store.ts';
import type { Store } from '../store/store.ts';
import { genesisBitcoinAddress, ofacLabels, transfer } from '../../test/helpers/screen-fixtures.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import {
  graphIndexFile,
  loadGraphIndex,
  openGraphIndex,
  saveGraphIndex,
} from './graph-index-file.ts';
import { buildGraphIndex, updateGraphIndex } from './graph-index.ts';
import { FEE_SINK_NAME, type GraphIndex, NODE_ACCOUNT, NODE_UTXO_TX } from './types.ts';

const BLOCKS = path.resolve(
  import.meta.dirname,
  '../../test/fixtures/ethereum-etl/test_stream/blocks_17173049_17173050',
);
/** Blocks 17173049-17173050 of Ethereum mainnet: transactions, token transfers, logs (swaps, wraps). */
const importBlocks = (store: Store, files = ['']) =>
  importEtl({ store, paths: files.map((f) => path.join(BLOCKS, f)) });

/** Everything an index holds, by name: equal for equal graphs whatever the ids. */
function snapshot(index: GraphIndex) {
  const arrays = {
    nodeKind: [...index.nodeKind],
    slotNode: [...index.slotNode],
    slotAsset: [...index.slotAsset],
    srcSlot: [...index.srcSlot],
    dstSlot: [...index.dstSlot],
    amount: [...index.amount],
    time: [...index.time],
    tx: [...index.tx],
  };
  const nodes = Array.from({ length: index.nodeCount }, (_, i) => index.node(i));
  const txs = [...new Set(index.tx)].map((t) => index.txHash(t));
  const conversions = [...index.conversions].sort((a, b) => a[0] - b[0]);
  return { arrays, nodes, txs, conversions, watermark: index.watermark };
}

/** Out / in sums per node and asset, from the store's own transfer list; gas goes to the fee sink. */
function expectedSums(transfers: readonly Transfer[]) {
  const sums = new Map<string, bigint>();
  const add = (key: string, v: bigint) => sums.set(key, (sums.get(key) ?? 0n) + v);
  let edges = 0;
  for (const t of transfers) {
    const from = t.kind === 'utxo_out' ? t.txHash : t.from;
    const to = t.kind === 'utxo_in' ? t.txHash : t.kind === 'fee' ? FEE_SINK_NAME : t.to;
    if (from === null || to === null) continue;
    edges++;
    add(`out|${t.chain}|${from}|${t.asset}`, t.amount);
    add(`in|${t.chain}|${to}|${t.asset}`, t.amount);
  }
  return { sums, edges };
}

function indexSums(index: GraphIndex) {
  const sums = new Map<string, number>();
  const add = (key: string, v: number) => sums.set(key, (sums.get(key) ?? 0) + v);
  const name = (slot: number) => {
    const { chain, address } = index.node(index.slotNode[slot]!);
    return `${chain}|${address}|${index.assetOf(index.slotAsset[slot]!).asset}`;
  };
  for (let e = 0; e < index.edgeCount; e++) {
    add(`out|${name(index.srcSlot[e]!)}`, index.amount[e]!);
    add(`in|${name(index.dstSlot[e]!)}`, index.amount[e]!);
  }
  return sums;
}

/** Edges in time order, each between two slots of one asset; every slot distinct. */
function expectLayout(index: GraphIndex) {
  for (let e = 1; e < index.edgeCount; e++)
    expect(index.time[e]!).toBeGreaterThanOrEqual(index.time[e - 1]!);
  for (let e = 0; e < index.edgeCount; e++)
    expect(index.slotAsset[index.srcSlot[e]!]).toBe(index.slotAsset[index.dstSlot[e]!]);
  const keys = new Set<string>();
  for (let s = 0; s < index.slotCount; s++) keys.add(`${index.slotNode[s]}:${index.slotAsset[s]}`);
  expect(keys.size).toBe(index.slotCount);
}

describe('buildGraphIndex', () => {
  const ctx = useTempStore();

  it('holds every transfer of two mainnet blocks, gas fees into the fee sink: per-node sums per asset equal the store', async () => {
    await importBlocks(ctx.store);
    const transfers = await ctx.store.listTransfers();
    const { sums, edges } = expectedSums(transfers);
    const index = await buildGraphIndex({ store: ctx.store });
    expect(index.edgeCount).toBe(edges);
    expect(edges).toBeGreaterThan(300);
    const got = indexSums(index);
    expect([...got.keys()].sort()).toEqual([...sums.keys()].sort());
    for (const [key, v] of sums) {
      const g = got.get(key)!;
      // Doubles: about 15 significant digits of the exact sums.
      expect(Math.abs(g - Number(v))).toBeLessThanOrEqual(Math.abs(Number(v)) * 1e-12);
    }
    expectLayout(index);
    // 24 bytes per edge and 8 per slot: two blocks have many one-off addresses (slots per edge
    // near 1); a longer history reuses them (the benchmark's 10 M transfers: below 26 bytes).
    expect(index.byteLength()).toBeLessThanOrEqual(24 * index.edgeCount + 9 * index.slotCount);
  });

  it('turns each Uniswap swap into a conversion from the token that entered the pool to the one that left it', async () => {
    await importBlocks(ctx.store);
    const index = await buildGraphIndex({ store: ctx.store });
    const swaps = (await ctx.store.listEvents({ type: 'swap' })).filter((e) => e.type === 'swap');
    expect(swaps.length).toBeGreaterThan(10);
    for (const s of swaps) {
      if (s.type !== 'swap') continue;
      const legs = await ctx.store.listTransfers({ txHash: s.txHash, kind: 'token' });
      const into = legs.find((t) => t.to === s.contract && t.amount === s.amountIn)!;
      // Not by amount: a fee-on-transfer token (tx 0x33c6e33d…, log 155) leaves the pool in two legs.
      const out = legs.find((t) => t.from === s.contract && t.asset !== into.asset)!;
      const conversions = index.conversions.get(index.txId(s.chain, s.txHash)!) ?? [];
      const c = conversions.find(
        (x) =>
          x.kind === 'swap' &&
          x.amountIn === Number(s.amountIn) &&
          x.amountOut === Number(s.amountOut),
      )!;
      expect(c).toBeDefined();
      expect(index.assetOf(c.assetIn).asset).toBe(into.asset);
      expect(index.assetOf(c.assetOut).asset).toBe(out.asset);
      expect(c.assetIn).not.toBe(c.assetOut);
    }
    const wraps = await ctx.store.listEvents({ type: 'unwrap' });
    expect(wraps.length).toBeGreaterThan(0);
    for (const w of wraps) {
      const c = index.conversions
        .get(index.txId(w.chain, w.txHash)!)!
        .find((x) => x.kind === 'unwrap')!;
      expect(index.assetOf(c.assetIn).asset).toBe(w.contract);
      expect(index.assetOf(c.assetOut).asset).toBe('native');
    }
  });

  it('joins the inputs and outputs of a Bitcoin transaction at one node of its own', async () => {
    const [a, b] = ofacLabels()
      .filter((l) => l.chain === 'bitcoin')
      .map((l) => l.address);
    const c = genesisBitcoinAddress();
    const btc = { chain: 'bitcoin', day: '2020-01-01' };
    await ctx.store.write((w) =>
      w.appendTransfers([
        transfer('t1', a!, null, 5_000n, { ...btc, kind: 'utxo_in', position: 'in:0' }),
        transfer('t1', b!, null, 2_000n, { ...btc, kind: 'utxo_in', position: 'in:1' }),
        transfer('t1', null, c, 6_000n, { ...btc, kind: 'utxo_out', position: 'out:0' }),
        transfer('t1', null, a!, 900n, { ...btc, kind: 'utxo_out', position: 'out:1' }),
      ]),
    );
    const index = await buildGraphIndex({ store: ctx.store });
    const [t] = await ctx.store.listTransfers();
    const node = index.nodeId('bitcoin', t!.txHash)!;
    expect(index.nodeKind[node]).toBe(NODE_UTXO_TX);
    expect(index.nodeKind[index.nodeId('bitcoin', a!)!]).toBe(NODE_ACCOUNT);
    const ins: [string, number][] = [];
    const outs: [string, number][] = [];
    for (let e = 0; e < index.edgeCount; e++) {
      const from = index.slotNode[index.srcSlot[e]!]!;
      const to = index.slotNode[index.dstSlot[e]!]!;
      if (to === node) ins.push([index.node(from).address, index.amount[e]!]);
      if (from === node) outs.push([index.node(to).address, index.amount[e]!]);
    }
    expect(ins.sort()).toEqual(
      [
        [a, 5_000],
        [b, 2_000],
      ].sort(),
    );
    expect(outs.sort()).toEqual(
      [
        [a, 900],
        [c, 6_000],
      ].sort(),
    );
    expect(index.edgeCount).toBe(4);
  });
});

describe('graph index file and updates', () => {
  const ctx = useTempStore();

  it('saves and loads the same index', async () => {
    await importBlocks(ctx.store);
    const index = await buildGraphIndex({ store: ctx.store });
    const file = path.join(ctx.dir, 'x.trace-index');
    saveGraphIndex({ index, file });
    const loaded = loadGraphIndex(file)!;
    expect(loaded.index.watermark).toEqual(await ctx.store.getTransferCursor());
    expect(snapshot(loaded.index)).toEqual(snapshot(index));
    expect(loaded.index.nodeId('ethereum', index.node(7).address)).toBe(7);
    expect(fs.readdirSync(ctx.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('adds transfers appended after the watermark to equal a fresh build; open loads, updates or builds', async () => {
    await importBlocks(ctx.store, ['expected_blocks.json', 'expected_transactions.json']);
    const first = await openGraphIndex({ store: ctx.store });
    expect(first.action).toBe('built');
    expect(first.index.conversions.size).toBe(0);
    expect((await openGraphIndex({ store: ctx.store })).action).toBe('loaded');
    await importBlocks(ctx.store, ['expected_logs.json']);
    const updated = await updateGraphIndex({ index: first.index, store: ctx.store });
    const fresh = await buildGraphIndex({ store: ctx.store });
    expect(updated.edgeCount).toBeGreaterThan(first.index.edgeCount);
    expect(snapshot(updated)).toEqual(snapshot(fresh));
    const opened = await openGraphIndex({ store: ctx.store });
    expect(opened.action).toBe('updated');
    expect(snapshot(opened.index)).toEqual(snapshot(fresh));
    expect(loadGraphIndex(graphIndexFile(ctx.store.indexLocation!))!.index.watermark).toEqual(
      fresh.watermark,
    );
    // Rows removed below the watermark (a reorg): the file is not current, a fresh build replaces it.
    await ctx.store.write((w) => w.deleteFromBlock('ethereum', 17173050n));
    const rebuilt = await openGraphIndex({ store: ctx.store });
    expect(rebuilt.action).toBe('built');
    expect(snapshot(rebuilt.index)).toEqual(snapshot(await buildGraphIndex({ store: ctx.store })));
  });

  it('does not take the index file of a database deleted and made again for the new one', async () => {
    await importBlocks(ctx.store);
    const file = graphIndexFile(ctx.store.indexLocation!);
    expect((await openGraphIndex({ store: ctx.store })).action).toBe('built');
    // The database goes, its index file stays; a new one at the same path gets other transfers.
    const location = ctx.store.indexLocation!;
    await ctx.store.close();
    for (const f of [location, `${location}.wal`]) fs.rmSync(f, { force: true });
    expect(fs.existsSync(file)).toBe(true);
    const again = await createDuckDbStore({ path: location });
    try {
      await importBlocks(again, ['expected_blocks.json', 'expected_transactions.json']);
      const opened = await openGraphIndex({ store: again });
      expect(opened.action).toBe('built');
      expect(snapshot(opened.index)).toEqual(snapshot(await buildGraphIndex({ store: again })));
    } finally {
      await again.close();
    }
  });

  it('rebuilds the saved index after a reorg removed transfers (generation bumped), extends it after appends', async () => {
    await importBlocks(ctx.store);
    const file = graphIndexFile(ctx.store.indexLocation!);
    const first = await openGraphIndex({ store: ctx.store });
    const before = await ctx.store.getTransferCursor();
    expect(loadGraphIndex(file)!.index.watermark).toEqual(before);
    // The reorg orphans block 17173050; the node then serves its transfers again (re-ingested),
    // so the store ends with as many rows as before, at higher row ids.
    await ctx.store.write((w) => w.deleteFromBlock('ethereum', 17173050n));
    const reorged = await ctx.store.getTransferCursor();
    expect(reorged.generation).toBe(before.generation + 1);
    await importBlocks(ctx.store);
    const after = await ctx.store.getTransferCursor();
    expect(after.generation).toBe(reorged.generation);
    const rebuilt = await openGraphIndex({ store: ctx.store });
    expect(rebuilt.action).toBe('built');
    expect(rebuilt.index.edgeCount).toBe(first.index.edgeCount);
    expect(loadGraphIndex(file)!.index.watermark).toEqual(after);
    // Appends without removal keep the generation: the saved index is extended from its cursor.
    // A later block's payment between two of the fixture's addresses.
    const [t] = await ctx.store.listTransfers({ kind: 'native', limit: 1 });
    await ctx.store.write((w) =>
      w.appendTransfers([transfer('tx-appended', t!.from, t!.to, 7n, { blockNumber: 17173051n })]),
    );
    const extended = await openGraphIndex({ store: ctx.store });
    expect(extended.action).toBe('updated');
    expect(extended.index.edgeCount).toBe(first.index.edgeCount + 1);
    expect(snapshot(extended.index)).toEqual(snapshot(await buildGraphIndex({ store: ctx.store })));
    expect((await openGraphIndex({ store: ctx.store })).action).toBe('loaded');
  });

  it('keeps no file for a store without an index location', async () => {
    await importBlocks(ctx.store, ['expected_blocks.json', 'expected_transactions.json']);
    const store = { ...pickIndexSource(ctx.store), indexLocation: null };
    expect((await openGraphIndex({ store })).action).toBe('built');
    expect((await openGraphIndex({ store })).action).toBe('built');
    expect(fs.readdirSync(ctx.dir).filter((f) => f.includes('trace-index'))).toEqual([]);
  });
});

/** The store's reads a graph index makes, bound to it (what another backend would give). */
function pickIndexSource(store: Store) {
  return {
    getTransferCursor: () => store.getTransferCursor(),
    scanTransfers: (p?: Parameters<Store['scanTransfers']>[0]) => store.scanTransfers(p),
    listEvents: (f?: Parameters<Store['listEvents']>[0]) => store.listEvents(f),
  };
}
