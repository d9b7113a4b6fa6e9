import { describe, expect, it } from 'vitest';
import { etlBitcoinTransfers } from '../../../test/helpers/bitcoin-etl-transfers.ts';
import { constructedUtxoTransfers } from '../../../test/helpers/constructed-utxo.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { buildClusters } from '../../cluster/build-clusters.ts';
import type { UtxoColumns } from '../store.ts';

describe('DuckDB store: UTXO scans and clusters', () => {
  const ctx = useTempStore();

  it('scans UTXO transfers in whole blocks, by transaction, inputs first, each side in index order (in:10 after in:9)', async () => {
    const transfers = constructedUtxoTransfers({
      seed: 'scan-order',
      firstBlock: 800_000,
      blocks: 6,
      transactionsPerBlock: 3,
      addresses: 40,
      maxInputs: 12,
    });
    // Written in reverse: the scan orders, not the insertion.
    await ctx.store.write((w) => w.appendTransfers([...transfers].reverse()));
    const batches: UtxoColumns[] = [];
    for await (const b of ctx.store.scanUtxoTransactions({
      chain: 'bitcoin',
      fromBlock: 800_001n,
      toBlock: 800_004n,
      batchRows: 20,
    }))
      batches.push(b);
    const within = transfers.filter((t) => t.blockNumber >= 800_001n && t.blockNumber <= 800_004n);
    expect(batches.reduce((n, b) => n + b.length, 0)).toBe(within.length);
    const expected = [...within].sort(
      (a, b) =>
        Number(a.blockNumber - b.blockNumber) ||
        (a.txHash < b.txHash ? -1 : a.txHash > b.txHash ? 1 : 0) ||
        Number(b.kind === 'utxo_in') - Number(a.kind === 'utxo_in') ||
        Number(a.position.split(':')[1]) - Number(b.position.split(':')[1]),
    );
    const rows = batches.flatMap((b) =>
      Array.from({ length: b.length }, (_, i) => [
        b.txHash[i],
        b.isInput[i],
        b.address[i],
        b.amount[i],
      ]),
    );
    expect(rows).toEqual(
      expected.map((t) => [
        t.txHash,
        t.kind === 'utxo_in' ? 1 : 0,
        t.from ?? t.to,
        Number(t.amount),
      ]),
    );
    // A block is never split: each batch ends where its last block ends.
    for (const b of batches) expect(BigInt(b.blockNumber[b.length - 1]!)).toBe(b.toBlock);
    expect(new Set(batches.map((b) => b.toBlock)).size).toBe(batches.length);
    expect(await ctx.store.getUtxoExtent('bitcoin', 800_002n)).toEqual({
      rows: transfers.filter((t) => t.blockNumber <= 800_002n).length,
      firstBlock: 800_000n,
      lastBlock: 800_002n,
    });
  });

  it('looks clusters up by address through the index and, for long lists, in one scan, with the same answer', async () => {
    const transfers = constructedUtxoTransfers({
      seed: 'lookup',
      firstBlock: 810_000,
      blocks: 40,
      transactionsPerBlock: 30,
      addresses: 1_500,
      maxInputs: 3,
    });
    await ctx.store.write((w) => w.appendTransfers(transfers));
    expect(await ctx.store.listClusterChains()).toEqual([]);
    await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    expect(await ctx.store.listClusterChains()).toEqual(['bitcoin']);
    const addresses = [...new Set(transfers.map((t) => t.from ?? t.to!))];
    expect(addresses.length).toBeGreaterThan(1000);
    const all = await ctx.store.getClusters('bitcoin', addresses);
    const byIndex = new Map();
    for (let i = 0; i < addresses.length; i += 500)
      for (const [a, ref] of await ctx.store.getClusters('bitcoin', addresses.slice(i, i + 500)))
        byIndex.set(a, ref);
    expect(all.size).toBeGreaterThan(100);
    expect(byIndex).toEqual(all);
    // Another chain's lookup of the same strings finds nothing.
    expect((await ctx.store.getClusters('bitcoin-testnet', addresses)).size).toBe(0);
  });

  it('takes one cluster build step per write', async () => {
    await ctx.store.write((w) => w.appendTransfers(etlBitcoinTransfers()));
    const empty = {
      chain: 'bitcoin',
      members: { address: [], clusterId: [], seq: [] },
      renames: [],
      clusters: { id: [], size: [], seq: [] },
      links: { txHash: [], blockNumber: [], address: [], clusterId: [], joined: [], inputs: [] },
      refusals: [],
      state: { nextSeq: 0, utxoRows: 0, clusters: 0, addresses: 0, coinjoins: 0, refusals: 0 },
    };
    await expect(
      ctx.store.write(async (w) => {
        await w.writeClusters(empty);
        await w.writeClusters(empty);
      }),
    ).rejects.toMatchObject({ code: 'STORE_BAD_WRITE' });
    expect(await ctx.store.getClusterState('bitcoin')).toBeNull();
  });
});

describe('DuckDB store: the last UTXO block, kept between writes', () => {
  const ctx = useTempStore();

  it('answers null, then the last block written, and follows every write: appends and reorgs alike', async () => {
    // bitcoin-etl's blocks 50001-50002 (test/fixtures/bitcoin-etl), block by block.
    const transfers = etlBitcoinTransfers('bitcoin-testnet');
    const inBlock = (n: bigint) => transfers.filter((t) => t.blockNumber === n);
    expect(await ctx.store.getLastUtxoBlock('bitcoin-testnet')).toBeNull();
    await ctx.store.write((w) => w.appendTransfers(inBlock(50_001n)));
    expect(await ctx.store.getLastUtxoBlock('bitcoin-testnet')).toBe(50_001n);
    await ctx.store.write((w) => w.appendTransfers(inBlock(50_002n)));
    expect(await ctx.store.getLastUtxoBlock('bitcoin-testnet')).toBe(50_002n);
    // A reorg removing block 50002 takes the answer back; another chain never had one.
    await ctx.store.write((w) => w.deleteFromBlock('bitcoin-testnet', 50_002n));
    expect(await ctx.store.getLastUtxoBlock('bitcoin-testnet')).toBe(50_001n);
    expect(await ctx.store.getLastUtxoBlock('bitcoin')).toBeNull();
  });
});
