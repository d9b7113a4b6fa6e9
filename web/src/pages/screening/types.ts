// The answer of `POST /v1/screen` as the screening page reads it (see /docs for the full schema).

export type {
  FiredRule,
  IndirectExposure,
  LabelRef as ScreenLabel,
  RiskLevel,
  SanctionMatch,
  ScreenResult,
} from '../../api/types.ts';
import type { ScreenResult } from '../../api/types.ts';

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
