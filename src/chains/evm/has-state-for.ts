import { type RpcClient, RpcResponseError } from './rpc-client.ts';

/** Any account: asking its balance at a block tells whether the node still has that block's state. */
const STATE_PROBE_ADDRESS = '0x0000000000000000000000000000000000000000';

/**
 * Whether the node still has the state a block is executed on (its parent's), asked with
 * `eth_getBalance`: a pruned node answers an error for a block older than what it keeps.
 *
 * @example
 * if (!(await hasStateFor(client, 1n))) throw new NodeNotArchiveError(1n);
 */
export async function hasStateFor(client: RpcClient, blockNumber: bigint): Promise<boolean> {
  const parent = blockNumber > 0n ? blockNumber - 1n : 0n;
  try {
    await client.request('eth_getBalance', [STATE_PROBE_ADDRESS, `0x${parent.toString(16)}`]);
    return true;
  } catch (error) {
    if (error instanceof RpcResponseError) return false;
    throw error;
  }
}
