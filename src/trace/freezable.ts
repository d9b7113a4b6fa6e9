import type { TraceEndpoint } from './types.ts';

/**
 * Label categories of the services that can freeze what arrived: the one definition of
 * "freezable" that the trace's findings and summary, the CLI, the API, the freeze list, the Sankey
 * and the dashboard all use, so their figures agree.
 *
 * Freezable means a custodian holds the coins for someone and can be asked to hold them:
 * - `exchange`, `deposit_wallet`, `hot_wallet`: an exchange credits a deposit to an account it
 *   controls; its deposit address names the account a freeze request is about.
 * - `otc`: an OTC desk settles trades for known counterparties through its own wallets.
 * - `instant_exchange`: a no-account swap service holds the deposit until it pays out, and pays
 *   out from its own wallets, so it can hold an order it has not paid yet.
 * Not freezable: a bridge or a mixer (contracts: nobody holds the coins for someone), a DEX, an
 * address still holding the value (its owner is the thief), and `frozen` (the token's issuer
 * already froze it). Whether a service will act is its own decision; "freezable" says only that a
 * request to it can stop the money.
 */
export const FREEZABLE_CATEGORIES: ReadonlySet<string> = new Set([
  'exchange',
  'deposit_wallet',
  'hot_wallet',
  'otc',
  'instant_exchange',
]);

/** Whether value that stopped at a label of this category can be frozen on request. */
export function isFreezable(category: string | null | undefined): boolean {
  return category != null && FREEZABLE_CATEGORIES.has(category);
}

/**
 * The service a freeze request goes to for an endpoint: its entity, or the address itself when no
 * list names the entity (an inferred deposit keeps its exchange's entity).
 */
export function freezeServiceOf(endpoint: Pick<TraceEndpoint, 'entity' | 'address'>): string {
  return endpoint.entity ?? endpoint.address;
}

/** What a forward trace can have frozen: its share of the seed, at how many services. */
export type FreezableSummary = {
  /** Of the seed's value (0-1): the endpoints at freezable categories. */
  share: number;
  /** Distinct services a freeze request goes to ({@link freezeServiceOf}). */
  services: number;
  /** Endpoints counted. */
  endpoints: number;
};

/**
 * The freezable part of a trace's endpoints. A backward trace's endpoints are where the value came
 * from, which nobody freezes: it has no freezable summary (null).
 *
 * @example
 * summariseFreezable('forward', result.endpoints); // { share: 0.2499, services: 4, endpoints: 31 }
 */
export function summariseFreezable(
  direction: 'forward' | 'backward',
  endpoints: readonly Pick<TraceEndpoint, 'category' | 'entity' | 'address' | 'share'>[],
): FreezableSummary | null {
  if (direction === 'backward') return null;
  let share = 0;
  let count = 0;
  const services = new Set<string>();
  for (const e of endpoints) {
    if (!isFreezable(e.category)) continue;
    share += e.share;
    count += 1;
    services.add(freezeServiceOf(e));
  }
  return { share, services: services.size, endpoints: count };
}
