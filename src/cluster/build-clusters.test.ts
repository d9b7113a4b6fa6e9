import { describe, expect, it } from 'vitest';
import { etlBitcoinTransfers } from '../../test/helpers/bitcoin-etl-transfers.ts';
import { MEMPOOL_TXS } from '../../test/helpers/bitcoin-transactions.ts';
import {
  constructedUtxoTransfers,
  referenceClusters,
} from '../../test/helpers/constructed-utxo.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import type { Transfer } from '../model/transfer.ts';
import type { Label, Store } from '../store/store.ts';
import { createPrivateLabel } from '../api/labels/org-labels.ts';
import { buildClusters } from './build-clusters.ts';

// bitcoin-etl's blocks 50001-50002 (test/fixtures/bitcoin-etl): 7940cdde… spends two coinbase
// outputs of 50 BTC, from 1DoQeKfU… and 1PZMgkF2…, to one address; f8476145… spends one.
const MULTI_INPUT_TX = '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a';
const INPUT_A = '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae';
const INPUT_B = '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9';
const LONE_INPUT = '18dxbN6m8zxieN8F9BchXmhbeXUdFLr8fD';

/** Every clustered address of the chain and its cluster id, as the store holds them. */
async function membership(
  store: Store,
  addresses: readonly string[],
): Promise<Map<string, string>> {
  const found = await store.getClusters('bitcoin', addresses);
  return new Map([...found].map(([a, ref]) => [a, ref.id]));
}

/** The transfers of real mempool.space transactions (test/fixtures/bitcoin-coinjoin) at their blocks. */
function mempoolTransfers(): Transfer[] {
  return MEMPOOL_TXS.flatMap((tx) => {
    const base = {
      chain: 'bitcoin',
      blockNumber: BigInt(tx.blockHeight!),
      blockTime: null,
      txHash: tx.txid,
      asset: 'native',
    };
    return [
      ...tx.inputs.map((io, i): Transfer => ({
        ...base,
        position: `in:${i}`,
        from: io.address,
        to: null,
        amount: BigInt(io.value),
        kind: 'utxo_in',
      })),
      ...tx.outputs.map((io, i): Transfer => ({
        ...base,
        position: `out:${i}`,
        from: null,
        to: io.address,
        amount: BigInt(io.value),
        kind: 'utxo_out',
      })),
    ];
  });
}

describe('buildClusters', () => {
  const ctx = useTempStore();

  it('puts the two input addresses of the real multi-input transaction 7940cdde… in one cluster, named by the first', async () => {
    await ctx.store.write((w) => w.appendTransfers(etlBitcoinTransfers()));
    const r = await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    expect(r).toMatchObject({ fromBlock: 50001n, toBlock: 50002n, transactions: 1, coinjoins: 0 });
    const found = await ctx.store.getClusters('bitcoin', [INPUT_A, INPUT_B, LONE_INPUT]);
    expect(found.get(INPUT_A)).toMatchObject({ id: INPUT_A, size: 2, seq: 0 });
    expect(found.get(INPUT_B)).toMatchObject({ id: INPUT_A, size: 2 });
    // A transaction spending from one address joins nothing.
    expect(found.has(LONE_INPUT)).toBe(false);
    expect(await ctx.store.listClusterAddresses('bitcoin', INPUT_A)).toEqual([INPUT_A, INPUT_B]);
    expect(await ctx.store.listClusterLinks('bitcoin', INPUT_A)).toEqual({
      total: 1,
      links: [
        { txHash: MULTI_INPUT_TX, blockNumber: 50001n, address: INPUT_A, joined: 2, inputs: 2 },
      ],
    });
    expect(await ctx.store.getClusterState('bitcoin')).toMatchObject({
      blockNumber: 50002n,
      clusters: 1,
      addresses: 2,
      nextSeq: 2,
    });
    // Nothing new: the next build reads nothing.
    expect(await buildClusters({ store: ctx.store, chain: 'bitcoin' })).toMatchObject({
      fromBlock: null,
      rows: 0,
    });
  });

  it('leaves the inputs of the real Whirlpool, WabiSabi and JoinMarket coinjoins apart, and joins the multisig spend’s', async () => {
    await ctx.store.write((w) => w.appendTransfers(mempoolTransfers()));
    const r = await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    // 323df21f, 5f0080e3 (Whirlpool), fb596c9f (WabiSabi), 4f112abd, 6cb2433f (JoinMarket).
    expect(r.coinjoins).toBe(5);
    const coinjoinInputs = MEMPOOL_TXS.filter((t) => t.says.includes('coinjoin')).flatMap((t) =>
      t.inputs.map((i) => i.address!),
    );
    expect(coinjoinInputs.length).toBe(5 + 5 + 327 + 2 + 23);
    expect((await ctx.store.getClusters('bitcoin', coinjoinInputs)).size).toBe(0);
    const multisig = MEMPOOL_TXS.find((t) => t.txid.startsWith('60a20bd9'))!;
    const distinct = [...new Set(multisig.inputs.map((i) => i.address!))];
    const found = await ctx.store.getClusters('bitcoin', distinct);
    expect(new Set([...found.values()].map((c) => c.id))).toEqual(new Set([distinct[0]]));
    expect(found.size).toBe(distinct.length);
  });

  it('gives the same ids built at once as block range by block range, in steps of any size, as the plain reference does (constructed transactions)', async () => {
    const transfers = constructedUtxoTransfers({
      seed: 'cluster-ids',
      firstBlock: 700_000,
      blocks: 30,
      transactionsPerBlock: 5,
      addresses: 400,
      maxInputs: 3,
    });
    const addresses = [...new Set(transfers.map((t) => t.from ?? t.to!))];
    const reference = referenceClusters(transfers);
    expect(new Set(reference.values()).size).toBeGreaterThan(10);
    await ctx.store.write((w) => w.appendTransfers(transfers));

    await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    const atOnce = await membership(ctx.store, addresses);
    expect(atOnce).toEqual(reference);

    await ctx.store.write((w) => w.dropClusters('bitcoin'));
    // Ranges of 7 blocks, each read in steps of about 50 rows.
    for (let to = 700_006; to < 700_030 + 7; to += 7)
      await buildClusters({
        store: ctx.store,
        chain: 'bitcoin',
        toBlock: BigInt(to),
        batchRows: 50,
      });
    expect(await membership(ctx.store, addresses)).toEqual(reference);
    const state = await ctx.store.getClusterState('bitcoin');
    expect(state).toMatchObject({
      blockNumber: 700_029n,
      clusters: new Set(reference.values()).size,
      addresses: reference.size,
    });
    // Every cluster's size and links add up: a cluster of n addresses was joined by merges that
    // joined n - 1 clusters in all.
    for (const id of new Set(reference.values())) {
      const size = [...reference.values()].filter((x) => x === id).length;
      const { links } = await ctx.store.listClusterLinks('bitcoin', id, { limit: 10_000 });
      expect(
        links.reduce((s, l) => s + l.joined - 1, 0),
        id,
      ).toBe(size - 1);
      expect((await ctx.store.listClusterAddresses('bitcoin', id)).length).toBe(size);
    }
  });

  it('keeps the id of a cluster new blocks do not touch, and the earlier id when they merge two', async () => {
    const transfers = constructedUtxoTransfers({
      seed: 'cluster-merge',
      firstBlock: 710_000,
      blocks: 20,
      transactionsPerBlock: 6,
      addresses: 300,
      maxInputs: 2,
    });
    const addresses = [...new Set(transfers.map((t) => t.from ?? t.to!))];
    const early = transfers.filter((t) => t.blockNumber < 710_010n);
    await ctx.store.write((w) => w.appendTransfers(early));
    await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    const before = await membership(ctx.store, addresses);
    const seqBefore = await ctx.store.getClusters('bitcoin', [...before.values()]);
    await ctx.store.write((w) =>
      w.appendTransfers(transfers.filter((t) => t.blockNumber >= 710_010n)),
    );
    await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    const after = await membership(ctx.store, addresses);
    expect(after).toEqual(referenceClusters(transfers));
    // Each earlier cluster kept its id, or was merged into one whose id was clustered before it.
    const seqAfter = await ctx.store.getClusters('bitcoin', [...after.values()]);
    let kept = 0;
    let merged = 0;
    for (const [address, id] of before) {
      const now = after.get(address)!;
      if (now === id) kept++;
      else {
        merged++;
        expect(seqAfter.get(now)!.seq, `${id} -> ${now}`).toBeLessThan(seqBefore.get(id)!.seq);
      }
    }
    expect(kept).toBeGreaterThan(0);
    expect(merged).toBeGreaterThan(0);
  });

  /** Constructed transactions, and two addresses the heuristic alone puts in one cluster via different transactions. */
  function guardScenario() {
    const transfers = constructedUtxoTransfers({
      seed: 'cluster-guard',
      firstBlock: 720_000,
      blocks: 10,
      transactionsPerBlock: 8,
      addresses: 80,
      maxInputs: 3,
    });
    const reference = referenceClusters(transfers);
    // Two addresses that the heuristic alone puts in one cluster, from different transactions.
    const inputsOf = new Map<string, string[]>();
    for (const t of transfers)
      if (t.kind === 'utxo_in')
        inputsOf.set(t.txHash, [...(inputsOf.get(t.txHash) ?? []), t.from!]);
    const joiners = [...inputsOf.values()].map((a) => [...new Set(a)]).filter((a) => a.length >= 2);
    const [a] = joiners[0]!;
    const b = [...reference.keys()].find(
      (x) => reference.get(x) === reference.get(a!) && !joiners[0]!.includes(x),
    )!;
    expect(b).toBeDefined();
    return { transfers, reference, a: a!, b };
  }

  it('refuses to merge clusters whose public labels name an exchange and a mixer, and records it', async () => {
    const { transfers, a, b } = guardScenario();
    // Constructed labels (source says so): a is an exchange's, b a mixer's.
    const label = (address: string, category: string): Label => ({
      chain: 'bitcoin',
      address,
      entity: null,
      category,
      source: 'test: constructed label',
      confidence: 100,
    });
    await ctx.store.write(async (w) => {
      await w.appendTransfers(transfers);
      await w.addLabels([label(a, 'exchange'), label(b, 'mixer')]);
    });
    const r = await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    expect(r.refusals).toBeGreaterThan(0);
    const found = await ctx.store.getClusters('bitcoin', [a, b]);
    expect(found.get(a)?.id ?? a).not.toBe(found.get(b)?.id ?? b);
    const refused = await ctx.store.listClusterRefusals('bitcoin', found.get(a)?.id ?? a);
    expect(refused.length).toBeGreaterThan(0);
    const categories = refused[0]!.sides.map((s) => s.labels.map((l) => l.category).sort());
    expect(categories).toContainEqual(['exchange']);
    expect(categories).toContainEqual(['mixer']);
    expect(refused[0]!.sides.map((s) => s.clusterId)).toContain(found.get(a)?.id ?? a);
    // The same cluster, read from the other side, lists the same refusal.
    const fromB = await ctx.store.listClusterRefusals('bitcoin', found.get(b)?.id ?? b);
    expect(fromB.map((x) => x.txHash)).toContain(refused[0]!.txHash);
  });

  it('joins the same two addresses when only an organisation labels them so: private labels never change the shared clusters', async () => {
    const { transfers, reference, a, b } = guardScenario();
    await ctx.store.write((w) => w.appendTransfers(transfers));
    for (const [address, category] of [
      [a, 'exchange'],
      [b, 'mixer'],
    ] as const)
      await createPrivateLabel(ctx.store, {
        org: 'acme',
        createdBy: 'test',
        chain: 'bitcoin',
        address,
        category,
      });
    const r = await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    expect(r.refusals).toBe(0);
    const found = await ctx.store.getClusters('bitcoin', [a, b]);
    expect(found.get(a)!.id).toBe(reference.get(a));
    expect(found.get(b)!.id).toBe(found.get(a)!.id);
  });

  it('drops the clusters a reorg reaches, so none stays joined by a rolled-back transaction, and rebuilds without it', async () => {
    const transfers = constructedUtxoTransfers({
      seed: 'cluster-reorg',
      firstBlock: 730_000,
      blocks: 12,
      transactionsPerBlock: 8,
      addresses: 90,
      maxInputs: 3,
    });
    const addresses = [...new Set(transfers.map((t) => t.from ?? t.to!))];
    await ctx.store.write((w) => w.appendTransfers(transfers));
    await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    expect((await membership(ctx.store, addresses)).size).toBeGreaterThan(0);
    // A reorg below the checkpoint orphans blocks 730006-730011.
    await ctx.store.write((w) => w.deleteFromBlock('bitcoin', 730_006n));
    expect(await ctx.store.getClusterState('bitcoin')).toBeNull();
    expect((await membership(ctx.store, addresses)).size).toBe(0);
    expect(await ctx.store.listClusterChains()).toEqual([]);
    const r = await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    expect(r.toBlock).toBe(730_005n);
    expect(await membership(ctx.store, addresses)).toEqual(
      referenceClusters(transfers.filter((t) => t.blockNumber < 730_006n)),
    );
    // A reorg above the checkpoint leaves the clusters as they are.
    await ctx.store.write((w) => w.deleteFromBlock('bitcoin', 730_006n));
    expect(await ctx.store.getClusterState('bitcoin')).toMatchObject({ blockNumber: 730_005n });
  });

  it('starts over when blocks below its checkpoint were imported after it, and when asked', async () => {
    const transfers = constructedUtxoTransfers({
      seed: 'cluster-backfill',
      firstBlock: 740_000,
      blocks: 10,
      transactionsPerBlock: 8,
      addresses: 70,
      maxInputs: 3,
    });
    const addresses = [...new Set(transfers.map((t) => t.from ?? t.to!))];
    await ctx.store.write((w) =>
      w.appendTransfers(transfers.filter((t) => t.blockNumber >= 740_005n)),
    );
    await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    await ctx.store.write((w) =>
      w.appendTransfers(transfers.filter((t) => t.blockNumber < 740_005n)),
    );
    const r = await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    expect(r.restarted).toMatch(/up to block 740009 changed/);
    expect(await membership(ctx.store, addresses)).toEqual(referenceClusters(transfers));
    const again = await buildClusters({ store: ctx.store, chain: 'bitcoin', rebuild: true });
    expect(again).toMatchObject({ restarted: 'rebuild asked', fromBlock: 740_000n });
    expect(await membership(ctx.store, addresses)).toEqual(referenceClusters(transfers));
  });

  it('refuses a chain that is not of the Bitcoin family', async () => {
    await expect(buildClusters({ store: ctx.store, chain: 'ethereum' })).rejects.toMatchObject({
      code: 'CLUSTER_CHAIN_NOT_UTXO',
    });
  });
});
