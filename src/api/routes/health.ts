import { Type } from 'typebox';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { withErrors } from '../schemas.ts';

const STARTED_MS = Date.now();

/**
 * `GET /healthz` (public: is the process up and its store readable) and `GET /metrics`
 * (Prometheus text; any key).
 */
export function registerHealthRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/healthz',
    {
      config: { role: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness and store readiness',
        security: [],
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            schemaVersion: Type.Integer(),
            uptimeSeconds: Type.Number(),
          }),
          500: Type.Unsafe({ $ref: 'ErrorResponse#' }),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      schemaVersion: await ctx.store.getSchemaVersion(),
      uptimeSeconds: Math.round((Date.now() - STARTED_MS) / 1000),
    }),
  );

  app.get(
    '/metrics',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: withErrors({ 200: Type.String() }),
      },
    },
    async (_request, reply) => {
      reply.type(ctx.metrics.registry.contentType);
      return ctx.metrics.text();
    },
  );
}
