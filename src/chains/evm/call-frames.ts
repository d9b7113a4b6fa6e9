import { BaseError } from '../../errors/base.ts';
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

/** One entry of Parity/OpenEthereum's flat trace list (`trace_block`, `trace_transaction`). */
export type ParityTrace = {
  /** `call`, `create`, `suicide` (selfdestruct), or `reward` (block rewards, no transaction). */
  type: string;
  action: {
    from?: string;
    to?: string;
    value?: string;
    /** `call`, `delegatecall`, `staticcall` or `callcode`. */
    callType?: string;
    /** `create` or `create2`. */
    creationMethod?: string;
    /** Selfdestruct: the destroyed contract, who receives its balance, and the balance. */
    address?: string;
    refundAddress?: string;
    balance?: string;
  };
  result?: { address?: string } | null;
  error?: string;
  traceAddress: number[];
  transactionHash?: string | null;
  transactionPosition?: number | null;
};

/** A Parity trace as a callTracer frame (no children yet), or null for traces of no transaction. */
function parityFrame(trace: ParityTrace): CallFrame | null {
  const { action } = trace;
  const error = trace.error ? { error: trace.error } : {};
  switch (trace.type) {
    case 'call':
      return {
        type: (action.callType ?? 'call').toUpperCase(),
        from: action.from,
        to: action.to,
        value: action.value,
        ...error,
      };
    case 'create':
      return {
        type: (action.creationMethod ?? 'create').toUpperCase(),
        from: action.from,
        to: trace.result?.address,
        value: action.value,
        ...error,
      };
    case 'suicide':
    case 'selfdestruct':
      return {
        type: 'SELFDESTRUCT',
        from: action.address,
        to: action.refundAddress,
        value: action.balance,
        ...error,
      };
    case 'reward':
      return null;
    default:
      // An unknown kind moves no value here, but its children must still find their parent.
      return { type: trace.type.toUpperCase(), ...error };
  }
}

/**
 * A block's Parity traces (`trace_block`) as callTracer trees, one per transaction, indexed by the
 * transaction's position in the block, so that {@link internalTransfers} reads both formats alike:
 * each trace is hung under its parent by its trace address, and a failed frame keeps its `error`.
 *
 * @example
 * const frames = parityCallFrames(await rpc.request('trace_block', ['0x10']));
 * internalTransfers(frames[0]!, { chain: 'ethereum', blockNumber: 16n, blockTime: null, txHash });
 */
export function parityCallFrames(traces: readonly ParityTrace[]): CallFrame[] {
  const tops: CallFrame[] = [];
  const byTransaction = new Map<number, Map<string, CallFrame>>();
  // Parents first, whatever order the node listed them in.
  const ordered = [...traces].sort((a, b) => a.traceAddress.length - b.traceAddress.length);
  for (const trace of ordered) {
    const position = trace.transactionPosition;
    if (position === undefined || position === null) continue;
    const frame = parityFrame(trace);
    if (!frame) continue;
    let frames = byTransaction.get(position);
    if (!frames) byTransaction.set(position, (frames = new Map()));
    frames.set(trace.traceAddress.join('.'), frame);
    if (trace.traceAddress.length === 0) {
      tops[position] = frame;
      continue;
    }
    const parent = frames.get(trace.traceAddress.slice(0, -1).join('.'));
    if (!parent) {
      throw new BaseError(
        `trace_block returned a trace at ${trace.traceAddress.join('.')} of transaction ${position} without its parent`,
        { code: 'RPC_BAD_TRACE' },
      );
    }
    (parent.calls ??= [])[trace.traceAddress[trace.traceAddress.length - 1]!] = frame;
  }
  return tops;
}
