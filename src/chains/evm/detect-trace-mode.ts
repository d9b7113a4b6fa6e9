import { debugTraceBlockByNumber } from './debug-trace-block-by-number.ts';
import { isMethodMissing } from './is-method-missing.ts';
import { type RpcClient, RpcResponseError } from './rpc-client.ts';
import { traceBlock } from './trace-block.ts';
import type { TraceMode } from './trace-block-calls.ts';

/**
 * Which tracing the node offers, asked with a block of the range: Parity's `trace_block` first
 * (reth, Erigon, Nethermind and anvil have it; on anvil it answered 100 blocks in 0.04 s where the
 * callTracer took 4.1 s), then geth's callTracer. Any answer but "method not found" means the
 * method exists, even an error (for example no state for that block), which `traceBlockCalls`
 * reports. A node with neither gets one warning and `none`.
 *
 * @example
 * const mode = await detectTraceMode(client, 0n, (m) => console.warn(m));
 */
export async function detectTraceMode(
  client: RpcClient,
  probe: bigint,
  warn: (message: string) => void,
): Promise<TraceMode> {
  const candidates: [TraceMode, () => Promise<unknown>][] = [
    ['parity', () => traceBlock(client, probe)],
    ['debug', () => debugTraceBlockByNumber(client, probe)],
  ];
  for (const [mode, ask] of candidates) {
    try {
      await ask();
      return mode;
    } catch (error) {
      if (error instanceof RpcResponseError && !isMethodMissing(error)) return mode;
      if (!isMethodMissing(error)) throw error;
    }
  }
  warn(
    'the node has neither trace_block nor debug_traceBlockByNumber: internal value transfers are not synced',
  );
  return 'none';
}
