// Answers of the address, transaction and label routes as these pages read them. The OpenAPI
// document leaves several of them untyped (AnyJson); these follow src/api/routes/addresses.ts,
// src/api/routes/transactions.ts, src/screen/types.ts and src/model/events.ts.

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
  /** `private` (the organisation's own) or `public`. */
  visibility: string;
};

/** One page of `GET /v1/labels`. */
export type LabelPage = { labels: Label[]; total: number; limit: number; offset: number };

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

/** A transfer of value (a row of `GET …/transfers` and of a transaction). */
export type Transfer = {
  chain: string;
  blockNumber: string;
  blockTime: number | null;
  txHash: string;
  /** `log:<index>`, `call:<trace>`, `fee:burn`, `fee:tip`… */
  position: string;
  from: string | null;
  to: string | null;
  asset: string;
  /** Raw units, a decimal integer. */
  amount: string;
  kind: string;
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

/** A label as screening reports it. */
export type LabelRef = Omit<Label, 'chain' | 'address' | 'visibility'> & {
  importId: number | null;
  /** Set on the organisation's private labels. */
  visibility?: string;
};

export type RiskLevel = 'low' | 'medium' | 'high' | 'severe';

/** Value-weighted exposure of the address to one category, for one asset and direction. */
export type IndirectExposure = {
  direction: 'in' | 'out';
  category: string;
  members?: string[];
  asset: string;
  symbol: string | null;
  decimals: number | null;
  amount: string;
  total: string;
  share: number;
  /** `amount` split by hops: [0] from direct counterparties, [1] one hop further… */
  byHop: string[];
  sources: {
    address: string;
    labels: LabelRef[];
    hops: number;
    amount: string;
    path: string[];
  }[];
};

export type FiredRule = {
  rule: string;
  level: RiskLevel;
  reason: string;
  labels?: LabelRef[];
  exposure?: IndirectExposure;
};

/** `GET …/risk`: the screening of one address. */
export type RiskResult = {
  input: string;
  address: string;
  chain: string | null;
  error: string | null;
  sanctioned: boolean | null;
  formerlySanctioned: boolean | null;
  sanctions: {
    list: string;
    entity: string | null;
    programs: string[];
    validFrom: string | null;
    validTo: string | null;
    source: string;
  }[];
  labels: LabelRef[];
  exposure: {
    direct: { category: string; labels: LabelRef[] }[];
    indirect: IndirectExposure[] | null;
    hops: number;
    notes: string[];
  };
  riskLevel: RiskLevel | null;
  explanation: {
    fired: FiredRule[];
    rules: { version: string; sha256: string; source: string };
    asOf: string;
    labelSet: {
      importId: number | null;
      listName: string | null;
      listDate: string | null;
      source: string | null;
    }[];
  };
};

type EventBase = {
  chain: string;
  blockNumber: string;
  blockTime: number | null;
  txHash: string;
  position: string;
  /** The emitting contract. */
  contract: string;
};

/** A decoded event of a transaction (swap, wrap, bridge, freeze). */
export type ChainEvent =
  | (EventBase & {
      type: 'swap';
      protocol: string;
      account: string | null;
      recipient: string | null;
      assetIn: string | null;
      amountIn: string;
      assetOut: string | null;
      amountOut: string;
      tokenInIndex?: 0 | 1 | null;
    })
  | (EventBase & { type: 'wrap' | 'unwrap'; account: string; amount: string })
  | (EventBase & {
      type: 'bridge_deposit' | 'bridge_withdrawal';
      protocol: string;
      account: string | null;
      asset: string;
      amount: string;
      memo: string | null;
      counterparty: string | null;
    })
  | (EventBase & { type: 'freeze' | 'unfreeze'; account: string });

/** `GET /v1/transactions/:chain/:hash`. */
export type TransactionDetail = {
  chain: string;
  txHash: string;
  transfers: Transfer[];
  events: ChainEvent[];
};
