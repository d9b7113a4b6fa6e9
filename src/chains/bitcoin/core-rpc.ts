import type { CoreRpcClient } from './core-rpc-client.ts';

/**
 * Bitcoin Core RPC methods the sync uses, one helper each, named after the method. Results come
 * as {@link CoreRpcClient} parses them: every number is its literal text.
 */

/** `getblockcount`: the height of the node's best block. */
export async function getBlockCount(rpc: CoreRpcClient): Promise<bigint> {
  return BigInt(await rpc.request<string>('getblockcount', []));
}

/** `getblockhash <height>`: the hash at a height of the node's best chain. */
export async function getBlockHash(rpc: CoreRpcClient, height: bigint): Promise<string> {
  return String(await rpc.request<string>('getblockhash', [Number(height)]));
}

/**
 * `getblock <hash> <verbosity>`: 0 or `false` gives the serialised block (hex), 2 the block with
 * each transaction's JSON and `hex`, 3 (Core 23+) also each input's `prevout`. bcoin takes only a
 * boolean (`false` = hex).
 */
export async function getBlock(
  rpc: CoreRpcClient,
  hash: string,
  verbosity: 0 | 2 | 3 | false,
): Promise<unknown> {
  return rpc.request('getblock', [hash, verbosity]);
}

/**
 * `getrawtransaction <txid> true`: a transaction with its `hex` (Core: any confirmed one only with
 * `-txindex`; bcoin with `--index-tx`).
 */
export async function getRawTransaction(rpc: CoreRpcClient, txid: string): Promise<unknown> {
  return rpc.request('getrawtransaction', [txid, true]);
}
