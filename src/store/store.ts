import type { AppStore } from './app-store.ts';
import type { ChainStore, ChainWriter } from './chain-store.ts';
import type { ClusterStore, ClusterWriter } from './cluster-store.ts';
import type { LabelStore, LabelWriter } from './label-store.ts';

export type * from './app-store.ts';
export type * from './chain-store.ts';
export type * from './cluster-store.ts';
export type * from './label-store.ts';
export { CLUSTER_STREAM } from './cluster-store.ts';

/**
 * The whole storage contract: what a backend (`duckdb/` now, `clickhouse/` later) implements, made of
 * narrow parts by what they hold, each in its own file with what a backend must guarantee for it:
 * - {@link ChainStore} (chain-store.ts): transfers, events, blocks, assets, prices, checkpoints:
 *   appended, rolled back on reorgs;
 * - {@link LabelStore} (label-store.ts): labels with validity windows and their imports: history,
 *   closed rather than overwritten;
 * - {@link ClusterStore} (cluster-store.ts): address clusters derived from the chain data;
 * - {@link AppStore} (app-store.ts): the API's documents (keys, cases, watchlists, alerts) and audit
 *   log: application state, shared by every API server, never touched by reorgs.
 *
 * Engines and services take the part they use (or a `Pick<Store, ...>`), not this whole interface.
 * No backend SQL lives outside its folder; `store.contract.ts` is the test suite every backend runs.
 *
 * Designed for a columnar, append-mostly store: writes are appends of batches keyed by natural keys
 * (transfers and events: chain + tx hash + position), never updates of single rows. A backend removes
 * duplicate keys itself, so writing the same data twice stores it once.
 */
export interface Store extends ChainStore, LabelStore, ClusterStore, AppStore {
  /** Where the store lives (a file path for DuckDB). */
  readonly location: string;
  /**
   * Where indexes derived from the store (the trace graph index) may be saved beside it: a path the
   * index's own suffix is appended to, or null when the store has no local directory (a server URL):
   * then nothing is saved and an index is built in memory when needed.
   */
  readonly indexLocation: string | null;

  /**
   * Runs `fn` as one atomic write: everything it wrote becomes visible together, or nothing does
   * (an exception, a crash or `kill -9` leaves the store as it was). Returns what was stored.
   */
  write(fn: (writer: StoreWriter) => Promise<void>): Promise<WriteSummary>;
  /** The applied schema version. */
  getSchemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/** What one atomic write may add. Appends are buffered and only visible after the write commits. */
export interface StoreWriter extends ChainWriter, LabelWriter, ClusterWriter {}

/** Rows a write stored, and rows it skipped because their natural key was already stored. */
export type WriteSummary = {
  /**
   * False where the backend removes duplicate transfers and events after the insert (ClickHouse, at
   * merge or read time): then `transfersWritten` and `eventsWritten` are the rows sent and
   * `transfersDuplicate` and `eventsDuplicate` 0, not exact. Absent: exact. Label and price counts
   * are exact on every backend.
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
