import { type Static, Type } from 'typebox';
import { ConflictError } from '../../errors/base.ts';
import { MAX_WATCHLIST_ADDRESSES, MIN_WEBHOOK_SECRET_LENGTH } from '../alerts/alert-hub.ts';
import { MAX_WEBHOOK_URL_LENGTH, WEBHOOK_SIGNATURE_TOLERANCE_S } from '../alerts/webhook.ts';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { AddressParam, ChainParam, Paging, withErrors } from '../schemas.ts';

const ChainAddressSchema = Type.Object(
  { chain: ChainParam, address: AddressParam },
  { additionalProperties: false },
);

const WEBHOOK_DESCRIPTION =
  'Where alerts are POSTed as JSON (`{"type":"alert.fired","alert":{…}}`), http or https. Each delivery is signed: ' +
  '`X-Chaintrail-Signature: t=<unix seconds>,v1=<hex>` where `<hex>` is HMAC-SHA256 with the secret as key over ' +
  `\`<t>.<raw body>\`. Verify it over the raw body in constant time and reject a \`t\` more than ${WEBHOOK_SIGNATURE_TOLERANCE_S} s away ` +
  'from your clock. `X-Chaintrail-Delivery` (the alert id) is the same on retries: drop repeats. Network errors, 5xx and 429 ' +
  'are retried with exponential backoff; then the delivery goes to `GET /v1/alerts/dead-letters`. Answer 2xx to accept; ' +
  'redirects are not followed.';

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    addresses: Type.Optional(
      Type.Array(ChainAddressSchema, {
        maxItems: MAX_WATCHLIST_ADDRESSES,
        description: 'Addresses to watch, each with its chain',
      }),
    ),
    traceId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          "A done trace of the organisation: its tainted addresses are watched (labelled services left out, so an exchange's traffic does not alert)",
      }),
    ),
    webhook: Type.Optional(
      Type.Object(
        {
          url: Type.String({ minLength: 1, maxLength: MAX_WEBHOOK_URL_LENGTH }),
          secret: Type.String({
            minLength: MIN_WEBHOOK_SECRET_LENGTH,
            maxLength: 512,
            description: 'HMAC key of the signatures; stored, never returned',
          }),
        },
        { additionalProperties: false, description: WEBHOOK_DESCRIPTION },
      ),
    ),
  },
  { additionalProperties: false },
);

const WatchlistSchema = Type.Object({
  id: Type.String(),
  org: Type.String(),
  name: Type.String(),
  addresses: Type.Array(Type.Object({ chain: Type.String(), address: Type.String() })),
  traceId: Type.Union([Type.String(), Type.Null()]),
  traceAddressCount: Type.Integer(),
  traceAddresses: Type.Optional(
    Type.Array(Type.Object({ chain: Type.String(), address: Type.String() })),
  ),
  webhook: Type.Union([Type.Object({ url: Type.String() }), Type.Null()]),
  case: Type.Union(
    [
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        what: Type.Union([Type.Literal('still-held'), Type.Literal('freeze-deposits')]),
      }),
      Type.Null(),
    ],
    {
      description:
        "The case it was made from (POST /v1/cases/{id}/watchlist) and what of it it watches: still-held addresses or the freeze list's deposit addresses",
    },
  ),
  createdBy: Type.String(),
  createdAt: Type.String(),
});

/** The watchlist schema, for the routes that make watchlists from cases. */
export { WatchlistSchema };

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const AddBody = Type.Object(
  {
    addresses: Type.Array(ChainAddressSchema, {
      minItems: 1,
      maxItems: MAX_WATCHLIST_ADDRESSES,
      description:
        'Addresses to watch as well, each with its chain (one watched already is kept once)',
    }),
  },
  { additionalProperties: false },
);

/**
 * Watchlists: addresses, or a trace's tainted addresses, whose outgoing transfers raise alerts
 * (delivered by signed webhook and `GET /v1/alerts/stream`). Investigators write, viewers read.
 */
export function registerWatchlistRoutes(app: ApiApp, ctx: ApiContext): void {
  const tags = ['watchlists'];

  app.post(
    '/v1/watchlists',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary: "Watch addresses and/or a trace's tainted addresses; optionally a signed webhook",
        body: CreateBody,
        response: withErrors({ 201: WatchlistSchema }, [404, 409]),
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof CreateBody>;
      const org = request.apiKey!.org;
      let trace:
        | { id: string; nodes: { chain: string; address: string; category: string | null }[] }
        | undefined;
      if (body.traceId !== undefined) {
        const job = await ctx.traces.get(body.traceId, org);
        if (!job) throw notFound('trace', body.traceId);
        if (job.state !== 'done')
          throw new ConflictError(`Trace ${job.id} is ${job.state}, not done`, {
            code: 'TRACE_NOT_DONE',
          });
        const result = await ctx.traces.result(job.id, org);
        if (!result) throw notFound('trace result', job.id);
        trace = { id: job.id, nodes: result.nodes };
      }
      const watchlist = await ctx.alerts.createWatchlist({
        org,
        createdBy: request.apiKey!.id,
        name: body.name,
        addresses: body.addresses,
        trace,
        webhook: body.webhook,
      });
      ctx.audit.record(request, 'watchlist.create', watchlist.id, {
        name: watchlist.name,
        addresses: watchlist.addresses.length,
        traceId: watchlist.traceId,
        traceAddresses: watchlist.traceAddressCount,
        webhook: watchlist.webhook !== null,
      });
      return reply.code(201).header('location', `/v1/watchlists/${watchlist.id}`).send(watchlist);
    },
  );

  app.get(
    '/v1/watchlists',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The organisation's watchlists, newest first (never their webhook secrets)",
        querystring: Type.Object({ ...Paging }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ watchlists: Type.Array(WatchlistSchema) }) }),
      },
    },
    async (request) => {
      const { limit, offset } = request.query as { limit?: number; offset?: number };
      return {
        watchlists: await ctx.alerts.listWatchlists(request.apiKey!.org, { limit, offset }),
      };
    },
  );

  app.get(
    '/v1/watchlists/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'One watchlist, with the addresses taken from its trace',
        params: IdParams,
        response: withErrors({ 200: WatchlistSchema }, [404]),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const watchlist = await ctx.alerts.getWatchlist(id, request.apiKey!.org, {
        withTraceAddresses: true,
      });
      if (!watchlist) throw notFound('watchlist', id);
      return watchlist;
    },
  );

  app.post(
    '/v1/watchlists/:id/addresses',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary: 'Watch more addresses with a watchlist; returns it and the addresses it gained',
        params: IdParams,
        body: AddBody,
        response: withErrors(
          {
            200: Type.Object({
              watchlist: WatchlistSchema,
              added: Type.Array(Type.Object({ chain: Type.String(), address: Type.String() })),
            }),
          },
          [404],
        ),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { addresses } = request.body as Static<typeof AddBody>;
      const result = await ctx.alerts.addAddresses(id, request.apiKey!.org, addresses);
      if (!result) throw notFound('watchlist', id);
      ctx.audit.record(request, 'watchlist.add', id, {
        added: result.added.map((a) => `${a.chain}:${a.address}`),
      });
      return result;
    },
  );

  app.delete(
    '/v1/watchlists/:id',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary: 'Stop watching: delete a watchlist (its alerts stay)',
        params: IdParams,
        response: withErrors({ 200: WatchlistSchema }, [404]),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const watchlist = await ctx.alerts.deleteWatchlist(id, request.apiKey!.org);
      if (!watchlist) throw notFound('watchlist', id);
      ctx.audit.record(request, 'watchlist.delete', id);
      return watchlist;
    },
  );
}
