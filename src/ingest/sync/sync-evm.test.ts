import { createRandom } from '../../simulate/random.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../../chains/evm/anvil.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { SYNC_STREAM, syncEvm } from './sync-evm.ts';
import { type Fault, startFaultProxy } from '../../../test/helpers/fault-proxy.ts';
import { createDuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import type { Store } from '../../store/store.ts';
import path from 'node:path';
import { encodeFunctionData, getContractAddress, parseAbi } from 'viem';
import { compileSolidity } from '../../simulate/compile-contracts.ts';
import { createTokenList } from '../../model/token-list.ts';
import {
  mintCall,
  tokenCreationCode,
  type TokenContractName,
} from '../../../test/helpers/token-contracts.ts';

// A real local node: anvil mines each transaction into its own block.
let anvil: Anvil;
beforeAll(async () => {
  anvil = await startAnvil();
});
afterAll(async () => {
  await anvil?.stop();
});

async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(anvil.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result as T;
}

/** Sends `wei` between two of anvil's unlocked dev accounts and returns the tx hash. */
async function send(from: string, to: string, wei: bigint): Promise<string> {
  return rpc<string>('eth_sendTransaction', [{ from, to, value: `0x${wei.toString(16)}` }]);
}

/** Waits until anvil reports the transaction mined (it can answer a send before the block is queryable). */
async function mined(hash: string): Promise<bigint> {
  for (let i = 0; i < 200; i++) {
    const receipt = await rpc<{ blockNumber: string } | null>('eth_getTransactionReceipt', [hash]);
    if (receipt) return BigInt(receipt.blockNumber);
  }
  throw new Error(`transaction ${hash} was not mined`);
}

/** Syncs anvil directly into a second store up to `to` and expects `store` to hold the same data. */
async function expectSameAsDirectSync(store: Store, dir: string, to: bigint): Promise<void> {
  const direct = await createDuckDbStore({ path: path.join(dir, 'direct.duckdb') });
  try {
    await syncEvm({ store: direct, rpcUrl: anvil.url, to });
    expect(await store.listTransfers()).toEqual(await direct.listTransfers());
    expect(await store.getStats()).toEqual(await direct.getStats());
  } finally {
    await direct.close();
  }
}

/**
 * Moves value through internal calls of every kind a tracer reports: two plain calls, a call whose
 * subtree reverts (its inner transfer must not count), a contract creation with value, and a
 * selfdestruct that hands the new contract's balance on.
 */
const SPLITTER_SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;
contract Child {
  constructor() payable {}
  function kill(address payable to) external { selfdestruct(to); }
}
contract Splitter {
  function split(address payable a, address payable b, address payable c) external payable {
    uint256 quarter = msg.value / 4;
    (bool ok, ) = a.call{value: quarter}("");
    require(ok);
    (ok, ) = b.call{value: quarter}("");
    require(ok);
    try this.failing{value: quarter}(c) {} catch {}
    Child child = new Child{value: quarter}();
    child.kill(c);
  }
  function failing(address payable c) external payable {
    (bool ok, ) = c.call{value: msg.value}("");
    require(ok);
    revert("always");
  }
}`;
const SPLITTER_ABI = parseAbi(['function split(address a, address b, address c) payable']);
/** Gas for one split: anvil's estimate can fall short when a subcall is meant to revert. */
const SPLIT_GAS = 1_000_000n;
let splitterBytecode: `0x${string}` | undefined;

/**
 * Deploys a Splitter from `from` and sends it `value` wei split between `to` (a, b, then c twice:
 * once in the reverted subtree, once by selfdestruct). Returns the contracts and the split's block.
 */
async function deployAndSplit(from: string, to: [string, string, string], value: bigint) {
  splitterBytecode ??= compileSolidity({ 'Splitter.sol': { content: SPLITTER_SOURCE } }).Splitter!
    .bytecode;
  const deploy = await rpc<string>('eth_sendTransaction', [{ from, data: splitterBytecode }]);
  await mined(deploy);
  const { contractAddress: splitter } = await rpc<{ contractAddress: string }>(
    'eth_getTransactionReceipt',
    [deploy],
  );
  const txHash = await rpc<string>('eth_sendTransaction', [
    {
      from,
      to: splitter,
      value: `0x${value.toString(16)}`,
      gas: `0x${SPLIT_GAS.toString(16)}`,
      data: encodeFunctionData({
        abi: SPLITTER_ABI,
        functionName: 'split',
        args: to as [`0x${string}`, `0x${string}`, `0x${string}`],
      }),
    },
  ]);
  const blockNumber = await mined(txHash);
  // The Splitter's first creation (its nonce starts at 1, EIP-161).
  const child = getContractAddress({ from: splitter as `0x${string}`, nonce: 1n }).toLowerCase();
  return { splitter: splitter.toLowerCase(), child, txHash, blockNumber };
}

async function balanceAt(address: string, block: bigint): Promise<bigint> {
  return BigInt(await rpc<string>('eth_getBalance', [address, `0x${block.toString(16)}`]));
}

/** Share of requests the fault-mix test fails. */
const FAULT_RATE = 0.1;
/** Its first four faults fall within the first 24 requests, well inside the sync below. */
const FAULT_MIX_SEED = 3;
/** Short, so that a hung request is abandoned quickly; anvil answers in milliseconds. */
const FAULT_MIX_CLIENT_TIMEOUT_MS = 1000;
/** A hung request stays unanswered well past the client's timeout. */
const FAULT_MIX_HANG_MS = 5 * FAULT_MIX_CLIENT_TIMEOUT_MS;
/** A stalled sync fails the test instead of hanging it. */
const FAULT_MIX_TEST_TIMEOUT_MS = 60_000;
const FAULT_MIX: Fault[] = [
  { kind: 'status', status: 429, retryAfter: '1' },
  { kind: 'status', status: 500 },
  { kind: 'hang', ms: FAULT_MIX_HANG_MS },
  { kind: 'truncate' },
];

/** The rate cap under test, in JSON-RPC calls per second. */
const RPS_CAP = 10;
/** The window a per-second cap is judged over, as a provider would. */
const ONE_SECOND_MS = 1000;

/** Most JSON-RPC calls that arrived within any window of `windowMs` (sliding, from each arrival). */
function busiestWindow(arrivals: readonly { atMs: number; calls: number }[], windowMs: number) {
  const sorted = [...arrivals].sort((x, y) => x.atMs - y.atMs);
  let most = 0;
  sorted.forEach((first, i) => {
    let calls = 0;
    for (let j = i; j < sorted.length && sorted[j]!.atMs - first.atMs < windowMs; j++)
      calls += sorted[j]!.calls;
    most = Math.max(most, calls);
  });
  return most;
}

describe('syncEvm against anvil', () => {
  const ctx = useTempStore();

  it('stores native transfers exactly, resumes from its checkpoint, and never doubles a row', async () => {
    const [a, b, c] = await rpc<string[]>('eth_accounts');
    const sent = [
      await send(a!, b!, 10n ** 18n),
      await send(b!, c!, 12345n),
      await send(c!, a!, 1n),
    ];
    const first = await syncEvm({ store: ctx.store, rpcUrl: anvil.url });
    expect(first.chain).toBe('anvil');
    const head = BigInt(await rpc<string>('eth_blockNumber'));
    expect(first.toBlock).toBe(head);
    expect(await ctx.store.getCheckpoint('anvil', SYNC_STREAM)).toMatchObject({
      blockNumber: head,
    });

    sent.push(await send(a!, c!, 7n));
    const second = await syncEvm({ store: ctx.store, rpcUrl: anvil.url });
    expect(second).toMatchObject({ fromBlock: head + 1n, blocks: 1 });
    // A third run has nothing to do.
    expect(await syncEvm({ store: ctx.store, rpcUrl: anvil.url })).toMatchObject({
      blocks: 0,
      transfers: 0,
    });

    const stored = await ctx.store.listTransfers({ chain: 'anvil', kind: 'native' });
    expect(stored.map((t) => [t.txHash, t.from, t.to, t.amount, t.kind, t.position])).toEqual([
      [sent[0], a, b, 10n ** 18n, 'native', 'call:'],
      [sent[1], b, c, 12345n, 'native', 'call:'],
      [sent[2], c, a, 1n, 'native', 'call:'],
      [sent[3], a, c, 7n, 'native', 'call:'],
    ]);
    for (const t of stored) {
      const block = await rpc<{ timestamp: string; hash: string }>('eth_getBlockByNumber', [
        `0x${t.blockNumber.toString(16)}`,
        false,
      ]);
      expect(t.blockTime).toBe(Number(BigInt(block.timestamp)));
    }
    // Gas: each sender paid gasUsed x effectiveGasPrice, the base fee burnt, the rest to the miner.
    for (const hash of sent) {
      const r = await rpc<{
        gasUsed: string;
        effectiveGasPrice: string;
        blockNumber: string;
        from: string;
      }>('eth_getTransactionReceipt', [hash]);
      const block = await rpc<{ miner: string; baseFeePerGas: string }>('eth_getBlockByNumber', [
        r.blockNumber,
        false,
      ]);
      const fees = await ctx.store.listTransfers({ txHash: hash, kind: 'fee' });
      const gas = BigInt(r.gasUsed);
      expect(fees.reduce((sum, f) => sum + f.amount, 0n)).toBe(gas * BigInt(r.effectiveGasPrice));
      expect(fees.find((f) => f.position === 'fee:burn')?.amount ?? 0n).toBe(
        gas * BigInt(block.baseFeePerGas),
      );
      for (const f of fees) {
        expect(f.from).toBe(r.from);
        expect(f.to).toBe(f.position === 'fee:tip' ? block.miner : null);
      }
    }
  });

  it('rolls back to the fork point when the chain reorganises, and re-ingests the new blocks', async () => {
    const [a, b, c] = await rpc<string[]>('eth_accounts');
    const kept = await send(a!, b!, 1n);
    // anvil answers a send before mining it: a snapshot taken too early would revert `kept` too.
    await mined(kept);
    const snapshot = await rpc<string>('evm_snapshot');
    const orphaned = await send(a!, c!, 2n);
    await mined(orphaned);
    await syncEvm({ store: ctx.store, rpcUrl: anvil.url });
    expect((await ctx.store.listTransfers({ txHash: orphaned, kind: 'native' })).length).toBe(1);
    // Replace the last block with a different history, one block longer.
    expect(await rpc<boolean>('evm_revert', [snapshot])).toBe(true);
    const replacement = [await send(b!, c!, 3n), await send(c!, a!, 4n)];
    for (const hash of replacement) await mined(hash);
    const warnings: string[] = [];
    const result = await syncEvm({
      store: ctx.store,
      rpcUrl: anvil.url,
      onWarning: (m) => warnings.push(m),
    });
    expect(result.reorgs).toBe(1);
    expect(warnings.join('\n')).toMatch(/chain reorganisation: rolled back blocks/);
    const hashes = (await ctx.store.listTransfers({ chain: 'anvil' })).map((t) => t.txHash);
    expect(hashes).toContain(kept);
    expect(hashes).not.toContain(orphaned);
    expect(hashes).toEqual(expect.arrayContaining(replacement));
    // Stored blocks are the node's blocks again.
    const head = BigInt(await rpc<string>('eth_blockNumber'));
    const [stored] = await ctx.store.getBlocks('anvil', [head]);
    const node = await rpc<{ hash: string }>('eth_getBlockByNumber', [
      `0x${head.toString(16)}`,
      false,
    ]);
    expect(stored!.hash).toBe(node.hash);
  });

  it('gets the same data through a flaky endpoint (429, 502, 503, truncated JSON) as directly', async () => {
    const [a, b] = await rpc<string[]>('eth_accounts');
    await mined(await send(a!, b!, 42n));
    // Enough blocks, synced one per batch, that every planned fault is met whatever the HTTP batching.
    await rpc('anvil_mine', ['0xa']);
    const head = BigInt(await rpc<string>('eth_blockNumber'));
    const faults: Fault[] = [
      { kind: 'forward' },
      { kind: 'status', status: 429, retryAfter: '0' },
      { kind: 'status', status: 503 },
      { kind: 'forward' },
      { kind: 'status', status: 502 },
      { kind: 'truncate' },
    ];
    const proxy = await startFaultProxy(anvil.url, (n) => faults[n - 1] ?? { kind: 'forward' });
    const retries: string[] = [];
    try {
      await syncEvm({
        store: ctx.store,
        rpcUrl: proxy.url,
        to: head,
        batchBlocks: 1,
        onRetry: (r) => retries.push(r.reason),
      });
    } finally {
      await proxy.close();
    }
    expect(proxy.counts.injected).toEqual({
      'status 429': 1,
      'status 503': 1,
      'status 502': 1,
      truncate: 1,
    });
    expect(retries.length).toBeGreaterThanOrEqual(4);
    await expectSameAsDirectSync(ctx.store, ctx.dir, head);
  });

  it(
    'syncs the same data as directly when ~10% of requests fail (429 + Retry-After, 500, timeout, truncated JSON)',
    { timeout: FAULT_MIX_TEST_TIMEOUT_MS },
    async () => {
      const [a, b, c, d] = await rpc<string[]>('eth_accounts');
      for (let i = 1; i <= 10; i++) await mined(await send(a!, b!, BigInt(i)));
      await deployAndSplit(a!, [b!, c!, d!], 4000n);
      await rpc('anvil_mine', ['0x14']);
      const head = BigInt(await rpc<string>('eth_blockNumber'));
      // The simulator's seeded generator (mulberry32), so a failure can be replayed.
      const random = createRandom(FAULT_MIX_SEED).next;
      let faults = 0;
      const proxy = await startFaultProxy(anvil.url, () => {
        if (random() >= FAULT_RATE) return { kind: 'forward' };
        // The kinds take turns, so that the few faults of a short sync surely include each of them.
        return FAULT_MIX[faults++ % FAULT_MIX.length]!;
      });
      const reasons = new Set<string>();
      let result: Awaited<ReturnType<typeof syncEvm>>;
      try {
        result = await syncEvm({
          store: ctx.store,
          rpcUrl: proxy.url,
          to: head,
          batchBlocks: 4,
          timeoutMs: FAULT_MIX_CLIENT_TIMEOUT_MS,
          onRetry: (r) => reasons.add(r.reason),
        });
      } finally {
        await proxy.close();
      }
      console.info(
        `fault mix: ${proxy.counts.requests} requests, injected ${JSON.stringify(proxy.counts.injected)}, ${result.blocks} blocks`,
      );
      expect(Object.keys(proxy.counts.injected).sort()).toEqual([
        'hang',
        'status 429',
        'status 500',
        'truncate',
      ]);
      const injected = Object.values(proxy.counts.injected).reduce((sum, n) => sum + n, 0);
      expect(injected / proxy.counts.requests).toBeGreaterThan(0.05);
      expect(injected / proxy.counts.requests).toBeLessThan(0.2);
      // Each kind of fault was seen by the client for what it is, and retried.
      expect([...reasons].sort()).toEqual([
        'HTTP 429',
        'HTTP 500',
        'malformed response',
        'timeout',
      ]);
      expect(result.blocks).toBe(Number(head) + 1);
      await expectSameAsDirectSync(ctx.store, ctx.dir, head);
    },
  );

  it('follows new blocks until stopped', async () => {
    const [a, b] = await rpc<string[]>('eth_accounts');
    const controller = new AbortController();
    let wanted: bigint | null = null;
    let reached!: () => void;
    const caughtUp = new Promise<void>((resolve) => (reached = resolve));
    const running = syncEvm({
      store: ctx.store,
      rpcUrl: anvil.url,
      follow: true,
      pollIntervalMs: 50,
      signal: controller.signal,
      onBatch: (p) => {
        if (wanted !== null && p.toBlock >= wanted) reached();
      },
    });
    let result: Awaited<typeof running>;
    let hash: string;
    try {
      hash = await send(a!, b!, 5n);
      let receipt: { blockNumber: string } | null = null;
      // Anvil may answer the send before the receipt is queryable.
      for (let i = 0; i < 100 && !receipt; i++) {
        receipt = await rpc<{ blockNumber: string } | null>('eth_getTransactionReceipt', [hash]);
      }
      wanted = BigInt(receipt!.blockNumber);
      // The block may already be synced before `wanted` was known: check the store too.
      const synced = (await ctx.store.getCheckpoint('anvil', SYNC_STREAM))?.blockNumber ?? -1n;
      if (synced >= wanted) reached();
      await caughtUp;
    } finally {
      controller.abort();
      result = await running;
    }
    expect(result.toBlock).toBeGreaterThanOrEqual(wanted);
    expect(
      (await ctx.store.listTransfers({ txHash: hash, kind: 'native' })).map((t) => t.amount),
    ).toEqual([5n]);
  });

  it('follows reorganisations of depth 1 to 5 while --follow runs: the store matches the canonical chain', async () => {
    const [a, b, c] = await rpc<string[]>('eth_accounts');
    const controller = new AbortController();
    // Waiters are registered before the store is read, so a batch committed in between still
    // wakes them; a sync that fails wakes them with its error instead of leaving the test hanging.
    const batches: { resolve: () => void; reject: (e: unknown) => void }[] = [];
    const running = syncEvm({
      store: ctx.store,
      rpcUrl: anvil.url,
      follow: true,
      pollIntervalMs: 20,
      signal: controller.signal,
      batchBlocks: 2,
      onBatch: () => {
        for (const b of batches.splice(0)) b.resolve();
      },
    });
    running.catch((error: unknown) => {
      for (const b of batches.splice(0)) b.reject(error);
    });
    const nextBatch = () => {
      const next = new Promise<void>((resolve, reject) => batches.push({ resolve, reject }));
      next.catch(() => undefined); // one left unawaited (already synced) must not go unhandled
      return next;
    };
    const synced = async (until: bigint) => {
      for (;;) {
        const next = nextBatch();
        const stored = (await ctx.store.getCheckpoint('anvil', SYNC_STREAM))?.blockNumber ?? -1n;
        if (stored >= until) return;
        await next;
      }
    };
    const head = async () => BigInt(await rpc<string>('eth_blockNumber'));
    const converged = async (tip: bigint) => {
      for (;;) {
        const next = nextBatch();
        const [stored] = await ctx.store.getBlocks('anvil', [tip]);
        const node = await rpc<{ hash: string }>('eth_getBlockByNumber', [
          `0x${tip.toString(16)}`,
          false,
        ]);
        if (stored?.hash === node.hash) return;
        await next;
      }
    };
    let result: Awaited<typeof running>;
    try {
      await synced(await head());
      for (let depth = 1; depth <= 5; depth++) {
        const snapshot = await rpc<string>('evm_snapshot');
        const orphaned: string[] = [];
        for (let i = 0; i < depth; i++) orphaned.push(await send(a!, b!, BigInt(100 * depth + i)));
        await synced(await mined(orphaned[orphaned.length - 1]!));
        expect(await rpc<boolean>('evm_revert', [snapshot])).toBe(true);
        const canonical: string[] = [];
        for (let i = 0; i <= depth; i++)
          canonical.push(await send(b!, c!, BigInt(1000 * depth + i)));
        const tip = await mined(canonical[canonical.length - 1]!);
        // Anvil may pack two sends into one block, so the new branch can be no longer than the
        // orphaned one; the sync then notices on its next poll. Wait for the store to converge.
        await converged(tip);
        // The store holds exactly the canonical blocks and their transfers.
        const numbers = Array.from({ length: depth + 1 }, (_, i) => tip - BigInt(i));
        for (const n of numbers) {
          const [stored] = await ctx.store.getBlocks('anvil', [n]);
          const node = await rpc<{ hash: string }>('eth_getBlockByNumber', [
            `0x${n.toString(16)}`,
            false,
          ]);
          expect(stored?.hash, `depth ${depth}, block ${n}`).toBe(node.hash);
        }
        const hashes = new Set(
          (await ctx.store.listTransfers({ chain: 'anvil' })).map((t) => t.txHash),
        );
        for (const h of orphaned)
          expect(hashes.has(h), `orphaned ${h} (depth ${depth})`).toBe(false);
        for (const h of canonical)
          expect(hashes.has(h), `canonical ${h} (depth ${depth})`).toBe(true);
      }
    } finally {
      controller.abort();
      result = await running;
    }
    expect(result.reorgs).toBe(5);
  });

  it('stays the given number of confirmations behind the head', async () => {
    const head = BigInt(await rpc<string>('eth_blockNumber'));
    const result = await syncEvm({ store: ctx.store, rpcUrl: anvil.url, confirmations: 2 });
    expect(result.toBlock).toBe(head - 2n);
  });

  it('falls back to per-transaction receipts when the node has no eth_getBlockReceipts', async () => {
    const [a, b] = await rpc<string[]>('eth_accounts');
    const hash = await send(a!, b!, 77n);
    const tip = await mined(hash);
    const proxy = await startFaultProxy(anvil.url, () => ({ kind: 'forward' }), {
      unsupportedMethods: ['eth_getBlockReceipts'],
    });
    const warnings: string[] = [];
    try {
      await syncEvm({
        store: ctx.store,
        rpcUrl: proxy.url,
        to: tip,
        onWarning: (m) => warnings.push(m),
      });
    } finally {
      await proxy.close();
    }
    expect(warnings).toContainEqual(expect.stringMatching(/no eth_getBlockReceipts/));
    await expectSameAsDirectSync(ctx.store, ctx.dir, tip);
    expect(
      (await ctx.store.listTransfers({ txHash: hash, kind: 'native' })).map((t) => t.amount),
    ).toEqual([77n]);
  });

  it('takes internal transfers from the callTracer when the node has no trace_block, exactly as from trace_block', async () => {
    const [a, b, c, d] = await rpc<string[]>('eth_accounts');
    const split = await deployAndSplit(a!, [b!, c!, d!], 4000n);
    const proxy = await startFaultProxy(anvil.url, () => ({ kind: 'forward' }), {
      unsupportedMethods: ['trace_block'],
    });
    const warnings: string[] = [];
    try {
      await syncEvm({
        store: ctx.store,
        rpcUrl: proxy.url,
        to: split.blockNumber,
        onWarning: (m) => warnings.push(m),
      });
    } finally {
      await proxy.close();
    }
    expect(warnings).toEqual([]);
    const internal = await ctx.store.listTransfers({ txHash: split.txHash, kind: 'internal' });
    // Not call:2 nor call:2.0: that subtree reverted. The Child's balance leaves by selfdestruct.
    expect(internal.map((t) => [t.position, t.from, t.to, t.amount])).toEqual([
      ['call:0', split.splitter, b, 1000n],
      ['call:1', split.splitter, c, 1000n],
      ['call:3', split.splitter, split.child, 1000n],
      ['call:4.0', split.child, d, 1000n],
    ]);
    // What the stored transfers say each recipient received is what the chain says it received.
    for (const recipient of [b!, c!, d!]) {
      const received = internal
        .filter((t) => t.to === recipient)
        .reduce((sum, t) => sum + t.amount, 0n);
      expect(received, recipient).toBe(
        (await balanceAt(recipient, split.blockNumber)) -
          (await balanceAt(recipient, split.blockNumber - 1n)),
      );
    }
    // The direct sync traces with trace_block (preferred when the node has it): same rows.
    await expectSameAsDirectSync(ctx.store, ctx.dir, split.blockNumber);
  });

  it('warns once and syncs no internal transfers when the node has neither tracing method', async () => {
    const [a, b, c, d] = await rpc<string[]>('eth_accounts');
    const split = await deployAndSplit(a!, [b!, c!, d!], 4000n);
    const proxy = await startFaultProxy(anvil.url, () => ({ kind: 'forward' }), {
      unsupportedMethods: ['debug_traceBlockByNumber', 'trace_block'],
    });
    const warnings: string[] = [];
    let result: Awaited<ReturnType<typeof syncEvm>>;
    try {
      result = await syncEvm({
        store: ctx.store,
        rpcUrl: proxy.url,
        to: split.blockNumber,
        batchBlocks: 1,
        onWarning: (m) => warnings.push(m),
      });
    } finally {
      await proxy.close();
    }
    expect(result.blocks).toBeGreaterThan(2);
    expect(warnings).toEqual([
      'the node has neither trace_block nor debug_traceBlockByNumber: internal value transfers are not synced',
    ]);
    expect(await ctx.store.listTransfers({ kind: 'internal' })).toEqual([]);
    expect(
      (await ctx.store.listTransfers({ txHash: split.txHash, kind: 'native' })).map(
        (t) => t.amount,
      ),
    ).toEqual([4000n]);
  });

  it('keeps every one-second window at or under rps JSON-RPC calls, each call of a batch counted', async () => {
    await rpc('anvil_mine', ['0xa']);
    const to = 9n;
    const syncThroughProxy = async (store: Store, rps: number | undefined) => {
      const proxy = await startFaultProxy(anvil.url, () => ({ kind: 'forward' }));
      try {
        await syncEvm({ store, rpcUrl: proxy.url, to, rps });
      } finally {
        await proxy.close();
      }
      return { calls: proxy.counts.calls, busiest: busiestWindow(proxy.arrivals, ONE_SECOND_MS) };
    };
    const capped = await syncThroughProxy(ctx.store, RPS_CAP);
    const other = await createDuckDbStore({ path: path.join(ctx.dir, 'uncapped.duckdb') });
    let uncapped: Awaited<ReturnType<typeof syncThroughProxy>>;
    try {
      uncapped = await syncThroughProxy(other, undefined);
      expect(await ctx.store.listTransfers()).toEqual(await other.listTransfers());
    } finally {
      await other.close();
    }
    console.info(
      `rps ${RPS_CAP}: ${capped.calls} calls, busiest second ${capped.busiest}; uncapped: busiest second ${uncapped.busiest}`,
    );
    // Long enough to span several windows; without the cap the same sync bursts past it.
    expect(capped.calls).toBeGreaterThan(3 * RPS_CAP);
    expect(uncapped.busiest).toBeGreaterThan(RPS_CAP);
    expect(capped.busiest).toBeLessThanOrEqual(RPS_CAP);
  });

  it('asks each new token contract once for symbol() and decimals(), stores the answers (bytes32, reverts, bad values), and never asks again, also after a restart', async () => {
    const [from] = await rpc<string[]>('eth_accounts');
    const deploy = async (name: TokenContractName, args: [string, number] | [] = []) => {
      const hash = await rpc<string>('eth_sendTransaction', [
        { from, data: tokenCreationCode(name, args) },
      ]);
      const block = await mined(hash);
      const r = await rpc<{ contractAddress: string }>('eth_getTransactionReceipt', [hash]);
      return { address: r.contractAddress.toLowerCase(), block };
    };
    const plain = await deploy('StringToken', ['TST', 6]);
    const bytes32 = await deploy('Bytes32Token');
    const reverting = await deploy('RevertingToken');
    const listedReverting = await deploy('RevertingToken');
    const control = await deploy('ControlToken');
    const invalidUtf8 = await deploy('InvalidUtf8Token');
    const vanished = await deploy('VanishingToken');
    const tokens = [plain, bytes32, reverting, listedReverting, control, invalidUtf8, vanished];
    expect(await rpc<string>('eth_getCode', [vanished.address, 'latest'])).toBe('0x');
    // The list knows one reverting token (it fills in) and the plain one (the chain wins).
    const tokenList = createTokenList('test list', [
      { chain: 'anvil', asset: listedReverting.address, symbol: 'REV', decimals: 2 },
      { chain: 'anvil', asset: plain.address, symbol: 'LISTED', decimals: 9 },
    ]);
    const proxy = await startFaultProxy(anvil.url, () => ({ kind: 'forward' }));
    try {
      const sync = () =>
        syncEvm({ store: ctx.store, rpcUrl: proxy.url, from: plain.block, tokenList });
      const first = await sync();
      expect(first.tokensAsked).toBe(tokens.length);
      // symbol() and decimals() of each token: once, no more.
      expect(proxy.counts.methods.eth_call).toBe(2 * tokens.length);
      const byAsset = async () =>
        new Map((await ctx.store.listAssets('anvil')).map((a) => [a.asset, a]));
      const assets = await byAsset();
      const chain = { source: 'chain', name: null };
      expect(assets.get(plain.address)).toMatchObject({ symbol: 'TST', decimals: 6, ...chain });
      expect(assets.get(bytes32.address)).toMatchObject({ symbol: 'MKR', decimals: 18, ...chain });
      // Reverts, no code, control characters, a value above 255 and bytes that are not UTF-8 give
      // null, remembered as the chain's answer.
      const none = { symbol: null, decimals: null, ...chain };
      expect(assets.get(reverting.address)).toMatchObject(none);
      expect(assets.get(vanished.address)).toMatchObject(none);
      expect(assets.get(control.address)).toMatchObject(none);
      expect(assets.get(invalidUtf8.address)).toMatchObject({
        symbol: null,
        decimals: 8,
        ...chain,
      });
      // A contract that answers neither, which the list knows: the list's entry is stored.
      expect(assets.get(listedReverting.address)).toMatchObject({
        symbol: 'REV',
        decimals: 2,
        source: 'token-list',
      });
      expect(assets.size).toBe(tokens.length + 1); // and the native coin

      // More transfers of every token that still has code, synced by a new run (a restart): only
      // the token that only the list describes is asked again, in case its contract answers now.
      for (const t of tokens.filter((t) => t !== vanished))
        await mined(
          await rpc<string>('eth_sendTransaction', [
            { from, to: t.address, data: mintCall(from!, 5n) },
          ]),
        );
      const second = await sync();
      expect(second.blocks).toBeGreaterThan(0);
      expect(second.tokensAsked).toBe(1);
      expect(proxy.counts.methods.eth_call).toBe(2 * tokens.length + 2);
      expect(await byAsset()).toEqual(assets);
      const minted = await ctx.store.listTransfers({ kind: 'token', fromBlock: second.fromBlock! });
      expect(new Set(minted.map((t) => t.asset)).size).toBe(tokens.length - 1);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a chain id that does not match --chain', async () => {
    await expect(
      syncEvm({ store: ctx.store, rpcUrl: anvil.url, chain: 'ethereum' }),
    ).rejects.toMatchObject({ code: 'CHAIN_MISMATCH' });
  });
});
