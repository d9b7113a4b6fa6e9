import type { Socket } from 'node:net';
import { type Static, Type } from 'typebox';
import { parseTimestamp } from '../../model/time.ts';
import { type Alert } from '../alerts/types.ts';
import { MAX_ALERT_REPLAY } from '../alerts/alert-hub.ts';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { Paging, withErrors } from '../schemas.ts';
import { openSse, type SseStream } from '../sse.ts';

const NullableString = Type.Union([Type.String(), Type.Null()]);

const AlertSchema = Type.Object({
  id: Type.String(),
  org: Type.String(),
  watchlistId: Type.String(),
  watchlistName: Type.String(),
  kind: Type.Union([Type.Literal('funds_moved'), Type.Literal('service_reached')], {
    description:
      '`funds_moved`: a watched address sent value; `service_reached`: it sent it to an exchange, deposit or hot wallet, bridge, mixer or instant exchange',
  }),
  chain: Type.String(),
  blockNumber: Type.String(),
  blockTime: Type.Union([Type.Integer(), Type.Null()]),
  txHash: Type.String(),
  position: Type.String(),
  from: Type.String(),
  to: NullableString,
  asset: Type.String(),
  amount: Type.String({ description: 'Raw units, a decimal integer' }),
  transferKind: Type.String(),
  service: Type.Union([
    Type.Object({ category: Type.String(), entity: NullableString }),
    Type.Null(),
  ]),
  firedAt: Type.String(),
  acknowledgedAt: NullableString,
  acknowledgedBy: NullableString,
  delivery: Type.Object({
    state: Type.String({ description: '`none` (no webhook), `pending`, `delivered` or `dead`' }),
    attempts: Type.Integer(),
    lastAttemptAt: NullableString,
    lastError: NullableString,
    deliveredAt: NullableString,
  }),
});

const DeadLetterSchema = Type.Object({
  id: Type.String(),
  org: Type.String(),
  alertId: Type.String(),
  watchlistId: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.String(),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  failedAt: Type.String(),
});

/** Alert ids are 32 hex digits (derived from the watchlist and the transfer). */
const AlertId = Type.String({ pattern: '^[0-9a-f]{32}$' });
const IdParams = Type.Object({ id: AlertId });

const ListQuery = Type.Object(
  {
    ...Paging,
    acknowledged: Type.Optional(Type.Boolean()),
    watchlist: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

const StreamQuery = Type.Object(
  {
    watchlist: Type.Optional(Type.String({ format: 'uuid' })),
    since: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description: `First replay the alerts fired since this time (Unix seconds or ISO 8601; at most ${MAX_ALERT_REPLAY}), e.g. after a reconnect`,
      }),
    ),
    maxEvents: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description: 'Close the stream after this many alerts (default: stay open)',
      }),
    ),
    maxSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 86_400,
        description:
          'Close the stream after this many seconds (default: stay open); reconnect with `since` to resume',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Alerts: list (filters), acknowledge, a Server-Sent Events stream of new alerts, and the webhook
 * dead-letter list with a manual retry. Everything is the key's organisation's only.
 */
export function registerAlertRoutes(app: ApiApp, ctx: ApiContext): void {
  const tags = ['alerts'];
  const streams = new Map<SseStream, Socket>();
  // A stream never ends by itself: end them and their connections first, or shutdown waits for
  // clients to hang up (an ended response leaves a keep-alive connection open).
  app.addHook('preClose', async () => {
    for (const [stream, socket] of streams) {
      stream.close();
      socket.end();
    }
  });

  app.get(
    '/v1/alerts',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The organisation's alerts, newest first",
        querystring: ListQuery,
        response: withErrors({ 200: Type.Object({ alerts: Type.Array(AlertSchema) }) }),
      },
    },
    async (request) => {
      const q = request.query as Static<typeof ListQuery>;
      return {
        alerts: await ctx.alerts.listAlerts(request.apiKey!.org, {
          acknowledged: q.acknowledged,
          watchlistId: q.watchlist,
          limit: q.limit,
          offset: q.offset,
        }),
      };
    },
  );

  app.post(
    '/v1/alerts/:id/ack',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary: 'Acknowledge an alert (acknowledging it again changes nothing)',
        params: IdParams,
        response: withErrors({ 200: AlertSchema }, [404]),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const alert = await ctx.alerts.acknowledge(id, request.apiKey!.org, request.apiKey!.id);
      if (!alert) throw notFound('alert', id);
      ctx.audit.record(request, 'alert.ack', id);
      return alert;
    },
  );

  app.get(
    '/v1/alerts/stream',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Server-Sent Events: an `alert` event for each new alert of the organisation',
        querystring: StreamQuery,
        produces: ['text/event-stream'],
        response: withErrors({ 200: Type.String() }),
      },
    },
    async (request, reply) => {
      const org = request.apiKey!.org;
      const q = request.query as Static<typeof StreamQuery>;
      const since = q.since === undefined ? undefined : parseTimestamp(q.since);
      let sent = 0;
      // While past alerts are replayed, new ones wait here, so none is lost or sent out of order.
      let held: Alert[] | null = since === undefined ? null : [];
      const replayed = new Set<string>();
      let sse: SseStream | null = null;
      const emit = (alert: Alert) => {
        if (!sse || sse.closed) return;
        if (q.watchlist !== undefined && alert.watchlistId !== q.watchlist) return;
        sse.send('alert', alert);
        sent++;
        if (q.maxEvents !== undefined && sent >= q.maxEvents) sse.close();
      };
      // Subscribe before the stream opens: a client that has seen the opening line misses nothing.
      const unsubscribe = ctx.alerts.subscribe(
        org,
        (alert) => (held ? held.push(alert) : replayed.has(alert.id) ? undefined : emit(alert)),
        () => sse?.close(),
      );
      try {
        sse = openSse(request, reply, ctx.streams);
      } catch (error) {
        unsubscribe();
        throw error;
      }
      const stream = sse;
      streams.set(stream, request.raw.socket);
      const timer =
        q.maxSeconds === undefined ? null : setTimeout(() => stream.close(), q.maxSeconds * 1000);
      stream.onClose(() => {
        unsubscribe();
        streams.delete(stream);
        if (timer) clearTimeout(timer);
      });
      if (since === undefined) return;
      const past = await ctx.alerts.listAlerts(org, {
        since,
        watchlistId: q.watchlist,
        limit: MAX_ALERT_REPLAY,
      });
      for (const alert of past.reverse()) {
        replayed.add(alert.id);
        emit(alert);
      }
      const waiting = held ?? [];
      held = null;
      for (const alert of waiting) if (!replayed.has(alert.id)) emit(alert);
      // Kept (at most MAX_ALERT_REPLAY ids): an alert another server fired reaches this server's
      // streams up to a second later, by then maybe replayed here already.
    },
  );

  app.get(
    '/v1/alerts/following',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          'Whether the server follows a chain: alerts fire only for the blocks it syncs (`chaintrail serve --follow --rpc <url>`)',
        response: withErrors({
          200: Type.Object({
            following: Type.Boolean({ description: 'False: no alert can fire on this server' }),
            chains: Type.Array(
              Type.Object({
                chain: Type.Union([Type.String(), Type.Null()], {
                  description: 'Null until the first batch when the node tells the chain',
                }),
                since: Type.String(),
                lastBlock: Type.Union([Type.String(), Type.Null()]),
                lastBatchAt: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
        }),
      },
    },
    async () => {
      const chains = ctx.follow.following();
      return { following: chains.length > 0, chains };
    },
  );

  app.get(
    '/v1/alerts/dead-letters',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Webhook deliveries that failed after every attempt, newest first',
        querystring: Type.Object({ ...Paging }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ deadLetters: Type.Array(DeadLetterSchema) }) }),
      },
    },
    async (request) => {
      const { limit, offset } = request.query as { limit?: number; offset?: number };
      return {
        deadLetters: await ctx.alerts.listDeadLetters(request.apiKey!.org, { limit, offset }),
      };
    },
  );

  app.post(
    '/v1/alerts/dead-letters/:id/retry',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary:
          'Deliver a dead letter again, now (one attempt, to the watchlist’s current webhook); on success it leaves the list',
        params: IdParams,
        response: withErrors(
          {
            200: Type.Object({
              delivered: Type.Boolean(),
              status: Type.Union([Type.Integer(), Type.Null()]),
              error: NullableString,
              deadLetter: Type.Union([DeadLetterSchema, Type.Null()]),
            }),
          },
          [404, 409],
        ),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const outcome = await ctx.alerts.retryDeadLetter(id, request.apiKey!.org);
      if (!outcome) throw notFound('dead letter', id);
      ctx.audit.record(request, 'alert.dead_letter.retry', id, { delivered: outcome.delivered });
      return outcome;
    },
  );
}
