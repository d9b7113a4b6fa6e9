/**
 * The investigation report's model: what src/report/build-report.ts makes of a trace result (and,
 * when a store is given, of the data it was computed from), and what the HTML renderer draws. Amounts
 * are raw units as integer strings (exact: summed as bigints), with the asset's symbol and decimals
 * when known, so a renderer formats them without rounding the figures a reader reconciles.
 */

import type { TraceParameters, TraceSeed } from '../trace/types.ts';

import type { ReportSection } from './sections.ts';

export type { ReportSection } from './sections.ts';

/** Raw units of one asset on one chain, with what is known to format it. */
export type ReportAmount = {
  chain: string;
  asset: string;
  /** Raw units, an integer string (never a double). */
  raw: string;
  symbol: string | null;
  decimals: number | null;
};

/** Where value ended, in the groups an incident is told by (the web UI's freeze list uses the same). */
export type ReportBucket =
  'exchanges' | 'bridged' | 'mixed' | 'held' | 'frozen' | 'other' | 'untraced';

/** One row of "where it is now": a bucket and an entity (or none), its amounts and share of the seed. */
export type WhereRow = {
  bucket: ReportBucket;
  category: string;
  entity: string | null;
  amounts: ReportAmount[];
  /** Of the seed's value (0-1), the trace's own figure. */
  share: number;
  /** Freezable (src/trace/freezable.ts). */
  freezable: boolean;
};

export type SummarySection = {
  direction: 'forward' | 'backward';
  seeds: readonly TraceSeed[];
  /** What was traced, per asset. */
  seedValue: ReportAmount[];
  /** The asset the shares were valued in, when the seed has several (null: could not be). */
  valuedIn: { chain: string; asset: string } | null;
  /** Traced value by bucket and entity, largest share first, then the untraced row. */
  where: WhereRow[];
  traced: number;
  untraced: number;
  untracedBy: { hopLimit: number; dust: number; conversion: number; fees: number };
  /** Exact sums of the freezable endpoints per asset; null for a backward trace. */
  freezable: { amounts: ReportAmount[]; share: number; services: number } | null;
  /** Unix seconds of the first and last traced transfer (null: the trace moved nothing). */
  firstTime: number | null;
  lastTime: number | null;
};

/** A transaction by which traced value reached a deposit address. */
export type ReportArrival = {
  txHash: string;
  /** Unix seconds. */
  time: number;
  /** Tainted raw units it brought. */
  amount: ReportAmount;
  explorerUrl: string | null;
};

/** One deposit address of a service and one asset that arrived there. */
export type FreezeDeposit = {
  chain: string;
  address: string;
  category: string;
  /** Labelled by a list, or inferred from its sweeps (with the evidence). */
  attribution:
    | { kind: 'labelled' }
    | { kind: 'inferred'; exchangeAddress: string; sweeps: string[]; confidence: number };
  amount: ReportAmount;
  share: number;
  arrivals: ReportArrival[];
};

/** A freeze request to one service: its deposit addresses and per-asset totals. */
export type FreezeRequest = {
  /** The entity, or the address itself when no list names one. */
  service: string;
  entity: string | null;
  totals: ReportAmount[];
  share: number;
  deposits: FreezeDeposit[];
};

export type MethodSection = {
  policy: TraceParameters['policy'];
  /** What the policy does and where it comes from. */
  policyText: string;
  direction: 'forward' | 'backward';
  /** Every parameter, with the value the engine used (defaults spelled out). */
  parameters: { name: string; value: string; meaning: string }[];
  /** The rules for swaps, bridges and CoinJoins, as the engine applies them. */
  rules: string[];
  /**
   * The same trace under every taint policy, side by side; null when not computed (no database, or
   * not asked for), with why in `comparisonNote`.
   */
  comparison: PolicyComparison[] | null;
  comparisonNote: string;
};

/** One taint policy's figures for the report's trace (shares of the seed's value, 0-1). */
export type PolicyComparison = {
  policy: TraceParameters['policy'];
  traced: number;
  untraced: number;
  /** Freezable share; null for a backward trace. */
  freezable: number | null;
  endpoints: number;
  /** The largest shares by endpoint category. */
  categories: { category: string; share: number }[];
};

/** One hop of an evidence path: the transfers between two consecutive addresses of the path. */
export type EvidenceHop = {
  from: string;
  to: string;
  transfers: {
    chain: string;
    txHash: string;
    time: number;
    hop: number;
    /** What the transfer moved, and the tainted part of it. */
    amount: ReportAmount;
    tainted: ReportAmount;
    explorerUrl: string | null;
  }[];
  /** Why a hop has no transfer of the trace: a bridge to another chain, or a gap (a discrepancy). */
  note: string | null;
};

export type EvidenceEndpoint = {
  chain: string;
  address: string;
  category: string;
  entity: string | null;
  finding: string;
  amount: ReportAmount;
  share: number;
  paths: EvidenceHop[][];
};

/** One check of the reconciliation and what it found. */
export type ReconciliationCheck = {
  name: string;
  ok: boolean;
  /** What was compared, with the figures; where it does not hold, where and by how much. */
  text: string;
};

export type Reconciliation = {
  /** True when every check holds. */
  ok: boolean;
  checks: ReconciliationCheck[];
  /** Per seed asset: seed = traced to endpoints + untraced (the remainder), exact. */
  assets: {
    seed: ReportAmount;
    traced: ReportAmount;
    untraced: ReportAmount;
    /** The engine's untraced share of this asset's seed, when the trace has one asset. */
    untracedShare: number | null;
  }[];
};

/** The data the trace was computed from, as far as the store records it. */
export type DataSection = {
  /** SHA-256 of the trace's canonical JSON (src/trace/export-trace.ts `traceToJson`). */
  traceSha256: string;
  /** Whether a store was read: without one the rest says what is unknown. */
  store: boolean;
  chains: {
    chain: string;
    name: string;
    firstBlock: string | null;
    lastBlock: string | null;
    firstTime: number | null;
    lastTime: number | null;
    transfers: number;
  }[];
  labelLists: {
    format: string;
    source: string;
    name: string | null;
    date: string | null;
    sha256: string | null;
    labels: number;
  }[];
  riskRules: { version: string; sha256: string } | null;
  chaintrail: { version: string; commit: string | null };
};

export type ReproductionSection = {
  /** The `chaintrail trace` command that regenerates the trace, or null with the reason. */
  command: string | null;
  reason: string | null;
  /** SHA-256 of the data section's canonical JSON. */
  dataSha256: string;
};

/** The case a report is of, when it was made from one (`chaintrail report <case id>`). */
export type ReportCase = {
  id: string;
  name: string;
  description: string | null;
  /** The name of the key that made the case (its id when the key has no name). */
  author: string;
  createdAt: string;
  traceId: string;
  notes: { author: string; time: string; text: string }[];
  /** The investigator's text per graph node (`<chain>:<address>`). */
  annotations: { node: string; text: string }[];
};

export type Report = {
  title: string;
  case: ReportCase | null;
  /** ISO 8601 UTC: when the report was made (not part of any hash). */
  generatedAt: string;
  omitted: ReportSection[];
  summary: SummarySection;
  freezeRequests: FreezeRequest[] | null;
  method: MethodSection;
  evidence: EvidenceEndpoint[];
  reconciliation: Reconciliation;
  data: DataSection;
  reproduction: ReproductionSection;
};
