import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.ts';
import type { Store } from '../../store/store.ts';
import type { TraceParameters, TraceResult } from '../../trace/types.ts';
import { saveFinishedTrace, TRACE_JOB_KIND } from '../traces/trace-jobs.ts';
import { CASE_KIND, createCaseStore } from './case-store.ts';

/** The organisation the demo's case, trace and key belong to (that of keys made without `--org`). */
const DEMO_ORG = 'default';
/** Name of the key the demo makes for opening its case; older ones are revoked. */
export const DEMO_KEY_NAME = 'chaintrail demo (web UI)';
/** Who the audit trail says made the demo's case and trace. */
const DEMO_ACTOR_NAME = 'chaintrail demo';

/** Input of {@link saveTracedCase}. */
export type SaveTracedCaseParameters = {
  store: Store;
  name: string;
  description: string;
  /** Seeds as the API takes them (addresses, transaction hashes). */
  seeds: string[];
  parameters: TraceParameters;
  result: TraceResult;
  startedAt: Date;
};

/** What {@link saveTracedCase} made: the case, its trace job, and a key to open it with. */
export type SaveTracedCaseReturnType = {
  caseId: string;
  traceId: string;
  key: string;
  created: boolean;
};

/**
 * Stores a case named `name` holding a finished trace, for the web UI to open, and an investigator
 * key to open it with. A case of that name that exists already is kept (a rerun of the demo adds no
 * second one). The key is new on every call and the previous demo keys are revoked: only a key's
 * hash is stored, so an old one cannot be shown again.
 *
 * @example
 * const { caseId, key } = await saveTracedCase({ store, name: 'Simulated Bybit theft', … });
 */
export async function saveTracedCase(
  p: SaveTracedCaseParameters,
): Promise<SaveTracedCaseReturnType> {
  for (const k of await listApiKeys(p.store))
    if (k.name === DEMO_KEY_NAME && !k.revokedAt) await revokeApiKey(p.store, k.id);
  const { key, record } = await createApiKey({
    store: p.store,
    role: 'investigator',
    org: DEMO_ORG,
    name: DEMO_KEY_NAME,
  });
  const cases = createCaseStore({
    store: p.store,
    traceExists: async (id, org) => (await p.store.getDocument(TRACE_JOB_KIND, id))?.org === org,
  });
  const existing = (await p.store.listDocuments({ kind: CASE_KIND, org: DEMO_ORG, limit: 1000 }))
    .map((d) => ({ id: d.id, body: d.body as { name?: string; traceIds?: string[] } }))
    .find((d) => d.body.name === p.name);
  if (existing?.body.traceIds?.[0])
    return { caseId: existing.id, traceId: existing.body.traceIds[0], key, created: false };
  const job = await saveFinishedTrace({
    store: p.store,
    org: DEMO_ORG,
    createdBy: record.id,
    parameters: p.parameters,
    result: p.result,
    startedAt: p.startedAt,
  });
  const made = await cases.create(DEMO_ORG, record.id, {
    name: p.name,
    description: p.description,
    seeds: p.seeds,
    traceIds: [job.id],
  });
  // The case's trail starts with what made it: this command, not a key.
  const started = {
    seeds: p.seeds,
    direction: p.parameters.direction,
    policy: p.parameters.policy,
    maxHops: p.parameters.maxHops,
  };
  const actor = { actor: 'cli', actorName: DEMO_ACTOR_NAME, actorRole: null, org: DEMO_ORG };
  await p.store.appendAudit([
    { ...actor, action: 'trace.create', target: job.id, detail: { ...started, caseId: made.id } },
    { ...actor, action: 'case.create', target: made.id, detail: { name: p.name } },
    { ...actor, action: 'case.trace', target: made.id, detail: { traceId: job.id, ...started } },
  ]);
  return { caseId: made.id, traceId: job.id, key, created: true };
}
