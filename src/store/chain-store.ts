import type { Asset } from '../model/asset.ts';
import type { ChainEvent, ChainEventType } from '../model/events.ts';
import type { PriceRow } from '../model/price.ts';
import type { Transfer, TransferKind } from '../model/transfer.ts';
import type { Label } from './label-store.ts';

/**
 * Chain data: transfers, typed events, blocks, asset metadata, daily prices, checkpoints of syncs and
 * the import log, and the reads engines make of them (statistics, address summaries, counterparty
 * and flow queries for exposure, the bulk scans the trace graph index and clustering read).
 *
 * This data is appended, never updated row by row, and rolled back on reorgs
 * ({@link ChainWriter.deleteFromBlock}). A backend must guarantee:
 * - idempotence: transfers and events are keyed by chain + tx hash + position; writing the same key
 *   twice stores it once, and the {@link WriteSummary} counts the second as a duplicate;
 * - atomicity: everything a `write` stages (rows, blocks, checkpoint) becomes visible together or not
 *   at all, also after a crash;
 * - exact amounts: raw units are bigints of any size (token amounts exceed 2^64), summed exactly
 *   where a read says "exact";
 * - rollback: a reorg removes every transfer, event and block from its block on, before the write's
 *   own rows, and a removal of transfers bumps their generation ({@link ChainStore.getTransferCursor})
 *   in the same transaction;
 * - cursors: a transfer stored after a cursor was taken is scanned after it
 *   ({@link ChainStore.scanTransfers}), whatever the order of its keys.
 */
export interface ChainStore {
  /** Counts and sums per chain / asset / kind, with block and time ranges. */
  getStats(): Promise<StoreStats>;
  /** Totals in and out per asset, first/last seen and top counterparties of one address. */
  getAddressSummary(params: AddressSummaryParameters): Promise<AddressSummary>;
  /** Transfers matching a filter, ordered by chain, block, tx hash, position. */
  listTransfers(filter?: TransferFilter): Promise<Transfer[]>;
  /**
   * Every transfer after a cursor, in store order, as columns in batches: what bulk readers (the
   * trace graph index) use instead of {@link ChainStore.listTransfers}, so millions of rows never
   * become objects. Amounts come as doubles (about 15 significant digits), not exact. While the
   * generation ({@link ChainStore.getTransferCursor}) stays the same, a scan from a cursor gives
   * exactly the transfers stored after it, each once: a reader keeps the cursor and extends.
   */
  scanTransfers(params?: ScanTransfersParameters): AsyncIterable<TransferColumns>;
  /**
   * The transfers of one chain that some addresses sent or received, or that belong to some
   * transactions, as columns with each one's place in store order (the order of
   * {@link ChainStore.scanTransfers}): what a trace reads hop by hop when it does not hold the whole
   * chain in memory (src/trace/subgraph-index.ts). Rows from several calls, sorted by `order`, come in
   * the order a scan gives them, so an index built from them numbers its edges as a full one does.
   */
  listTransfersTouching(params: TransfersTouchingParameters): Promise<TouchingTransfers>;
  /**
   * Where the transfers end now: a cursor after the last one stored and the generation of the
   * transfers. A cursor is opaque (only the backend that made it reads it back, e.g. a row position);
   * the generation changes whenever transfers are removed ({@link ChainWriter.deleteFromBlock}), so an
   * index saved at another generation is rebuilt, one saved at this generation extended from its
   * cursor.
   */
  getTransferCursor(): Promise<TransferCursor>;
  /**
   * The chains on which each of `addresses` sent or received a stored transfer (any chain; addresses
   * compared as stored, i.e. canonical). One query for the whole list: screening asks it once per
   * batch to tell which chain a `0x` address given without one lives on. Addresses with no transfer
   * are absent from the map.
   */
  getAddressChains(addresses: readonly string[]): Promise<Map<string, string[]>>;
  /**
   * The chains with at least one stored transfer, sorted (kept in memory between writes): screening
   * skips getAddressChains, a scan of the transfers, when no other chain of an address's form has any.
   */
  listTransferChains(): Promise<string[]>;
  /**
   * The stored UTXO outputs (`utxo_out` transfers, position `out:<index>`) at the given outpoints of
   * a chain, keyed `<tx hash>:<index>`: what a Bitcoin input spends, when an earlier batch or
   * import stored it. Outpoints not stored are absent from the map.
   */
  getOutputs(chain: string, outpoints: readonly Outpoint[]): Promise<Map<string, StoredOutput>>;
  /** Typed events matching a filter, in the same order. */
  listEvents(filter?: EventFilter): Promise<ChainEvent[]>;
  /** Known assets (symbol, decimals) of a chain, or of all chains. */
  listAssets(chain?: string): Promise<Asset[]>;
  /** USD prices of one asset by day (within `from`..`to`, both included), oldest first. */
  listPrices(filter: PriceFilter): Promise<PriceRow[]>;
  /** Stored blocks by number (hash, parent hash, time). */
  getBlocks(chain: string, numbers: readonly bigint[]): Promise<Block[]>;
  /** The checkpoint of one named stream (e.g. a sync), or null. */
  getCheckpoint(chain: string, stream: string): Promise<Checkpoint | null>;
  /**
   * Per address and asset: what the addresses received (or sent) in all, and from (to) whom, largest
   * counterparties first. Gas fees, self-transfers and legs without a counterparty are left out.
   */
  getCounterpartyFlows(params: CounterpartyFlowsParameters): Promise<CounterpartyFlows[]>;
  /**
   * Per address and asset: each transfer it received (in) or sent (out) within a time bound, one row
   * per transfer with its time and hash, largest first, and what the address had received of the
   * asset by each row's time and by given times: what time-respecting exposure reads hop by hop.
   * Gas fees, self-transfers and legs without a counterparty are left out, as in
   * {@link ChainStore.getCounterpartyFlows}.
   */
  getFlowTransfers(params: FlowTransfersParameters): Promise<FlowTransfers[]>;
  /**
   * Per address of a UTXO chain: the transactions that paid it (in) or spent from it (out) within a
   * block bound, net of its change (a transaction's outputs to the address less its inputs from it,
   * or the reverse; only positive ones), one row per transaction, largest first, and what the
   * address had received (net, the same way) by each row's block and by given blocks: what UTXO
   * exposure reads hop by hop (the whole transactions come from {@link ChainStore.listTransfers} by hash).
   */
  getUtxoFlows(params: UtxoFlowsParameters): Promise<UtxoFlows>;
  /**
   * The UTXO transfers (`utxo_in`, `utxo_out`) of a chain's blocks `fromBlock`..`toBlock`, as columns
   * in batches of whole blocks (about `batchRows` rows each; a bigger block is a batch of its own),
   * in block, transaction hash, inputs before outputs, index order: what clustering reads.
   */
  scanUtxoTransactions(params: ScanUtxoParameters): AsyncIterable<UtxoColumns>;
  /**
   * A chain's UTXO transfers up to and including `toBlock` (all when absent): how many, and the
   * first and last block holding any. A build compares the count with its own to know that no block
   * below its checkpoint changed.
   */
  getUtxoExtent(chain: string, toBlock?: bigint): Promise<UtxoExtent>;
  /**
   * The last block of a chain holding a UTXO transfer (null: none), kept in memory between writes:
   * what a cluster build would reach, which the API compares with the build on every cluster read.
   * Asking is a scan of the chain's transfers: 230-280 ms over 2 M constructed UTXO rows on DuckDB
   * here, against 0.04 ms kept.
   */
  getLastUtxoBlock(chain: string): Promise<bigint | null>;
}

/** What one atomic write may add to the chain data (see {@link ChainStore}). */
export interface ChainWriter {
  appendTransfers(transfers: readonly Transfer[]): Promise<void>;
  appendEvents(events: readonly ChainEvent[]): Promise<void>;
  putBlocks(blocks: readonly Block[]): Promise<void>;
  /** Adds or replaces asset metadata (symbol, decimals, source), keyed by chain + asset. */
  putAssets(assets: readonly Asset[]): Promise<void>;
  /**
   * Adds or replaces daily USD prices, keyed by chain + asset + day: a re-import of a day replaces
   * its price and source (of one key given twice in a write, the last counts). A price must be a
   * finite number, 0 or more, and the day a `YYYY-MM-DD` date.
   */
  putPrices(rows: readonly PriceRow[]): Promise<void>;
  setCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /**
   * Removes every transfer, event and block of `chain` from `fromBlock` on (a chain reorganisation
   * orphaned them). Applied before this write's own rows, so re-ingested blocks replace the orphans.
   * When it removes a transfer it bumps the transfers' generation (see
   * {@link ChainStore.getTransferCursor}): indexes built before are rebuilt, not extended.
   * Clusters built from any of those blocks (checkpoint {@link CLUSTER_STREAM} at or above
   * `fromBlock`) go with them, all of the chain's: a union cannot be undone, so the next build starts
   * over rather than keep addresses joined by orphaned transactions.
   */
  deleteFromBlock(chain: string, fromBlock: bigint): Promise<void>;
  /** Records an import in the import log (provenance of what was loaded). */
  recordImport(record: ImportRecord): Promise<void>;
  /**
   * Optional: stages the transfers of a CSV file read by the store itself, as
   * {@link ChainWriter.appendTransfers} would stage them, when it can vouch for every record: each
   * value in a plain form whose meaning is beyond doubt (see {@link TransfersCsvLoad}), and each
   * other address or asset accepted by the caller's own normalizers. Otherwise it answers
   * `taken: false` and the caller must abort the write (throw from it), then validate the rows
   * itself: what the store staged of the file is not kept. A file the store cannot parse as the
   * caller would (a record of another width, a byte sequence that is not UTF-8) rejects with an
   * error, which the caller treats the same way.
   *
   * A store may load the rows straight into its tables inside the write's transaction (DuckDB
   * does, when nothing was staged before): call it before anything else of the write, and call
   * no `putBlocks`, `deleteFromBlock`, `writeClusters` or `dropClusters` after it.
   */
  loadTransfersCsv?(load: TransfersCsvLoad): Promise<TransfersCsvLoaded>;
}

/**
 * A transfers CSV for {@link ChainWriter.loadTransfersCsv}: comma-separated, `"`-quoted, a header
 * line first, `\n` or `\r\n` line ends. The values a store may convert itself, each as the model's
 * parsers would, and nothing else:
 * - addresses (and an asset column's contracts) matching {@link canonicalAddress}, stored as written;
 *   any other text goes through {@link normalizeAddress} (or {@link normalizeAsset}), once per
 *   distinct value;
 * - the transaction hash: {@link txHashPrefix} and 64 lowercase hex digits, stored as written;
 * - the block: decimal digits without a leading zero, at most 2^64 - 1;
 * - the position: printable ASCII without space or `"`;
 * - the amount: decimal digits, with at most {@link decimals} of them after a point, scaled by
 *   {@link decimals} into raw units;
 * - the time: empty (none), 1-11 digits (Unix seconds) or 13 (milliseconds, rounded down), without
 *   a leading zero, or
 *   `YYYY-MM-DD HH:MM:SS` (`T` between them, `Z` after or not) of a real UTC day, year 1000 or later.
 */
export type TransfersCsvLoad = {
  file: string;
  /** Records after the header, as the caller counted them: the store takes the file only if it reads as many. */
  records: number;
  /** Fields of every record (the header's): a record of another width fails the load. */
  width: number;
  chain: string;
  /** 0-based column of each field; `time` and `asset` may be absent. */
  columns: {
    from: number;
    to: number;
    tx: number;
    block: number;
    position: number;
    amount: number;
    time: number | null;
    asset: number | null;
  };
  /** Decimal places of the amount column (0: raw integer units). */
  decimals: number;
  /** Asset and kind of every row without an asset column. */
  asset: string;
  kind: TransferKind;
  /** `0x` (EVM) or empty: the canonical transaction hash's prefix. */
  txHashPrefix: '0x' | '';
  /** An RE2 pattern: an address matching all of it is canonical as written; null when none is. */
  canonicalAddress: string | null;
  /** The canonical form of an address in another form, or null when it is not valid. */
  normalizeAddress(text: string): string | null;
  /** Called now and then while the store reads the file, with the share of it read (0 to 1). */
  onProgress?(share: number): void;
  /** The asset and kind of an asset column's text not matching {@link canonicalAddress}, or null when not valid. */
  normalizeAsset(text: string): { asset: string; kind: TransferKind } | null;
};

/** What {@link ChainWriter.loadTransfersCsv} did with a file: its records, and whether it took them. */
export type TransfersCsvLoaded = { records: number; taken: boolean };

/** Filter of {@link ChainStore.listPrices}: one asset, optionally a range of days (`YYYY-MM-DD`, UTC). */
export type PriceFilter = { chain: string; asset: string; from?: string; to?: string };

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

/** Input of {@link ChainStore.getAddressSummary}. */
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

/** Filters of {@link ChainStore.listTransfers}; all optional, combined with AND. */
export type TransferFilter = {
  chain?: string;
  address?: string;
  txHash?: string;
  /** Only transfers of these transactions. */
  txHashes?: readonly string[];
  kind?: TransferKind;
  asset?: string;
  fromBlock?: bigint;
  toBlock?: bigint;
  /** With `address`: only what it received (`in`) or sent (`out`). */
  direction?: 'in' | 'out';
  /** Only transfers at or after / at or before this Unix time (transfers without a time are left out). */
  since?: number;
  until?: number;
  limit?: number;
  /** Rows skipped before the first returned (paging). */
  offset?: number;
};

/** Input of {@link ChainStore.listTransfersTouching}: either list may be empty. */
export type TransfersTouchingParameters = {
  chain: string;
  /** Canonical addresses: every transfer they sent or received. */
  addresses?: readonly string[];
  /** Transaction hashes: every transfer of these transactions. */
  txHashes?: readonly string[];
};

/**
 * What {@link ChainStore.listTransfersTouching} returns: transfer columns (as a scan gives them) and
 * each row's place in store order, a key that sorts as text and is unique per stored transfer.
 */
export type TouchingTransfers = Omit<TransferColumns, 'cursor'> & { order: string[] };

/** Input of {@link ChainStore.scanTransfers}. */
export type ScanTransfersParameters = {
  /** Only transfers stored after this cursor (an index's watermark); default: from the first. */
  after?: string | undefined;
  /** Only transfers up to this cursor (a {@link ChainStore.getTransferCursor} one); default all. */
  to?: string | undefined;
  /** Rows per batch at most (default 1,000,000). */
  batchRows?: number;
  /** Kinds left out (e.g. `fee`). */
  excludeKinds?: readonly TransferKind[];
};

/**
 * One batch of {@link ChainStore.scanTransfers}: column `i` of every array is one transfer. Strings
 * repeat (chain, asset, kind) and are shared, not copied.
 */
export type TransferColumns = {
  length: number;
  chain: string[];
  txHash: string[];
  from: (string | null)[];
  to: (string | null)[];
  asset: string[];
  kind: TransferKind[];
  /** Raw units as doubles. */
  amount: Float64Array;
  /** Unix seconds; -1 when the block time is unknown. */
  time: Float64Array;
  /** The cursor to continue from after this batch. */
  cursor: string;
};

/** What {@link ChainStore.getTransferCursor} returns. */
export type TransferCursor = {
  /** After the last transfer stored (opaque: made and read by the backend only). */
  cursor: string;
  /** Bumped by every removal of transfers (a reorg): cursors of another generation are void. */
  generation: number;
};

/** An output of a UTXO transaction: its transaction and index. */
export type Outpoint = { txHash: string; index: number };

/** What {@link ChainStore.getOutputs} gives for an outpoint: the address it pays and its amount. */
export type StoredOutput = { address: string | null; amount: bigint };

/** Filters of {@link ChainStore.listEvents}; all optional, combined with AND. */
export type EventFilter = {
  chain?: string;
  txHash?: string;
  /** Only events of these transactions. */
  txHashes?: readonly string[];
  type?: ChainEventType;
  limit?: number;
};

/** Input of {@link ChainStore.getCounterpartyFlows}. */
export type CounterpartyFlowsParameters = {
  chain: string;
  /** Canonical addresses. */
  addresses: readonly string[];
  /** `in`: what the addresses received, by sender; `out`: what they sent, by receiver. */
  direction: 'in' | 'out';
  /** Counterparties kept per address and asset, largest amounts first (default 1000); totals count all. */
  maxCounterparties?: number;
  /** Only transfers at or before this Unix time (transfers without a time are kept). */
  until?: number;
};

/** What one address received (or sent) of one asset: in all, and per counterparty. */
export type CounterpartyFlows = {
  address: string;
  asset: string;
  /** Raw units over every counterparty, exact. */
  total: bigint;
  /** Counterparties in all; `flows` holds at most `maxCounterparties` of them. */
  counterparties: number;
  /**
   * Largest amount first (ties by address). `first` and `last`: Unix seconds of the earliest and
   * latest of these transfers with a time (null when none has one); `largestTx`: the transaction of
   * the largest of them (of equal ones, the greatest hash).
   */
  flows: {
    counterparty: string;
    amount: bigint;
    transfers: number;
    first: number | null;
    last: number | null;
    largestTx: string;
  }[];
};

/** One address (and asset) of {@link FlowTransfersParameters}. */
export type FlowTarget = {
  /** Canonical address. */
  address: string;
  /** One asset, or null for every asset of the address. */
  asset: string | null;
  /**
   * Unix seconds: `in` keeps transfers at or before it, `out` at or after it; null: no bound.
   * Transfers without a time count as time 0, the earliest (as in the trace graph index).
   */
  bound: number | null;
  /** Unix times at which to report what the address had received of `asset` (not with a null asset). */
  receivedAt?: readonly number[] | undefined;
};

/** Input of {@link ChainStore.getFlowTransfers}. */
export type FlowTransfersParameters = {
  chain: string;
  /** `in`: what the targets received, by sender; `out`: what they sent, by receiver. */
  direction: 'in' | 'out';
  /** Each (address, asset) once. */
  targets: readonly FlowTarget[];
  /** Transfers kept per address and asset, largest amounts first (default 1000). */
  maxTransfers?: number;
  /** Counterparties whose transfers are not returned (they still count in every sum). */
  excludeCounterparties?: readonly string[];
  /** Only transfers at or before this Unix time (transfers without a time are kept). */
  until?: number;
};

/**
 * One transfer of {@link FlowTransfers}. Amounts are doubles (about 15 significant digits), not
 * exact: the proportional estimates that read them are floats anyway, and reading 181,560 rows as
 * exact decimal strings took twice as long.
 */
export type FlowTransfer = {
  /** The sender (in) or receiver (out). */
  counterparty: string;
  /** Raw units. */
  amount: number;
  /** Unix seconds; 0 when the store has no time for it. */
  time: number;
  txHash: string;
  /** What the address had received of the asset by this transfer's time, that time included. */
  received: number;
  /** Its transaction holds a swap, wrap or unwrap event (the value may have changed asset in it). */
  converts: boolean;
};

/** What one address received (or sent) of one asset within its target's bound, transfer by transfer. */
export type FlowTransfers = {
  address: string;
  asset: string;
  /** Transfers within the bound, excluded counterparties left out; `transfers` holds at most `maxTransfers`. */
  count: number;
  /** Largest amount first (ties: earlier first, then tx hash and position). */
  transfers: FlowTransfer[];
  /** What the address had received of the asset by each of its target's `receivedAt` times, same order. */
  receivedAt: number[];
};

/** Input of {@link ChainStore.getUtxoFlows}. */
export type UtxoFlowsParameters = {
  chain: string;
  /** `in`: transactions paying the targets; `out`: transactions spending from them. */
  direction: 'in' | 'out';
  /**
   * Each address once. `bound`: in, only transactions at or before this block; out, at or after it
   * (null: all).
   */
  targets: readonly { address: string; bound: number | null }[];
  /** Blocks at which each address's receipts are summed (the answer's `receivedAt`, same order). */
  receivedAt?: readonly { address: string; block: number }[];
  /** Transactions kept per address, largest value first (default 1000). */
  maxTransactions?: number;
  /** Only transfers at or before this Unix time (transfers without a time are kept). */
  until?: number;
};

/** One transaction of {@link UtxoAddressFlows}: the address's value in it (exact). */
export type UtxoFlowTx = {
  txHash: string;
  block: number;
  /** Satoshis the transaction paid the address (in) or spent from it (out), net of its change. */
  amount: bigint;
  /** Satoshis the address had received by the end of the row's block (a double). */
  received: number;
};

/** The transactions of one address within its bound. */
export type UtxoAddressFlows = {
  address: string;
  /** Transactions within the bound; `transactions` holds at most `maxTransactions` of them. */
  count: number;
  /** Largest value first (ties: earlier block first, then tx hash). */
  transactions: UtxoFlowTx[];
};

/** What {@link ChainStore.getUtxoFlows} returns. */
export type UtxoFlows = {
  /** Per target with at least one transaction in its bound. */
  flows: UtxoAddressFlows[];
  /** Per `receivedAt` asked, in order: satoshis the address had received by the end of the block. */
  receivedAt: number[];
};

/** What {@link ChainStore.getUtxoExtent} returns. */
export type UtxoExtent = { rows: number; firstBlock: bigint | null; lastBlock: bigint | null };

/** Input of {@link ChainStore.scanUtxoTransactions}. */
export type ScanUtxoParameters = {
  chain: string;
  fromBlock: bigint;
  toBlock: bigint;
  /** Rows per batch, about (default 1,000,000). */
  batchRows?: number;
};

/**
 * One batch of {@link ChainStore.scanUtxoTransactions}: row `i` of every column is one transfer. Rows of a
 * transaction are adjacent, inputs first, each side in index order.
 */
export type UtxoColumns = {
  length: number;
  /** Block numbers (exact as doubles: below 2^53). */
  blockNumber: Float64Array;
  txHash: string[];
  /** 1 for `utxo_in` (a spent output), 0 for `utxo_out`. */
  isInput: Uint8Array;
  address: (string | null)[];
  /** Satoshis (exact as doubles: 21 M BTC is below 2^53 satoshis). */
  amount: Float64Array;
  /** Last block of the batch. */
  toBlock: bigint;
};
