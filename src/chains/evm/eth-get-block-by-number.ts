import type { RpcClient } from './rpc-client.ts';

/** A transaction as `eth_getBlockByNumber` lists it with full transactions. */
export type RpcTransaction = {
  hash: string;
  from: string;
  to: string | null;
  value: string;
  gasPrice?: string | null;
};

/** A block's header fields (hex quantities, hashes in the node's case). */
export type RpcBlockHeader = {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  miner: string;
  baseFeePerGas?: string | null;
};

/** A block with its full transactions. */
export type RpcBlock = RpcBlockHeader & { transactions: RpcTransaction[] };

/**
 * `eth_getBlockByNumber`: the block at a height, with its full transactions or (`false`) only its
 * header fields; null when the node has no such block.
 *
 * @example
 * const block = await ethGetBlockByNumber(client, 17n, true);
 */
export function ethGetBlockByNumber(
  client: RpcClient,
  blockNumber: bigint,
  transactions: true,
): Promise<RpcBlock | null>;
export function ethGetBlockByNumber(
  client: RpcClient,
  blockNumber: bigint,
  transactions: false,
): Promise<RpcBlockHeader | null>;
export function ethGetBlockByNumber(
  client: RpcClient,
  blockNumber: bigint,
  transactions: boolean,
): Promise<RpcBlockHeader | null> {
  return client.request<RpcBlockHeader | null>('eth_getBlockByNumber', [
    `0x${blockNumber.toString(16)}`,
    transactions,
  ]);
}
