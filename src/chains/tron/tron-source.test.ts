import { afterEach, describe, expect, it } from 'vitest';
import { syncChain } from '../../ingest/sync/sync-chain.ts';
import { createSourceRegistry, openChainSource } from '../../ingest/sync/registry.ts';
import { createRandom } from '../../simulate/random.ts';
import {
  createTronTestChain,
  constructedTronAddresses,
  type TronTestChain,
  type TronTestMove,
} from '../../simulate/tron/tron-test-chain.ts';
import { startTronTestNode, type TronTestNode } from '../../simulate/tron/tron-test-node.ts';
import type { Store } from '../../store/store.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';

/** CONSTRUCTED addresses: seeded bytes no one holds a key for. */
const addresses = constructedTronAddresses;

/** USDT-TRC20's contract on Tron mainnet (Tether's published address). */
const USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
/** 2^53 + 1 sun: a JSON number a double cannot hold. */
const PAST_DOUBLE = 9_007_199_254_740_993n;

/** A chain with every kind of movement a Tron sync stores, over `blocks` blocks. */
function chainWithEverything(blocks: number): TronTestChain {
  const chain = createTronTestChain({ startTime: 1_717_200_000 });
  chain.addToken(USDT, 'USDT', 6);
  const [a, b, c, d, pool, issuer] = addresses('tron-source', 6) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const r = createRandom('tron-source-moves');
  // Block 0 as mainnet's genesis: allocations, without execution results, number or timestamp.
  chain.mine([{ type: 'trx', from: issuer, to: a, amount: 100_000_000n }]);
  for (let n = 1; n <= blocks; n++) {
    const moves: TronTestMove[] = [];
    if (n % 3 === 0)
      moves.push({
        type: 'trx',
        from: a,
        to: b,
        amount: BigInt(r.int(1, 9)) * 1_000_000n,
        fee: 268_000n,
      });
    if (n % 4 === 0)
      moves.push({
        type: 'trc20',
        from: b,
        token: USDT,
        to: c,
        amount: BigInt(r.int(1, 5000)) * 1_000_000n,
        fee: 13_844_850n,
      });
    if (n % 5 === 0)
      moves.push({ type: 'trc10', from: c, to: d, tokenId: '1002000', amount: 777n });
    if (n % 7 === 0)
      moves.push({
        type: 'call',
        from: d,
        contract: pool,
        callValue: 5_000_000n,
        internal: [
          { from: pool, to: a, amount: 4_000_000n },
          { from: pool, to: b, amount: 1n, tokenId: '1002000' },
          { from: pool, to: c, amount: 9n, rejected: true },
        ],
        fee: 1_000_000n,
      });
    if (n % 11 === 0)
      moves.push({
        type: 'trc20',
        from: c,
        token: USDT,
        to: a,
        amount: 5n,
        fee: 8_000_000n,
        failed: true,
      });
    if (n === 13)
      moves.push({ type: 'blacklist', from: issuer, token: USDT, account: c, fee: 4_000_000n });
    if (n === 17)
      moves.push({ type: 'blacklist', from: issuer, token: USDT, account: c, remove: true });
    if (n === 19) moves.push({ type: 'trx', from: issuer, to: d, amount: PAST_DOUBLE });
    chain.mine(moves);
  }
  return chain;
}

const key = (t: {
  txHash: string;
  kind: string;
  from: string | null;
  to: string | null;
  asset: string;
  amount: bigint;
  blockNumber: bigint;
}) => `${t.blockNumber} ${t.txHash} ${t.kind} ${t.from} ${t.to} ${t.asset} ${t.amount}`;

async function stored(store: Store) {
  return (await store.listTransfers({ chain: 'tron-test' })).map(key).sort();
}

describe('Tron sync from the test node', () => {
  const ctx = useTempStore();
  let node: TronTestNode | null = null;
  afterEach(async () => {
    await node?.close();
    node = null;
  });

  const sync = async (url: string, to?: bigint, options: Record<string, unknown> = {}) => {
    const source = await openChainSource(createSourceRegistry(), 'tron-test', {
      store: ctx.store,
      url,
      options,
    });
    return syncChain({ store: ctx.store, source, from: 0n, to, batchBlocks: 7 });
  };

  it('stores every TRX, TRC-10, TRC-20 and internal movement with its fee, as the node recorded them', async () => {
    const chain = chainWithEverything(40);
    node = await startTronTestNode(chain);
    const result = await sync(node.url);
    expect(result.blocks).toBe(41);
    expect(await stored(ctx.store)).toEqual(chain.moves.map(key).sort());
    // Every kind is there, the amount past 2^53 exactly, failed and rejected values left out.
    const kinds = new Set(
      chain.moves.map((m) => `${m.kind} ${m.asset === USDT ? 'usdt' : m.asset}`),
    );
    expect([...kinds].sort()).toEqual([
      'fee native',
      'internal native',
      'internal trc10:1002000',
      'native native',
      'native trc10:1002000',
      'token usdt',
    ]);
    expect(chain.moves.some((m) => m.amount === PAST_DOUBLE)).toBe(true);
    // The freeze and its lifting, addresses as T…; USDT's symbol and decimals asked of the contract.
    const events = await ctx.store.listEvents({ chain: 'tron-test' });
    expect(events.map((e) => [e.type, e.contract, 'account' in e ? e.account : null])).toEqual(
      chain.freezes.map((f) => [f.type, f.contract, f.account]),
    );
    const usdt = (await ctx.store.listAssets('tron-test')).find((x) => x.asset === USDT);
    expect(usdt).toMatchObject({ symbol: 'USDT', decimals: 6 });
  });

  it('follows a reorganisation: blocks replaced after the checkpoint are rolled back and re-read', async () => {
    const chain = chainWithEverything(30);
    node = await startTronTestNode(chain);
    await sync(node.url);
    const [x, y] = addresses('tron-reorg', 2) as [string, string];
    chain.rewind(26n);
    for (let i = 0; i < 8; i++)
      chain.mine([{ type: 'trx', from: x, to: y, amount: BigInt(i + 1), fee: 1n }]);
    await sync(node.url);
    expect(await stored(ctx.store)).toEqual(chain.moves.map(key).sort());
  });

  it('retries what a flaky node or proxy answers (503, 429 with Retry-After, a body cut short) and stores the same rows', async () => {
    const chain = chainWithEverything(40);
    const faults = ['503', '429', 'truncate'];
    node = await startTronTestNode(chain, {
      // Every third request fails, in turn each way.
      fault: (n) => {
        if (n % 3 !== 0) return null;
        const f = faults[(n / 3) % faults.length]!;
        return f === 'truncate'
          ? { kind: 'truncate' }
          : { kind: 'status', status: Number(f), retryAfter: f === '429' ? '0' : undefined };
      },
    });
    const retried: string[] = [];
    const source = await openChainSource(createSourceRegistry(), 'tron-test', {
      store: ctx.store,
      url: node.url,
      onRetry: (r) => retried.push(r.reason),
    });
    await syncChain({ store: ctx.store, source, from: 0n, batchBlocks: 7 });
    expect(await stored(ctx.store)).toEqual(chain.moves.map(key).sort());
    expect(new Set(retried)).toEqual(new Set(['HTTP 503', 'HTTP 429', 'invalid JSON']));
  });

  it("refuses to sync the test node as Tron mainnet, and a hostile node's bad answers with errors naming them", async () => {
    const chain = chainWithEverything(3);
    node = await startTronTestNode(chain);
    const open = (key: string) =>
      openChainSource(createSourceRegistry(), key, { store: ctx.store, url: node!.url });
    await expect(open('tron')).rejects.toMatchObject({
      code: 'CHAIN_MISMATCH',
      message: expect.stringMatching(
        /not serve Tron mainnet: its genesis block is another chain's/,
      ),
    });
    // A negative amount and a transaction listed twice: never stored, never dropped unsaid.
    const [x, y] = addresses('tron-hostile', 2) as [string, string];
    chain.mine([{ type: 'trx', from: x, to: y, amount: 5n }]);
    const value = chain.blocks[4]!.block.transactions![0]!.raw_data!.contract![0]!.parameter!
      .value as Record<string, unknown>;
    value.amount = -7_000_000;
    await expect(sync(node.url)).rejects.toThrow(
      /amount as -7000000: an amount cannot be negative/,
    );
    value.amount = 5;
    const txs = chain.blocks[4]!.block.transactions!;
    txs.push(txs[0]!);
    await expect(sync(node.url)).rejects.toThrow(/lists this transaction twice/);
  });

  it('asks symbol() and decimals() of each token once, and keeps none for a contract that reverts (as java-tron answers a revert)', async () => {
    const chain = chainWithEverything(8);
    const [fake] = addresses('tron-fake-token', 1) as [string];
    const [u, v] = addresses('tron-fake-users', 2) as [string, string];
    chain.mine([{ type: 'trc20', from: u, token: fake, to: v, amount: 3n }]);
    node = await startTronTestNode(chain);
    await sync(node.url);
    const assets = await ctx.store.listAssets('tron-test');
    expect(assets.find((x) => x.asset === fake)).toMatchObject({ symbol: null, decimals: null });
    expect(assets.find((x) => x.asset === USDT)).toMatchObject({ symbol: 'USDT', decimals: 6 });
  });

  it('sends the TronGrid API key, and a refused key is an error that does not show it', async () => {
    const chain = chainWithEverything(5);
    node = await startTronTestNode(chain, { apiKey: 'k-123' });
    const refused = await sync(node.url, undefined, { apiKey: 'wrong' }).catch((e: Error) => e);
    expect(refused).toMatchObject({ code: 'RPC_AUTH_FAILED' });
    expect(String((refused as Error).message)).not.toContain('wrong');
    const result = await sync(node.url, undefined, { apiKey: 'k-123' });
    expect(result.blocks).toBe(6);
  });
});
