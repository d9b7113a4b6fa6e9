import type { FetchTransactions } from './resolve-inputs.ts';
import type { BitcoinBlock } from './types.ts';

/**
 * What the Bitcoin source asks of a node or REST API, whichever it is (Bitcoin Core JSON-RPC,
 * Esplora): heights, hashes, blocks, and the transactions inputs spend.
 */
export type BitcoinEndpoint = {
  /** The newest block height. */
  head(): Promise<bigint>;
  /** The hash at each height of `from..to` (null past the endpoint's best block). */
  blockHashes(from: bigint, to: bigint): Promise<(string | null)[]>;
  /**
   * The blocks with these hashes, decoded, in the order given; null for a hash the endpoint no
   * longer has (it left the best chain while the batch was fetched).
   */
  blocks(wanted: readonly { height: bigint; hash: string }[]): Promise<(BitcoinBlock | null)[]>;
  /** Spent transactions by id, for inputs the blocks do not value. */
  fetchTransactions: FetchTransactions;
  readonly stats: { requests: number; retries: number };
};
