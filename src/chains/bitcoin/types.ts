import type { SourceBlockHeader } from '../../ingest/sync/chain-sync.ts';

/** An output as a transaction creates it: exact satoshis and its locking script. */
export type BitcoinOutput = { value: bigint; script: Uint8Array };

/**
 * The output an input spends, as far as the transfers need it: its value (satoshis) and the address
 * its script pays (src/chains/bitcoin/script-address.ts).
 */
export type SpentOutput = { value: bigint; address: string };

/** A non-coinbase input: the outpoint it spends and, once known, what that output held. */
export type BitcoinInput = {
  /** Transaction id (display order hex) of the spent output. */
  txid: string;
  vout: number;
  /** Null until resolved (src/chains/bitcoin/resolve-inputs.ts). */
  prevout: SpentOutput | null;
};

/**
 * A transaction of a block. A coinbase's one input spends nothing and is left out (`inputs` is
 * empty), as bitcoin-etl does.
 */
export type BitcoinTransaction = {
  txid: string;
  coinbase: boolean;
  inputs: BitcoinInput[];
  outputs: BitcoinOutput[];
};

/** A block with its transactions in block order, whatever node or file it came from. */
export type BitcoinBlock = { header: SourceBlockHeader; transactions: BitcoinTransaction[] };
