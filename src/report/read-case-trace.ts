import { listApiKeys } from '../api/auth/api-keys.ts';
import { caseTrace } from '../api/cases/case-trace.ts';
import { CASE_KIND, createCaseStore } from '../api/cases/case-store.ts';
import { TRACE_JOB_KIND, type TraceJob } from '../api/traces/trace-jobs.ts';
import { NotFoundError } from '../errors/base.ts';
import type { Store } from '../store/store.ts';
import type { TraceResult } from '../trace/types.ts';
import type { ReportCase } from './types.ts';

export type ReadCaseTraceParameters = {
  store: Store;
  caseId: string;
  /** Only a case of this organisation (the API's caller's); left out, any (the CLI's operator). */
  org?: string | undefined;
};
export type ReadCaseTraceReturnType = { trace: TraceResult; traceId: string; case: ReportCase };

/**
 * The trace a case's report is made of: the case's latest finished forward trace (as the case's
 * findings and watch use: src/api/cases/case-trace.ts), with the case's name, author (the name of
 * the key that made it), date, notes and annotations. The API reads a case of the caller's
 * organisation only; the CLI reads the database as its operator, whatever organisation.
 *
 * @example
 * const { trace, case: c } = await readCaseTrace({ store, caseId });
 */
export async function readCaseTrace({
  store,
  caseId,
  org: only,
}: ReadCaseTraceParameters): Promise<ReadCaseTraceReturnType> {
  const doc = await store.getDocument(CASE_KIND, caseId);
  const org = doc?.org ?? null;
  if (only !== undefined && org !== only)
    throw new NotFoundError(`No case ${caseId}`, { code: 'NOT_FOUND' });
  const cases = createCaseStore({ store, traceExists: () => Promise.resolve(true) });
  const c = org === null ? null : await cases.get(org, caseId);
  if (!c || org === null)
    throw new NotFoundError(`No case ${caseId} in this database`, {
      code: 'NOT_FOUND',
      details: 'Give a case id of this database (`--db`), or a trace file.',
    });
  const stored = async (id: string) => {
    const d = await store.getDocument(TRACE_JOB_KIND, id);
    return d && d.org === org ? (d.body as { job: TraceJob; result: TraceResult | null }) : null;
  };
  const found = await caseTrace(
    {
      get: async (id) => (await stored(id))?.job ?? null,
      result: async (id) => (await stored(id))?.result ?? null,
    },
    org,
    c,
    undefined,
  );
  if (!found)
    throw new NotFoundError(`Case ${caseId} ("${c.name}") has no finished forward trace`, {
      code: 'NOT_FOUND',
      details: 'Run a trace in the case (web UI or API), or give a trace file.',
    });
  const keys = new Map((await listApiKeys(store)).map((k) => [k.id, k.name]));
  const nameOf = (id: string) => keys.get(id) ?? id;
  return {
    trace: found.result,
    traceId: found.id,
    case: {
      id: c.id,
      name: c.name,
      description: c.description,
      author: nameOf(c.createdBy),
      createdAt: c.createdAt,
      traceId: found.id,
      notes: c.notes.map((n) => ({ author: nameOf(n.author), time: n.time, text: n.text })),
      annotations: Object.entries(c.annotations)
        .map(([node, text]) => ({ node, text }))
        .sort((a, b) => (a.node < b.node ? -1 : 1)),
    },
  };
}
