import { ConflictError } from '../../errors/base.ts';
import { type Static, Type } from 'typebox';
import { parseTimestamp } from '../../model/time.ts';
import { traceToCsv, traceToGraphml, traceToJson } from '../../trace/export-trace.ts';
import { parseSeed } from '../../trace/parse-seed.ts';
import { TAINT_POLICIES } from '../../trace/trace-funds.ts';
import type { TaintPolicy, TraceParameters } from '../../trace/types.ts';
import { valueStoredTrace } from '../../trace/value-stored-trace.ts';
import type { ApiApp } from '../app.ts';
import { createCaseStore } from '../cases/case-store.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { AnyJson, ChainParam, withErrors } from '../schemas.ts';
import { openSse } from '../sse.ts';
import type { TraceJob } from '../traces/trace-jobs.ts';

/** Most seeds of one trace. */
const MAX_TRACE_SEEDS = 1000;
/** Most hops a trace may follow. */
const MAX_TRACE_HOPS = 100;

const CreateBody = Type.Object(
  {
    seeds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      minItems: 1,
      maxItems: MAX_TRACE_SEEDS,
      description:
        'Addresses, transaction hashes, or `<tx hash>:<position>` for single transfers (as `chaintrail trace`)',
    }),
    chain: Type.Optional(ChainParam),
    direction: Type.Optional(
      Type.Union([Type.Literal('forward'), Type.Literal('backward')], { default: 'forward' }),
    ),
    policy: Type.Optional(
      Type.Union(
        TAINT_POLICIES.map((p) => Type.Literal(p)),
        { default: 'haircut' },
      ),
    ),
    maxHops: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TRACE_HOPS, default: 10 })),
    minValue: Type.Optional(Type.Number({ minimum: 0, description: 'Dust limit, raw units' })),
    throughCoinJoins: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Go on through detected CoinJoins (Whirlpool, Wasabi, JoinMarket, …), splitting the value over their outputs, instead of ending there ("entered CoinJoin (Whirlpool)")',
      }),
    ),
    since: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    until: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    caseId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          "The case the trace is run for: the start is recorded in the case's audit trail (404 when the organisation has no such case)",
      }),
    ),
  },
  { additionalProperties: false },
);

const JobSchema = Type.Object({
  id: Type.String(),
  org: Type.String(),
  createdBy: Type.String(),
  state: Type.String(),
  phase: Type.Union([Type.String(), Type.Null()]),
  progress: Type.Number(),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  parameters: AnyJson,
  counts: Type.Union([
    Type.Object({ endpoints: Type.Integer(), nodes: Type.Integer(), edges: Type.Integer() }),
    Type.Null(),
  ]),
});

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const Usd = Type.Union([Type.Number(), Type.Null()], {
  description: 'US dollars; null when nothing of it had a price',
});
const ValuedPart = Type.Object({
  usd: Usd,
  pricedShare: Type.Number({ description: 'Of its value (0-1), the part that had a price' }),
});
/** `GET /v1/traces/{id}/valuation` (src/trace/value-trace.ts, TraceValuation). */
const ValuationSchema = Type.Object({
  currency: Type.Literal('USD'),
  stolen: ValuedPart,
  freezable: Type.Union([ValuedPart, Type.Null()], { description: 'null for a backward trace' }),
  endpoints: Type.Array(Type.Object({ usd: Usd }), {
    description: "Same order and length as the result's endpoints",
  }),
  sources: Type.Array(
    Type.Object({
      chain: Type.String(),
      asset: Type.String(),
      source: Type.String({ description: 'Where the prices came from (file and hash, feed)' }),
      from: Type.String({ description: 'First day of the prices used (YYYY-MM-DD)' }),
      to: Type.String(),
      days: Type.Integer(),
    }),
    { description: 'The price rows used' },
  ),
  unpriced: Type.Array(Type.Object({ chain: Type.String(), asset: Type.String() }), {
    description: 'Assets of the trace with no price near their transfers',
  }),
});

/**
 * Trace jobs: `POST /v1/traces` starts one (202 with its id); its status, result (JSON, CSV or
 * GraphML), a Server-Sent Events progress stream, and cancel.
 */
export function registerTraceRoutes(app: ApiApp, ctx: ApiContext): void {
  const tags = ['traces'];
  const cases = createCaseStore({
    store: ctx.store,
    traceExists: async (id, org) => (await ctx.traces.get(id, org)) !== null,
  });
  const jobOf = async (request: { params: unknown; apiKey: { org: string } | null }) => {
    const { id } = request.params as { id: string };
    const job = await ctx.traces.get(id, request.apiKey!.org);
    if (!job) throw notFound('trace', id);
    return job;
  };
  /** The result of the request's trace: 404 for another organisation's, 409 until it is done. */
  const doneResultOf = async (request: { params: unknown; apiKey: { org: string } | null }) => {
    const job = await jobOf(request);
    if (job.state !== 'done')
      throw new ConflictError(`Trace ${job.id} is ${job.state}, not done`, {
        code: 'TRACE_NOT_DONE',
      });
    const result = await ctx.traces.result(job.id, request.apiKey!.org);
    if (!result) throw notFound('trace result', job.id);
    return { job, result };
  };

  app.post(
    '/v1/traces',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary: 'Start a trace; poll its status or follow its events',
        body: CreateBody,
        response: withErrors({ 202: JobSchema }),
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof CreateBody>;
      const org = request.apiKey!.org;
      if (body.caseId !== undefined && !(await cases.get(org, body.caseId)))
        throw notFound('case', body.caseId);
      const parameters: TraceParameters = {
        seeds: body.seeds.map((s) => parseSeed(s, body.chain)),
        direction: body.direction ?? 'forward',
        policy: (body.policy ?? 'haircut') as TaintPolicy,
        maxHops: body.maxHops ?? 10,
        ...(body.minValue !== undefined ? { minValue: body.minValue } : {}),
        ...(body.throughCoinJoins ? { throughCoinJoins: true } : {}),
        ...(body.since !== undefined ? { since: parseTimestamp(body.since) } : {}),
        ...(body.until !== undefined ? { until: parseTimestamp(body.until) } : {}),
      };
      // Over the key's or organisation's cap: TraceQueueFullError, a LimitedError (429).
      const job: TraceJob = ctx.traces.create({
        parameters,
        org: request.apiKey!.org,
        createdBy: request.apiKey!.id,
      });
      const started = {
        seeds: body.seeds,
        direction: parameters.direction,
        policy: parameters.policy,
        maxHops: parameters.maxHops,
      };
      ctx.audit.record(request, 'trace.create', job.id, {
        ...started,
        ...(body.caseId !== undefined ? { caseId: body.caseId } : {}),
      });
      // In the case's own trail, whether or not the case is saved with the trace afterwards.
      if (body.caseId !== undefined)
        ctx.audit.record(request, 'case.trace', body.caseId, { traceId: job.id, ...started });
      return reply.code(202).header('location', `/v1/traces/${job.id}`).send(job);
    },
  );

  app.get(
    '/v1/traces',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The organisation's trace jobs, newest first",
        response: withErrors({ 200: Type.Object({ traces: Type.Array(JobSchema) }) }),
      },
    },
    async (request) => ({ traces: await ctx.traces.list(request.apiKey!.org) }),
  );

  app.get(
    '/v1/traces/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Status and progress of a trace',
        params: IdParams,
        response: withErrors({ 200: JobSchema }, [404]),
      },
    },
    async (request) => jobOf(request),
  );

  app.get(
    '/v1/traces/:id/result',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'The result of a done trace: JSON (default), CSV of its edges, or GraphML',
        params: IdParams,
        querystring: Type.Object(
          {
            format: Type.Optional(
              Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('graphml')], {
                default: 'json',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: AnyJson }, [404, 409]),
      },
    },
    async (request, reply) => {
      const { job, result } = await doneResultOf(request);
      const format = (request.query as { format?: string }).format ?? 'json';
      // Viewing a result is a read (once per key and trace in a while); a CSV or GraphML file is
      // an export, each one recorded.
      if (format === 'json') ctx.audit.recordRead(request, 'trace.read', job.id, { format });
      else ctx.audit.record(request, 'trace.export', job.id, { format });
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(traceToCsv(result));
      if (format === 'graphml')
        return reply.type('application/graphml+xml; charset=utf-8').send(traceToGraphml(result));
      return reply.type('application/json; charset=utf-8').send(traceToJson(result));
    },
  );

  app.get(
    '/v1/traces/:id/valuation',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          "A done trace's amounts in USD at transfer time, from the daily prices imported (chaintrail import prices): stolen, freezable, per endpoint, with the price sources used and the assets left unpriced",
        params: IdParams,
        response: withErrors({ 200: ValuationSchema }, [404, 409]),
      },
    },
    async (request) => {
      const { job, result } = await doneResultOf(request);
      // Looking at a trace's figures is reading it, once per key and trace in a while.
      ctx.audit.recordRead(request, 'trace.valuation.read', job.id);
      return valueStoredTrace({ store: ctx.store, result });
    },
  );

  app.get(
    '/v1/traces/:id/events',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          'Server-Sent Events: `progress` on every change, then `done`, `failed` or `cancelled`',
        params: IdParams,
        produces: ['text/event-stream'],
        response: withErrors({ 200: Type.String() }, [404]),
      },
    },
    async (request, reply) => {
      const job = await jobOf(request);
      const sse = openSse(request, reply, ctx.streams);
      const emit = (j: TraceJob) => {
        sse.send('progress', j);
        if (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') {
          sse.send(j.state, j);
          sse.close();
        }
      };
      const unsubscribe = ctx.traces.subscribe(job.id, emit);
      sse.onClose(unsubscribe);
      // The current state first (a job that has already ended closes the stream at once).
      emit((await ctx.traces.get(job.id, request.apiKey!.org)) ?? job);
    },
  );

  app.delete(
    '/v1/traces/:id',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary: 'Cancel a queued or running trace',
        params: IdParams,
        response: withErrors({ 200: JobSchema }, [404]),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const job = await ctx.traces.cancel(id, request.apiKey!.org);
      if (!job) throw notFound('trace', id);
      ctx.audit.record(request, 'trace.cancel', id);
      return job;
    },
  );
}
