import path from 'node:path';
import { Block, payments } from 'bitcoinjs-lib';
import { type Hex, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BcoinNode, startBcoinNode } from '../../chains/bitcoin/bcoin-node.ts';
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
    for (let h = 1; h <= tip; h++) {
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
    const loot = new Set(truth.attackerAddresses.map((a) => a.address));
    const received = truth.payouts.reduce((s, p) => s + p.amount, 0n);
    expect(truth.received).toBe(received);
    expect(truth.endpoints.reduce((s, e) => s + e.amount, 0n)).toBe(received);
    // What each address holds unspent, and what transactions spending the attacker's outputs paid.
    const unspentAt = new Map<string, bigint>();
    const paidFromLoot = new Map<string, bigint>();
    let fees = 0n;
    for (const tx of txs.values()) {
      tx.outs.forEach((o, vout) => {
        if (o.address && !spent.has(`${tx.txid}:${vout}`))
          unspentAt.set(o.address, (unspentAt.get(o.address) ?? 0n) + o.value);
      });
      if (tx.coinbase) continue;
      const inputs = tx.ins.map(output);
      const lootIn = inputs.filter((i) => loot.has(i.address!)).reduce((s, i) => s + i.value, 0n);
      if (lootIn === 0n) continue;
      const totalIn = inputs.reduce((s, i) => s + i.value, 0n);
      const fee = totalIn - tx.outs.reduce((s, o) => s + o.value, 0n);
      // A CoinJoin's fee is shared by its equal inputs: the attacker's part is in proportion.
      expect((fee * lootIn) % totalIn).toBe(0n);
      fees += (fee * lootIn) / totalIn;
      if (lootIn === totalIn)
        for (const o of tx.outs)
          if (o.address && !loot.has(o.address))
            paidFromLoot.set(o.address, (paidFromLoot.get(o.address) ?? 0n) + o.value);
    }
    const categories = new Set<string>();
    for (const e of truth.endpoints) {
      categories.add(e.category);
      expect(e.chain).toBe('bitcoin-regtest');
      if (e.category === 'fee') expect(e.amount).toBe(fees);
      else if (loot.has(e.address!)) expect(unspentAt.get(e.address!)).toBe(e.amount);
      else expect(paidFromLoot.get(e.address!)).toBe(e.amount);
    }
    for (const c of ['deposit_wallet', 'mixer', 'unspent', 'fee']) expect(categories).toContain(c);
    // Nothing the attacker paid away is missing from the endpoints.
    const named = new Set(truth.endpoints.map((e) => e.address));
    for (const address of paidFromLoot.keys()) expect(named.has(address)).toBe(true);
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

  const ctx = useTempStore();
  it('stores the Bitcoin services’ labels on bitcoin-regtest beside the EVM ones', async () => {
    await labelSimulatedServices(ctx.store, result);
    const vault = bitcoin().payouts.find((p) => p.service === 'THORChain')!.from;
    expect(await ctx.store.getLabels('bitcoin-regtest', vault)).toMatchObject([
      { chain: 'bitcoin-regtest', entity: 'THORChain', category: 'bridge' },
    ]);
    for (const e of result.bitcoin!.entities) {
      const [label] = await ctx.store.getLabels('bitcoin-regtest', e.address);
      expect(label, e.address).toMatchObject({ entity: e.entity });
    }
    // The EVM services keep their chain.
    expect(
      await ctx.store.getLabels('anvil', simulatorContractAddress('ThorRouter')),
    ).toMatchObject([{ entity: 'THORChain' }]);
    expect(await ctx.store.getLabels('anvil', vault)).toEqual([]);
  });
});

describe('bybit-2025 on Bitcoin: determinism', () => {
  it('gives the same Bitcoin chain for the same seed, block hashes included', async () => {
    const run = async () => {
      const [evm, btc] = await Promise.all([
        startAnvil({ args: SIMULATOR_ANVIL_ARGS }),
        startBcoinNode(),
      ]);
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
    const [a, b] = await Promise.all([run(), run()]);
    expect(b).toEqual(a);
  });
});
