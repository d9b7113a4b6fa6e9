import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { CATEGORIES } from '../../labels/taxonomy.ts';
import { createScreener } from '../../screen/create-screener.ts';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { HttpError, notFound } from '../errors.ts';
import { searchLabels } from '../labels/label-search.ts';
import { createPrivateLabel, deletePrivateLabel, listPrivateLabels } from '../labels/org-labels.ts';
import {
  DEFAULT_TAGPACK_NAME,
  MAX_TAGPACK_BYTES,
  TAGPACK_NAME_PATTERN,
  uploadTagpack,
} from '../labels/tagpack-upload.ts';
import { AddressParam, ChainParam, LabelSchema, Paging, withErrors } from '../schemas.ts';

const TAGPACK_URL = '/v1/labels/tagpacks';
/** Media types of YAML bodies; `text/plain` has Fastify's own string parser. */
const YAML_MEDIA_TYPES = ['text/yaml', 'application/yaml', 'application/x-yaml'];

const CategoryParam = Type.String({
  minLength: 1,
  maxLength: 64,
  description: `A category of the taxonomy: ${Object.keys(CATEGORIES).join(', ')}`,
});

const SearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'An address (any accepted form), or part of an entity, actor, category or sanctions list',
      }),
    ),
    chain: Type.Optional(ChainParam),
    category: Type.Optional(CategoryParam),
    ...Paging,
  },
  { additionalProperties: false },
);

const PrivateLabelSchema = Type.Object({
  ...LabelSchema.properties,
  id: Type.String(),
  note: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String({ description: 'The API key that created it' }),
  createdAt: Type.String(),
});

const CreatePrivateBody = Type.Object(
  {
    chain: ChainParam,
    address: AddressParam,
    category: CategoryParam,
    entity: Type.Optional(Type.String({ maxLength: 200 })),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);

const TagpackName = Type.String({
  pattern: TAGPACK_NAME_PATTERN,
  description: `File name errors and the import record use (default ${DEFAULT_TAGPACK_NAME})`,
});

const TagpackBody = Type.Union(
  [
    Type.String({ maxLength: MAX_TAGPACK_BYTES, description: 'The TagPack (YAML)' }),
    Type.Object(
      {
        yaml: Type.String({ maxLength: MAX_TAGPACK_BYTES, description: 'The TagPack (YAML)' }),
        name: Type.Optional(TagpackName),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'A GraphSense TagPack as YAML (text/yaml, application/x-yaml or text/plain), or as JSON `{ "yaml": "…", "name": "pack.yaml" }`',
  },
);

const UploadResult = Type.Object({
  importId: Type.Union([Type.Integer(), Type.Null()]),
  name: Type.String(),
  source: Type.String(),
  listName: Type.Union([Type.String(), Type.Null()]),
  listDate: Type.Union([Type.String(), Type.Null()]),
  sha256: Type.String(),
  alreadyImported: Type.Boolean(),
  labelsRead: Type.Integer(),
  labelsWritten: Type.Integer(),
  labelsDuplicate: Type.Integer(),
  warnings: Type.Array(Type.String()),
  screenerReloaded: Type.Boolean({
    description: 'Whether screening already counts the new labels',
  }),
});

const IdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** A 413 naming the limit before a byte of an oversized body is read (when its length is known). */
function refuseLargerThan(limit: number, what: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (Number(request.headers['content-length']) > limit) {
      reply.header('connection', 'close');
      throw new HttpError(413, `${what} is at most ${limit / 1024 / 1024} MB`, {
        code: 'BODY_TOO_LARGE',
      });
    }
  };
}

/**
 * Label routes: search (the organisation's private labels first), private labels per
 * organisation, and TagPack upload as public labels.
 */
export function registerLabelRoutes(app: ApiApp, ctx: ApiContext): void {
  const tags = ['labels'];

  // YAML only reaches the TagPack route: elsewhere it is the 415 it was before.
  for (const type of YAML_MEDIA_TYPES) {
    if (app.hasContentTypeParser(type)) continue;
    app.addContentTypeParser(type, { parseAs: 'string' }, (request, body, done) => {
      if (request.routeOptions.url === TAGPACK_URL) done(null, body);
      else
        done(
          new HttpError(415, `This route does not take ${type}`, {
            code: 'UNSUPPORTED_MEDIA_TYPE',
          }),
          undefined,
        );
    });
  }

  // The screener is loaded once with every public label; after an import it is rebuilt, one
  // rebuild after another, so the last one to finish has seen every import.
  let reloading: Promise<void> = Promise.resolve();
  const reloadScreener = (): Promise<boolean> => {
    const run = reloading.then(async () => {
      ctx.screener = await createScreener({
        store: ctx.store,
        asOf: ctx.screener.asOf,
        rules: ctx.screener.rules,
      });
    });
    reloading = run.catch(() => undefined);
    return run.then(
      () => true,
      (err: unknown) => {
        ctx.logger.error({ err }, 'screener reload after a label upload failed');
        return false;
      },
    );
  };

  app.get(
    '/v1/labels',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "Search labels: the organisation's private ones first, then public ones",
        querystring: SearchQuery,
        response: withErrors({
          200: Type.Object({
            labels: Type.Array(LabelSchema),
            total: Type.Integer({ description: 'Matches over all pages' }),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        }),
      },
    },
    async (request) => {
      const q = request.query as Static<typeof SearchQuery>;
      const limit = q.limit ?? 100;
      const offset = q.offset ?? 0;
      const found = await searchLabels(ctx.store, request.apiKey!.org, { ...q, limit, offset });
      return { ...found, limit, offset };
    },
  );

  app.post(
    '/v1/labels/private',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary: "Add a label only the key's organisation sees, shown before public ones",
        body: CreatePrivateBody,
        response: withErrors({ 201: PrivateLabelSchema }, [409]),
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof CreatePrivateBody>;
      const label = await createPrivateLabel(ctx.store, {
        ...body,
        org: request.apiKey!.org,
        createdBy: request.apiKey!.id,
      });
      ctx.audit.record(request, 'label.private.create', label.id, {
        chain: label.chain,
        address: label.address,
        category: label.category,
      });
      return reply.code(201).send(label);
    },
  );

  app.get(
    '/v1/labels/private',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The organisation's private labels, newest first",
        querystring: Type.Object({ ...Paging }, { additionalProperties: false }),
        response: withErrors({
          200: Type.Object({
            labels: Type.Array(PrivateLabelSchema),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        }),
      },
    },
    async (request) => {
      const { limit = 100, offset = 0 } = request.query as { limit?: number; offset?: number };
      const labels = await listPrivateLabels(ctx.store, request.apiKey!.org);
      return { labels: labels.slice(offset, offset + limit), limit, offset };
    },
  );

  app.delete(
    '/v1/labels/private/:id',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary: 'Remove a private label of the organisation',
        params: IdParams,
        response: withErrors({ 200: PrivateLabelSchema }, [404]),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const label = await deletePrivateLabel(ctx.store, request.apiKey!.org, id);
      if (!label) throw notFound('private label', id);
      ctx.audit.record(request, 'label.private.delete', id, {
        chain: label.chain,
        address: label.address,
        category: label.category,
      });
      return label;
    },
  );

  app.post(
    TAGPACK_URL,
    {
      config: { role: 'investigator' },
      bodyLimit: MAX_TAGPACK_BYTES,
      preParsing: refuseLargerThan(MAX_TAGPACK_BYTES, 'A TagPack'),
      schema: {
        tags,
        summary:
          'Import a GraphSense TagPack as public labels (201; 200 when the same bytes were imported before)',
        consumes: ['text/yaml', 'application/x-yaml', 'text/plain', 'application/json'],
        querystring: Type.Object(
          { name: Type.Optional(TagpackName) },
          { additionalProperties: false },
        ),
        body: TagpackBody,
        response: withErrors({ 200: UploadResult, 201: UploadResult }, [413, 415, 503]),
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof TagpackBody>;
      const { name: queryName } = request.query as { name?: string };
      const yaml = typeof body === 'string' ? body : body.yaml;
      const name = (typeof body === 'string' ? undefined : body.name) ?? queryName;
      const result = await uploadTagpack({ store: ctx.store, yaml, name });
      const screenerReloaded = result.labelsWritten === 0 ? true : await reloadScreener();
      ctx.audit.record(request, 'labels.upload', `label-import:${result.importId}`, {
        name: result.name,
        sha256: result.sha256,
        alreadyImported: result.alreadyImported,
        labelsWritten: result.labelsWritten,
      });
      return reply.code(result.alreadyImported ? 200 : 201).send({ ...result, screenerReloaded });
    },
  );
}
