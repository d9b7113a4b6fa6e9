import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CallFrame, internalTransfers } from './call-frames.ts';

const GETH = path.resolve(
  import.meta.dirname,
  '../../../test/fixtures/ethereum-etl/test_extract_geth_traces_job',
);
const ctx = { chain: 'ethereum', blockNumber: 1n, blockTime: null, txHash: `0x${'ab'.repeat(32)}` };

function frames(dir: string): CallFrame[] {
  const file = fs
    .readdirSync(path.join(GETH, dir))
    .find((f) => f.startsWith('web3_response.debug_traceBlockByNumber'))!;
  return (
    JSON.parse(fs.readFileSync(path.join(GETH, dir, file), 'utf8')) as {
      result: { result: CallFrame }[];
    }
  ).result.map((r) => r.result);
}

describe('internalTransfers on real geth callTracer responses', () => {
  it('leaves top-level calls to the transaction and skips CALLCODE (block 1000000)', () => {
    const [first, second] = frames('block_with_subtraces');
    expect(first!.calls?.[0]?.type).toBe('CALLCODE');
    expect(internalTransfers(first!, ctx)).toEqual([]);
    expect(internalTransfers(second!, ctx)).toEqual([]);
  });

  it('moves nothing for a failed transaction (block 1000895) or a creation without value (block 1000690)', () => {
    for (const f of [...frames('block_with_error'), ...frames('block_with_create')])
      expect(internalTransfers(f, ctx)).toEqual([]);
  });

  it('ignores a SELFDESTRUCT frame that reports no value (block 1011973)', () => {
    expect(internalTransfers(frames('block_with_suicide')[0]!, ctx)).toEqual([]);
  });

  it('keys nested value calls by their path and drops the subtree of a reverted call', () => {
    // The real top frame of block 1000000's first transaction, with value-carrying children added.
    const top = frames('block_with_subtraces')[0]!;
    const a = top.from!;
    const b = top.to!;
    const tree: CallFrame = {
      ...top,
      calls: [
        {
          type: 'CALL',
          from: b,
          to: a,
          value: '0x5',
          calls: [{ type: 'CALL', from: a, to: b, value: '0x2' }],
        },
        {
          type: 'CALL',
          from: b,
          to: a,
          value: '0x7',
          error: 'execution reverted',
          calls: [{ type: 'CALL', from: a, to: b, value: '0x3' }],
        },
        { type: 'DELEGATECALL', from: b, to: a, value: '0x9' },
      ],
    };
    expect(internalTransfers(tree, ctx).map((t) => [t.position, t.from, t.to, t.amount])).toEqual([
      ['call:0', b, a, 5n],
      ['call:0.0', a, b, 2n],
    ]);
  });
});
