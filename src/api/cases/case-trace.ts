import { ConflictError, UserError } from '../../errors/base.ts';
import type { TraceResult } from '../../trace/types.ts';
import type { TraceJobs } from '../traces/trace-jobs.ts';
import type { InvestigationCase } from './case-store.ts';

/**
 * The trace of a case that marking findings or watching what is held works from: the one named (it
 * must be one of the case's and done, else a 400 or 409 naming it), else the case's latest finished
 * forward trace (a backward trace speaks of sources, not of where the value went); null when the
 * case has none.
 *
 * @example
 * const trace = await caseTrace(ctx.traces, 'acme', c, undefined); // { id, result } or null
 */
export async function caseTrace(
  traces: Pick<TraceJobs, 'get' | 'result'>,
  org: string,
  c: InvestigationCase,
  traceId: string | undefined,
): Promise<{ id: string; result: TraceResult } | null> {
  if (traceId !== undefined) {
    if (!c.traceIds.includes(traceId))
      throw new UserError(`traceId: case ${c.id} does not refer to trace "${traceId}"`, {
        code: 'CASE_UNKNOWN_TRACE',
        details: "Give one of the case's traceIds, or leave it out for its latest forward trace.",
      });
    const job = await traces.get(traceId, org);
    if (!job || job.state !== 'done')
      throw new ConflictError(`Trace ${traceId} is ${job?.state ?? 'gone'}, not done`, {
        code: 'TRACE_NOT_DONE',
      });
    const result = await traces.result(traceId, org);
    return result ? { id: traceId, result } : null;
  }
  for (const id of [...c.traceIds].reverse()) {
    const job = await traces.get(id, org);
    if (job?.state !== 'done' || job.parameters.direction !== 'forward') continue;
    const result = await traces.result(id, org);
    if (result) return { id, result };
  }
  return null;
}
