import type { FastifyReply, FastifyRequest } from 'fastify';
import { TooLargeError } from '../../errors/base.ts';
import { type Static, Type } from 'typebox';
import type { AuditEntry } from '../../store/store.ts';
import type { ApiApp } from '../app.ts';
import { createCaseStore, MAX_CASE_BODY_BYTES } from '../cases/case-store.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { AnyJson, Paging, withErrors } from '../schemas.ts';

/** Most seeds, trace references, annotations and notes one request may give. */
const MAX_SEEDS = 1000;
const MAX_TRACE_IDS = 100;
const MAX_ANNOTATIONS = 10_000;
const MAX_NOTES = 10_000;
/** Longest note, annotation and description. */
const MAX_TEXT = 10_000;

/**
 * Cases listed per page: the store reads each listed case whole (graph included) to summarise it,
 * so pages stay small.
 */
const DEFAULT_LIST_LIMIT = 20;
const MAX_LIST_LIMIT = 100;

const ListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT }),
    ),
    offset: Paging.offset,
  },
  { additionalProperties: false },
);

const NoteText = Type.String({ minLength: 1, maxLength: MAX_TEXT, pattern: '\\S' });

const caseFields = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  description: Type.Optional(Type.Union([Type.String({ maxLength: MAX_TEXT }), Type.Null()])),
  seeds: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      maxItems: MAX_SEEDS,
      description: 'Addresses and transactions the investigation started from',
    }),
  ),
  graph: Type.Optional(
    Type.Unknown({
      description:
        'The graph state as the client keeps it (node positions, expanded nodes, filters)',
    }),
  ),
  annotations: Type.Optional(
    Type.Record(Type.String(), Type.String({ maxLength: MAX_TEXT }), {
      propertyNames: { minLength: 1, maxLength: 200 },
      maxProperties: MAX_ANNOTATIONS,
      description: 'Text per graph node id',
    }),
  ),
  traceIds: Type.Optional(
    Type.Array(Type.String({ format: 'uuid' }), {
      maxItems: MAX_TRACE_IDS,
      uniqueItems: true,
      description:
        "Trace jobs of the organisation the case refers to (their exports join the case's audit trail)",
    }),
  ),
};

const CreateBody = Type.Object(
  {
    ...caseFields,
    notes: Type.Optional(
      Type.Array(Type.Object({ text: NoteText }, { additionalProperties: false }), {
        maxItems: MAX_NOTES,
      }),
    ),
  },
  { additionalProperties: false },
);

const ReplaceBody = Type.Object(
  {
    ...caseFields,
    notes: Type.Optional(
      Type.Array(
        Type.Object(
          { id: Type.Optional(Type.String({ format: 'uuid' })), text: NoteText },
          { additionalProperties: false },
        ),
        {
          maxItems: MAX_NOTES,
          description:
            'The notes to keep, in order: an existing note by its id (author and time stay), a new one without. Left out: the notes stay as they are.',
        },
      ),
    ),
    version: Type.Integer({
      minimum: 1,
      description: 'The version this replace is based on; another one is a 409 CASE_CONFLICT',
    }),
  },
  {
    additionalProperties: false,
    description: 'The whole case: fields left out take their defaults (notes excepted)',
  },
);

const NoteSchema = Type.Object({
  id: Type.String(),
  text: Type.String(),
  author: Type.String({ description: 'The API key that wrote it' }),
  time: Type.String(),
  editedBy: Type.Union([Type.String(), Type.Null()]),
  editedAt: Type.Union([Type.String(), Type.Null()]),
});

const caseMeta = {
  id: Type.String(),
  org: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  seeds: Type.Array(Type.String()),
  traceIds: Type.Array(Type.String()),
  version: Type.Integer(),
  createdBy: Type.String(),
  updatedBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
};

const CaseSchema = Type.Object({
  ...caseMeta,
  graph: AnyJson,
  annotations: Type.Record(Type.String(), Type.String()),
  notes: Type.Array(NoteSchema),
});

const CaseSummarySchema = Type.Object({
  ...caseMeta,
  notes: Type.Integer({ description: 'How many notes' }),
  annotations: Type.Integer({ description: 'How many annotated nodes' }),
});

const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  time: Type.String(),
  actor: Type.String({ description: 'The API key (its id)' }),
  actorName: Type.Union([Type.String(), Type.Null()], {
    description: "The key's name when it acted",
  }),
  actorRole: Type.Union([Type.String(), Type.Null()], {
    description: "The key's role when it acted",
  }),
  org: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  detail: AnyJson,
  requestId: Type.Union([Type.String(), Type.Null()]),
});

const IdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** A 413 naming the limit before a byte of an oversized body is read (when its length is known). */
async function refuseLargeCase(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (Number(request.headers['content-length']) > MAX_CASE_BODY_BYTES) {
    reply.header('connection', 'close');
    throw new TooLargeError(`A case is at most ${MAX_CASE_BODY_BYTES / 1024 / 1024} MB`, {
      code: 'BODY_TOO_LARGE',
    });
  }
}

/**
 * Cases: save and load an investigation (seeds, graph state, annotations, notes and traces) of the
 * key's organisation, replace it with optimistic concurrency, append notes, and read its audit trail.
 */
export function registerCaseRoutes(app: ApiApp, ctx: ApiContext): void {
  const tags = ['cases'];
  const cases = createCaseStore({
    store: ctx.store,
    traceExists: async (id, org) => (await ctx.traces.get(id, org)) !== null,
  });
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.post(
    '/v1/cases',
    {
      config: { role: 'investigator' },
      bodyLimit: MAX_CASE_BODY_BYTES,
      preParsing: refuseLargeCase,
      schema: {
        tags,
        summary: 'Save an investigation as a new case',
        body: CreateBody,
        response: withErrors({ 201: CaseSchema }, [413]),
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof CreateBody>;
      const saved = await cases.create(request.apiKey!.org, request.apiKey!.id, body);
      ctx.audit.record(request, 'case.create', saved.id, { name: saved.name });
      return reply.code(201).header('location', `/v1/cases/${saved.id}`).send(saved);
    },
  );

  app.get(
    '/v1/cases',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          "The organisation's cases, newest first, without their graph, annotations and notes",
        querystring: ListQuery,
        response: withErrors({
          200: Type.Object({
            cases: Type.Array(CaseSummarySchema),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        }),
      },
    },
    async (request) => {
      const { limit = DEFAULT_LIST_LIMIT, offset = 0 } = request.query as Static<typeof ListQuery>;
      return { cases: await cases.list(request.apiKey!.org, { limit, offset }), limit, offset };
    },
  );

  app.get(
    '/v1/cases/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Load a case whole',
        params: IdParams,
        response: withErrors({ 200: CaseSchema }, [404]),
      },
    },
    async (request) => {
      const found = await cases.get(request.apiKey!.org, idOf(request));
      if (!found) throw notFound('case', idOf(request));
      // Who looked at a case belongs to its chain of custody: once per key in a while, not per load.
      ctx.audit.recordRead(request, 'case.read', found.id, { version: found.version });
      return found;
    },
  );

  app.put(
    '/v1/cases/:id',
    {
      config: { role: 'investigator' },
      bodyLimit: MAX_CASE_BODY_BYTES,
      preParsing: refuseLargeCase,
      schema: {
        tags,
        summary: 'Replace a case; the body names the version it was based on (409 when stale)',
        params: IdParams,
        body: ReplaceBody,
        response: withErrors({ 200: CaseSchema }, [404, 409, 413]),
      },
    },
    async (request) => {
      const body = request.body as Static<typeof ReplaceBody>;
      const saved = await cases.replace(
        request.apiKey!.org,
        idOf(request),
        request.apiKey!.id,
        body,
      );
      if (!saved) throw notFound('case', idOf(request));
      ctx.audit.record(request, 'case.update', saved.id, {
        name: saved.name,
        version: saved.version,
      });
      return saved;
    },
  );

  app.post(
    '/v1/cases/:id/notes',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary: "Append a note (the key is its author); returns it and the case's new version",
        params: IdParams,
        body: Type.Object({ text: NoteText }, { additionalProperties: false }),
        response: withErrors(
          { 201: Type.Object({ note: NoteSchema, version: Type.Integer() }) },
          [404, 413],
        ),
      },
    },
    async (request, reply) => {
      const { text } = request.body as { text: string };
      const added = await cases.addNote(
        request.apiKey!.org,
        idOf(request),
        request.apiKey!.id,
        text,
      );
      if (!added) throw notFound('case', idOf(request));
      ctx.audit.record(request, 'case.note', idOf(request), {
        note: added.note.id,
        version: added.version,
      });
      return reply.code(201).send(added);
    },
  );

  app.get(
    '/v1/cases/:id/audit',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          "The case's audit trail, newest first: who created, read, changed, annotated or deleted it, and who started or exported its traces",
        params: IdParams,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })) },
          { additionalProperties: false },
        ),
        response: withErrors(
          { 200: Type.Object({ entries: Type.Array(AuditEntrySchema) }) },
          [404],
        ),
      },
    },
    async (request) => {
      const org = request.apiKey!.org;
      const found = await cases.get(org, idOf(request));
      if (!found) throw notFound('case', idOf(request));
      const { limit = 1000 } = request.query as { limit?: number };
      // Entries recorded in the last second are still buffered: write them first.
      await ctx.audit.flush();
      const lists = await Promise.all(
        [found.id, ...found.traceIds].map((target) => ctx.store.listAudit({ target, org, limit })),
      );
      // A trace started for this case is told once, by its `case.trace` entry.
      const startedHere = (e: AuditEntry) =>
        e.action === 'trace.create' &&
        (e.detail as { caseId?: unknown } | null)?.caseId === found.id;
      const entries: AuditEntry[] = lists
        .flat()
        .filter((e) => !startedHere(e))
        .sort((a, b) => b.id - a.id);
      return { entries: entries.slice(0, limit) };
    },
  );

  app.delete(
    '/v1/cases/:id',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary: 'Delete a case (its audit trail stays in the audit log)',
        params: IdParams,
        response: withErrors({ 200: CaseSummarySchema }, [404]),
      },
    },
    async (request) => {
      const removed = await cases.delete(request.apiKey!.org, idOf(request));
      if (!removed) throw notFound('case', idOf(request));
      ctx.audit.record(request, 'case.delete', removed.id, { name: removed.name });
      return removed;
    },
  );
}
