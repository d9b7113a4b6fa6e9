/**
 * Shared shapes of the trace engine: the in-memory graph index (src/trace/graph-index.ts builds it),
 * what a trace is asked (TraceParameters) and what it answers (TraceResult). The index is columnar
 * typed arrays so a traversal touches numbers only; addresses and assets are interned to ids.
 */

import type { FreezableSummary } from './freezable.ts';

/** Kinds of node in the index: an account (address), or a UTXO transaction joining its inputs and outputs. */
export const NODE_ACCOUNT = 0;
export const NODE_UTXO_TX = 1;
/** Where a chain's gas fees go (one node per chain): value that arrives there is spent. */
export const NODE_FEE_SINK = 2;
/** The fee sink's name in the node table: no address or transaction hash looks like it. */
export const FEE_SINK_NAME = '(fees)';

/**
 * The transfer graph of a store, as typed arrays. Edges are numbered in time order (ties keep the
 * store's order: block, transaction, position), so a trace is one sweep over the edge ids.
 *
 * A vertex is a *slot*: one asset at one node (`slotNode[s]`, `slotAsset[s]`), because taint and
 * balances are per asset. Edge `e` moves `amount[e]` from slot `srcSlot[e]` to slot `dstSlot[e]`
 * (same asset) at `time[e]` (Unix seconds), in transaction `tx[e]`. Per edge that is 24 bytes, and
 * 8 per slot; there are no adjacency lists: the sweep does not need them (traceReach's traversal
 * builds one beside the index on first use: src/trace/slot-adjacency.ts).
 *
 * UTXO transactions (Bitcoin) become a node of kind NODE_UTXO_TX: inputs are edges address -> tx node,
 * outputs tx node -> address, so value is followed through many-in/many-out transactions.
 * Swaps and wraps are not edges: `conversions` lists them per transaction.
 */
export type GraphIndex = {
  nodeCount: number;
  edgeCount: number;
  slotCount: number;
  /** Per node: NODE_ACCOUNT, NODE_UTXO_TX or NODE_FEE_SINK. */
  nodeKind: Uint8Array;
  /** Per slot: its node and interned asset id (see `assets`). */
  slotNode: Uint32Array;
  slotAsset: Uint32Array;
  /** Per edge: the slot value leaves and the slot it reaches. */
  srcSlot: Uint32Array;
  dstSlot: Uint32Array;
  /** Value in raw units, as a double (about 15 significant digits; exact sums come from the store). */
  amount: Float64Array;
  /** Non-decreasing in the edge id. */
  time: Uint32Array;
  /** Interned transaction id (see `txHashes`). */
  tx: Uint32Array;
  /** Node id -> `chain` and canonical address (for a UTXO tx node: its tx hash). */
  node(id: number): { chain: string; address: string };
  /** Canonical address -> node id, or undefined. */
  nodeId(chain: string, address: string): number | undefined;
  /** Asset id -> `chain` and asset (`native` or token contract). */
  assetOf(id: number): { chain: string; asset: string };
  assetId(chain: string, asset: string): number | undefined;
  txHash(id: number): string;
  txId(chain: string, hash: string): number | undefined;
  /** Swaps and wraps by transaction id: taint moves from `assetIn` to `assetOut` in proportion. */
  conversions: ReadonlyMap<number, readonly Conversion[]>;
  /**
   * The store's transfer cursor this index covers and their generation then (see
   * ChainStore.getTransferCursor): same generation, extended from the cursor; another, rebuilt.
   * A null cursor: not built from a store.
   */
  watermark: { cursor: string | null; generation: number };
  /** Bytes held by the typed arrays, for the "bytes per transfer" figure. */
  byteLength(): number;
};

/** An asset conversion inside one transaction (AMM swap, WETH wrap/unwrap). */
export type Conversion = {
  kind: 'swap' | 'wrap' | 'unwrap';
  /** Who gave `assetIn` (the swapper or wrapper) and who got `assetOut`. */
  account: number;
  recipient: number;
  assetIn: number;
  amountIn: number;
  assetOut: number;
  amountOut: number;
};

/** How taint is assigned when tainted and clean value mix at an address. */
export type TaintPolicy = 'poison' | 'haircut' | 'fifo' | 'lifo' | 'tiho';

/**
 * Where a trace starts: an address (forward: everything it passes on in the window, whatever it held
 * or received; backward: everything it received), a transaction, or one transfer.
 */
export type TraceSeed =
  | { kind: 'address'; chain: string; address: string }
  | { kind: 'tx'; chain: string; txHash: string }
  | { kind: 'transfer'; chain: string; txHash: string; position: string };

export type TraceParameters = {
  seeds: readonly TraceSeed[];
  direction: 'forward' | 'backward';
  policy: TaintPolicy;
  /** Hops from the seed (default 10). */
  maxHops?: number | undefined;
  /** Edges carrying less tainted value than this (raw units of their asset) are not followed. */
  minValue?: number | undefined;
  /** Unix seconds: only transfers in [since, until]. */
  since?: number | undefined;
  until?: number | undefined;
  /**
   * Go on through detected CoinJoins (the policy splits what enters one over its outputs, as at any
   * UTXO transaction) instead of ending there, "entered CoinJoin (Whirlpool)" (default false).
   */
  throughCoinJoins?: boolean | undefined;
};

/** What a trace found at one place the value stopped. */
export type TraceEndpoint = {
  chain: string;
  address: string;
  /**
   * Why it stopped: a label's category (exchange, deposit_wallet, mixer, bridge, …), or `unspent`
   * (`frozen` when the token's issuer froze it; backward: `origin`).
   */
  category: string;
  entity: string | null;
  asset: string;
  /** Tainted value that ended here, raw units as a decimal string (from a double). */
  amount: string;
  /** Of the seed's value (0-1), in the seed's asset terms after conversions. */
  share: number;
  /** e.g. "arrived at Binance: freezable", "entered Tornado Cash", "bridged to bitcoin bc1q…". */
  finding: string;
  /** Destination on another chain (bridges, THORChain memos). */
  destination?: { chain: string; address: string } | undefined;
  /**
   * An exchange deposit address no list names, inferred from its sweeps to the exchange's labelled
   * address (src/trace/infer-deposits.ts): that address, the sweep transactions (largest first) and
   * the inference's confidence (0-100, GraphSense's scale).
   */
  inferred?: { exchangeAddress: string; sweeps: string[]; confidence: number } | undefined;
  /**
   * Backward, at a bridge's payout (THORChain `OUT:<hash>`): the inbound deposit it answered, with
   * its chain when the store holds it (null: a chain the store does not hold). When the store holds
   * it, the trace goes on from there instead of ending here.
   */
  bridgedFrom?: { txHash: string; chain: string | null } | undefined;
  /**
   * Addresses of the same service the value passed within one transaction before it rested at
   * `address` (e.g. a bridge's inbox before its bridge contract; a THORChain router before its vault).
   */
  via?: string[] | undefined;
  /** Paths (node address lists) that are its evidence, strongest first. */
  paths: string[][];
};

export type TraceNode = {
  id: string;
  chain: string;
  /** The address; for a UTXO transaction node, the transaction's hash. */
  address: string;
  category: string | null;
  entity: string | null;
  /**
   * `utxo_tx`: a Bitcoin-family transaction (inputs flow into it, outputs out of it), not an
   * address. Left out for addresses, and in results stored before it was set.
   */
  kind?: 'utxo_tx' | undefined;
};

export type TraceEdge = {
  from: string;
  to: string;
  txHash: string;
  asset: string;
  amount: string;
  tainted: string;
  hop: number;
  time: number;
  /**
   * The exchange sweeping an inferred deposit address the value stopped at: evidence of where the
   * coins went, not a further hop of the trace.
   */
  sweep?: boolean | undefined;
};

export type TraceResult = {
  parameters: TraceParameters;
  endpoints: TraceEndpoint[];
  nodes: TraceNode[];
  edges: TraceEdge[];
  summary: {
    /** Seed value per asset (raw units, decimal strings). */
    seedValue: { chain: string; asset: string; amount: string }[];
    /**
     * The asset the seed's assets were valued in (at the index's swap and wrap rates) to weigh
     * them; null when they could not be, and each asset counted for an equal part.
     */
    valuedIn: { chain: string; asset: string } | null;
    /** Share of the seed value traced to endpoints, and not (see untracedBy): they add up to 1. */
    traced: number;
    untraced: number;
    /** The untraced share by cause: hop limit, dust (minValue), unresolvable conversions, gas fees. */
    untracedBy: { hopLimit: number; dust: number; conversion: number; fees: number };
    /** Traced value by category and entity. */
    byCategory: { category: string; entity: string | null; share: number }[];
    /**
     * What can be frozen (src/trace/freezable.ts: exchanges, their deposit and hot wallets, OTC
     * desks, instant exchanges); null for a backward trace. Results stored before it existed lack it.
     */
    freezable?: FreezableSummary | null | undefined;
    /**
     * Edges the sweep went through: only in results stored before it left the result. It is how the
     * trace was computed, not what it found (a subgraph holds fewer edges than the whole index for
     * the same result), so the same trace gives the same bytes on every backend; the count is
     * `sweepTrace`'s (`TraceRun.edgesVisited`).
     */
    edgesVisited?: number | undefined;
  };
};

/** One sweep that is evidence of an inferred deposit address: the transfer to the exchange. */
export type SweepEvidence = { txHash: string; time: number; amount: number; asset: string };

/**
 * Why a label was inferred rather than read from a list (src/trace/infer-deposits.ts): the labelled
 * exchange address it sweeps to, the sweeps (largest first) and the inference's confidence (0-100).
 */
export type InferredLabelEvidence = {
  exchangeAddress: string;
  sweeps: SweepEvidence[];
  confidence: number;
};

/** Labels the trace stops at (services) or names (nodes): category and entity of an address. */
export type EndpointLabels = {
  lookup(
    chain: string,
    address: string,
  ): {
    category: string;
    entity: string | null;
    /** Set when the label is an inference (no list names the address), with its evidence. */
    inferred?: InferredLabelEvidence | undefined;
  } | null;
  /**
   * Visits every labelled address, when the labels can list them: a trace then looks up only the
   * nodes that have a label (one pass over the labels) instead of every node it reaches.
   */
  each?: ((visit: (chain: string, address: string) => void) => void) | undefined;
};

/**
 * The trace operation (src/trace/trace-funds.ts).
 *
 * @example
 * const result = traceFunds({ index, labels, seeds, direction: 'forward', policy: 'haircut' });
 */
export type TraceFunds = (
  parameters: TraceParameters & { index: GraphIndex; labels: EndpointLabels },
) => TraceResult;
