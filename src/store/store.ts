import type { Asset } from '../model/asset.ts';
import type { ChainEvent, ChainEventType } from '../model/events.ts';
import type { Transfer, TransferKind } from '../model/transfer.ts';

/**
 * The one storage interface every engine and interface uses. Backends (`duckdb/` now, `clickhouse/`
 * later) implement it; no backend SQL lives outside its folder.
 *
 * Designed for a columnar, append-mostly store: writes are appends of batches keyed by natural keys
 * (transfers and events: chain + tx hash + position), never updates of single rows. A backend removes
 * duplicate keys itself, so writing the same data twice stores it once.
 */
export interface Store {
  /** Where the store lives (a file path for DuckDB). */
  readonly location: string;

  /**
   * Runs `fn` as one atomic write: everything it wrote becomes visible together, or nothing does
   * (an exception, a crash or `kill -9` leaves the store as it was). Returns what was stored.
   */
  write(fn: (writer: StoreWriter) => Promise<void>): Promise<WriteSummary>;

  /** Counts and sums per chain / asset / kind, with block and time ranges. */
  getStats(): Promise<StoreStats>;
  /** Totals in and out per asset, first/last seen and top counterparties of one address. */
  getAddressSummary(params: AddressSummaryParameters): Promise<AddressSummary>;
  /** Transfers matching a filter, ordered by chain, block, tx hash, position. */
  listTransfers(filter?: TransferFilter): Promise<Transfer[]>;
  /** Typed events matching a filter, in the same order. */
  listEvents(filter?: EventFilter): Promise<ChainEvent[]>;
  /** Known assets (symbol, decimals) of a chain, or of all chains. */
  listAssets(chain?: string): Promise<Asset[]>;
  /** Stored blocks by number (hash, parent hash, time). */
  getBlocks(chain: string, numbers: readonly bigint[]): Promise<Block[]>;
  /** The checkpoint of one named stream (e.g. a sync), or null. */
  getCheckpoint(chain: string, stream: string): Promise<Checkpoint | null>;
  /** All labels of an address (every source; nothing overwritten). */
  getLabels(chain: string, address: string): Promise<Label[]>;
  /** The applied schema version. */
  getSchemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/** What one atomic write may add. Appends are buffered and only visible after the write commits. */
export interface StoreWriter {
  appendTransfers(transfers: readonly Transfer[]): Promise<void>;
  appendEvents(events: readonly ChainEvent[]): Promise<void>;
  putBlocks(blocks: readonly Block[]): Promise<void>;
  /** Adds or replaces asset metadata (symbol, decimals), keyed by chain + asset. */
  putAssets(assets: readonly Asset[]): Promise<void>;
  addLabels(labels: readonly Label[]): Promise<void>;
  setCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /**
   * Removes every transfer, event and block of `chain` from `fromBlock` on (a chain reorganisation
   * orphaned them). Applied before this write's own rows, so re-ingested blocks replace the orphans.
   */
  deleteFromBlock(chain: string, fromBlock: bigint): Promise<void>;
  /** Records an import in the import log (provenance of what was loaded). */
  recordImport(record: ImportRecord): Promise<void>;
}

/** Rows a write stored, and rows it skipped because their natural key was already stored. */
export type WriteSummary = {
  transfersWritten: number;
  transfersDuplicate: number;
  eventsWritten: number;
  eventsDuplicate: number;
};

/** A block header: enough to time transfers and to detect reorgs. */
export type Block = {
  chain: string;
  number: bigint;
  hash: string | null;
  parentHash: string | null;
  /** Unix seconds. */
  time: number;
};

/** How far a named stream (e.g. a live sync) has got on a chain. */
export type Checkpoint = {
  chain: string;
  stream: string;
  blockNumber: bigint;
  blockHash: string | null;
};

/** A minimal attribution label; the label issue widens it (provenance, validity, sanctions programs). */
export type Label = {
  chain: string;
  address: string;
  entity: string | null;
  category: string;
  source: string;
  confidence: number | null;
};

/** One entry of the import log. */
export type ImportRecord = {
  kind: string;
  source: string;
  rows: number;
  rejected: number;
  sha256: string | null;
};

/** Count and exact sum of transfers of one chain / asset / kind. */
export type AssetStats = {
  chain: string;
  /** Token contract, or `native`. */
  asset: string;
  symbol: string | null;
  decimals: number | null;
  kind: TransferKind;
  transfers: number;
  /** Sum of raw units, exact. */
  amount: bigint;
};

/** Totals and block / time range of one chain. */
export type ChainStats = {
  chain: string;
  transfers: number;
  events: number;
  addresses: number;
  firstBlock: bigint | null;
  lastBlock: bigint | null;
  /** Unix seconds. */
  firstTime: number | null;
  lastTime: number | null;
};

/** What `chaintrail stats` reports. */
export type StoreStats = {
  chains: ChainStats[];
  assets: AssetStats[];
  events: { chain: string; type: ChainEventType; count: number }[];
  labels: number;
};

/** Input of {@link Store.getAddressSummary}. */
/** What `chaintrail address` reports. */
export type AddressSummaryParameters = {
  chain: string;
  address: string;
  /** How many counterparties to return (default 10). */
  topCounterparties?: number;
};

/** What an address received and sent of one asset. */
export type AddressAssetTotals = {
  asset: string;
  symbol: string | null;
  decimals: number | null;
  received: bigint;
  sent: bigint;
  transfersIn: number;
  transfersOut: number;
};

/** An address that traded with the summarised one. */
export type Counterparty = {
  address: string;
  transfers: number;
  /** Per asset: raw units sent to and received from this counterparty. */
  assets: { asset: string; sent: bigint; received: bigint }[];
};

export type AddressSummary = {
  chain: string;
  address: string;
  transfers: number;
  firstSeen: { blockNumber: bigint; time: number | null } | null;
  lastSeen: { blockNumber: bigint; time: number | null } | null;
  assets: AddressAssetTotals[];
  counterparties: Counterparty[];
  labels: Label[];
};

/** Filters of {@link Store.listTransfers}; all optional, combined with AND. */
export type TransferFilter = {
  chain?: string;
  address?: string;
  txHash?: string;
  kind?: TransferKind;
  asset?: string;
  fromBlock?: bigint;
  toBlock?: bigint;
  limit?: number;
};

/** Filters of {@link Store.listEvents}; all optional, combined with AND. */
export type EventFilter = {
  chain?: string;
  txHash?: string;
  type?: ChainEventType;
  limit?: number;
};
