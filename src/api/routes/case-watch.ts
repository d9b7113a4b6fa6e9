import { type Static, Type } from 'typebox';
import type { ApiApp } from '../app.ts';
import { createCaseStore } from '../cases/case-store.ts';
import { createCaseWatches } from '../cases/case-watch.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { withErrors } from '../schemas.ts';
import { WatchlistSchema } from './watchlists.ts';

const IdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const WatchBody = Type.Object(
  {
    what: Type.Union([Type.Literal('still-held'), Type.Literal('freeze-deposits')], {
      description:
        "`still-held`: the trace's endpoints where value is still held (unspent); `freeze-deposits`: the exchange deposit addresses of its freeze list",
    }),
    traceId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: "The case's trace (default: its latest finished forward trace)",
      }),
    ),
  },
  { additionalProperties: false },
);

const ChainAddress = Type.Object({ chain: Type.String(), address: Type.String() });

/**
 * `POST /v1/cases/{id}/watchlist`: watch what the case's trace found in one call, in a watchlist of
 * the organisation made from the case on first use and added to after.
 */
export function registerCaseWatchRoutes(app: ApiApp, ctx: ApiContext): void {
  const watches = createCaseWatches({
    alerts: ctx.alerts,
    cases: createCaseStore({
      store: ctx.store,
      traceExists: async (id, org) => (await ctx.traces.get(id, org)) !== null,
    }),
    traces: ctx.traces,
  });

  app.post(
    '/v1/cases/:id/watchlist',
    {
      config: { role: 'investigator' },
      schema: {
        tags: ['cases', 'watchlists'],
        summary:
          "Watch the case's still-held addresses or its freeze list's deposit addresses: creates the case's watchlist of that kind, or adds to it",
        params: IdParams,
        body: WatchBody,
        response: withErrors(
          {
            200: Type.Object({
              watchlist: WatchlistSchema,
              created: Type.Boolean(),
              traceId: Type.String(),
              addresses: Type.Array(ChainAddress, { description: 'What the trace found' }),
              added: Type.Array(ChainAddress, { description: 'What the watchlist gained' }),
            }),
          },
          [404, 409],
        ),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const body = request.body as Static<typeof WatchBody>;
      const result = await watches.watch(request.apiKey!.org, id, request.apiKey!.id, body);
      if (!result) throw notFound('case', id);
      // In the case's audit trail: who watched what it found, and where.
      ctx.audit.record(request, 'case.watch', id, {
        what: body.what,
        traceId: result.traceId,
        watchlist: result.watchlist.id,
        created: result.created,
        added: result.added.length,
      });
      return result;
    },
  );
}
