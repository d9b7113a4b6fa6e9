import type { FastifyReply, FastifyRequest } from 'fastify';
import { RefusedError, TooLargeError, UnsupportedMediaTypeError } from '../../errors/base.ts';
import { type Static, Type } from 'typebox';
import { CATEGORIES } from '../../labels/taxonomy.ts';
import { createScreener } from '../../screen/create-screener.ts';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { searchLabels } from '../labels/label-search.ts';
import {
  createPrivateLabel,
  deletePrivateLabel,
  listPrivateLabels,
  PRIVATE_LABEL_ID_PATTERN,
} from '../labels/org-labels.ts';
import { removeTagpackUpload } from '../labels/remove-tagpack-upload.ts';
import {
  DEFAULT_TAGPACK_NAME,
  MAX_TAGPACK_BYTES,
  TAGPACK_NAME_PATTERN,
  uploadTagpack,
} from '../labels/tagpack-upload.ts';
import { tagpackUploadDocuments, toTagpackUpload } from '../labels/tagpack-uploads.ts';
import {
  AddressParam,
  ChainParam,
  LabelFindingSchema,
  LabelSchema,
  Paging,
  withErrors,
} from '../schemas.ts';

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
  id: Type.String({
    description:
      "A UUID; `<upload id>.<n>` for a label a private TagPack upload added, `<case id>.<n>` for one marking a case's finding",
  }),
  note: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String({ description: 'The API key that created it' }),
  createdAt: Type.String(),
  upload: Type.Union(
    [
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        title: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ],
    { description: 'The private TagPack upload it came with (removed with it), or null' },
  ),
  finding: Type.Union([LabelFindingSchema, Type.Null()], {
    description: 'The case finding it marks (unmarked in the case, not here), or null',
  }),
});

const EntityProfileSchema = Type.Object({
  entity: Type.String(),
  actors: Type.Array(Type.String()),
  countries: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  sanctionLists: Type.Array(Type.String()),
  chains: Type.Array(Type.String()),
  addressCount: Type.Integer(),
  addresses: Type.Array(
    Type.Object({ chain: Type.String(), address: Type.String(), category: Type.String() }),
  ),
  private: Type.Boolean(),
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

const TagpackVisibilityParam = Type.Union([Type.Literal('private'), Type.Literal('public')], {
  description:
    "`private` (default): the uploading organisation's own labels, which no other organisation sees; `public`: labels every organisation's screening counts (admin keys only, else 403 TAGPACK_PUBLISH_NOT_ALLOWED)",
});

const TagpackBody = Type.Union(
  [
    Type.String({ maxLength: MAX_TAGPACK_BYTES, description: 'The TagPack (YAML)' }),
    Type.Object(
      {
        yaml: Type.String({ maxLength: MAX_TAGPACK_BYTES, description: 'The TagPack (YAML)' }),
        name: Type.Optional(TagpackName),
        visibility: Type.Optional(TagpackVisibilityParam),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'A GraphSense TagPack as YAML (text/yaml, application/x-yaml or text/plain), or as JSON `{ "yaml": "…", "name": "pack.yaml", "visibility": "private" }`',
  },
);

const Visibility = Type.Union([Type.Literal('private'), Type.Literal('public')]);

const UploadResult = Type.Object({
  id: Type.Union([Type.String(), Type.Null()], {
    description:
      'The upload (for DELETE /v1/labels/tagpacks/{id}); null when the same bytes were published by another organisation or imported by the operator',
  }),
  visibility: Visibility,
  importId: Type.Union([Type.Integer(), Type.Null()], {
    description: "A public upload's label import; null for a private upload",
  }),
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

const UploadQuery = Type.Object(
  { name: Type.Optional(TagpackName), visibility: Type.Optional(TagpackVisibilityParam) },
  { additionalProperties: false },
);

const IdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const PrivateLabelIdParams = Type.Object(
  { id: Type.String({ pattern: PRIVATE_LABEL_ID_PATTERN }) },
  { additionalProperties: false },
);

const TagpackUploadSchema = Type.Object({
  id: Type.String(),
  org: Type.String(),
  visibility: Visibility,
  name: Type.String(),
  title: Type.Union([Type.String(), Type.Null()]),
  listDate: Type.Union([Type.String(), Type.Null()]),
  sha256: Type.String(),
  uploadedBy: Type.String({ description: 'The API key that uploaded it' }),
  uploadedAt: Type.String(),
  labelsRead: Type.Integer(),
  labelsWritten: Type.Integer(),
  importId: Type.Union([Type.Integer(), Type.Null()]),
  retiredAt: Type.Union([Type.String(), Type.Null()]),
  retiredBy: Type.Union([Type.String(), Type.Null()]),
});

const RemovedUpload = Type.Object({
  ...TagpackUploadSchema.properties,
  labelsRemoved: Type.Integer({ description: 'Labels no longer shown' }),
  screenerReloaded: Type.Boolean({
    description: 'Whether screening already leaves the labels out',
  }),
});

/** A 413 naming the limit before a byte of an oversized body is read (when its length is known). */
function refuseLargerThan(limit: number, what: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (Number(request.headers['content-length']) > limit) {
      reply.header('connection', 'close');
      throw new TooLargeError(`${what} is at most ${limit / 1024 / 1024} MB`, {
        code: 'BODY_TOO_LARGE',
      });
    }
  };
}

/**
 * Label routes: search (the organisation's private labels first), private labels per organisation,
 * TagPack upload (the organisation's own labels; public when an admin publishes), and removal of
 * uploads (a public one: retired by an admin of its organisation).
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
          new UnsupportedMediaTypeError(`This route does not take ${type}`, {
            code: 'UNSUPPORTED_MEDIA_TYPE',
          }),
          undefined,
        );
    });
  }

  // The screener is loaded once with every public label; after an import or a retirement it is
  // rebuilt, one rebuild after another, so the last one to finish has seen every change.
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
        ctx.logger.error({ err }, 'screener reload after a label upload or retirement failed');
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
            entities: Type.Array(EntityProfileSchema, {
              description:
                'The entities of every match (all pages), most addresses first, at most 20: each with its actors, countries, categories, sanctions lists, chains and (the first 50) addresses',
            }),
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
        summary:
          "Remove a private label of the organisation (one a TagPack upload added: 409 PRIVATE_LABEL_FROM_UPLOAD, remove the upload; one marking a case's finding: 409 PRIVATE_LABEL_FROM_CASE, unmark it in the case)",
        params: PrivateLabelIdParams,
        response: withErrors({ 200: PrivateLabelSchema }, [404, 409]),
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
          "Import a GraphSense TagPack as the organisation's private labels, or (admin, `visibility=public`) as public labels (201; 200 when the same bytes were imported before)",
        consumes: ['text/yaml', 'application/x-yaml', 'text/plain', 'application/json'],
        querystring: UploadQuery,
        body: TagpackBody,
        response: withErrors({ 200: UploadResult, 201: UploadResult }, [413, 415, 503]),
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof TagpackBody>;
      const query = request.query as Static<typeof UploadQuery>;
      const key = request.apiKey!;
      const yaml = typeof body === 'string' ? body : body.yaml;
      const name = (typeof body === 'string' ? undefined : body.name) ?? query.name;
      const visibility =
        (typeof body === 'string' ? undefined : body.visibility) ?? query.visibility ?? 'private';
      // Public labels change every organisation's screening and traces: one investigator's word
      // must not (an upload named an address an exchange, and other organisations' traces stopped
      // there).
      if (visibility === 'public' && key.role !== 'admin')
        throw new RefusedError(`A ${key.role} key may not publish labels to every organisation`, {
          code: 'TAGPACK_PUBLISH_NOT_ALLOWED',
          details: "Upload without visibility=public: the labels are then your organisation's own.",
        });
      const result = await uploadTagpack({
        store: ctx.store,
        yaml,
        name,
        visibility,
        org: key.org,
        uploadedBy: key.id,
      });
      // Private labels are read per request: only public ones need the shared screener rebuilt. A
      // new public import that wrote no label (all already held) is rebuilt for too: the label set
      // lists it, and its labels are its own once the import that holds them is retired.
      const screenerReloaded =
        visibility === 'private' || result.alreadyImported ? true : await reloadScreener();
      ctx.audit.record(
        request,
        visibility === 'public' ? 'labels.publish' : 'labels.upload',
        result.id === null ? null : `tagpack-upload:${result.id}`,
        {
          visibility,
          name: result.name,
          title: result.listName,
          sha256: result.sha256,
          importId: result.importId,
          alreadyImported: result.alreadyImported,
          labelsRead: result.labelsRead,
          labelsWritten: result.labelsWritten,
        },
      );
      return reply.code(result.alreadyImported ? 200 : 201).send({ ...result, screenerReloaded });
    },
  );

  app.get(
    TAGPACK_URL,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The organisation's TagPack uploads, private and published, newest first",
        querystring: Type.Object({ ...Paging }, { additionalProperties: false }),
        response: withErrors({
          200: Type.Object({
            uploads: Type.Array(TagpackUploadSchema),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        }),
      },
    },
    async (request) => {
      const { limit = 100, offset = 0 } = request.query as { limit?: number; offset?: number };
      const docs = await tagpackUploadDocuments(ctx.store, request.apiKey!.org);
      return { uploads: docs.slice(offset, offset + limit).map(toTagpackUpload), limit, offset };
    },
  );

  app.delete(
    `${TAGPACK_URL}/:id`,
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary:
          'Remove a TagPack upload of the organisation: a private one with its labels; a public one (admin only) is retired, its labels removed for every organisation (those another label import also carries stay, as its). Official lists imported by the operator cannot be removed here',
        params: IdParams,
        response: withErrors({ 200: RemovedUpload }, [404, 409, 503]),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const key = request.apiKey!;
      const removed = await removeTagpackUpload({
        store: ctx.store,
        org: key.org,
        role: key.role,
        id,
        removedBy: key.id,
      });
      // The shared screener lists the retired import too: it is rebuilt even when no label went.
      const screenerReloaded = removed.visibility === 'private' ? true : await reloadScreener();
      ctx.audit.record(
        request,
        removed.visibility === 'public' ? 'labels.retire' : 'labels.upload.delete',
        `tagpack-upload:${id}`,
        {
          visibility: removed.visibility,
          name: removed.name,
          title: removed.title,
          sha256: removed.sha256,
          importId: removed.importId,
          labelsRemoved: removed.labelsRemoved,
        },
      );
      return { ...removed, screenerReloaded };
    },
  );
}
