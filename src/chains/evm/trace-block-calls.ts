import { BaseError } from '../../errors/base.ts';
import { type CallFrame, parityCallFrames } from './call-frames.ts';
import { debugTraceBlockByNumber } from './debug-trace-block-by-number.ts';
import { NodeNotArchiveError } from './errors.ts';
import { hasStateFor } from './has-state-for.ts';
import { type RpcClient, RpcResponseError } from './rpc-client.ts';
import { traceBlock } from './trace-block.ts';

/** How internal transfers are traced: geth's callTracer, Parity's `trace_block`, or not at all. */
export type TraceMode = 'debug' | 'parity' | 'none';

/** A block's call trees by transaction position, and the hashes the node gave them (if any). */
export type BlockTrace = { frames: (CallFrame | undefined)[]; txHashes: (string | undefined)[] };

/**
 * The call tree of each transaction of a block, by position, with `trace_block` (`parity`) or the
 * callTracer (`debug`). A node that cannot trace the block (an error, or a transaction without a
 * trace) fails the batch rather than silently store it without its internal transfers; when that
 * is for lack of old state, the user is told so ({@link NodeNotArchiveError}).
 *
 * @example
 * const { frames } = await traceBlockCalls(client, 'parity', 17n);
 */
export async function traceBlockCalls(
  client: RpcClient,
  mode: 'debug' | 'parity',
  blockNumber: bigint,
): Promise<BlockTrace> {
  let failure: string;
  try {
    if (mode === 'parity') {
      const traces = await traceBlock(client, blockNumber);
      const txHashes: (string | undefined)[] = [];
      for (const t of traces)
        if (t.transactionPosition != null && t.transactionHash)
          txHashes[t.transactionPosition] = t.transactionHash.toLowerCase();
      return { frames: parityCallFrames(traces), txHashes };
    }
    const entries = await debugTraceBlockByNumber(client, blockNumber);
    const untraced = entries.find((entry) => !entry.result);
    if (!untraced)
      return {
        frames: entries.map((entry) => entry.result),
        txHashes: entries.map((entry) => entry.txHash?.toLowerCase()),
      };
    failure = `transaction ${untraced.txHash ?? '(unknown)'}: ${untraced.error ?? 'no trace'}`;
  } catch (error) {
    if (!(error instanceof RpcResponseError)) throw error;
    if (!(await hasStateFor(client, blockNumber))) throw new NodeNotArchiveError(blockNumber);
    throw error;
  }
  if (!(await hasStateFor(client, blockNumber))) throw new NodeNotArchiveError(blockNumber);
  throw new BaseError(`The node could not trace block ${blockNumber}, ${failure}`, {
    code: 'RPC_TRACE_FAILED',
  });
}
