import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { etlExpectedTransfers } from '../../../test/helpers/bitcoin-etl-expected.ts';
import { driveSource } from '../../../test/helpers/drive-source.ts';
import {
  BITCOIN_ETL_FIXTURES,
  type ReplayBitcoinRpc,
  startReplayBitcoinRpc,
} from '../../../test/helpers/replay-bitcoin-rpc.ts';
import { makeTempDir } from '../../../test/helpers/temp-dir.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { createDuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import { createBitcoinSource } from './bitcoin-source.ts';
import { importBitcoinEtl } from './import-bitcoin-etl.ts';

const files = (folder: string) => ({
  blocksPath: path.join(BITCOIN_ETL_FIXTURES, folder, 'expected_blocks.json'),
  transactionsPath: path.join(BITCOIN_ETL_FIXTURES, folder, 'expected_transactions.json'),
});

describe('importBitcoinEtl', () => {
  const ctx = useTempStore();
  let node: ReplayBitcoinRpc | undefined;
  afterEach(async () => {
    await node?.close();
    node = undefined;
  });

  it('gives the same transfers, events and blocks as syncing the same blocks from the node, and is idempotent', async () => {
    const result = await importBitcoinEtl({ store: ctx.store, ...files('stream_50001_50002') });
    expect(result).toMatchObject({
      chain: 'bitcoin',
      blocks: 2,
      transactions: 4,
      transfersWritten: 9,
      transfersDuplicate: 0,
      inputsFromStore: 0,
      rejected: 0,
    });

    // The RPC path, into another store: the recorded node answers of the same blocks.
    node = await startReplayBitcoinRpc({ folders: ['stream_50001_50002', 'block_0'] });
    const dir = makeTempDir();
    const synced = await createDuckDbStore({ path: path.join(dir.path, 'sync.duckdb') });
    try {
      await driveSource(
        await createBitcoinSource({ store: synced, url: node.url }),
        synced,
        50001n,
        50002n,
      );
      const imported = await ctx.store.listTransfers();
      expect(imported).toEqual(await synced.listTransfers());
      expect(imported).toEqual(etlExpectedTransfers('stream_50001_50002'));
      expect(await ctx.store.listEvents()).toEqual(await synced.listEvents());
      const heads = (rows: { number: bigint; hash: string | null; time: number }[]) =>
        rows.map(({ number, hash, time }) => ({ number, hash, time }));
      expect(heads(await ctx.store.getBlocks('bitcoin', [50001n, 50002n]))).toEqual(
        heads(await synced.getBlocks('bitcoin', [50001n, 50002n])),
      );
    } finally {
      await synced.close();
      dir.cleanup();
    }

    const again = await importBitcoinEtl({ store: ctx.store, ...files('stream_50001_50002') });
    expect(again).toMatchObject({ transfersWritten: 0, transfersDuplicate: 9 });
    expect(await ctx.store.listTransfers()).toHaveLength(9);
  });

  it('refuses an export whose inputs have no value, naming file and line; the transactions file writes nothing', async () => {
    // bitcoin-etl's export of blocks 50001-50002 made without enrich_transactions: inputs unvalued.
    const f = files('block_with_transactions');
    const error = await importBitcoinEtl({ store: ctx.store, ...f }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ROW', line: 2 });
    expect((error as Error).message).toContain(
      'expected_transactions.json:2: Input 7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a:0 spends 76a8d70a757be5055f60be076b683897cadaad6b7bdf78c43e39b9d59cb4a6ea:0',
    );
    expect(await ctx.store.listTransfers()).toEqual([]);
    // The blocks file was its own write, and is in.
    expect(await ctx.store.getBlocks('bitcoin', [50001n, 50002n])).toHaveLength(2);

    const dir = makeTempDir();
    try {
      const rejectsPath = path.join(dir.path, 'rejects.csv');
      const skipped = await importBitcoinEtl({
        store: ctx.store,
        ...f,
        skipInvalid: true,
        rejectsPath,
      });
      expect(skipped).toMatchObject({ transactions: 2, rejected: 2, transfersWritten: 2 });
      expect(
        fs
          .readFileSync(rejectsPath, 'utf8')
          .split('\n')
          .slice(1, 3)
          .map((l) => l.split(',')[1]),
      ).toEqual(['2', '3']);
    } finally {
      dir.cleanup();
    }
  });

  it('names the file and line of a broken line and of a fee that is not inputs minus outputs', async () => {
    const dir = makeTempDir();
    try {
      const f = files('stream_50001_50002');
      const lines = fs.readFileSync(f.transactionsPath, 'utf8').trimEnd().split('\n');
      const bad = (n: number, line: string) => {
        const p = path.join(dir.path, `transactions-${n}.json`);
        fs.writeFileSync(p, [...lines.slice(0, n - 1), line, ...lines.slice(n)].join('\n'));
        return p;
      };
      const cut = bad(3, lines[2]!.slice(0, 40));
      await expect(
        importBitcoinEtl({ store: ctx.store, blocksPath: f.blocksPath, transactionsPath: cut }),
      ).rejects.toMatchObject({
        code: 'INVALID_ROW',
        line: 3,
        message: expect.stringMatching(/transactions-3\.json:3: .*not valid JSON/),
      });
      const fee = bad(2, lines[1]!.replace('"fee": 0', '"fee": 1'));
      await expect(
        importBitcoinEtl({ store: ctx.store, blocksPath: f.blocksPath, transactionsPath: fee }),
      ).rejects.toMatchObject({
        line: 2,
        message: expect.stringContaining('fee: 1 is not the inputs minus the outputs (0)'),
      });
      expect(await ctx.store.listTransfers()).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });
});
