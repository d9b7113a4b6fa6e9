import { RpcResponseError } from './rpc-client.ts';

/**
 * JSON-RPC "method not found" (-32601), or a node saying so in words (some answer -32600/-32000).
 * The words must be about the method: "resource not found" or "state not available" for one block
 * does not mean the node lacks the method.
 *
 * @example
 * if (isMethodMissing(error)) receiptMode = 'transaction';
 */
export function isMethodMissing(error: unknown): boolean {
  if (!(error instanceof RpcResponseError)) return false;
  return (
    error.rpcCode === -32601 ||
    /method\b.*\b(not (found|supported|available)|does not exist)|(unknown|unsupported) method/i.test(
      error.message,
    )
  );
}
