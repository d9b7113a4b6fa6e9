import type { Label } from './label-store.ts';

/**
 * Clusters of UTXO addresses the multi-input heuristic takes for one owner (src/cluster): members,
 * the transactions that joined them, refused merges and how far the build got.
 *
 * Derived from the chain data and built step by step ({@link ClusterWriter.writeClusters}, each step
 * with its checkpoint in the same write). A union cannot be undone, so a reorg below the build's
 * checkpoint drops the chain's clusters whole and the next build starts over. A backend must
 * guarantee that a step is applied atomically with its checkpoint, and that a cluster's id is its
 * first-seen address with renames moving members and links to the surviving id.
 */
export interface ClusterStore {
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
}

/** What one atomic write may do to clusters (see {@link ClusterStore}). */
export interface ClusterWriter {
  /**
   * Applies one step of a cluster build (src/cluster): new members, clusters renamed by a merge (their
   * addresses and links move to the surviving id), cluster sizes, links, refused merges and the build
   * state. Set the build's checkpoint (stream {@link CLUSTER_STREAM}) in the same write.
   */
  writeClusters(changes: ClusterChanges): Promise<void>;
  /** Removes every cluster of a chain, its links, refusals, state and checkpoint (a rebuild). */
  dropClusters(chain: string): Promise<void>;
}

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

/** What {@link ClusterStore.getClusterState} returns. */
export type ClusterState = {
  chain: string;
  /** Last block clustered, and its hash when the store has the block. */
  blockNumber: bigint;
  blockHash: string | null;
  /** The `seq` the next newly clustered address gets. */
  nextSeq: number;
  /** UTXO transfers up to `blockNumber` when it was built (see {@link ChainStore.getUtxoExtent}). */
  utxoRows: number;
  clusters: number;
  addresses: number;
  /** Transactions left out as coinjoins, and merges refused, over the whole build. */
  coinjoins: number;
  refusals: number;
};

/** One step of a cluster build, as {@link ClusterWriter.writeClusters} applies it. */
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
