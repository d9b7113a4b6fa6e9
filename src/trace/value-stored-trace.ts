import { UserError } from '../errors/base.ts';
import { NATIVE_ASSET } from '../model/asset.ts';
import { getChain } from '../model/chains.ts';
import { MAX_PRICE_GAP_DAYS, type PriceRow, SECONDS_PER_DAY, utcDay } from '../model/price.ts';
import type { ChainStore } from '../store/store.ts';
import type { TraceResult } from './types.ts';
import { type TraceValuation, valueTrace } from './value-trace.ts';

/** Input of {@link valueStoredTrace}. */
export type ValueStoredTraceParameters = {
  store: Pick<ChainStore, 'listAssets' | 'listPrices'>;
  result: TraceResult;
};

const key = (chain: string, asset: string) => `${chain}\u0000${asset}`;

/**
 * A trace result in USD at transfer time ({@link valueTrace}) with the store's daily prices and
 * asset decimals (a native coin's from the chain registry when the store has none). Only the prices
 * of the trace's assets over its days (and the {@link MAX_PRICE_GAP_DAYS} before) are read.
 *
 * @example
 * const valuation = await valueStoredTrace({ store, result });
 */
export async function valueStoredTrace(
  parameters: ValueStoredTraceParameters,
): Promise<TraceValuation> {
  const { store, result } = parameters;
  const chainOfNode = new Map(result.nodes.map((n) => [n.id, n.chain]));
  // The assets of the trace: its transfers' and its endpoints' (value converted on the way in).
  const assets = new Map<string, { chain: string; asset: string }>();
  let first = Infinity;
  let last = -Infinity;
  for (const e of result.edges) {
    const chain = chainOfNode.get(e.from) ?? e.from.slice(0, e.from.lastIndexOf(':'));
    assets.set(key(chain, e.asset), { chain, asset: e.asset });
    first = Math.min(first, e.time);
    last = Math.max(last, e.time);
  }
  for (const e of result.endpoints)
    assets.set(key(e.chain, e.asset), { chain: e.chain, asset: e.asset });
  const prices = new Map<string, PriceRow[]>();
  if (first <= last) {
    const from = utcDay(first - MAX_PRICE_GAP_DAYS * SECONDS_PER_DAY);
    const to = utcDay(last);
    for (const [k, { chain, asset }] of assets)
      prices.set(k, await store.listPrices({ chain, asset, from, to }));
  }
  const decimals = new Map<string, number>();
  for (const chain of new Set([...assets.values()].map((a) => a.chain))) {
    for (const a of await store.listAssets(chain))
      if (a.decimals !== null) decimals.set(key(chain, a.asset), a.decimals);
    const native = nativeDecimals(chain);
    if (native !== undefined && !decimals.has(key(chain, NATIVE_ASSET)))
      decimals.set(key(chain, NATIVE_ASSET), native);
  }
  return valueTrace(result, {
    prices: (chain, asset) => prices.get(key(chain, asset)) ?? [],
    decimals: (chain, asset) => decimals.get(key(chain, asset)),
  });
}

/** A chain's native decimals from the registry; undefined for a chain it does not know. */
function nativeDecimals(chain: string): number | undefined {
  try {
    return getChain(chain).nativeDecimals;
  } catch (error) {
    if (error instanceof UserError) return undefined;
    throw error;
  }
}
