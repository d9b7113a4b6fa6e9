import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../chains/evm/anvil.ts';
import { knownContracts } from '../chains/evm/known-contracts.ts';
import { syncEvm } from '../ingest/sync/sync-evm.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { SCENARIOS, SIMULATOR_ANVIL_ARGS, simulate, type SimulateReturnType } from './simulate.ts';
import { simulatorContractAddress } from './world.ts';

const CONTRACTS_DIR = path.resolve(import.meta.dirname, '../../contracts');
const CACHE_DIR = path.resolve(import.meta.dirname, '../../node_modules/.cache/chaintrail');

function run(anvil: Anvil, scenarios: string[], seed: number, scale: number) {
  return simulate({
    rpcUrl: anvil.url,
    scenarios,
    seed,
    scale,
    contractsDir: CONTRACTS_DIR,
    cacheDir: CACHE_DIR,
  });
}

async function blockHash(anvil: Anvil, n: bigint): Promise<string> {
  const res = await fetch(anvil.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'eth_getBlockByNumber',
      params: [`0x${n.toString(16)}`, false],
    }),
  });
  return ((await res.json()) as { result: { hash: string } }).result.hash;
}

describe('simulate: every scenario on one fresh anvil, then a sync of it', () => {
  let anvil: Anvil;
  let result: SimulateReturnType;
  const ctx = useTempStore();
  beforeAll(async () => {
    anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
    result = await run(
      anvil,
      SCENARIOS.map((s) => s.name),
      1,
      0.5,
    );
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('deploys WETH and the THORChain-style router where the sync expects them', () => {
    const known = knownContracts('anvil');
    expect(known.wrappedNative.has(simulatorContractAddress('Weth9'))).toBe(true);
    expect(known.bridgeRouters.has(simulatorContractAddress('ThorRouter'))).toBe(true);
  });

  it('syncs to exactly its record of every value movement: count and sum per asset and kind', async () => {
    const sync = await syncEvm({ store: ctx.store, rpcUrl: anvil.url });
    expect(sync.toBlock).toBe(result.lastBlock);
    const stored = (await ctx.store.getStats()).assets.map((a) => ({
      asset: a.asset,
      kind: a.kind,
      count: a.transfers,
      amount: a.amount,
    }));
    const sorted = [...stored].sort((a, b) =>
      a.asset === b.asset ? a.kind.localeCompare(b.kind) : a.asset.localeCompare(b.asset),
    );
    expect(sorted).toEqual(result.totals);
    // Every kind the sync knows for an EVM chain is exercised.
    expect(new Set(result.totals.map((t) => t.kind))).toEqual(
      new Set(['native', 'internal', 'token', 'fee']),
    );
  });

  it('plays the typed events the trace engine needs: swaps, wraps, THORChain deposits', async () => {
    await syncEvm({ store: ctx.store, rpcUrl: anvil.url });
    const events = await ctx.store.listEvents({ chain: 'anvil' });
    const count = (type: string) => events.filter((e) => e.type === type).length;
    const thorDeposits = result.movements.filter(
      (m) => m.kind === 'internal' && m.from === simulatorContractAddress('ThorRouter'),
    ).length;
    expect(count('bridge_deposit')).toBe(thorDeposits);
    expect(thorDeposits).toBeGreaterThan(0);
    const memos = events.flatMap((e) => (e.type === 'bridge_deposit' ? [e.memo] : []));
    expect(memos.every((m) => m !== null && /^=:BTC\.BTC:bcrt1q[0-9a-z]{38}$/.test(m))).toBe(true);
    // Every swap moves WETH between the router and a pair; WETH9 announces wraps and unwraps.
    const weth = simulatorContractAddress('Weth9');
    const router = result.entities.find((e) => e.entity === 'Simulated AMM')!.address;
    const pairs = new Set(
      result.entities
        .filter((e) => e.category === 'dex' && e.address !== router)
        .map((e) => e.address),
    );
    const wethMoves = result.movements.filter((m) => m.asset === weth && m.kind === 'token');
    const swaps = wethMoves.filter(
      (m) =>
        (m.from === router && pairs.has(m.to as never)) ||
        (pairs.has(m.from as never) && m.to === router),
    ).length;
    expect(swaps).toBeGreaterThan(0);
    expect(count('swap')).toBe(swaps);
    const native = result.movements.filter((m) => m.asset === 'native' && m.kind !== 'fee');
    expect(count('wrap')).toBe(native.filter((m) => m.to === weth).length);
    expect(count('unwrap')).toBe(native.filter((m) => m.from === weth).length);
    expect(count('unwrap')).toBeGreaterThan(0);
  });

  it('writes a truth that accounts for every stolen unit, per scenario', () => {
    expect(result.truths.map((t) => t.scenario)).toEqual(SCENARIOS.map((s) => s.name));
    const bybit = result.truths.find((t) => t.scenario === 'bybit-2025')!;
    const categories = new Set(bybit.endpoints.map((e) => e.category));
    for (const c of ['bridge', 'instant_exchange', 'deposit_wallet', 'unspent', 'fee'])
      expect(categories).toContain(c);
    // Roughly 50 split addresses at scale 1, so about 25 here.
    expect(bybit.attackerAddresses.filter((a) => a.role === 'split').length).toBe(25);
    const ronin = result.truths.find((t) => t.scenario === 'ronin-2022')!;
    expect(ronin.endpoints.some((e) => e.category === 'mixer')).toBe(true);
    const workers = result.truths.find((t) => t.scenario === 'it-worker-salaries')!;
    expect(new Set(workers.endpoints.map((e) => e.category))).toEqual(new Set(['otc', 'frozen']));
  });
});

describe('simulate: failure', () => {
  it('leaves the chain as it was when a simulation fails half way', async () => {
    const node = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
    try {
      const head = await blockHash(node, 0n);
      await expect(
        simulate({
          rpcUrl: node.url,
          scenarios: ['peel-chain'],
          contractsDir: CONTRACTS_DIR,
          cacheDir: CACHE_DIR,
          onProgress: (m) => {
            if (m.startsWith('playing')) throw new Error('interrupted');
          },
        }),
      ).rejects.toThrow('interrupted');
      const res = await fetch(node.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
      });
      expect(((await res.json()) as { result: string }).result).toBe('0x0');
      expect(await blockHash(node, 0n)).toBe(head);
      // And a simulation can then run on it.
      const ok = await run(node, ['peel-chain'], 1, 0.2);
      expect(ok.truths).toHaveLength(1);
    } finally {
      await node.stop();
    }
  });
});

describe('simulate: determinism', () => {
  it('gives the same chain for the same seed, and a different one for another seed', async () => {
    const nodes = await Promise.all(
      [0, 1, 2].map(() => startAnvil({ args: SIMULATOR_ANVIL_ARGS })),
    );
    try {
      const [a, b, c] = await Promise.all([
        run(nodes[0]!, ['peel-chain'], 7, 0.3),
        run(nodes[1]!, ['peel-chain'], 7, 0.3),
        run(nodes[2]!, ['peel-chain'], 8, 0.3),
      ]);
      expect(b!.lastBlock).toBe(a!.lastBlock);
      expect(await blockHash(nodes[1]!, b!.lastBlock)).toBe(
        await blockHash(nodes[0]!, a!.lastBlock),
      );
      expect(b!.totals).toEqual(a!.totals);
      expect(c!.totals).not.toEqual(a!.totals);
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  });
});
