import { type Static, Type } from 'typebox';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { AnyJson, withErrors } from '../schemas.ts';

const Query = Type.Object(
  {
    actor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    action: Type.Optional(Type.String({ pattern: '^[a-z][a-z._-]{0,63}$' })),
    target: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9:._ -]{1,200}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
  },
  { additionalProperties: false },
);

/** `GET /v1/audit` (admin): who screened, traced, exported or changed what, newest first. */
export function registerAuditRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/v1/audit',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first',
        querystring: Query,
        response: withErrors({ 200: Type.Object({ entries: AnyJson }) }),
      },
    },
    async (request) => {
      const q = request.query as Static<typeof Query>;
      // Entries recorded in the last second are still buffered: write them first.
      await ctx.audit.flush();
      // The admin's organisation's entries only.
      return {
        entries: await ctx.store.listAudit({
          ...q,
          org: request.apiKey!.org,
          limit: q.limit ?? 100,
        }),
      };
    },
  );
}
