import type { ChainEvent } from '../model/events.ts';

/** A value leg of a swap's transaction; `K` names addresses and `A` assets, as the caller does. */
export type ConversionLeg<K, A> = { from: K; to: K; asset: A; amount: number };

/** How the caller names the addresses and assets an event gives as text. */
export type ConversionNames<K, A> = {
  /** An address the event names as its account or recipient. */
  node(address: string): K;
  /** The pool (the event's contract), or undefined when no leg can touch it. */
  pool(address: string): K | undefined;
  asset(asset: string): A;
};

/** An asset conversion inside one transaction: who gave what, and who got what for it. */
export type ResolvedConversion<K, A> = {
  kind: 'swap' | 'wrap' | 'unwrap';
  /** Who gave `assetIn`; undefined when neither the event nor the legs say. */
  account: K | undefined;
  /** Who got `assetOut`; undefined when neither the event nor the legs say. */
  recipient: K | undefined;
  assetIn: A;
  amountIn: number;
  assetOut: A;
  amountOut: number;
};

/** The leg whose amount is closest to `target` (the first of equals). */
function closest<K, A>(legs: readonly ConversionLeg<K, A>[], target: number) {
  let best: ConversionLeg<K, A> | undefined;
  for (const l of legs)
    if (best === undefined || Math.abs(l.amount - target) < Math.abs(best.amount - target))
      best = l;
  return best;
}

/**
 * The conversion a swap or wrap event makes, what the trace engine and screening both follow value
 * through: a WETH `Deposit` turns the account's native coin into the token (`Withdrawal` back); a
 * Uniswap `Swap` log names no tokens, so the token that went into the pool (`contract`) in the same
 * transaction is what was sold (the leg closest to `amountIn`), and the other one that came out what
 * was bought. Null for other events, and for a swap whose pool legs are not in `legs` (the value
 * cannot be followed through it, as through an unknown contract).
 *
 * @example
 * const c = resolveConversion(swapEvent, legsOfItsTransaction, {
 *   node: (a) => a, pool: (a) => a, asset: (a) => a,
 * });
 * c?.assetIn; // '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2' (WETH went into the pool)
 */
export function resolveConversion<K, A>(
  event: ChainEvent,
  legs: readonly ConversionLeg<K, A>[],
  names: ConversionNames<K, A>,
): ResolvedConversion<K, A> | null {
  if (event.type === 'wrap' || event.type === 'unwrap') {
    const account = names.node(event.account);
    const native = names.asset('native');
    const token = names.asset(event.contract);
    const wrap = event.type === 'wrap';
    const amount = Number(event.amount);
    return {
      kind: event.type,
      account,
      recipient: account,
      assetIn: wrap ? native : token,
      amountIn: amount,
      assetOut: wrap ? token : native,
      amountOut: amount,
    };
  }
  if (event.type !== 'swap') return null;
  const pool = names.pool(event.contract);
  const amountIn = Number(event.amountIn);
  const amountOut = Number(event.amountOut);
  const into =
    pool === undefined
      ? undefined
      : closest(
          legs.filter((l) => l.to === pool),
          amountIn,
        );
  const assetIn = event.assetIn !== null ? names.asset(event.assetIn) : into?.asset;
  const outOf =
    pool === undefined
      ? undefined
      : closest(
          legs.filter((l) => l.from === pool && l.asset !== assetIn),
          amountOut,
        );
  const assetOut = event.assetOut !== null ? names.asset(event.assetOut) : outOf?.asset;
  if (assetIn === undefined || assetOut === undefined) return null;
  return {
    kind: 'swap',
    account: event.account !== null ? names.node(event.account) : into?.from,
    recipient: event.recipient !== null ? names.node(event.recipient) : outOf?.to,
    assetIn,
    amountIn,
    assetOut,
    amountOut,
  };
}
