import type { ViaCluster } from '../cluster/via-cluster.ts';
import type { RiskLevel } from './risk-rules.ts';

/** One address to screen; `chain` is detected from the address's form when absent. */
export type ScreenInput = { address: string; chain?: string | null | undefined };

/** A label as screening reports it (the stored label without its chain and address). */
export type LabelRef = {
  category: string;
  entity: string | null;
  actor: string | null;
  country: string | null;
  source: string;
  confidence: number | null;
  sanctionList: string | null;
  programs: readonly string[];
  validFrom: string | null;
  validTo: string | null;
  /** The label import it came from: an `importId` of the explanation's `labelSet`. */
  importId: number | null;
  /**
   * Present (true) when the label is an inference from the transfers (e.g. an inferred exchange
   * deposit address), not an entry of a list: `source` names its evidence, `confidence` is the
   * inference's. Never a sanction.
   */
  inferred?: true | undefined;
  /**
   * Present when the label is another address's, reached through the screened address's cluster
   * (src/cluster/via-cluster.ts): confidence halved (at most 50), `source` prefixed `via cluster of
   * <address>: `. Never a sanction.
   */
  viaCluster?: ViaCluster | undefined;
};

/** A sanctions listing of the address. */
export type SanctionMatch = {
  list: string;
  entity: string | null;
  programs: readonly string[];
  validFrom: string | null;
  validTo: string | null;
  source: string;
  importId: number | null;
};

/**
 * One transfer that carried exposed value, in the direction money moved. Through a swap or wrap in
 * the transaction, `from` gave `asset` and `to` got `swappedTo` for it (`from` = `to` when an address
 * swapped its own funds).
 */
export type ExposureTransfer = {
  /** Hops from the screened address: 1 = the transfer to it (in) or from it (out). */
  hop: number;
  txHash: string;
  from: string;
  to: string;
  /** What `from` gave: `native` or a token contract. */
  asset: string;
  /** What `to` got for it, when the transaction converted it (AMM swap, WETH wrap or unwrap). */
  swappedTo?: string;
};

/** A labelled counterparty that value reached the address from (in) or went to (out). */
export type ExposureSource = {
  /** The labelled counterparty. */
  address: string;
  /** Its labels of the exposure's category. */
  labels: LabelRef[];
  /** Fewest hops at which value met it (1 = a direct counterparty). */
  hops: number;
  /** Raw units of the exposure's asset attributed to it. */
  amount: bigint;
  /**
   * The largest path value took, in the direction money moved: `[counterparty, …, address]` for
   * inflows, `[address, …, counterparty]` for outflows.
   */
  path: string[];
  /**
   * The transfers of that path, in the order money moved: on each hop the transfer that carried the
   * most of it, and the swaps it went through (one transfer per hop plus at most 3 swaps).
   */
  transfers: ExposureTransfer[];
};

/**
 * Value-weighted exposure of one address to one category, for one asset and direction.
 * `share` = `amount` / `total`, where `total` is what the address received (in) or sent (out) of the
 * asset and `amount` the part of it attributed to counterparties labelled `category`.
 */
export type IndirectExposure = {
  direction: 'in' | 'out';
  /** A category, or the name of a group of categories (`illicit`; see `members`). */
  category: string;
  /** For a group: its categories. A counterparty labelled in several of them counts once. */
  members?: string[];
  asset: string;
  symbol: string | null;
  decimals: number | null;
  amount: bigint;
  total: bigint;
  share: number;
  /** `amount` split by hops: `byHop[0]` came from direct counterparties, `byHop[1]` one hop further… */
  byHop: bigint[];
  /** The largest contributors, largest first. */
  sources: ExposureSource[];
};

/** The address's exposure to labelled categories. */
export type Exposure = {
  /** The address's own labels, by category. */
  direct: { category: string; labels: LabelRef[] }[];
  /** Through counterparties, up to `hops`; null when not computed (`hops` 0, invalid address, UTXO chain). */
  indirect: IndirectExposure[] | null;
  hops: number;
  /** Why indirect figures may be incomplete (counterparties or paths left out). */
  notes: string[];
};

/** A risk rule that fired, with what made it fire. */
export type FiredRule = {
  /** Rule id, or `sanctioned` / `formerly-sanctioned` for the built-in sanctions rules. */
  rule: string;
  level: RiskLevel;
  /** One line for people. */
  reason: string;
  /** Direct and sanctions rules: the labels that matched. */
  labels?: LabelRef[];
  /** Indirect rules: the exposure that crossed the threshold. */
  exposure?: IndirectExposure;
};

/** A label list the screening used: one stored label import. */
export type ListRef = {
  /** Null for labels written without an import record. */
  importId: number | null;
  format: string | null;
  listName: string | null;
  listDate: string | null;
  sha256: string | null;
  source: string | null;
};

/** How to reproduce and read a result. */
export type Explanation = {
  fired: FiredRule[];
  rules: { version: string; sha256: string; source: string };
  /** Labels counted are those valid on this day (`YYYY-MM-DD`). */
  asOf: string;
  /** Every label list loaded (the label set's version); labels point into it by `importId`. */
  labelSet: ListRef[];
};

/**
 * The address's listing on another chain of the same form: the key behind a `1…` address controls it
 * on Bitcoin, Bitcoin Cash and Bitcoin SV, and a `0x` key on every EVM chain, so a listing on one
 * is reported wherever the address is screened.
 */
export type ChainListing = {
  chain: string;
  /** Canonical form on that chain. */
  address: string;
  sanctioned: boolean;
  riskLevel: RiskLevel;
  sanctions: SanctionMatch[];
  attributions: LabelRef[];
};

/**
 * Why a result is for its chain: `given` by the caller; a `listing` of the address there (no chain
 * given); its `activity` (no chain given, and the only chain of its form where it has stored
 * transfers); or the `default` chain of its form (`0x…`: ethereum) when nothing points elsewhere.
 */
export type ChainChoice = 'given' | 'listing' | 'activity' | 'default';

/**
 * Where the store has seen the address move funds, among the chains of its form (every EVM chain for
 * a `0x` address; Bitcoin, Bitcoin Cash, Bitcoin SV and Litecoin for a legacy one).
 */
export type ChainActivity = {
  /** The address sent or received a stored transfer on the result's chain. */
  onChain: boolean;
  /** Other chains of its form on which it did, sorted. */
  seenOn: string[];
  chainFrom: ChainChoice;
  /**
   * One line for people: which chain was screened and why, e.g. `no chain given: anvil is the only
   * EVM chain where it has transfers`, or `no activity on ethereum; seen on anvil`.
   */
  note: string;
};

/** The screening of one address. */
export type ScreenResult = {
  /** The address as given. */
  input: string;
  /** Canonical form (EVM lowercase, bech32 lowercase, base58 as given); the input when invalid. */
  address: string;
  chain: string | null;
  /** Why the address could not be screened (invalid, unknown chain); null when screened. */
  error: string | null;
  /** On a sanctions list on `asOf`; null when not screened. */
  sanctioned: boolean | null;
  /** Once on a sanctions list, delisted before `asOf` (and not listed again). */
  formerlySanctioned: boolean | null;
  sanctions: SanctionMatch[];
  formerSanctions: SanctionMatch[];
  /** Labels that are not sanctions (who is behind the address, and what it is). */
  attributions: LabelRef[];
  /** Every label valid on `asOf`, sanctions included. */
  labels: LabelRef[];
  exposure: Exposure;
  riskLevel: RiskLevel | null;
  explanation: Explanation;
  /**
   * Other chains of the same address form whose lists have the address (empty when none). Without a
   * chain, `chain` is the most severe listing and these are the others; with a chain given, the
   * answer is for that chain and a listing here also fires `listed-on-other-chain`.
   */
  alsoListedOn: ChainListing[];
  /**
   * Where the address has stored transfers, and why it was screened on `chain`; null when it was
   * not screened (`error`) or not looked up (`Screener.screenDirect`, own labels only). With no
   * activity on `chain` but some on another chain of its form, `activity-elsewhere` fires: the
   * verdict is never the clean default.
   */
  activity: ChainActivity | null;
  /**
   * The cluster the multi-input heuristic put the address in (two addresses or more), when the
   * store has clusters of its chain; absent otherwise. Its other addresses' labels join `labels`
   * marked `viaCluster`.
   */
  cluster?: { id: string; size: number } | undefined;
};
