// The API's answers as the UI reads them (see /docs for the full schemas).

export type Role = 'viewer' | 'screener' | 'investigator' | 'admin';
export type Me = { id: string; name: string | null; role: Role; org: string };
export type Asset = {
  chain: string;
  asset: string;
  symbol: string | null;
  decimals: number | null;
};

export type TaintPolicy = 'poison' | 'haircut' | 'fifo' | 'lifo' | 'tiho';

export type TraceJob = {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  phase: string | null;
  progress: number;
  createdAt: string;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
  parameters: unknown;
  counts: { endpoints: number; nodes: number; edges: number } | null;
};

export type TraceEndpoint = {
  chain: string;
  address: string;
  category: string;
  entity: string | null;
  asset: string;
  /** Raw units as a decimal string made from a double. */
  amount: string;
  share: number;
  finding: string;
  destination?: { chain: string; address: string };
  paths: string[][];
};
export type TraceNode = {
  id: string;
  chain: string;
  address: string;
  category: string | null;
  entity: string | null;
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
};
export type TraceResult = {
  parameters: { seeds: unknown[]; direction: string; policy: TaintPolicy; maxHops: number };
  endpoints: TraceEndpoint[];
  nodes: TraceNode[];
  edges: TraceEdge[];
  summary: {
    seedValue: { chain: string; asset: string; amount: string }[];
    valuedIn: { chain: string; asset: string } | null;
    traced: number;
    untraced: number;
    untracedBy: { hopLimit: number; dust: number; conversion: number; fees: number };
    byCategory: { category: string; entity: string | null; share: number }[];
    edgesVisited: number;
  };
};

export type CaseNote = {
  id: string;
  text: string;
  author: string;
  time: string;
  editedBy: string | null;
  editedAt: string | null;
};
export type InvestigationCase = {
  id: string;
  org: string;
  name: string;
  description: string | null;
  seeds: string[];
  graph: unknown;
  annotations: Record<string, string>;
  notes: CaseNote[];
  traceIds: string[];
  version: number;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
};
export type CaseSummary = Omit<InvestigationCase, 'graph' | 'annotations' | 'notes'> & {
  notes: number;
  annotations: number;
};
