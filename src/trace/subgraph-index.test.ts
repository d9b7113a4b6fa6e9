import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { etlBitcoinTransfers } from '../../test/helpers/bitcoin-etl-transfers.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { importEtl } from '../ingest/etl/import-etl.ts';
import type { Store } from '../store/store.ts';
import { buildGraphIndex } from './graph-index.ts';
import { buildSubgraphIndex } from './subgraph-index.ts';
import { TAINT_POLICIES } from './taint-policies.ts';
import { type TraceStoreParameters, reachStore, traceStore } from './trace-store.ts';
import type { TraceSeed } from './types.ts';

/** Two real mainnet blocks (ethereum-etl's test data): Uniswap swaps, USDT, gas, many senders. */
const BLOCKS = path.resolve(
  import.meta.dirname,
  '../../test/fixtures/ethereum-etl/test_stream/blocks_17173049_17173050',
);

/** Seeds a user would type: busy addresses (most transfers sent) and their transactions. */
async function seedsOf(store: Store, chain: string, count: number): Promise<TraceSeed[]> {
  const sent = new Map<string, number>();
  const txOf = new Map<string, string>();
  for (const t of await store.listTransfers({ chain })) {
    if (t.from === null || t.kind === 'fee') continue;
    sent.set(t.from, (sent.get(t.from) ?? 0) + 1);
    txOf.set(t.from, t.txHash);
  }
  const busiest = [...sent]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([a]) => a);
  return busiest.flatMap((address): TraceSeed[] => [
    { kind: 'address', chain, address },
    { kind: 'tx', chain, txHash: txOf.get(address)! },
  ]);
}

/** Traces each seed on the full index and on the subgraph: the JSON results must be equal, byte for byte. */
async function expectSameTraces(
  store: Store,
  seeds: readonly TraceSeed[],
  extra: Partial<TraceStoreParameters> = {},
): Promise<number> {
  let compared = 0;
  for (const seed of seeds)
    for (const direction of ['forward', 'backward'] as const)
      for (const policy of TAINT_POLICIES) {
        const run = (graph: 'index' | 'subgraph') =>
          traceStore({ store, seeds: [seed], direction, policy, graph, ...extra }).then(
            (r) => JSON.stringify(r.result),
            (e: Error) => `error: ${e.message}`,
          );
        const full = await run('index');
        expect(await run('subgraph'), `${JSON.stringify(seed)} ${direction} ${policy}`).toBe(full);
        if (!full.startsWith('error')) compared++;
      }
  return compared;
}

describe('a trace on the subgraph it reaches, read from the store hop by hop', () => {
  const ctx = useTempStore();

  it('equals the full-index trace on real mainnet blocks: every policy, both ways, address and transaction seeds', async () => {
    await importEtl({ store: ctx.store, paths: [BLOCKS] });
    const seeds = await seedsOf(ctx.store, 'ethereum', 3);
    const compared = await expectSameTraces(ctx.store, seeds);
    expect(compared).toBe(seeds.length * 2 * TAINT_POLICIES.length);
    // Hop limits and windows bound the walk as they bound the sweep.
    await expectSameTraces(ctx.store, seeds.slice(0, 2), { maxHops: 1 });
    const times = (await ctx.store.listTransfers({ chain: 'ethereum' })).map((t) => t.blockTime!);
    await expectSameTraces(ctx.store, seeds.slice(0, 2), { since: Math.max(...times) });
  });

  it('equals the full-index trace on real Bitcoin blocks (UTXO transactions), and --reach too', async () => {
    await ctx.store.write((w) => w.appendTransfers(etlBitcoinTransfers()));
    const seeds = await seedsOf(ctx.store, 'bitcoin', 3);
    expect(await expectSameTraces(ctx.store, seeds)).toBeGreaterThan(0);
    for (const seed of seeds) {
      const run = (graph: 'index' | 'subgraph') =>
        reachStore({ store: ctx.store, seeds: [seed], direction: 'forward', maxHops: 10, graph });
      expect((await run('subgraph')).addresses).toEqual((await run('index')).addresses);
    }
  });

  it('reads only what the seed can reach: a fraction of the store', async () => {
    await importEtl({ store: ctx.store, paths: [BLOCKS] });
    const full = await buildGraphIndex({ store: ctx.store });
    const [seed] = await seedsOf(ctx.store, 'ethereum', 1);
    const sub = await buildSubgraphIndex({
      store: ctx.store,
      seeds: [seed!],
      direction: 'forward',
      stopsAt: () => false,
    });
    expect(sub.index.edgeCount).toBeGreaterThan(0);
    expect(sub.index.edgeCount).toBeLessThan(full.edgeCount / 2);
  });

  it('refuses a subgraph beyond its limit, naming it', async () => {
    await importEtl({ store: ctx.store, paths: [BLOCKS] });
    const [seed] = await seedsOf(ctx.store, 'ethereum', 1);
    await expect(
      buildSubgraphIndex({
        store: ctx.store,
        seeds: [seed!],
        direction: 'forward',
        stopsAt: () => false,
        maxTransfers: 3,
      }),
    ).rejects.toMatchObject({ code: 'TRACE_SUBGRAPH_TOO_LARGE' });
  });
});
