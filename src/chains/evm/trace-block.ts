import type { ParityTrace } from './call-frames.ts';
import type { RpcClient } from './rpc-client.ts';

/**
 * Parity's `trace_block` (reth, Erigon, Nethermind, anvil): every call of every transaction of a
 * block, flat, each with its transaction's position and hash.
 *
 * @example
 * const traces = await traceBlock(client, 17n);
 */
export function traceBlock(client: RpcClient, blockNumber: bigint): Promise<ParityTrace[]> {
  return client.request<ParityTrace[]>('trace_block', [`0x${blockNumber.toString(16)}`]);
}
