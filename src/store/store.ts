import type { Asset } from '../model/asset.ts';
import type { ChainEvent, ChainEventType } from '../model/events.ts';
import type { PriceRow } from '../model/price.ts';
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
  /**
   * Every transfer after a row position, in store order, as columns in batches: what bulk readers
   * (the trace graph index) use instead of {@link Store.listTransfers}, so millions of rows never
   * become objects. Amounts come as doubles (about 15 significant digits), not exact.
   */
  scanTransfers(params?: ScanTransfersParameters): AsyncIterable<TransferColumns>;
  /**
   * Where the transfers end: the row position after the last one, and how many rows lie before
   * `before` (all when absent). An index keeps both to know it is current: rows removed below its
   * position (a reorg) change the count.
   */
  getTransferPosition(params?: { before?: number }): Promise<TransferPosition>;
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
  /** All labels of an address (every source, closed ones included; nothing overwritten). */
  getLabels(chain: string, address: string): Promise<Label[]>;
  /** Labels matching a filter, ordered by chain, address, valid-from, source. */
  listLabels(filter?: LabelFilter): Promise<Label[]>;
  /** Every label import, oldest first. */
  listLabelImports(): Promise<LabelImport[]>;
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
   * {@link Store.getCounterpartyFlows}.
   */
  getFlowTransfers(params: FlowTransfersParameters): Promise<FlowTransfers[]>;
  /**
   * Per address of a UTXO chain: the transactions that paid it (in) or spent from it (out) within a
   * block bound, net of its change (a transaction's outputs to the address less its inputs from it,
   * or the reverse; only positive ones), one row per transaction, largest first, and what the
   * address had received (net, the same way) by each row's block and by given blocks: what UTXO
   * exposure reads hop by hop (the whole transactions come from {@link Store.listTransfers} by hash).
   */
  getUtxoFlows(params: UtxoFlowsParameters): Promise<UtxoFlows>;
  /**
   * Transfer volume per chain and asset, and the part of it sent to or from an address holding a
   * label of one of `categories` valid at the transfer's time (exact sums).
   */
  getLabelledVolume(params: LabelledVolumeParameters): Promise<LabelledVolume>;
  /**
   * Stores a document of the API's own state (an API key's record, a case, a watchlist, an alert),
   * replacing the one of the same kind and id. One statement: it is stored whole or not at all.
   */
  putDocument(document: StoredDocumentInput): Promise<StoredDocument>;
  /** One document, or null. */
  getDocument(kind: string, id: string): Promise<StoredDocument | null>;
  /** Documents of one kind, newest first (by creation, then id). */
  listDocuments(filter: DocumentFilter): Promise<StoredDocument[]>;
  /** Removes a document; false when there was none. */
  deleteDocument(kind: string, id: string): Promise<boolean>;
  /** Appends entries to the audit log (who screened, traced, exported or changed what), in one statement. */
  appendAudit(entries: readonly AuditEntryInput[]): Promise<void>;
  /** Audit entries matching a filter, newest first. */
  listAudit(filter?: AuditFilter): Promise<AuditEntry[]>;
  /**
   * The clusters (src/cluster) that hold any of `addresses` on `chain`, by address: one indexed
   * lookup for the whole list. An address in no stored cluster is absent (a cluster of its own).
   */
  getClusters(chain: string, addresses: readonly string[]): Promise<Map<string, ClusterRef>>;
  /** The addresses of a cluster, first seen first, paged. */
  listClusterAddresses(chain: string, clusterId: string, page?: Page): Promise<string[]>;
  /**
   * The transactions that joined a cluster's addresses (the multi-input heuristic's evidence, one per
   * merge of clusters), in block and hash order, paged, and how many there are.
   */
  listClusterLinks(
    chain: string,
    clusterId: string,
    page?: Page,
  ): Promise<{ links: ClusterLink[]; total: number }>;
  /** The public labels of a cluster's addresses (every source, closed ones included), by address. */
  listClusterLabels(chain: string, clusterId: string): Promise<Label[]>;
  /** Merges refused because both sides carried public labels of different owners, touching a cluster. */
  listClusterRefusals(chain: string, clusterId: string): Promise<ClusterRefusal[]>;
  /** How far clusters are built on a chain (null: never built, or dropped by a reorg). */
  getClusterState(chain: string): Promise<ClusterState | null>;
  /**
   * The chains with stored clusters, sorted (kept in memory between writes): screening skips the
   * cluster lookup entirely on a store without any.
   */
  listClusterChains(): Promise<string[]>;
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
  /** The applied schema version. */
  getSchemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/** What one atomic write may add. Appends are buffered and only visible after the write commits. */
export interface StoreWriter {
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
  /**
   * Adds labels; one equal to an open label of the address (same category, entity, source, list) is
   * skipped. The store keeps one row per open label, held by the import that added it first; a later
   * import (this write's, see {@link StoreWriter.recordLabelImport}) that stages an equal one
   * carries it: while the label stays open, removing the holder's import hands it to the oldest
   * import still carrying it, as that import's own copy (its confidence, actor, dates). Closing a
   * label (delisted, no longer inferred) closes it for every import that carried it.
   */
  addLabels(labels: readonly Label[]): Promise<void>;
  /** Records the label list this write imports; the write's labels are tied to it. */
  recordLabelImport(record: LabelImportRecord): Promise<void>;
  /**
   * After this write's labels are in: closes (validTo = `validTo`) every open label of the sanctions
   * list `sanctionList` whose chain and address this write did not label under that list (delisted).
   */
  closeDelisted(params: { sanctionList: string; validTo: string }): Promise<void>;
  /**
   * Before this write's labels are in: closes (validTo = `validTo`) every open label of the label
   * imports of `format` that this write does not stage again (same chain, address, category, entity,
   * source and confidence). A rerun of an inference (e.g. inferred deposit addresses) closes what is
   * no longer inferred; labels of other formats are never touched.
   */
  closeNotRestaged(params: { format: string; validTo: string }): Promise<void>;
  /**
   * Before this write's labels are in: removes the label import `importId` and every label it holds
   * (a retired upload), rather than closing them: a closed label still counts for the days it was
   * open (screenings as of a past day, illicit-volume statistics), and a forged one never held. An
   * open label another import carries (see {@link addLabels}) stays, as that import's; what this
   * import carried is forgotten. All in the write's one transaction: a failed write changes nothing.
   * An import not stored removes nothing.
   */
  removeLabelImport(importId: number): Promise<void>;
  setCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /**
   * Removes every transfer, event and block of `chain` from `fromBlock` on (a chain reorganisation
   * orphaned them). Applied before this write's own rows, so re-ingested blocks replace the orphans.
   * Clusters built from any of those blocks (checkpoint {@link CLUSTER_STREAM} at or above
   * `fromBlock`) go with them, all of the chain's: a union cannot be undone, so the next build starts
   * over rather than keep addresses joined by orphaned transactions.
   */
  deleteFromBlock(chain: string, fromBlock: bigint): Promise<void>;
  /** Records an import in the import log (provenance of what was loaded). */
  recordImport(record: ImportRecord): Promise<void>;
  /**
   * Applies one step of a cluster build (src/cluster): new members, clusters renamed by a merge (their
   * addresses and links move to the surviving id), cluster sizes, links, refused merges and the build
   * state. Set the build's checkpoint (stream {@link CLUSTER_STREAM}) in the same write.
   */
  writeClusters(changes: ClusterChanges): Promise<void>;
  /** Removes every cluster of a chain, its links, refusals, state and checkpoint (a rebuild). */
  dropClusters(chain: string): Promise<void>;
}

/** Rows a write stored, and rows it skipped because their natural key was already stored. */
export type WriteSummary = {
  /**
   * False where the backend removes duplicates after the insert (ClickHouse, at merge or read
   * time): then the `…Written` counts are the rows sent and the `…Duplicate` counts 0, not exact.
   * Absent: exact.
   */
  duplicatesCounted?: boolean;
  transfersWritten: number;
  transfersDuplicate: number;
  eventsWritten: number;
  eventsDuplicate: number;
  labelsWritten: number;
  labelsDuplicate: number;
  /** Open labels this write closed (delisted). */
  labelsClosed: number;
  /**
   * Labels this write removed with their import ({@link StoreWriter.removeLabelImport}); one another
   * import carried is not counted: it stays, as that import's.
   */
  labelsRemoved: number;
  /** Daily prices this write stored ({@link StoreWriter.putPrices}), and of them those that replaced a stored day's. */
  pricesWritten: number;
  pricesReplaced: number;
};

/** Filter of {@link Store.listPrices}: one asset, optionally a range of days (`YYYY-MM-DD`, UTC). */
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

/**
 * One label of one address from one source. An address keeps every label it was given; nothing is
 * overwritten, and a delisted sanction is closed (`validTo`) rather than removed.
 */
export type Label = {
  chain: string;
  /** Canonical stored form of the address (see src/model/address.ts). */
  address: string;
  /** Who the address belongs to, e.g. `Binance`, `LAZARUS GROUP`. */
  entity: string | null;
  /** One of the taxonomy's categories (src/labels/taxonomy.ts). */
  category: string;
  /** The actor behind it, e.g. `lazarus-group`. */
  actor?: string | null | undefined;
  /** The actor's country, ISO 3166-1 alpha-2 (e.g. `KP`). */
  country?: string | null | undefined;
  /** Where the label comes from: a URL or a document reference. */
  source: string;
  /** 0-100, GraphSense's confidence scale (ownership 100 … heuristic 10). */
  confidence: number | null;
  /** The sanctions list when the label is a sanction, e.g. `OFAC SDN`. */
  sanctionList?: string | null | undefined;
  /** Sanctions programs, e.g. `DPRK3`, `CYBER2`. */
  programs?: readonly string[] | undefined;
  /** First and last day the label holds (`YYYY-MM-DD`); null = open. */
  validFrom?: string | null | undefined;
  validTo?: string | null | undefined;
  /** The label import it came from (set by the store). */
  importId?: number | null | undefined;
};

/** One imported label list: what, from where, of which date, with which hash. */
export type LabelImportRecord = {
  /** Importer, e.g. `ofac-xml`, `tagpack`, `csv`, `reference`. */
  format: string;
  /** File path or URL it was read from. */
  source: string;
  /** The list's own name, e.g. `OFAC SDN`. */
  listName: string | null;
  /** The list's publication date (`YYYY-MM-DD`), when it has one. */
  listDate: string | null;
  sha256: string | null;
};

/** A label import as stored, with what it added and closed. */
export type LabelImport = LabelImportRecord & {
  id: number;
  /** Labels it added, and those it took over from a removed import (see {@link StoreWriter.addLabels}). */
  labels: number;
  closed: number;
  importedAt: string;
};

/** Filters of {@link Store.listLabels}; all optional, combined with AND. */
export type LabelFilter = {
  chain?: string;
  address?: string;
  category?: string;
  sanctionList?: string;
  importId?: number;
  /** Only labels valid on this day (`YYYY-MM-DD`): opened on or before it and not closed before it. */
  validOn?: string;
  /** Only labels with no end (current ones). */
  open?: boolean;
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

/** Input of {@link Store.scanTransfers}. */
export type ScanTransfersParameters = {
  /** Only rows at or after this position (an index's watermark); default 0. */
  from?: number;
  /** Only rows before this position (a {@link Store.getTransferPosition} `next`); default all. */
  to?: number;
  /** Rows per batch at most (default 1,000,000). */
  batchRows?: number;
  /** Kinds left out (e.g. `fee`). */
  excludeKinds?: readonly TransferKind[];
};

/**
 * One batch of {@link Store.scanTransfers}: column `i` of every array is one transfer. Strings repeat
 * (chain, asset, kind) and are shared, not copied.
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
  /** The position to continue from after this batch. */
  next: number;
};

/** What {@link Store.getTransferPosition} returns. */
export type TransferPosition = {
  /** Row position after the last transfer stored. */
  next: number;
  /** Rows before `before` (or all rows). */
  rows: number;
};

/** An output of a UTXO transaction: its transaction and index. */
export type Outpoint = { txHash: string; index: number };

/** What {@link Store.getOutputs} gives for an outpoint: the address it pays and its amount. */
export type StoredOutput = { address: string | null; amount: bigint };

/** Filters of {@link Store.listEvents}; all optional, combined with AND. */
export type EventFilter = {
  chain?: string;
  txHash?: string;
  /** Only events of these transactions. */
  txHashes?: readonly string[];
  type?: ChainEventType;
  limit?: number;
};

/** Input of {@link Store.getCounterpartyFlows}. */
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

/** Input of {@link Store.getFlowTransfers}. */
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

/** Input of {@link Store.getUtxoFlows}. */
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

/** What {@link Store.getUtxoFlows} returns. */
export type UtxoFlows = {
  /** Per target with at least one transaction in its bound. */
  flows: UtxoAddressFlows[];
  /** Per `receivedAt` asked, in order: satoshis the address had received by the end of the block. */
  receivedAt: number[];
};

/** Input of {@link Store.getLabelledVolume}. */
export type LabelledVolumeParameters = {
  /** Label categories that make a transfer count (e.g. the illicit ones). */
  categories: readonly string[];
  /** Only these assets (chain + asset key); all when absent. */
  assets?: readonly { chain: string; asset: string }[];
  /**
   * `month`: one row per calendar month (UTC) of the transfers; `category` / `actor`: besides the
   * total, one row per category / actor of the matching labels; `chain` (default): per chain and asset.
   */
  by?: 'chain' | 'month' | 'category' | 'actor';
};

/** One row of {@link LabelledVolume}: a chain and asset, and a month or a category / actor. */
export type LabelledVolumeRow = {
  chain: string;
  asset: string;
  /** `YYYY-MM` (`unknown` for transfers without a time) when grouped by month, else null. */
  period: string | null;
  /** The category or actor (`(none)` for labels without an actor) of a per-group row; null on totals. */
  group: string | null;
  /** Raw units and count of every value transfer of the chain and asset (of the period). */
  volume: bigint;
  transfers: number;
  /** Raw units and count of those with a matching label on either side (of the group). */
  labelledVolume: bigint;
  labelledTransfers: number;
};

/** What {@link Store.getLabelledVolume} returns. */
export type LabelledVolume = {
  rows: LabelledVolumeRow[];
  /** Label imports whose labels matched at least one transfer (null: labels added without an import). */
  importIds: (number | null)[];
};

/** A document to store: its body is any JSON value. */
export type StoredDocumentInput = {
  /** What it is, e.g. `api_key`, `case`, `watchlist`, `alert`. */
  kind: string;
  id: string;
  /** The organisation it belongs to; null for the whole installation. */
  org: string | null;
  body: unknown;
};

/** A stored document with its times (ISO 8601, UTC). */
export type StoredDocument = StoredDocumentInput & { createdAt: string; updatedAt: string };

/** Filters of {@link Store.listDocuments}. */
export type DocumentFilter = {
  kind: string;
  org?: string | null;
  limit?: number;
  offset?: number;
};

/** What one audit entry records. */
export type AuditEntryInput = {
  /** The API key (its id, never the secret) or `cli`. */
  actor: string;
  /** The key's name and role when it acted (null: `cli`, anonymous, or a key without a name). */
  actorName?: string | null;
  actorRole?: string | null;
  org: string | null;
  /** E.g. `screen`, `trace.create`, `case.update`, `key.create`. */
  action: string;
  /** What it acted on: addresses, a trace or case id. */
  target: string | null;
  /** More about it (JSON). */
  detail?: unknown;
  requestId?: string | null;
  /** When it happened (ISO 8601); default: when it is stored. */
  time?: string;
};

/** An audit entry as stored. */
export type AuditEntry = Omit<AuditEntryInput, 'time' | 'actorName' | 'actorRole'> & {
  id: number;
  time: string;
  actorName: string | null;
  actorRole: string | null;
};

/** Filters of {@link Store.listAudit}; all optional. */
export type AuditFilter = {
  org?: string | null;
  actor?: string;
  action?: string;
  target?: string;
  limit?: number;
};

/** The checkpoint stream of cluster builds (src/cluster/build-clusters.ts). */
export const CLUSTER_STREAM = 'clusters';

/** Paging of list methods. */
export type Page = { limit?: number; offset?: number };

/**
 * A cluster: addresses the multi-input heuristic takes for one owner's (src/cluster). Its id is its
 * first-seen address; `seq` orders ids (a merge keeps the lower's).
 */
export type ClusterRef = {
  chain: string;
  id: string;
  /** Addresses in it. */
  size: number;
  /** When its id address was first clustered on its chain: 0, 1, 2… in block, transaction, input order. */
  seq: number;
};

/** A transaction that joined clusters: its first input's address, and how many clusters it joined. */
export type ClusterLink = {
  txHash: string;
  blockNumber: bigint;
  /** Its first clustered input's address. */
  address: string;
  /** Clusters (or lone addresses) it joined into one: 2 or more. */
  joined: number;
  /** Distinct input addresses it spent from. */
  inputs: number;
};

/** The public labels a side of a refused merge carried: category and entity pairs. */
export type OwnerLabel = { category: string; entity: string | null; address: string };

/** One side of a {@link ClusterRefusal}: an input address and the cluster it was in then. */
export type RefusalSide = { address: string; clusterId: string; labels: OwnerLabel[] };

/**
 * A merge the build refused: the transaction's inputs spanned clusters carrying public labels of
 * different owners (an exchange's and a mixer's), so none of its inputs were joined.
 */
export type ClusterRefusal = {
  txHash: string;
  blockNumber: bigint;
  sides: [RefusalSide, RefusalSide];
};

/** What {@link Store.getClusterState} returns. */
export type ClusterState = {
  chain: string;
  /** Last block clustered, and its hash when the store has the block. */
  blockNumber: bigint;
  blockHash: string | null;
  /** The `seq` the next newly clustered address gets. */
  nextSeq: number;
  /** UTXO transfers up to `blockNumber` when it was built (see {@link Store.countUtxoTransfers}). */
  utxoRows: number;
  clusters: number;
  addresses: number;
  /** Transactions left out as coinjoins, and merges refused, over the whole build. */
  coinjoins: number;
  refusals: number;
};

/** What {@link Store.getUtxoExtent} returns. */
export type UtxoExtent = { rows: number; firstBlock: bigint | null; lastBlock: bigint | null };

/** Input of {@link Store.scanUtxoTransactions}. */
export type ScanUtxoParameters = {
  chain: string;
  fromBlock: bigint;
  toBlock: bigint;
  /** Rows per batch, about (default 1,000,000). */
  batchRows?: number;
};

/**
 * One batch of {@link Store.scanUtxoTransactions}: row `i` of every column is one transfer. Rows of a
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

/** One step of a cluster build, as {@link StoreWriter.writeClusters} applies it. */
export type ClusterChanges = {
  chain: string;
  /** Addresses clustered for the first time, as columns: each one's cluster id and seq. */
  members: { address: string[]; clusterId: string[]; seq: number[] };
  /** Clusters merged into another: their addresses and links move to `to`; `from` no longer exists. */
  renames: { from: string; to: string }[];
  /** Clusters created or grown, as columns: their id, size and the seq of their id address. */
  clusters: { id: string[]; size: number[]; seq: number[] };
  /** Transactions that joined clusters, as columns (see {@link ClusterLink}), with their cluster id. */
  links: {
    txHash: string[];
    blockNumber: number[];
    address: string[];
    clusterId: string[];
    joined: number[];
    inputs: number[];
  };
  refusals: ClusterRefusal[];
  /** The build's state after this step (totals over the whole build). */
  state: {
    nextSeq: number;
    utxoRows: number;
    clusters: number;
    addresses: number;
    coinjoins: number;
    refusals: number;
  };
};
