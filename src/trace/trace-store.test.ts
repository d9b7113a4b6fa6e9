import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importEtl } from '../ingest/etl/import-etl.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { traceStore } from './trace-store.ts';

const BLOCKS = path.resolve(
  import.meta.dirname,
  '../../test/fixtures/ethereum-etl/test_stream/blocks_17173049_17173050',
);
/** A two-pool Uniswap swap in block 17173049: a token -> WETH (pool 0x0f23…) -> USDT (pool 0x0d4a…). */
const MULTI_HOP_SWAP = '0x550f63a5c8e5437c8aa05ce68c846a5aae19aee6f207672769e4350e7e3b90e5';
const SWAPPER = '0x802455ad7b3a6b7db54ce2698343e80778456e1c';
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';

describe('traceStore on real mainnet blocks', () => {
  const ctx = useTempStore();

  it('seeds a multi-hop swap transaction with what it delivered, counted once (not every leg)', async () => {
    await importEtl({ store: ctx.store, paths: [BLOCKS] });
    const { result } = await traceStore({
      store: ctx.store,
      seeds: [{ kind: 'tx', chain: 'ethereum', txHash: MULTI_HOP_SWAP }],
      direction: 'forward',
      policy: 'haircut',
    });
    // The receipt's last Transfer log: 7,200 USDT (6 decimals) from the WETH/USDT pool to the swapper.
    expect(result.summary.seedValue).toEqual([
      { chain: 'ethereum', asset: USDT, amount: '7200000000' },
    ]);
    expect(result.endpoints.map((e) => [e.address, e.asset, e.amount, e.share])).toEqual([
      [SWAPPER, USDT, '7200000000', 1],
    ]);
  });
});
