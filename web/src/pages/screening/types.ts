// The answer of `POST /v1/screen` as the screening page reads it (see /docs for the full schema).

/** A label as screening reports it. */
export type ScreenLabel = {
  category: string;
  entity: string | null;
  actor: string | null;
  country: string | null;
  source: string;
  confidence: number | null;
  sanctionList: string | null;
  programs: string[];
  validFrom: string | null;
  validTo: string | null;
  importId: number | null;
  /** A private label: its organisation. */
  visibility?: string;
};

/** An entry of a sanctions list the address is (or was) on. */
export type SanctionMatch = {
  list: string;
  entity: string | null;
  programs: string[];
  validFrom: string | null;
  validTo: string | null;
  source: string;
  importId: number | null;
};

/** Exposure to a labelled category through counterparties (`hops` > 0, account chains only). */
export type IndirectExposure = {
  direction: 'in' | 'out';
  category: string;
  asset: string;
  symbol: string | null;
  decimals: number | null;
  /** Raw units, a decimal integer string. */
  amount: string;
  total: string;
  share: number;
};

export type FiredRule = {
  rule: string;
  level: string;
  reason: string;
  labels?: ScreenLabel[];
};

export type RiskLevel = 'low' | 'medium' | 'high' | 'severe';

/** The screening of one input; `error` set (and the verdicts null) when it is not a valid address. */
export type ScreenResult = {
  input: string;
  address: string;
  chain: string | null;
  error: string | null;
  sanctioned: boolean | null;
  formerlySanctioned: boolean | null;
  riskLevel: RiskLevel | null;
  sanctions: SanctionMatch[];
  formerSanctions: SanctionMatch[];
  attributions: ScreenLabel[];
  labels: ScreenLabel[];
  exposure: {
    direct: { category: string; labels: ScreenLabel[] }[];
    indirect: IndirectExposure[] | null;
    hops: number;
    notes: string[];
  };
  explanation: { fired: FiredRule[] };
};

/** The whole answer: the results, and what they were judged by (for the audit file). */
export type ScreenResponse = {
  results: ScreenResult[];
  rules: string;
  rulesSha256: string;
  asOf: string;
  labelSetId: string;
};

/** The body of `POST /v1/screen`. */
export type ScreenRequest = {
  addresses: string[];
  chain?: string;
  hops?: number;
};
