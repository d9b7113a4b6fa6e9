import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../chains/evm/anvil.ts';
import { syncEvm } from '../ingest/sync/sync-evm.ts';
import { CATEGORIES } from '../labels/taxonomy.ts';
import { buildGraphIndex, edgeTarget } from '../trace/graph-index.ts';
import { inferDepositAddresses } from '../trace/infer-deposits.ts';
import { endpointLabels } from '../trace/trace-store.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { SIMULATOR_ANVIL_ARGS, simulate, type SimulateReturnType } from './simulate.ts';
import {
  SIMULATOR_LABEL_FORMAT,
  simulatorLabelSource,
  labelSimulatedServices,
  simulatorLabels,
} from './simulator-labels.ts';
import { simulatorContractAddress } from './world.ts';

const CONTRACTS_DIR = path.resolve(import.meta.dirname, '../../contracts');
const CACHE_DIR = path.resolve(import.meta.dirname, '../../node_modules/.cache/chaintrail');

describe('simulatorLabels: a small peel-chain simulation', () => {
  let anvil: Anvil;
  let result: SimulateReturnType;
  const ctx = useTempStore();
  beforeAll(async () => {
    anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
    result = await simulate({
      rpcUrl: anvil.url,
      scenarios: ['peel-chain'],
      seed: 3,
      scale: 0.2,
      contractsDir: CONTRACTS_DIR,
      cacheDir: CACHE_DIR,
    });
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('labels every simulated entity with a taxonomy category, its name, the seed and ownership confidence', () => {
    const labels = simulatorLabels(result);
    expect(new Set(labels.map((l) => l.address))).toEqual(
      new Set(result.entities.map((e) => e.address.toLowerCase())),
    );
    for (const l of labels) {
      expect(Object.keys(CATEGORIES)).toContain(l.category);
      expect(l).toMatchObject({
        chain: 'anvil',
        source: 'chaintrail simulator (seed 3)',
        confidence: 100,
      });
    }
    const byAddress = new Map(labels.map((l) => [l.address, l]));
    expect(byAddress.get(simulatorContractAddress('Weth9'))).toMatchObject({
      category: 'token',
      entity: 'WETH',
    });
    expect(byAddress.get(simulatorContractAddress('Mixer'))).toMatchObject({
      category: 'mixer',
      entity: 'Simulated Mixer',
    });
    const deposits = labels.filter((l) => l.category === 'deposit_wallet');
    expect(deposits.length).toBe(
      result.entities.filter((e) => e.category === 'deposit_wallet').length,
    );
    expect(new Set(deposits.map((l) => l.entity))).toEqual(
      new Set(['Alder Exchange', 'Birch Exchange', 'Cedar Exchange']),
    );
  });

  it('writes to the store as one simulator label import, and a second write adds nothing', async () => {
    const labels = simulatorLabels(result);
    const write = () =>
      ctx.store.write(async (w) => {
        await w.recordLabelImport({
          format: SIMULATOR_LABEL_FORMAT,
          source: simulatorLabelSource(result.seed),
          listName: null,
          listDate: null,
          sha256: null,
        });
        await w.addLabels(labels);
      });
    expect((await write()).labelsWritten).toBe(labels.length);
    expect((await write()).labelsDuplicate).toBe(labels.length);
    const stored = await ctx.store.getLabels('anvil', simulatorContractAddress('ThorRouter'));
    expect(stored).toMatchObject([{ category: 'bridge', entity: 'THORChain', confidence: 100 }]);
    const imports = await ctx.store.listLabelImports();
    expect(imports[0]).toMatchObject({ format: 'simulator', labels: labels.length });
  });

  it('labels the services once per seed: a rerun imports nothing', async () => {
    const labels = simulatorLabels(result);
    expect(await labelSimulatedServices(ctx.store, result)).toBe(labels.length);
    expect(await labelSimulatedServices(ctx.store, result)).toBe(0);
    const imports = await ctx.store.listLabelImports();
    expect(imports).toHaveLength(1);
    expect(imports[0]).toMatchObject({
      format: 'simulator',
      source: simulatorLabelSource(result.seed),
      listName: 'chaintrail simulator services',
      labels: labels.length,
    });
  });

  it('leaves the deposit addresses unlabelled on request, and the inference finds the used ones on the synced chain', async () => {
    const all = simulatorLabels(result);
    const without = simulatorLabels(result, { depositAddresses: false });
    expect(without.some((l) => l.category === 'deposit_wallet')).toBe(false);
    expect(without.length).toBe(all.filter((l) => l.category !== 'deposit_wallet').length);

    const sync = await syncEvm({ store: ctx.store, rpcUrl: anvil.url });
    expect(
      await labelSimulatedServices(ctx.store, result, {
        chain: sync.chain,
        depositAddresses: false,
      }),
    ).toBe(without.length);
    expect(
      await labelSimulatedServices(ctx.store, result, {
        chain: sync.chain,
        depositAddresses: false,
      }),
    ).toBe(0);
    const index = await buildGraphIndex({ store: ctx.store });
    const truth = new Map(
      result.entities
        .filter((e) => e.category === 'deposit_wallet')
        .map((e) => [e.address.toLowerCase(), e.entity]),
    );
    const used = new Set<string>();
    for (let e = 0; e < index.edgeCount; e++) {
      const { address } = index.node(edgeTarget(index, e));
      if (truth.has(address)) used.add(address);
    }
    expect(used.size).toBeGreaterThan(0);
    const deposits = inferDepositAddresses({ index, labels: await endpointLabels(ctx.store) });
    expect(new Set(deposits.map((d) => d.address))).toEqual(used);
    for (const d of deposits) expect(d.entity).toBe(truth.get(d.address));
    // Labelling them afterwards adds just the deposit addresses.
    expect(await labelSimulatedServices(ctx.store, result, { chain: sync.chain })).toBe(
      all.length - without.length,
    );
  });
});
