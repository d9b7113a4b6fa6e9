import { describeOnClickHouseReleases } from '../../../test/helpers/clickhouse-releases.ts';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  constructedUtxoTransfers,
  referenceClusters,
} from '../../../test/helpers/constructed-utxo.ts';
import { makeTempDir } from '../../../test/helpers/temp-dir.ts';
import { buildClusters } from '../../cluster/build-clusters.ts';
import type { Transfer } from '../../model/transfer.ts';
import { createDuckDbStore } from '../duckdb/duckdb-store.ts';
import type { Store, UtxoColumns } from '../store.ts';

/** Every clustered address of `addresses` and its cluster id, as the store holds them. */
async function membership(store: Store, addresses: readonly string[]) {
  const found = await store.getClusters('bitcoin', addresses);
  return new Map([...found].map(([a, ref]) => [a, ref.id]));
}

/** What a store answers about its clusters: every read of the cluster contract, cluster by cluster. */
async function clusterAnswers(store: Store, addresses: readonly string[]) {
  const refs = await store.getClusters('bitcoin', addresses);
  const ids = [...new Set([...refs.values()].map((r) => r.id))].sort();
  const state = await store.getClusterState('bitcoin');
  return {
    refs: [...refs].sort(([a], [b]) => (a < b ? -1 : 1)),
    state,
    chains: await store.listClusterChains(),
    clusters: await Promise.all(
      ids.map(async (id) => ({
        id,
        members: await store.listClusterAddresses('bitcoin', id),
        page: await store.listClusterAddresses('bitcoin', id, { limit: 2, offset: 1 }),
        links: await store.listClusterLinks('bitcoin', id),
        refusals: await store.listClusterRefusals('bitcoin', id),
        labels: await store.listClusterLabels('bitcoin', id),
      })),
    ),
  };
}

/**
 * The ClickHouse side of clusters on one deployment: the UTXO scan's order, a build of many steps
 * (clusters merged across steps, so renamed) answered exactly as DuckDB answers the same build,
 * and a reorg below the build dropping it.
 */
function describeClickHouseClusters(name: string, open: () => Promise<Store>) {
  describe(name, () => {
    let store: Store;
    let duck: Store;
    const dir = makeTempDir();
    beforeEach(async () => {
      store = await open();
      duck = await createDuckDbStore({ path: path.join(dir.path, `${Date.now()}.duckdb`) });
    });
    afterEach(async () => {
      await Promise.all([store?.close(), duck?.close()]);
    });
    afterAll(() => dir.cleanup());

    it('scans UTXO transfers in whole blocks, by transaction, inputs first, each side in index order (in:10 after in:9)', async () => {
      const transfers = constructedUtxoTransfers({
        seed: 'ch-scan-order',
        firstBlock: 800_000,
        blocks: 6,
        transactionsPerBlock: 3,
        addresses: 40,
        maxInputs: 12,
      });
      // Written in reverse, to both stores: the scan orders, not the insertion.
      const scan = async (s: Store) => {
        await s.write((w) => w.appendTransfers([...transfers].reverse()));
        const batches: UtxoColumns[] = [];
        for await (const b of s.scanUtxoTransactions({
          chain: 'bitcoin',
          fromBlock: 800_001n,
          toBlock: 800_004n,
          batchRows: 20,
        }))
          batches.push(b);
        return batches;
      };
      const [ours, theirs] = [await scan(store), await scan(duck)];
      expect(transfers.some((t) => t.position === 'in:10')).toBe(true);
      expect(ours.length).toBeGreaterThan(1);
      expect(ours).toEqual(theirs);
      for (const toBlock of [undefined, 800_002n, 799_000n])
        expect(await store.getUtxoExtent('bitcoin', toBlock)).toEqual(
          await duck.getUtxoExtent('bitcoin', toBlock),
        );
      expect(await store.getLastUtxoBlock('bitcoin')).toBe(800_005n);
      expect(await store.getUtxoExtent('bitcoin-testnet')).toEqual({
        rows: 0,
        firstBlock: null,
        lastBlock: null,
      });
    });

    it('builds clusters step by step, merges across steps included, and answers every cluster read as DuckDB does', async () => {
      const transfers = constructedUtxoTransfers({
        seed: 'ch-cluster-steps',
        firstBlock: 720_000,
        blocks: 16,
        transactionsPerBlock: 10,
        addresses: 120,
        maxInputs: 3,
      });
      const addresses = [...new Set(transfers.map((t) => t.from ?? t.to!))];
      const builds = [];
      for (const s of [store, duck]) {
        await s.write((w) => w.appendTransfers(transfers));
        // About two blocks a step: later steps merge clusters earlier steps stored (18 renames over
        // 16 steps, counted on DuckDB when this test was written).
        builds.push(await buildClusters({ store: s, chain: 'bitcoin', batchRows: 60 }));
      }
      const [ours, theirs] = builds;
      expect(ours!.state).toEqual(theirs!.state);
      expect(await membership(store, addresses)).toEqual(referenceClusters(transfers));
      const answers = await clusterAnswers(store, addresses);
      expect(answers.clusters.some((c) => c.links.total > 1)).toBe(true);
      expect(answers).toEqual(await clusterAnswers(duck, addresses));
    });

    it('drops the clusters a reorg reaches, and rebuilds without the orphaned blocks', async () => {
      const transfers = constructedUtxoTransfers({
        seed: 'ch-cluster-reorg',
        firstBlock: 730_000,
        blocks: 12,
        transactionsPerBlock: 8,
        addresses: 90,
        maxInputs: 3,
      });
      const addresses = [...new Set(transfers.map((t) => t.from ?? t.to!))];
      await store.write((w) => w.appendTransfers(transfers));
      await buildClusters({ store, chain: 'bitcoin' });
      expect((await membership(store, addresses)).size).toBeGreaterThan(0);
      await store.write((w) => w.deleteFromBlock('bitcoin', 730_006n));
      expect(await store.getClusterState('bitcoin')).toBeNull();
      expect((await membership(store, addresses)).size).toBe(0);
      expect(await store.listClusterChains()).toEqual([]);
      const r = await buildClusters({ store, chain: 'bitcoin' });
      expect(r.toBlock).toBe(730_005n);
      const kept: Transfer[] = transfers.filter((t) => t.blockNumber < 730_006n);
      expect(await membership(store, addresses)).toEqual(referenceClusters(kept));
      // A reorg above the build's checkpoint leaves its clusters.
      await store.write((w) => w.deleteFromBlock('bitcoin', 730_006n));
      expect(await store.getClusterState('bitcoin')).toMatchObject({ blockNumber: 730_005n });
    });
  });
}

describeOnClickHouseReleases('ch_clusters', (release, open) =>
  describeClickHouseClusters(`clusters on ${release}`, open),
);
