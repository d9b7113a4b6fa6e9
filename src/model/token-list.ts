import type { Asset } from './asset.ts';

/**
 * A list of known tokens (symbol and decimals by chain and contract), such as the one shipped in
 * `data/reference/`. It only fills in for tokens whose contract and exports say nothing: see
 * {@link tokenListAssets}.
 *
 * The list is applied when data is written (by `import etl` and the sync, into the store's asset
 * metadata with source `token-list`), not when amounts are shown: every reader (stats, address,
 * trace, the API and web UI, illicit-share, screening) already reads the store's assets, so none of
 * them needs the list, and the source column keeps the chain's and exports' answers ahead of it.
 * The cost: a database imported before the list existed gets its entries at its next import or sync
 * of those tokens.
 *
 * @example
 * const list = createTokenList('MetaMask contract-metadata', [
 *   { chain: 'ethereum', asset: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 },
 * ]);
 * list.get('ethereum', '0xdac17f958d2ee523a2206206994597c13d831ec7')?.symbol; // 'USDT'
 */
export type TokenList = {
  /** The list's name, e.g. `MetaMask contract-metadata 2.5.0`. */
  readonly name: string;
  readonly size: number;
  /** The list's entry for a token (canonical contract address), with source `token-list`. */
  get(chain: string, asset: string): Asset | undefined;
};

/** One entry of a token list: a token with a symbol and decimals. */
export type TokenListEntry = {
  chain: string;
  asset: string;
  symbol: string;
  decimals: number;
  name?: string | null | undefined;
};

/**
 * A token list over `entries` (addresses in their canonical stored form).
 *
 * @example
 * createTokenList('test', []).size; // 0
 */
export function createTokenList(name: string, entries: readonly TokenListEntry[]): TokenList {
  const byKey = new Map<string, Asset>();
  for (const e of entries)
    byKey.set(`${e.chain}|${e.asset}`, {
      chain: e.chain,
      asset: e.asset,
      symbol: e.symbol,
      name: e.name ?? null,
      decimals: e.decimals,
      source: 'token-list',
    });
  return {
    name,
    size: byKey.size,
    get: (chain, asset) => byKey.get(`${chain}|${asset}`),
  };
}

/**
 * The list's metadata for the tokens that have none better: every token of `tokens` whose stored
 * metadata (`stored`, by contract) is absent or came from a token list itself, and that the list
 * knows. Metadata from the chain or an export is never replaced.
 *
 * @example
 * const stored = new Map((await store.listAssets('ethereum')).map((a) => [a.asset, a]));
 * await writer.putAssets(tokenListAssets({ chain: 'ethereum', tokens, stored, list }));
 */
export function tokenListAssets(parameters: {
  chain: string;
  tokens: Iterable<string>;
  stored: ReadonlyMap<string, Asset>;
  list: TokenList | undefined;
}): Asset[] {
  const { chain, stored, list } = parameters;
  if (!list) return [];
  const out: Asset[] = [];
  for (const token of parameters.tokens) {
    const have = stored.get(token);
    if (have && have.source !== 'token-list') continue;
    const entry = list.get(chain, token);
    if (
      entry &&
      (have?.symbol !== entry.symbol ||
        have?.decimals !== entry.decimals ||
        (have?.name ?? null) !== (entry.name ?? null))
    )
      out.push(entry);
  }
  return out;
}
