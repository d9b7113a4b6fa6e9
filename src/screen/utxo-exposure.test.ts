import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { etlBitcoinTransfers } from '../../test/helpers/bitcoin-etl-transfers.ts';
import { MEMPOOL_TXS } from '../../test/helpers/bitcoin-transactions.ts';
import { randomAddresses } from '../../test/helpers/random-addresses.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { buildClusters } from '../cluster/build-clusters.ts';
import type { Transfer } from '../model/transfer.ts';
import type { Label } from '../store/store.ts';
import { createScreener } from './create-screener.ts';
import { computeUtxoExposure } from './utxo-exposure.ts';
import type { IndirectExposure, LabelRef, ScreenResult } from './types.ts';

// bitcoin-etl's blocks 50001-50002 (test/fixtures/bitcoin-etl, real mainnet): 7940cdde… spends
// 50 BTC from each of INPUT_A and INPUT_B and pays RECEIVER 100 BTC; f8476145… pays RECEIVER 50 BTC
// from LONE. RECEIVER received 150 BTC from outside in all.
const INPUT_A = '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae';
const INPUT_B = '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9';
const LONE = '18dxbN6m8zxieN8F9BchXmhbeXUdFLr8fD';
const RECEIVER = '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ';
const SATS_50_BTC = 5_000_000_000n;
const AS_OF = '2025-06-01';

// CONSTRUCTED addresses (valid encodings of seeded hashes no one holds a key for; see
// test/helpers/random-addresses.ts): no list names them, every label on them here is the test's.
const made = randomAddresses('utxo-exposure', 12)
  .filter((a) => a.form === 'bitcoin p2pkh')
  .map((a) => a.address);
const [SCREENED, MATE, THIEF, HOP, CLEAN, LATER, SANCTIONED, SANCTIONED_MATE, THIEF_MATE, PAYEE] =
  made as [string, string, string, string, string, string, string, string, string, string];

/** A constructed block time (before AS_OF for every height used here). */
const timeOf = (block: number) => 1_600_000_000 + block * 60;

/** A constructed transaction as the store's UTXO rows (and its fee row, as the Bitcoin source writes). */
function constructedTx(
  name: string,
  block: number,
  inputs: readonly [string, number][],
  outputs: readonly [string, number][],
): Transfer[] {
  const txHash = createHash('sha256').update(`constructed utxo-exposure:${name}`).digest('hex');
  const base = {
    chain: 'bitcoin',
    blockNumber: BigInt(block),
    blockTime: timeOf(block),
    txHash,
    asset: 'native',
  };
  const spent = inputs.reduce((s, [, v]) => s + v, 0);
  const paid = outputs.reduce((s, [, v]) => s + v, 0);
  return [
    ...inputs.map(([from, v], i) => ({
      ...base,
      position: `in:${i}`,
      from,
      to: null,
      amount: BigInt(v),
      kind: 'utxo_in' as const,
    })),
    ...outputs.map(([to, v], i) => ({
      ...base,
      position: `out:${i}`,
      from: null,
      to,
      amount: BigInt(v),
      kind: 'utxo_out' as const,
    })),
    { ...base, position: 'fee', from: null, to: null, amount: BigInt(spent - paid), kind: 'fee' },
  ];
}

const hashOf = (rows: readonly Transfer[]) => rows[0]!.txHash;

/** A constructed public label (its source says so). */
const label = (address: string, more: Partial<Label> = {}): Label => ({
  chain: 'bitcoin',
  address,
  entity: null,
  category: 'theft',
  source: 'test: constructed label',
  confidence: 60,
  ...more,
});

/** An organisation's private label as screening counts it (ScreenOptions.extraLabels). */
const privateLabel = (category: string, entity: string): LabelRef => ({
  category,
  entity,
  actor: null,
  country: null,
  source: 'private label of org-a (test)',
  confidence: 80,
  sanctionList: null,
  programs: [],
  validFrom: null,
  validTo: null,
  importId: null,
});

const exposureOf = (r: ScreenResult, direction: 'in' | 'out', category: string) =>
  r.exposure.indirect?.find((e) => e.direction === direction && e.category === category);

const rulesFired = (r: ScreenResult) => r.explanation.fired.map((f) => f.rule);

describe('UTXO exposure (computeUtxoExposure through createScreener)', () => {
  const ctx = useTempStore();

  it('attributes what a real transaction paid to its inputs pro rata, and what an address spent to the outputs', async () => {
    await ctx.store.write((w) => w.appendTransfers(etlBitcoinTransfers()));
    const screener = await createScreener({ store: ctx.store, asOf: AS_OF });
    // An organisation labelled INPUT_B theft (a private label): half of 7940cdde…'s 100 BTC to
    // RECEIVER came from it, 50 of the 150 BTC RECEIVER received: one third.
    const [receiver] = await screener.screen([{ address: RECEIVER, chain: 'bitcoin' }], {
      hops: 1,
      extraLabels: (chain, address) =>
        chain === 'bitcoin' && address === INPUT_B ? [privateLabel('theft', 'org-a case 7')] : [],
    });
    const theft = exposureOf(receiver!, 'in', 'theft')!;
    expect(theft).toMatchObject({
      asset: 'native',
      symbol: 'BTC',
      decimals: 8,
      amount: SATS_50_BTC,
      total: 3n * SATS_50_BTC,
      byHop: [SATS_50_BTC],
    });
    expect(theft.share).toBeCloseTo(1 / 3, 11);
    expect(theft.sources.map((s) => [s.address, s.amount, s.hops, s.path])).toEqual([
      [INPUT_B, SATS_50_BTC, 1, [INPUT_B, RECEIVER]],
    ]);
    expect(theft.sources[0]!.transfers[0]!.txHash).toMatch(/^7940cdde/);
    expect(rulesFired(receiver!)).toContain('in-illicit-25');
    expect(receiver!.riskLevel).toBe('high');
    expect(receiver!.exposure.notes).toEqual([]);

    // Without the private label, nothing: another organisation's labels never reach this answer.
    const [plain] = await screener.screen([{ address: RECEIVER, chain: 'bitcoin' }], { hops: 1 });
    expect(plain!.exposure.indirect).toEqual([]);
    expect(plain!.riskLevel).toBe('low');

    // Outflows: INPUT_A spent 50 BTC in 7940cdde…, all of it to RECEIVER (labelled publicly here).
    await ctx.store.write((w) => w.addLabels([label(RECEIVER, { entity: 'constructed theft' })]));
    const again = await createScreener({ store: ctx.store, asOf: AS_OF });
    const [spender] = await again.screen([{ address: INPUT_A, chain: 'bitcoin' }], { hops: 1 });
    expect(exposureOf(spender!, 'out', 'theft')).toMatchObject({
      amount: SATS_50_BTC,
      total: SATS_50_BTC,
      share: 1,
    });
    expect(rulesFired(spender!)).toContain('out-illicit-10');
  });

  it("measures a clustered address over its cluster's transactions, and labels a counterparty through its cluster", async () => {
    await ctx.store.write(async (w) => {
      await w.appendTransfers(etlBitcoinTransfers());
      await w.addLabels([label(INPUT_A, { entity: 'constructed theft' })]);
    });
    await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    const screener = await createScreener({ store: ctx.store, asOf: AS_OF });
    // INPUT_A and INPUT_B are one cluster (they spent together): INPUT_B is labelled theft through it.
    const [receiver, b] = await screener.screen(
      [
        { address: RECEIVER, chain: 'bitcoin' },
        { address: INPUT_B, chain: 'bitcoin' },
      ],
      { hops: 1 },
    );
    const theft = exposureOf(receiver!, 'in', 'theft')!;
    expect(theft.amount).toBe(2n * SATS_50_BTC);
    expect(theft.total).toBe(3n * SATS_50_BTC);
    expect(theft.share).toBeCloseTo(2 / 3, 11);
    const byAddress = new Map(theft.sources.map((s) => [s.address, s]));
    expect(byAddress.has(LONE)).toBe(false);
    expect(byAddress.get(INPUT_A)!.labels[0]!.viaCluster).toBeUndefined();
    const via = byAddress.get(INPUT_B)!.labels[0]!;
    expect([via.confidence, via.source, via.viaCluster?.address]).toEqual([
      30,
      `via cluster of ${INPUT_A}: test: constructed label`,
      INPUT_A,
    ]);
    // INPUT_B stands for its cluster: what the cluster spent (both inputs of 7940cdde…) went out.
    expect(b!.cluster).toEqual({ id: INPUT_A, size: 2 });
    expect(b!.exposure.indirect).toEqual([]);
    expect(b!.exposure.notes[0]).toContain(`measured over ${INPUT_B}'s cluster`);
  });

  it('follows value back over hops, time-respecting by block, and stops at the hop limit', async () => {
    const stolen = constructedTx(
      'theft',
      100,
      [[THIEF, 500_000]],
      [
        [HOP, 100_000],
        [THIEF, 399_000],
      ],
    );
    const clean = constructedTx('clean', 100, [[CLEAN, 300_000]], [[HOP, 300_000]]);
    // HOP spends both receipts: 200,000 to SCREENED, 199,000 change back to itself, 1,000 fee.
    const paid = constructedTx(
      'paid',
      101,
      [
        [HOP, 100_000],
        [HOP, 300_000],
      ],
      [
        [SCREENED, 200_000],
        [HOP, 199_000],
      ],
    );
    // A receipt of HOP after it paid SCREENED cannot have funded the payment.
    const later = constructedTx('later', 102, [[LATER, 900_000]], [[HOP, 900_000]]);
    await ctx.store.write(async (w) => {
      await w.appendTransfers([...stolen, ...clean, ...paid, ...later]);
      await w.addLabels([label(THIEF, { entity: 'constructed theft' })]);
    });
    const screener = await createScreener({ store: ctx.store, asOf: AS_OF });
    const [one] = await screener.screen([{ address: SCREENED, chain: 'bitcoin' }], { hops: 1 });
    expect(one!.exposure.indirect).toEqual([]);
    const [two] = await screener.screen([{ address: SCREENED, chain: 'bitcoin' }], { hops: 2 });
    // HOP's payment (400,000 spent less its 199,000 change) was made of the 400,000 it had received
    // by block 101, a quarter of it from THIEF: 200,000 × 100,000 / 400,000 = 50,000.
    const theft = exposureOf(two!, 'in', 'theft')!;
    expect(theft).toMatchObject({
      amount: 50_000n,
      total: 200_000n,
      share: 0.25,
      byHop: [0n, 50_000n],
    });
    expect(theft.sources[0]!.path).toEqual([THIEF, HOP, SCREENED]);
    expect(theft.sources[0]!.transfers.map((t) => [t.hop, t.txHash])).toEqual([
      [2, hashOf(stolen)],
      [1, hashOf(paid)],
    ]);
    expect(rulesFired(two!)).toContain('in-illicit-25');

    // Forward: THIEF's 100,000 to HOP left in HOP's payment at block 101 (201,000 net of change,
    // out of the 400,000 HOP had received: 50,250 of it), 200,000 of 201,000 of it to SCREENED.
    await ctx.store.write((w) =>
      w.addLabels([label(SCREENED, { category: 'scam', entity: 'constructed scam' })]),
    );
    const again = await createScreener({ store: ctx.store, asOf: AS_OF });
    const [thief] = await again.screen([{ address: THIEF, chain: 'bitcoin' }], { hops: 2 });
    const scam = exposureOf(thief!, 'out', 'scam')!;
    expect(scam).toMatchObject({
      amount: 50_000n,
      total: 100_000n,
      share: 0.5,
      byHop: [0n, 50_000n],
    });
    expect(scam.sources[0]!.path).toEqual([THIEF, HOP, SCREENED]);
  });

  it("never counts a cluster-mate's sanction as sanctioned exposure, and leaves internal transactions out", async () => {
    const txs = [
      // SANCTIONED and SANCTIONED_MATE spend together: one cluster; so do THIEF and THIEF_MATE.
      constructedTx(
        'sanctioned co-spend',
        200,
        [
          [SANCTIONED, 10_000],
          [SANCTIONED_MATE, 10_000],
        ],
        [[PAYEE, 19_000]],
      ),
      constructedTx(
        'thief co-spend',
        200,
        [
          [THIEF, 10_000],
          [THIEF_MATE, 10_000],
        ],
        [[PAYEE, 19_000]],
      ),
      // SCREENED and MATE spend together: the screened cluster.
      constructedTx(
        'screened co-spend',
        200,
        [
          [SCREENED, 10_000],
          [MATE, 10_000],
        ],
        [[PAYEE, 19_000]],
      ),
      // The cluster-mates pay MATE; SCREENED pays MATE (internal).
      constructedTx('from sanctioned mate', 201, [[SANCTIONED_MATE, 600_000]], [[MATE, 599_000]]),
      constructedTx('from thief mate', 201, [[THIEF_MATE, 400_000]], [[SCREENED, 399_000]]),
      constructedTx('internal', 202, [[SCREENED, 399_000]], [[MATE, 398_000]]),
    ];
    await ctx.store.write(async (w) => {
      await w.appendTransfers(txs.flat());
      await w.addLabels([
        label(SANCTIONED, {
          category: 'sanctioned',
          sanctionList: 'test list',
          entity: 'constructed sanctioned',
        }),
        label(THIEF, { entity: 'constructed theft' }),
      ]);
    });
    await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    const screener = await createScreener({ store: ctx.store, asOf: AS_OF });
    const [r] = await screener.screen([{ address: SCREENED, chain: 'bitcoin' }], { hops: 1 });
    // In from outside the cluster: 599,000 from SANCTIONED_MATE and 399,000 from THIEF_MATE; the
    // internal 398,000 is not in it.
    const theft = exposureOf(r!, 'in', 'theft')!;
    expect([theft.amount, theft.total]).toEqual([399_000n, 998_000n]);
    expect(theft.sources[0]!.labels[0]!.viaCluster?.address).toBe(THIEF);
    expect(r!.explanation.fired.find((f) => f.rule === 'in-illicit-25')!.reason).toContain(
      `largest: constructed theft [label via cluster of ${THIEF}] 0.00399 via ${THIEF_MATE} -> ${SCREENED} (1 hop)`,
    );
    expect(exposureOf(r!, 'in', 'sanctioned')).toBeUndefined();
    expect(rulesFired(r!).filter((f) => f.includes('sanctioned'))).toEqual([]);
    expect(r!.sanctioned).toBe(false);
    expect(r!.exposure.notes.join('\n')).toContain(
      `${SANCTIONED_MATE} (cluster-mate ${SANCTIONED}): a cluster-mate on a sanctions list does not make a counterparty sanctioned`,
    );
    // Out: only the co-spend's payment to PAYEE left the cluster (the internal one did not).
    const out = r!.exposure.indirect!.filter((e: IndirectExposure) => e.direction === 'out');
    expect(out).toEqual([]);
  });

  it("reads at most maxClusterAddresses of a large cluster's addresses, and says so", async () => {
    const [c1, c2, c3] = [SCREENED, MATE, PAYEE];
    await ctx.store.write(async (w) => {
      await w.appendTransfers([
        ...constructedTx(
          'three co-spend',
          300,
          [
            [c1, 1_000],
            [c2, 1_000],
            [c3, 1_000],
          ],
          [[CLEAN, 2_900]],
        ),
        // THIEF pays the cluster's third address, whose transactions are left unread below.
        ...constructedTx('to the third', 301, [[THIEF, 5_000]], [[c3, 4_900]]),
      ]);
      await w.addLabels([label(THIEF, { entity: 'constructed theft' })]);
    });
    await buildClusters({ store: ctx.store, chain: 'bitcoin' });
    const cluster = { id: c1, size: 3 };
    const run = (maxClusterAddresses?: number) =>
      computeUtxoExposure({
        store: ctx.store,
        chain: 'bitcoin',
        seeds: [{ address: c1, cluster }],
        hops: 1,
        labelsOf: (a) => (a === THIEF ? [privateLabel('theft', 'constructed theft')] : undefined),
        viaClusterOf: async () => new Map(),
        assets: new Map(),
        maxClusterAddresses,
      });
    const all = (await run()).get(c1)!;
    expect(all.exposures.find((e) => e.direction === 'in')).toMatchObject({
      category: 'theft',
      amount: 4_900n,
      total: 4_900n,
    });
    const one = (await run(1)).get(c1)!;
    expect(one.exposures.filter((e) => e.direction === 'in')).toEqual([]);
    expect(one.notes).toContain(
      "the cluster is large: the transactions of 1 of its 3 addresses were read (the screened one and the first 1 clustered); the others' are not counted",
    );
  });

  it('makes a detected CoinJoin a mixer counterparty of its own and does not follow through it', async () => {
    // The real Whirlpool mix 323df21f… (test/fixtures/bitcoin-coinjoin), stored as UTXO rows.
    const mix = MEMPOOL_TXS.find((t) => t.txid.startsWith('323df21f'))!;
    const base = {
      chain: 'bitcoin',
      blockNumber: BigInt(mix.blockHeight!),
      blockTime: timeOf(mix.blockHeight!),
      txHash: mix.txid,
      asset: 'native',
    };
    const mixRows: Transfer[] = [
      ...mix.inputs.map((io, i) => ({
        ...base,
        position: `in:${i}`,
        from: io.address,
        to: null,
        amount: BigInt(io.value),
        kind: 'utxo_in' as const,
      })),
      ...mix.outputs.map((io, i) => ({
        ...base,
        position: `out:${i}`,
        from: null,
        to: io.address,
        amount: BigInt(io.value),
        kind: 'utxo_out' as const,
      })),
    ];
    const postmix = mix.outputs[0]!.address!;
    // CONSTRUCTED: the first postmix output pays SCREENED 4,990,000 satoshis (10,000 fee).
    const paid = constructedTx(
      'postmix spend',
      mix.blockHeight! + 10,
      [[postmix, 5_000_000]],
      [[SCREENED, 4_990_000]],
    );
    await ctx.store.write(async (w) => {
      await w.appendTransfers([...mixRows, ...paid]);
      // A constructed label on one of the mix's inputs: behind the CoinJoin, so never reached.
      await w.addLabels([label(mix.inputs[0]!.address!, { entity: 'constructed theft' })]);
    });
    const screener = await createScreener({ store: ctx.store, asOf: AS_OF });
    const [r] = await screener.screen([{ address: SCREENED, chain: 'bitcoin' }], { hops: 3 });
    const mixer = exposureOf(r!, 'in', 'mixer')!;
    expect(mixer).toMatchObject({
      amount: 4_990_000n,
      total: 4_990_000n,
      share: 1,
      byHop: [0n, 4_990_000n, 0n],
    });
    expect(mixer.sources[0]!.address).toBe(mix.txid);
    expect(mixer.sources[0]!.labels[0]).toMatchObject({
      entity: 'CoinJoin (Whirlpool)',
      inferred: true,
    });
    expect(mixer.sources[0]!.path).toEqual([mix.txid, postmix, SCREENED]);
    expect(exposureOf(r!, 'in', 'theft')).toBeUndefined();
    expect(rulesFired(r!)).toContain('in-mixer-25');
    expect(r!.exposure.notes.join('\n')).toContain('1 CoinJoin transaction met');
  });
});
