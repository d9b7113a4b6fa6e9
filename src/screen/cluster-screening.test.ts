import { describe, expect, it } from 'vitest';
import { etlBitcoinTransfers } from '../../test/helpers/bitcoin-etl-transfers.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { buildClusters } from '../cluster/build-clusters.ts';
import type { Label } from '../store/store.ts';
import { createScreener } from './create-screener.ts';

// bitcoin-etl's block 50001 (test/fixtures/bitcoin-etl): 7940cdde… spends from both addresses, so
// they are one cluster; 18dxbN6m… spends alone.
const INPUT_A = '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae';
const INPUT_B = '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9';
const LONE = '18dxbN6m8zxieN8F9BchXmhbeXUdFLr8fD';

// Constructed labels of real addresses (the source says so): no list names these addresses.
const label = (address: string, more: Partial<Label>): Label => ({
  chain: 'bitcoin',
  address,
  entity: null,
  category: 'theft',
  source: 'test: constructed label',
  confidence: 60,
  ...more,
});

describe('screening through clusters', () => {
  const ctx = useTempStore();

  it("counts the labels of an address's cluster as its own, at half their confidence (at most 50), never as a sanction", async () => {
    await ctx.store.write(async (w) => {
      await w.appendTransfers(etlBitcoinTransfers());
      await w.addLabels([
        label(INPUT_B, { category: 'theft', entity: 'constructed theft', confidence: 60 }),
        label(INPUT_B, { category: 'sanctioned', sanctionList: 'test list', confidence: null }),
      ]);
    });
    const before = await createScreener({ store: ctx.store, asOf: '2025-06-01' });
    const [plain] = await before.screen([{ address: INPUT_A, chain: 'bitcoin' }], { hops: 0 });
    expect(plain!.cluster).toBeUndefined();
    expect(plain!.labels).toEqual([]);
    expect(plain!.riskLevel).toBe('low');

    await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    const screener = await createScreener({ store: ctx.store, asOf: '2025-06-01' });
    const [a, b, lone] = await screener.screen(
      [INPUT_A, INPUT_B, LONE].map((address) => ({ address, chain: 'bitcoin' })),
      { hops: 0 },
    );
    expect(a!.cluster).toEqual({ id: INPUT_A, size: 2 });
    expect(a!.labels.map((l) => [l.category, l.confidence, l.sanctionList, l.source])).toEqual([
      ['sanctioned', 50, null, `via cluster of ${INPUT_B}: test: constructed label`],
      ['theft', 30, null, `via cluster of ${INPUT_B}: test: constructed label`],
    ]);
    expect(a!.labels.every((l) => l.viaCluster?.provenance === `via cluster of ${INPUT_B}`)).toBe(
      true,
    );
    // The cluster's labels raise the level; the address itself is on no list.
    expect(a!.sanctioned).toBe(false);
    expect(a!.riskLevel).toBe('severe');
    expect(a!.explanation.fired.map((f) => f.rule)).toEqual(['own-severe', 'via-cluster']);
    expect(a!.explanation.fired[0]!.reason).toContain(`via cluster of ${INPUT_B}`);
    // B keeps its own labels, sanction included, and gains nothing from itself.
    expect(b!.sanctioned).toBe(true);
    expect(b!.labels.some((l) => l.viaCluster)).toBe(false);
    expect(b!.cluster).toEqual({ id: INPUT_A, size: 2 });
    // An address in no cluster is screened as before.
    expect(lone!.cluster).toBeUndefined();
    expect(lone!.labels).toEqual([]);
  });
});
