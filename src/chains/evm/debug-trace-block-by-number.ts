import type { CallFrame } from './call-frames.ts';
import type { RpcClient } from './rpc-client.ts';

/** One transaction's entry in `debug_traceBlockByNumber`: a call tree, or why it could not be traced. */
export type DebugTraceEntry = { txHash?: string; result?: CallFrame; error?: string };

const CALL_TRACER = { tracer: 'callTracer' };

/**
 * geth's `debug_traceBlockByNumber` with its callTracer: each transaction's call tree, by position.
 *
 * @example
 * const entries = await debugTraceBlockByNumber(client, 17n);
 */
export function debugTraceBlockByNumber(
  client: RpcClient,
  blockNumber: bigint,
): Promise<DebugTraceEntry[]> {
  return client.request<DebugTraceEntry[]>('debug_traceBlockByNumber', [
    `0x${blockNumber.toString(16)}`,
    CALL_TRACER,
  ]);
}
