import type { RpcClient } from './rpc-client.ts';

/**
 * `eth_blockNumber`: the newest block the node has.
 *
 * @example
 * const head = await ethBlockNumber(client); // 1234n
 */
export async function ethBlockNumber(client: RpcClient): Promise<bigint> {
  return BigInt(await client.request<string>('eth_blockNumber', []));
}
