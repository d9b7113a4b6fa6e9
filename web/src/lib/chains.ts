import { listChains } from '../../../src/model/chains.ts';

/**
 * The chains a chain selector offers: those the database holds first, then the rest of the chain
 * registry (src/model/chains.ts), once each.
 *
 * @example
 * chainChoices(['anvil']); // ['anvil', 'ethereum', 'bsc', …]
 */
export function chainChoices(stored: readonly string[]): string[] {
  return [...new Set([...stored, ...listChains().map((c) => c.key)])];
}
