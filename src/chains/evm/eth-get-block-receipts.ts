import type { RpcClient } from './rpc-client.ts';

/** A log as receipts give it (hex quantities). */
export type RpcLog = { logIndex: string; address: string; data: string; topics: string[] };

/** A transaction receipt: status (absent before Byzantium), gas and logs. */
export type RpcReceipt = {
  transactionHash: string;
  status?: string | null;
  gasUsed: string;
  effectiveGasPrice?: string | null;
  contractAddress: string | null;
  logs: RpcLog[];
};

/**
 * `eth_getBlockReceipts`: every receipt of a block in one call. Not every node has it (see
 * `eth-get-transaction-receipt.ts` for the fallback).
 *
 * @example
 * const receipts = await ethGetBlockReceipts(client, 17n);
 */
export function ethGetBlockReceipts(client: RpcClient, blockNumber: bigint): Promise<RpcReceipt[]> {
  return client.request<RpcReceipt[]>('eth_getBlockReceipts', [`0x${blockNumber.toString(16)}`]);
}
