import type { Asset } from '../../model/asset.ts';
import type { Chain, ChainFamily } from '../../model/chains.ts';
import type { ChainEvent } from '../../model/events.ts';
import type { Transfer } from '../../model/transfer.ts';
import type { Block, Store } from '../../store/store.ts';

/**
 * The chain-family boundary of the sync. The generic loop (`src/ingest/sync/`) owns batches,
 * checkpoints, reorganisations, retries' reporting, progress and `follow`; a family's source
 * (`src/chains/<family>/`) only says where the head is, what hash a height has, and what a range
 * of blocks holds. Each family registers one factory, keyed by {@link ChainFamily}.
 *
 * Invariants the loop relies on:
 * - `fetchBlocks(from, to)` returns the blocks `from..to` in order, each the parent of the next
 *   (a source that sees them change while fetching retries, then throws `UnstableChainError`);
 * - `decode` is called in block order, once per batch, after every earlier batch is committed, so a
 *   source may read what the store already holds (e.g. the outputs a Bitcoin input spends); a
 *   source that sets `decodesAhead` is decoded while the batch before is still being written, and
 *   must then read that batch from what it kept of its own decode, never from the store;
 * - everything `decode` returns is written in one store transaction with the checkpoint, so a
 *   killed sync resumes from its last checkpoint with nothing lost or doubled.
 */

/** A block as the node reports it: enough to link it to its parent and to store it. */
export type SourceBlockHeader = {
  number: bigint;
  /** Lowercase hex, as stored. */
  hash: string;
  parentHash: string;
  /** Unix seconds. */
  time: number;
};

/** A range of fetched blocks, not yet decoded: `raw` is the family's own data. */
export type FetchedBlocks<Raw> = {
  headers: SourceBlockHeader[];
  raw: Raw;
};

/** What one batch writes besides its checkpoint. */
export type DecodedBatch = {
  blocks: Block[];
  transfers: Transfer[];
  events: ChainEvent[];
  assets: Asset[];
};

/** A family's view of one node (or REST API), opened for one chain. */
export type ChainSource<Raw = unknown> = {
  readonly chain: Chain;
  /** Checkpoint stream name, one per family (`evm-sync`, `bitcoin-sync`). */
  readonly stream: string;
  /** The newest block height the node has. */
  head(): Promise<bigint>;
  /** The hash (lowercase hex) the node has at a height, or null when it has no such block. */
  blockHash(number: bigint): Promise<string | null>;
  /** Blocks `from..to`, chained; may run ahead of `decode` (the loop prefetches one batch). */
  fetchBlocks(from: bigint, to: bigint): Promise<FetchedBlocks<Raw>>;
  /** The rows of fetched blocks, once all earlier batches are committed. */
  decode(fetched: FetchedBlocks<Raw>): Promise<DecodedBatch>;
  /**
   * Whether `decode` may run while the batch before is being written (every batch before that one
   * committed): the source keeps what it needs of the batch it decoded last. Decoding overlaps
   * writing: the Bitcoin sync benchmark spends about as long in each.
   */
  readonly decodesAhead?: boolean;
  /** Called after `decode`'s rows are committed (e.g. to remember tokens already asked). */
  committed?(decoded: DecodedBatch): void;
  /** Requests sent and retried so far, for progress and benchmarks. */
  readonly stats?: { requests: number; retries: number };
  /**
   * The family's own totals of this run, added to the sync's summary (EVM: `tokensAsked`, the
   * token contracts asked for their symbol and decimals); read when the sync ends.
   */
  readonly counts?: Readonly<Record<string, number>>;
};

/** What every family's factory is given. */
export type OpenChainSourceParameters = {
  store: Store;
  /** Chain key; a family that can ask the node which chain it serves checks it or infers it. */
  chain?: string | undefined;
  /** Endpoint; credentials in it are never logged nor put in errors. */
  url: string;
  /** The endpoint's kind where a family has several (Bitcoin: `rpc` for Core JSON-RPC, `esplora`). */
  endpoint?: 'rpc' | 'esplora' | undefined;
  rps?: number | undefined;
  concurrency?: number | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  onRetry?: (info: { method: string; attempt: number; delayMs: number; reason: string }) => void;
  onWarning?: (message: string) => void;
  /** Family-specific options (EVM: `internal`, `tokenList`). */
  options?: Readonly<Record<string, unknown>> | undefined;
};

/** Opens a source for a chain of one family. */
export type ChainSourceFactory = (parameters: OpenChainSourceParameters) => Promise<ChainSource>;

/** One factory per family that can be synced. */
export type ChainSourceRegistry = Partial<Record<ChainFamily, ChainSourceFactory>>;
