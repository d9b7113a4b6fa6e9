import type { RpcReceipt } from './eth-get-block-receipts.ts';
import type { RpcClient } from './rpc-client.ts';

/**
 * `eth_getTransactionReceipt`: one transaction's receipt, for nodes without `eth_getBlockReceipts`.
 *
 * @example
 * const receipt = await ethGetTransactionReceipt(client, '0x5c50…');
 */
export function ethGetTransactionReceipt(client: RpcClient, txHash: string): Promise<RpcReceipt> {
  return client.request<RpcReceipt>('eth_getTransactionReceipt', [txHash]);
}
