// Answers of the address, transaction and label routes as these pages read them. The OpenAPI
// document leaves several of them untyped (AnyJson); these follow src/api/routes/addresses.ts,
// src/api/routes/transactions.ts; screening results, transfers and events are the server's own
// types (web/src/api/types.ts).
import type { UtxoFieldValues } from '../../../../src/api/transactions/utxo-fields.ts';
import type { ChainEvent, LabelFinding, ScreenResult, Transfer } from '../../api/types.ts';

export type {
  ChainEvent,
  FiredRule,
  IndirectExposure,
  LabelRef,
  RiskLevel,
  Transfer,
} from '../../api/types.ts';

/** A stored label as `GET /v1/labels` and `GET /v1/addresses/…/labels` give it. */
export type Label = {
  chain: string;
  address: string;
  entity: string | null;
  category: string;
  actor: string | null;
  country: string | null;
  source: string;
  confidence: number | null;
  sanctionList: string | null;
  programs: string[];
  validFrom: string | null;
  validTo: string | null;
  /** `public`, or the organisation whose own label it is. */
  visibility: string;
  /** On the organisation's label marking a case's finding: the case and the address's role. */
  finding?: LabelFinding;
};

/** One page of `GET /v1/labels`. */
export type LabelPage = {
  labels: Label[];
  total: number;
  limit: number;
  offset: number;
  /** The entities of every match, most addresses first (src/api/labels/label-search.ts). */
  entities?: EntityProfile[];
};

/** Everything the matching labels say about one entity, with its addresses. */
export type EntityProfile = {
  entity: string;
  actors: string[];
  countries: string[];
  categories: string[];
  sanctionLists: string[];
  chains: string[];
  addressCount: number;
  addresses: { chain: string; address: string; category: string }[];
  private: boolean;
};

/** `GET /v1/addresses/:chain/:address`: totals per asset, first and last seen, labels. */
export type AddressSummary = {
  chain: string;
  address: string;
  transfers: number;
  firstSeen: { blockNumber: string; time: number | null } | null;
  lastSeen: { blockNumber: string; time: number | null } | null;
  assets: {
    asset: string;
    symbol: string | null;
    decimals: number | null;
    received: string;
    sent: string;
    transfersIn: number;
    transfersOut: number;
  }[];
  counterparties: {
    address: string;
    transfers: number;
    assets: { asset: string; sent: string; received: string }[];
  }[];
  labels: Label[];
};

export type TransferPage = { transfers: Transfer[]; limit: number; offset: number };

/** `GET …/counterparties`: per asset, who received from (out) or sent to (in) the address. */
export type CounterpartyFlows = {
  chain: string;
  address: string;
  direction: 'in' | 'out';
  assets: {
    address: string;
    asset: string;
    /** Everything the address sent (out) or received (in) of the asset, raw units. */
    total: string;
    /** How many counterparties there are in all (flows holds the largest of them). */
    counterparties: number;
    flows: { counterparty: string; amount: string; transfers: number }[];
  }[];
};

/** `GET …/risk`: the screening of one address. */
export type RiskResult = ScreenResult;

/** `GET /v1/transactions/:chain/:hash`; on a UTXO chain (Bitcoin) with its inputs and outputs. */
export type TransactionDetail = {
  chain: string;
  txHash: string;
  transfers: Transfer[];
  events: ChainEvent[];
  /** Who is behind its addresses: the organisation's private label first, else a public one. */
  names?: Record<string, { entity: string | null; category: string; private: boolean }>;
} & Partial<UtxoFieldValues>;

/** A transaction of a UTXO chain: the API gave its inputs and outputs. */
export type UtxoTransactionDetail = TransactionDetail & UtxoFieldValues;
