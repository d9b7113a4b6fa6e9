import type { Transfer } from '../../model/transfer.ts';
import { callPosition } from '../../model/transfer.ts';

/** One frame of geth's `callTracer` output (`debug_traceBlockByNumber` / `debug_traceTransaction`). */
export type CallFrame = {
  type?: string;
  from?: string;
  to?: string;
  value?: string;
  error?: string;
  calls?: CallFrame[];
};

/** Frame types whose `value` moves to `to`. CALLCODE runs code in the caller's own account, DELEGATECALL and STATICCALL carry no value. */
const VALUE_FRAME_TYPES = new Set(['CALL', 'CREATE', 'CREATE2', 'SELFDESTRUCT']);

export type InternalTransferContext = {
  chain: string;
  blockNumber: bigint;
  blockTime: number | null;
  txHash: string;
};

/**
 * Value-carrying internal calls of one transaction's call tree, as `internal` transfers keyed
 * `call:<path>` (the child indexes from the top frame, like Parity's trace address). The top frame
 * is the transaction's own value and is left to the transaction. A frame that failed moves nothing,
 * and neither does anything under it: its state changes were reverted.
 *
 * @example
 * internalTransfers(trace.result, { chain: 'ethereum', blockNumber: 1n, blockTime: null, txHash });
 */
export function internalTransfers(top: CallFrame, ctx: InternalTransferContext): Transfer[] {
  const out: Transfer[] = [];
  if (top.error) return out;
  const visit = (frame: CallFrame, address: number[]) => {
    if (frame.error) return;
    const value = frame.value ? BigInt(frame.value) : 0n;
    if (value > 0n && frame.type && VALUE_FRAME_TYPES.has(frame.type.toUpperCase())) {
      out.push({
        chain: ctx.chain,
        blockNumber: ctx.blockNumber,
        blockTime: ctx.blockTime,
        txHash: ctx.txHash,
        position: callPosition(address),
        from: frame.from?.toLowerCase() ?? null,
        to: frame.to?.toLowerCase() ?? null,
        asset: 'native',
        amount: value,
        kind: 'internal',
      });
    }
    frame.calls?.forEach((child, i) => visit(child, [...address, i]));
  };
  top.calls?.forEach((child, i) => visit(child, [i]));
  return out;
}
