import { afterEach, describe, expect, it } from 'vitest';
import { etlBlocks, etlExpectedTransfers } from '../../../test/helpers/bitcoin-etl-expected.ts';
import { driveSource } from '../../../test/helpers/drive-source.ts';
import {
  type ReplayBitcoinRpc,
  startReplayBitcoinRpc,
} from '../../../test/helpers/replay-bitcoin-rpc.ts';
import { type ReplayEsplora, startReplayEsplora } from '../../../test/helpers/replay-esplora.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { BITCOIN_SYNC_STREAM, createBitcoinSource } from './bitcoin-source.ts';

const ctx = useTempStore();
let node: ReplayBitcoinRpc | ReplayEsplora | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

async function replay(folders: string[]): Promise<ReplayBitcoinRpc> {
  const n = await startReplayBitcoinRpc({ folders });
  node = n;
  return n;
}

/** The blocks bitcoin-etl exported from a folder, as the store's block rows. */
const expectedBlocks = (folder: string) =>
  etlBlocks(folder).map((b) => ({ hash: b.hash, number: BigInt(b.number), time: b.timestamp }));

describe('createBitcoinSource over Bitcoin Core JSON-RPC (recorded mainnet answers)', () => {
  it("syncs blocks 50001-50002 to bitcoin-etl's inputs, outputs and fees, input values through getrawtransaction", async () => {
    const rpc = await replay(['stream_50001_50002', 'block_0']);
    const source = await createBitcoinSource({ store: ctx.store, url: rpc.url, chain: 'btc' });
    expect(source.chain.key).toBe('bitcoin');
    expect(source.stream).toBe(BITCOIN_SYNC_STREAM);
    // bitcoin-etl's recorded getblockcount: its stream test's stand-in head.
    expect(await source.head()).toBe(500000n);
    await driveSource(source, ctx.store, 50001n, 50002n, 1);

    const expected = etlExpectedTransfers('stream_50001_50002');
    expect(expected).toHaveLength(9); // 3 inputs, 4 outputs, 2 fees
    expect(await ctx.store.listTransfers({ chain: 'bitcoin' })).toEqual(expected);
    // The three inputs spend coinbases of earlier blocks: valued from the node's copies of them.
    expect(source.inputsFrom).toEqual({ prevout: 0, batch: 0, recent: 0, store: 0, node: 3 });
    const raw = rpc.calls.filter((c) => c.method === 'getrawtransaction');
    expect(raw.map((c) => c.params)).toEqual(
      expect.arrayContaining(
        [
          '76a8d70a757be5055f60be076b683897cadaad6b7bdf78c43e39b9d59cb4a6ea',
          '0dd0394c6240355f4e4b3c88028f678ed746cebee3b3e8509620733f018914c9',
          '0d37522b89f991f8433b80f709ad31862a54435cd003f25732fe405e9db93216',
        ].map((t) => [t, true]),
      ),
    );
    expect(raw).toHaveLength(3);
    // getblock verbosity 3 is asked once (the replay has no answer for it, as Core before 23),
    // then verbosity 2 for every block.
    const getblock = rpc.calls.filter((c) => c.method === 'getblock').map((c) => c.params[1]);
    expect(getblock).toEqual([3, 2, 2]);

    const blocks = await ctx.store.getBlocks('bitcoin', [50001n, 50002n]);
    expect(blocks.map(({ hash, number, time }) => ({ hash, number, time }))).toEqual(
      expectedBlocks('stream_50001_50002'),
    );
    expect(blocks[1]!.parentHash).toBe(blocks[0]!.hash);
    expect(await ctx.store.getCheckpoint('bitcoin', BITCOIN_SYNC_STREAM)).toMatchObject({
      blockNumber: 50002n,
      blockHash: blocks[1]!.hash,
    });
    expect(await ctx.store.listAssets('bitcoin')).toMatchObject([
      { asset: 'native', symbol: 'BTC', decimals: 8 },
    ]);
  });

  it("syncs blocks 0 and 1 (one batch) and 50000 to bitcoin-etl's outputs and blocks", async () => {
    const rpc = await replay(['block_0', 'block_1', 'block_without_transactions']);
    const source = await createBitcoinSource({ store: ctx.store, url: rpc.url });
    await driveSource(source, ctx.store, 0n, 1n, 2);
    await driveSource(source, ctx.store, 50000n, 50000n);
    expect(await ctx.store.listTransfers({ chain: 'bitcoin' })).toEqual([
      ...etlExpectedTransfers('block_0'),
      ...etlExpectedTransfers('block_1'),
      ...etlExpectedTransfers('block_without_transactions'),
    ]);
    const blocks = await ctx.store.getBlocks('bitcoin', [0n, 1n, 50000n]);
    expect(blocks.map(({ hash, number, time }) => ({ hash, number, time }))).toEqual([
      ...expectedBlocks('block_0'),
      ...expectedBlocks('block_1'),
      ...expectedBlocks('block_without_transactions'),
    ]);
    expect(blocks[0]!.parentHash).toBe('0'.repeat(64));
    expect(blocks[1]!.parentHash).toBe(blocks[0]!.hash);
  });

  it('refuses block_with_transactions without the spent transactions, naming the input, and writes nothing', async () => {
    // bitcoin-etl recorded no getrawtransaction for this folder: its export has the inputs' values null.
    const rpc = await replay(['block_with_transactions', 'block_0']);
    const source = await createBitcoinSource({ store: ctx.store, url: rpc.url });
    const error = await driveSource(source, ctx.store, 50001n, 50002n).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'UTXO_INPUT_UNRESOLVED',
      input: '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a:0',
      spends: '76a8d70a757be5055f60be076b683897cadaad6b7bdf78c43e39b9d59cb4a6ea:0',
    });
    expect((error as Error).message).toMatch(
      /^Input 7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a:0 spends 76a8d70a757be5055f60be076b683897cadaad6b7bdf78c43e39b9d59cb4a6ea:0/,
    );
    expect(await ctx.store.listTransfers()).toEqual([]);
    expect(await ctx.store.getCheckpoint('bitcoin', BITCOIN_SYNC_STREAM)).toBeNull();
  });

  it("needs the URL's credentials (Basic auth) and never shows them in errors", async () => {
    const rpc = await replay(['block_0']);
    for (const url of [rpc.bareUrl, rpc.url.replace('replay-secret', 'wrong-pass')]) {
      const error = await createBitcoinSource({ store: ctx.store, url }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RPC_AUTH_FAILED' });
      expect(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`).not.toMatch(
        /wrong-pass|replay-secret|chaintrail@/,
      );
    }
    expect(rpc.unauthorized).toBe(2);
    await expect(
      createBitcoinSource({ store: ctx.store, url: rpc.url, chain: 'bitcoin-testnet' }),
    ).rejects.toMatchObject({ code: 'CHAIN_MISMATCH' });
  });
});

describe('createBitcoinSource over Esplora (the same recorded blocks in its REST shapes)', () => {
  it("syncs blocks 50001-50002 to bitcoin-etl's rows, inputs valued from Esplora's prevout, pages followed", async () => {
    const api = await startReplayEsplora({
      folders: ['stream_50001_50002', 'block_0'],
      pageSize: 2,
    });
    node = api;
    const source = await createBitcoinSource({
      store: ctx.store,
      url: api.url,
      endpoint: 'esplora',
    });
    expect(source.chain.key).toBe('bitcoin');
    expect(await source.head()).toBe(50002n);
    await driveSource(source, ctx.store, 50001n, 50002n);
    expect(await ctx.store.listTransfers({ chain: 'bitcoin' })).toEqual(
      etlExpectedTransfers('stream_50001_50002'),
    );
    expect(source.inputsFrom).toEqual({ prevout: 3, batch: 0, recent: 0, store: 0, node: 0 });
    // Block 50001's three transactions span two pages of 2 (blocks are read concurrently, so the
    // pages of both interleave); no spent transaction was fetched.
    expect(api.paths.filter((p) => p.includes('/txs/')).sort()).toEqual([
      '/block/000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141/txs/0',
      '/block/000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141/txs/2',
      '/block/000000002066d7f9b134c30b5005b7bf5fbfa52f279883f1fde793dcdc964266/txs/0',
    ]);
    expect(api.paths.some((p) => p.startsWith('/tx/'))).toBe(false);
    expect(await source.blockHash(50003n)).toBeNull();
  });
});
