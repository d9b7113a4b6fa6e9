import { type Static, Type } from 'typebox';
import { FINDING_ROLES } from '../../trace/case-findings.ts';
import { ILLICIT_CATEGORIES } from '../../labels/taxonomy.ts';
import type { ApiApp } from '../app.ts';
import { createCaseFindings } from '../cases/case-findings.ts';
import { createCaseStore } from '../cases/case-store.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { FINDING_MARKS } from '../labels/finding-labels.ts';
import { AddressParam, ChainParam, withErrors } from '../schemas.ts';

/** Most addresses one request marks or unmarks by name (a graph selection). */
const MAX_SELECTION = 1000;

const IdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const MarkParam = Type.Union(
  FINDING_MARKS.map((m) => Type.Literal(m)),
  {
    description:
      "`seeds`: the case's address seeds; `paths`: the addresses on the path to each endpoint of its forward trace (less the seeds, where the value came from, and services); `selection`: the addresses given",
  },
);

const ChainAddressSchema = Type.Object(
  { chain: ChainParam, address: AddressParam },
  { additionalProperties: false },
);

const MarkBody = Type.Object(
  {
    mark: MarkParam,
    addresses: Type.Optional(
      Type.Array(ChainAddressSchema, {
        minItems: 1,
        maxItems: MAX_SELECTION,
        description: 'The selection (`mark: selection`), each with its chain',
      }),
    ),
    traceId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          "The case's trace to take paths and roles from (default: its latest finished forward trace)",
      }),
    ),
    category: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: `The labels' category, an illicit one (${[...ILLICIT_CATEGORIES].join(', ')}); default theft, which covers a theft's laundering addresses`,
      }),
    ),
  },
  { additionalProperties: false },
);

const UnmarkQuery = Type.Object(
  {
    mark: Type.Optional(MarkParam),
    address: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]+:.+$', maxLength: 200 }), {
        maxItems: MAX_SELECTION,
        description: 'Addresses to unmark as `<chain>:<address>` (repeat the parameter)',
      }),
    ),
  },
  { additionalProperties: false },
);

const FindingSchema = Type.Object({
  id: Type.String({ description: "Its private label's id: `<case id>.<n>`" }),
  chain: Type.String(),
  address: Type.String(),
  role: Type.Union(
    FINDING_ROLES.map((r) => Type.Literal(r)),
    {
      description:
        'seed; endpoint (traced value rests there); path (the value passed); selected (marked, not in the trace)',
    },
  ),
  marks: Type.Array(MarkParam),
  category: Type.String(),
  traceId: Type.Union([Type.String(), Type.Null()]),
  markedBy: Type.String({ description: 'The API key that marked it' }),
  author: Type.String({ description: "That key's name" }),
  markedAt: Type.String(),
});

const SkippedSchema = Type.Object({
  chain: Type.Union([Type.String(), Type.Null()]),
  address: Type.String(),
  reason: Type.Union(
    [
      Type.Literal('transaction'),
      Type.Literal('unreadable'),
      Type.Literal('source'),
      Type.Literal('service'),
    ],
    {
      description:
        "transaction: a seed that is a transaction; unreadable: a seed that is no address; source: where the traced value came from (a seed transaction's sender: in a theft, the victim); service: a service's address (exchange, bridge, DEX, …), never marked",
    },
  ),
  category: Type.Union([Type.String(), Type.Null()]),
  entity: Type.Union([Type.String(), Type.Null()]),
});

const CaseRef = Type.Object({ id: Type.String(), name: Type.String() });

/** `<chain>:<address>` as the unmark query names an address. */
function splitAddress(text: string): { chain: string; address: string } {
  // A chain named by its id has a colon of its own (`evm:7777777`).
  const colon = text.startsWith('evm:') ? text.indexOf(':', 'evm:'.length) : text.indexOf(':');
  return { chain: text.slice(0, colon), address: text.slice(colon + 1) };
}

/**
 * A case's findings: `POST /v1/cases/{id}/findings` marks its seeds, the addresses on the path to
 * each endpoint of its trace, or a selection as private labels of the organisation (the case as
 * provenance, the key as author); `GET` lists them; `DELETE` unmarks them.
 */
export function registerCaseFindingRoutes(app: ApiApp, ctx: ApiContext): void {
  const tags = ['cases'];
  const findings = createCaseFindings({
    store: ctx.store,
    cases: createCaseStore({
      store: ctx.store,
      traceExists: async (id, org) => (await ctx.traces.get(id, org)) !== null,
    }),
    traces: ctx.traces,
    screener: () => ctx.screener,
  });
  const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

  app.post(
    '/v1/cases/:id/findings',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary:
          "Mark the case's seeds, the addresses on the path to each endpoint, or a selection as the organisation's private labels (again: unchanged)",
        params: IdParams,
        body: MarkBody,
        response: withErrors(
          {
            200: Type.Object({
              case: CaseRef,
              traceId: Type.Union([Type.String(), Type.Null()]),
              added: Type.Array(FindingSchema),
              already: Type.Array(FindingSchema, { description: 'Marked before: unchanged' }),
              skipped: Type.Array(SkippedSchema),
              total: Type.Integer({ description: "The case's marked addresses now" }),
            }),
          },
          [404, 409],
        ),
      },
    },
    async (request) => {
      const body = request.body as Static<typeof MarkBody>;
      const key = request.apiKey!;
      const result = await findings.mark(key.org, idOf(request), key, body);
      if (!result) throw notFound('case', idOf(request));
      ctx.audit.record(request, 'case.findings.mark', result.case.id, {
        mark: body.mark,
        traceId: result.traceId,
        added: result.added.map((f) => `${f.chain}:${f.address}`),
        already: result.already.length,
        skipped: result.skipped.length,
      });
      return result;
    },
  );

  app.get(
    '/v1/cases/:id/findings',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The case's marked addresses",
        params: IdParams,
        response: withErrors(
          { 200: Type.Object({ case: CaseRef, findings: Type.Array(FindingSchema) }) },
          [404],
        ),
      },
    },
    async (request) => {
      const found = await findings.list(request.apiKey!.org, idOf(request));
      if (!found) throw notFound('case', idOf(request));
      return found;
    },
  );

  app.delete(
    '/v1/cases/:id/findings',
    {
      config: { role: 'investigator' },
      schema: {
        tags,
        summary:
          "Unmark the case's findings: those marked one way (`mark`), some addresses (`address`), or all",
        params: IdParams,
        querystring: UnmarkQuery,
        response: withErrors(
          {
            200: Type.Object({
              case: CaseRef,
              removed: Type.Array(FindingSchema, {
                description: 'Addresses no longer marked (one marked another way stays)',
              }),
              total: Type.Integer(),
            }),
          },
          [404],
        ),
      },
    },
    async (request) => {
      const q = request.query as Static<typeof UnmarkQuery>;
      const result = await findings.unmark(request.apiKey!.org, idOf(request), {
        mark: q.mark,
        addresses: q.address?.map(splitAddress),
      });
      if (!result) throw notFound('case', idOf(request));
      ctx.audit.record(request, 'case.findings.unmark', result.case.id, {
        mark: q.mark ?? null,
        removed: result.removed.map((f) => `${f.chain}:${f.address}`),
      });
      return result;
    },
  );
}
