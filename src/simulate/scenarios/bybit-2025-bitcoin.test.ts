import path from 'node:path';
import { Block, payments } from 'bitcoinjs-lib';
import { type Hex, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BcoinNode, startBcoinNode } from '../../chains/bitcoin/bcoin-node.ts';
import { detectCoinJoin } from '../../cluster/coinjoin/detect-coinjoin.ts';
import { WHIRLPOOL_RULE } from '../../cluster/coinjoin/whirlpool.ts';
import { type Anvil, startAnvil } from '../../chains/evm/anvil.ts';
import { scriptAddress } from '../bitcoin/bitcoin-driver.ts';
import {
  INSTANT_EXCHANGE_FEE_BPS,
  SATS_PER_ETHER,
  THORCHAIN_OUTBOUND_FEE_SATS,
  WHIRLPOOL_MIX_SIZE,
  WHIRLPOOL_POOLS,
} from '../bitcoin/bitcoin-world.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { createSourceRegistry, openChainSource } from '../../ingest/sync/registry.ts';
import { syncChain } from '../../ingest/sync/sync-chain.ts';
import { syncEvm } from '../../ingest/sync/sync-evm.ts';
import { TAINT_POLICIES } from '../../trace/taint-policies.ts';
import { traceStore } from '../../trace/trace-store.ts';
import type { BitcoinTruth } from '../bitcoin/bitcoin-truth.ts';
import { SIMULATOR_ANVIL_ARGS, simulate, type SimulateReturnType } from '../simulate.ts';
import { labelSimulatedServices } from '../simulator-labels.ts';
import { ETHER, simulatorContractAddress } from '../world.ts';

const CONTRACTS_DIR = path.resolve(import.meta.dirname, '../../../contracts');
const CACHE_DIR = path.resolve(import.meta.dirname, '../../../node_modules/.cache/chaintrail');

/** A transaction as read from the node: its inputs' outpoints and its outputs. */
type ChainTx = {
  txid: string;
  coinbase: boolean;
  ins: { txid: string; vout: number }[];
  outs: { address: string | null; value: bigint; script: Uint8Array }[];
};

describe('bybit-2025 on Bitcoin: the truth against what bcoin holds', () => {
  let anvil: Anvil;
  let node: BcoinNode;
  let result: SimulateReturnType;
  /** Every transaction of the Bitcoin chain, read back over JSON-RPC. */
  const txs = new Map<string, ChainTx>();
  const output = (o: { txid: string; vout: number }) => txs.get(o.txid)!.outs[o.vout]!;
  const spent = new Set<string>();
  /** A fresh DuckDB store on disk per test. */
  const store = useTempStore();

  beforeAll(async () => {
    anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
    node = await startBcoinNode();
    result = await simulate({
      rpcUrl: anvil.url,
      scenarios: ['bybit-2025'],
      seed: 2,
      scale: 0.3,
      contractsDir: CONTRACTS_DIR,
      cacheDir: CACHE_DIR,
      bitcoin: node,
    });
    // Every block from the node as a client reads it: `getblock <hash> 0`, decoded independently.
    const tip = await node.rpc<number>('getblockcount');
    for (let h = 0; h <= tip; h++) {
      const hash = await node.rpc<string>('getblockhash', [h]);
      const block = Block.fromHex(await node.rpc<string>('getblock', [hash, 0]));
      for (const [i, tx] of block.transactions!.entries()) {
        const ins =
          i === 0
            ? []
            : tx.ins.map((x) => ({
                txid: Buffer.from(x.hash).reverse().toString('hex'),
                vout: x.index,
              }));
        for (const x of ins) spent.add(`${x.txid}:${x.vout}`);
        txs.set(tx.getId(), {
          txid: tx.getId(),
          coinbase: i === 0,
          ins,
          outs: tx.outs.map((o) => ({
            address: scriptAddress(o.script),
            value: o.value,
            script: o.script,
          })),
        });
      }
    }
  });
  afterAll(async () => {
    await node?.stop();
    await anvil?.stop();
  });

  const bitcoin = () => result.truths[0]!.bitcoin!;
  const evmTx = async (hash: string) => {
    const res = await fetch(anvil.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'eth_getTransactionByHash',
        params: [hash],
      }),
    });
    return ((await res.json()) as { result: { to: string; value: Hex; input: Hex } }).result;
  };

  it('pays every THORChain deposit and instant order once, from the service, with THORChain’s OUT memo', async () => {
    const truth = result.truths[0]!;
    const payouts = bitcoin().payouts;
    // The EVM truth's bridged endpoints name the destinations; each gets exactly one payout.
    const bridged = truth.endpoints.filter((e) => e.destination);
    expect(bridged.length).toBeGreaterThan(0);
    expect(payouts.map((p) => p.address).sort()).toEqual(
      bridged.map((e) => e.destination!.address).sort(),
    );
    for (const e of bridged) expect(e.destination!.chain).toBe('bitcoin-regtest');
    const router = simulatorContractAddress('ThorRouter');
    for (const p of payouts) {
      const tx = txs.get(p.txid)!;
      for (const input of tx.ins) expect(output(input).address).toBe(p.from);
      expect(tx.outs.filter((o) => o.address === p.address).map((o) => o.value)).toEqual([
        p.amount,
      ]);
      const inbound = await evmTx(p.inboundTxHash);
      const wei = BigInt(inbound.value);
      const memos = tx.outs.filter((o) => o.script[0] === 0x6a);
      if (p.service === 'THORChain') {
        expect(inbound.to).toBe(router);
        // The deposit's memo names this address; the payout's OP_RETURN names the deposit.
        expect(inbound.input).toContain(stringToHex(`=:BTC.BTC:${p.address}`).slice(2));
        expect(memos).toHaveLength(1);
        const memo = Buffer.from(payments.embed({ output: memos[0]!.script }).data![0]!).toString();
        expect(memo).toBe(`OUT:${p.inboundTxHash.slice(2).toUpperCase()}`);
        expect(p.memo).toBe(memo);
        expect(p.amount).toBe((wei * SATS_PER_ETHER) / ETHER - THORCHAIN_OUTBOUND_FEE_SATS);
      } else {
        expect(inbound.to).toBe(simulatorContractAddress('InstantExchange'));
        expect(memos).toHaveLength(0);
        expect(p.amount).toBe(
          (((wei * SATS_PER_ETHER) / ETHER) * (10_000n - INSTANT_EXCHANGE_FEE_BPS)) / 10_000n,
        );
      }
    }
    expect(new Set(payouts.map((p) => p.service))).toEqual(
      new Set(['THORChain', 'Simulated Instant Exchange']),
    );
  });

  it('ends every satoshi the attacker received at an endpoint that the chain confirms, fees included', () => {
    const truth = bitcoin();
    const received = truth.payouts.reduce((s, p) => s + p.amount, 0n);
    expect(truth.received).toBe(received);
    expect(truth.endpoints.reduce((s, e) => s + e.amount, 0n)).toBe(received);
    const categories = new Set(truth.endpoints.map((e) => e.category));
    for (const c of ['deposit_wallet', 'mixer', 'unspent', 'fee']) expect(categories).toContain(c);
    expectEndpointsOn(
      truth,
      [...txs.values()].map((tx) => ({ ins: tx.ins.map(output), outs: tx.outs })),
    );
  });

  it('syncs through chaintrail’s Bitcoin source (JSON-RPC) into a store that agrees with the truth', async () => {
    const source = await openChainSource(createSourceRegistry(), 'bitcoin-regtest', {
      store: store.store,
      url: node.rpcUrl,
    });
    const sync = await syncChain({ store: store.store, source });
    expect(sync.toBlock).toBe(BigInt(await node.rpc<number>('getblockcount')));
    const byTx = new Map<string, FlowTx>();
    for (const t of await store.store.listTransfers({ chain: 'bitcoin-regtest' })) {
      let tx = byTx.get(t.txHash);
      if (!tx) byTx.set(t.txHash, (tx = { ins: [], outs: [] }));
      if (t.kind === 'utxo_in') tx.ins.push({ address: t.from, value: t.amount });
      if (t.kind === 'utxo_out') tx.outs.push({ address: t.to, value: t.amount });
    }
    expect(byTx.size).toBe(txs.size);
    expectEndpointsOn(bitcoin(), byTx.values());
    // Each THORChain payout is a bridge withdrawal answering its deposit, as the trace reads it.
    const withdrawals = new Map(
      (await store.store.listEvents({ chain: 'bitcoin-regtest' }))
        .filter((e) => e.type === 'bridge_withdrawal')
        .map((e) => [e.txHash, e]),
    );
    const thorchain = bitcoin().payouts.filter((p) => p.service === 'THORChain');
    expect(withdrawals.size).toBe(thorchain.length);
    for (const p of thorchain)
      expect(withdrawals.get(p.txid)).toMatchObject({
        protocol: 'thorchain',
        memo: p.memo,
        amount: p.amount,
        account: p.address,
      });
  });

  it('mixes Whirlpool-style: 5 inputs, 5 outputs of one pool denomination, one input the attacker’s', () => {
    const truth = bitcoin();
    const loot = new Set(truth.attackerAddresses.map((a) => a.address));
    const postmix = truth.attackerAddresses.filter((a) => a.role === 'postmix');
    expect(postmix.length).toBeGreaterThan(0);
    const denominations = new Set<bigint>(WHIRLPOOL_POOLS.map((p) => p.denomination));
    for (const { address } of postmix) {
      const mix = [...txs.values()].find((t) => t.outs.some((o) => o.address === address))!;
      expect(mix.ins).toHaveLength(WHIRLPOOL_MIX_SIZE);
      expect(mix.outs).toHaveLength(WHIRLPOOL_MIX_SIZE);
      expect(new Set(mix.outs.map((o) => o.value)).size).toBe(1);
      expect(denominations.has(mix.outs[0]!.value)).toBe(true);
      expect(mix.ins.map(output).filter((i) => loot.has(i.address!))).toHaveLength(1);
      // A shape the published Whirlpool rule takes for one: with a remix among its inputs.
      const shape = (ios: { address: string | null; value: bigint }[]) =>
        ios.map((x) => ({ address: x.address, value: Number(x.value) }));
      expect(
        detectCoinJoin({ inputs: shape(mix.ins.map(output)), outputs: shape(mix.outs) }),
      ).toEqual({ kind: 'whirlpool', rule: WHIRLPOOL_RULE });
    }
  });

  it('labels the vault, the exchanges’ deposit addresses, and consolidates every deposit into the exchange’s hot wallet', () => {
    const entities = result.bitcoin!.entities;
    const byAddress = new Map(entities.map((e) => [e.address, e]));
    expect(
      byAddress.get(bitcoin().payouts.find((p) => p.service === 'THORChain')!.from),
    ).toMatchObject({ category: 'bridge', entity: 'THORChain' });
    const deposits = entities.filter((e) => e.category === 'deposit_wallet');
    expect(deposits.length).toBeGreaterThan(0);
    for (const e of bitcoin().endpoints.filter((x) => x.category === 'deposit_wallet'))
      expect(byAddress.get(e.address!)).toMatchObject({
        category: 'deposit_wallet',
        entity: e.entity,
      });
    const hot = new Map(
      entities.filter((e) => e.category === 'hot_wallet').map((e) => [e.entity, e.address]),
    );
    let consolidated = 0;
    for (const d of deposits)
      for (const tx of txs.values())
        tx.outs.forEach((o, vout) => {
          if (o.address !== d.address) return;
          const spender = [...txs.values()].find((t) =>
            t.ins.some((i) => i.txid === tx.txid && i.vout === vout),
          );
          expect(spender, `${d.address} unspent`).toBeDefined();
          expect(spender!.outs.map((x) => x.address)).toEqual([hot.get(d.entity)]);
          if (spender!.ins.length > 1) consolidated++;
        });
    expect(consolidated).toBeGreaterThan(1);
  });

  it('traces the theft onto Bitcoin and back the same on the subgraph read hop by hop as on the whole index', async () => {
    const source = await openChainSource(createSourceRegistry(), 'bitcoin-regtest', {
      store: store.store,
      url: node.rpcUrl,
    });
    await syncChain({ store: store.store, source });
    await syncEvm({ store: store.store, rpcUrl: anvil.url });
    await labelSimulatedServices(store.store, result);
    const truth = result.truths[0]!;
    const exploiter = truth.attackerAddresses.find((a) => a.role === 'exploiter')!.address;
    const payout = bitcoin().payouts.find((p) => p.service === 'THORChain')!;
    const runs = [
      { seed: { kind: 'address', chain: 'anvil', address: exploiter }, direction: 'forward' },
      {
        seed: { kind: 'address', chain: 'bitcoin-regtest', address: payout.address },
        direction: 'backward',
      },
    ] as const;
    for (const { seed, direction } of runs)
      for (const policy of TAINT_POLICIES) {
        const trace = async (graph: 'index' | 'subgraph') =>
          JSON.stringify(
            (await traceStore({ store: store.store, seeds: [seed], direction, policy, graph }))
              .result,
          );
        const full = await trace('index');
        expect(await trace('subgraph'), `${direction} ${policy}`).toBe(full);
        // Across THORChain: forward onto Bitcoin, backward onto the EVM chain.
        expect(full).toContain(
          direction === 'forward' ? '"chain":"bitcoin-regtest"' : '"chain":"anvil"',
        );
      }
  });

  it('stores the Bitcoin services’ labels on bitcoin-regtest beside the EVM ones', async () => {
    await labelSimulatedServices(store.store, result);
    const vault = bitcoin().payouts.find((p) => p.service === 'THORChain')!.from;
    expect(await store.store.getLabels('bitcoin-regtest', vault)).toMatchObject([
      { chain: 'bitcoin-regtest', entity: 'THORChain', category: 'bridge' },
    ]);
    for (const e of result.bitcoin!.entities) {
      const [label] = await store.store.getLabels('bitcoin-regtest', e.address);
      expect(label, e.address).toMatchObject({ entity: e.entity });
    }
    // The EVM services keep their chain.
    expect(
      await store.store.getLabels('anvil', simulatorContractAddress('ThorRouter')),
    ).toMatchObject([{ entity: 'THORChain' }]);
    expect(await store.store.getLabels('anvil', vault)).toEqual([]);
  });
});

describe('bybit-2025 on Bitcoin: determinism', () => {
  it('gives the same Bitcoin chain for the same seed, block hashes included', async () => {
    const run = async () => {
      const evm = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
      const btc = await startBcoinNode().catch(async (error: unknown) => {
        await evm.stop();
        throw error;
      });
      try {
        const result = await simulate({
          rpcUrl: evm.url,
          scenarios: ['bybit-2025'],
          seed: 3,
          scale: 0.2,
          contractsDir: CONTRACTS_DIR,
          cacheDir: CACHE_DIR,
          bitcoin: btc,
        });
        expect(result.truths[0]!.bitcoin!.payouts.length).toBeGreaterThan(0);
        return [await btc.rpc<number>('getblockcount'), await btc.rpc<string>('getbestblockhash')];
      } finally {
        await btc.stop();
        await evm.stop();
      }
    };
    // Both runs end (and stop their nodes) before any failure is reported.
    const runs = await Promise.allSettled([run(), run()]);
    const [a, b] = runs.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    expect(b).toEqual(a);
  });
});

/** A transaction as value flows: its inputs (the outputs they spend) and outputs, addresses and satoshis. */
type FlowTx = {
  ins: { address: string | null; value: bigint }[];
  outs: { address: string | null; value: bigint }[];
};

/**
 * Checks a scenario's Bitcoin endpoints against transactions however read (from the node, from the
 * store): what each attacker address still holds, what the attacker's own transactions paid to
 * others, and its share of the fees (in a CoinJoin, what its premix carried above its postmix).
 */
function expectEndpointsOn(truth: BitcoinTruth, flows: Iterable<FlowTx>): void {
  const loot = new Set(truth.attackerAddresses.map((a) => a.address));
  const held = new Map<string, bigint>();
  const add = (address: string | null, value: bigint) => {
    if (address) held.set(address, (held.get(address) ?? 0n) + value);
  };
  const paidFromLoot = new Map<string, bigint>();
  let fees = 0n;
  for (const tx of flows) {
    for (const o of tx.outs) add(o.address, o.value);
    for (const i of tx.ins) add(i.address, -i.value);
    const lootIn = tx.ins.filter((i) => loot.has(i.address!)).reduce((s, i) => s + i.value, 0n);
    if (lootIn === 0n) continue;
    const totalIn = tx.ins.reduce((s, i) => s + i.value, 0n);
    const fee = totalIn - tx.outs.reduce((s, o) => s + o.value, 0n);
    // In a mix each input pays what it carries above its output (premixes pay, remixes do not):
    // the attacker's premix in, its postmix out.
    const lootOut = tx.outs.filter((o) => loot.has(o.address!)).reduce((s, o) => s + o.value, 0n);
    fees += lootIn === totalIn ? fee : lootIn - lootOut;
    if (lootIn === totalIn)
      for (const o of tx.outs)
        if (o.address && !loot.has(o.address))
          paidFromLoot.set(o.address, (paidFromLoot.get(o.address) ?? 0n) + o.value);
  }
  for (const e of truth.endpoints) {
    expect(e.chain).toBe('bitcoin-regtest');
    if (e.category === 'fee') expect(e.amount).toBe(fees);
    else if (loot.has(e.address!)) expect(held.get(e.address!), e.address!).toBe(e.amount);
    else expect(paidFromLoot.get(e.address!), e.address!).toBe(e.amount);
  }
  // Nothing the attacker paid away is missing from the endpoints.
  const named = new Set(truth.endpoints.map((e) => e.address));
  for (const address of paidFromLoot.keys()) expect(named.has(address), address).toBe(true);
}
