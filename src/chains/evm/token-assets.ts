import type { Asset } from '../../model/asset.ts';
import type { TokenList } from '../../model/token-list.ts';
import { readTokenMetadata } from './read-token-metadata.ts';
import type { RpcClient } from './rpc-client.ts';

export type TokenAssetsParameters = {
  chain: string;
  /** Token contracts (canonical addresses) to ask. */
  tokens: readonly string[];
  /** Fills in for a contract that answers neither `symbol()` nor `decimals()`. */
  tokenList?: TokenList | undefined;
};

/**
 * Symbol and decimals of each token, from its contract (an answer of nothing is kept too, so that a
 * contract that reverts is not asked again), else from the token list when the contract gave neither.
 * One asset per token, in order.
 *
 * @example
 * const [usdt] = await tokenAssets(client, { chain: 'ethereum', tokens: ['0xdac17f958d2ee523a2206206994597c13d831ec7'] });
 */
export async function tokenAssets(
  client: RpcClient,
  parameters: TokenAssetsParameters,
): Promise<Asset[]> {
  const { chain, tokenList } = parameters;
  const read = await readTokenMetadata(client, { tokens: parameters.tokens });
  return read.map((m) => {
    const listed =
      m.symbol === null && m.decimals === null ? tokenList?.get(chain, m.token) : undefined;
    return (
      listed ?? {
        chain,
        asset: m.token,
        symbol: m.symbol,
        name: null,
        decimals: m.decimals,
        source: 'chain',
      }
    );
  });
}
