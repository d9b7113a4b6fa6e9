// The API's answers as the UI reads them: the server's own types (type-only imports, erased from
// the bundle) in their JSON form, so a change on the server shows here as a type error.
import type { Alert as ServerAlert, WatchlistView } from '../../../src/api/alerts/types.ts';
import type {
  CaseNote as ServerCaseNote,
  CaseSummary as ServerCaseSummary,
  InvestigationCase as ServerCase,
} from '../../../src/api/cases/case-store.ts';
import type { Role as ServerRole } from '../../../src/api/auth/roles.ts';
import type { TraceJob as ServerTraceJob } from '../../../src/api/traces/trace-jobs.ts';
import type {
  ExposureSource as ServerExposureSource,
  FiredRule as ServerFiredRule,
  IndirectExposure as ServerIndirectExposure,
  LabelRef as ServerLabelRef,
  SanctionMatch as ServerSanctionMatch,
  ScreenResult as ServerScreenResult,
} from '../../../src/screen/types.ts';
import type { RiskLevel as ServerRiskLevel } from '../../../src/screen/risk-rules.ts';
import type { ChainEvent as ServerChainEvent } from '../../../src/model/events.ts';
import type { Transfer as ServerTransfer } from '../../../src/model/transfer.ts';
import type { PrivateLabelRef } from '../../../src/api/labels/private-screening.ts';
import type {
  CaseFinding as ServerCaseFinding,
  MarkFindingsResult as ServerMarkFindingsResult,
} from '../../../src/api/cases/case-findings.ts';
import type { CaseWatchResult as ServerCaseWatchResult } from '../../../src/api/cases/case-watch.ts';
import type { FollowedChain } from '../../../src/api/alerts/follow-status.ts';
import type { LabelFinding as ServerLabelFinding } from '../../../src/api/labels/finding-labels.ts';
import type { OrgClusterDescription } from '../../../src/api/clusters/describe-org-cluster.ts';

/**
 * A server value as JSON carries it (what `jsonSafe` in src/api/json.ts makes of it): bigints
 * become decimal strings, readonly arrays plain ones.
 */
export type Json<T> = T extends bigint
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

export type Role = ServerRole;
export type Me = { id: string; name: string | null; role: Role; org: string };
export type Asset = {
  chain: string;
  asset: string;
  symbol: string | null;
  decimals: number | null;
};

export type {
  TaintPolicy,
  TraceEdge,
  TraceEndpoint,
  TraceNode,
  TraceResult,
} from '../../../src/trace/types.ts';
export type TraceJob = Json<ServerTraceJob>;

export type CaseNote = ServerCaseNote;
export type InvestigationCase = Json<ServerCase>;
export type CaseSummary = Json<ServerCaseSummary>;

export type Alert = Json<ServerAlert>;
export type Watchlist = Json<WatchlistView>;

/** A marked address of a case (`GET /v1/cases/{id}/findings`). */
export type CaseFinding = Json<ServerCaseFinding>;
/** What `POST /v1/cases/{id}/findings` did. */
export type MarkFindingsResult = Json<ServerMarkFindingsResult>;
/** What `POST /v1/cases/{id}/watchlist` did. */
export type CaseWatchResult = Json<ServerCaseWatchResult>;
/** The case finding a label marks (on the organisation's own labels). */
export type LabelFinding = Json<ServerLabelFinding>;
/** `GET /v1/alerts/following`: whether the server follows a chain, so alerts can fire. */
export type Following = { following: boolean; chains: Json<FollowedChain>[] };

/** `GET /v1/clusters/{chain}/{address}`: an address's cluster as far as the chain's build goes. */
export type ClusterAnswer = Json<OrgClusterDescription>;

export type RiskLevel = ServerRiskLevel;
/** A label as screening reports it; the organisation's private ones carry `visibility`. */
export type LabelRef = Json<ServerLabelRef> & Partial<Pick<PrivateLabelRef, 'visibility'>>;
export type SanctionMatch = Json<ServerSanctionMatch>;
export type ExposureSource = Json<ServerExposureSource>;
export type IndirectExposure = Json<ServerIndirectExposure>;
export type FiredRule = Json<ServerFiredRule>;
export type ScreenResult = Json<ServerScreenResult>;

export type Transfer = Json<ServerTransfer>;
export type ChainEvent = Json<ServerChainEvent>;
