import { type Static, Type } from 'typebox';
import { RefusedError } from '../../errors/base.ts';
import type { ApiApp } from '../app.ts';
import { type ApiKeyRecord, createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.ts';
import { ROLES } from '../auth/roles.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { withErrors } from '../schemas.ts';

const KeyInfo = Type.Object({
  id: Type.String(),
  role: Type.String(),
  org: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  rateLimitPerMinute: Type.Integer(),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

const CreateBody = Type.Object(
  {
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    /** The admin's own organisation (the default); another is refused (403). */
    org: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);

/** A key record without its hash. */
const info = ({ sha256: _hash, ...rest }: ApiKeyRecord) => rest;

/** Key management (admin): create (the key is shown once), list, revoke. */
export function registerKeyRoutes(app: ApiApp, ctx: ApiContext): void {
  const tags = ['keys'];
  app.post(
    '/v1/keys',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'Create an API key; the key is in this response only',
        body: CreateBody,
        response: withErrors({ 201: Type.Object({ key: Type.String(), record: KeyInfo }) }),
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof CreateBody>;
      // An admin manages its own organisation's keys only: a key for another would read its cases.
      const org = request.apiKey!.org;
      if (body.org !== undefined && body.org !== org)
        throw new RefusedError(`An admin of "${org}" may create keys of "${org}" only`, {
          code: 'OTHER_ORGANISATION',
          details: 'Keys of another organisation are made by its admin, or from the CLI.',
        });
      const { key, record } = await createApiKey({ store: ctx.store, ...body, org });
      await ctx.keys.reload();
      ctx.audit.record(request, 'key.create', record.id, { role: record.role, org: record.org });
      return reply.code(201).send({ key, record: info(record) });
    },
  );
  app.get(
    '/v1/keys',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'List API keys (never their secrets)',
        response: withErrors({ 200: Type.Object({ keys: Type.Array(KeyInfo) }) }),
      },
    },
    async (request) => ({
      keys: (await listApiKeys(ctx.store)).filter((k) => k.org === request.apiKey!.org).map(info),
    }),
  );
  app.delete(
    '/v1/keys/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{12}$' }) }),
        response: withErrors({ 200: KeyInfo }, [404]),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      // Another organisation's key is not found: its existence is not told either.
      const mine = (await listApiKeys(ctx.store)).some(
        (k) => k.id === id && k.org === request.apiKey!.org,
      );
      const record = mine ? await revokeApiKey(ctx.store, id) : null;
      if (!record) throw notFound('API key', id);
      await ctx.keys.reload();
      ctx.audit.record(request, 'key.revoke', id);
      return info(record);
    },
  );
}
