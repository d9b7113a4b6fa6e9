import { createHash } from 'node:crypto';
import { LimitedError, UserError } from '../../errors/base.ts';
import { type Static, Type } from 'typebox';
import { MAX_HOPS } from '../../screen/create-screener.ts';
import { toChainalysis } from '../../screen/format-results.ts';
import type { ScreenResult } from '../../screen/types.ts';
import { privateLabelIndex } from '../labels/org-labels.ts';
import { applyPrivateClusterLabels, exposureClusterLabels } from '../labels/cluster-labels.ts';
import { applyPrivateLabels, exposureLabels } from '../labels/private-screening.ts';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { jsonSafe } from '../json.ts';
import { AddressParam, AnyJson, ChainParam, ViaClusterSchema, withErrors } from '../schemas.ts';

/** Most addresses in one screening request. */
export const MAX_SCREEN_BATCH = 10_000;
/**
 * Most addresses x hops in one request with indirect exposure (`hops` > 0; the own-labels path takes
 * up to {@link MAX_SCREEN_BATCH} addresses). 10,000 copies of one address at 6 hops stalled the server
 * for 4 s and answered 72 MB before repeated addresses were computed once. At this cap, 256 distinct
 * addresses of the demo database at 6 hops (1,536) take 1.1-1.4 s and answer 1.4 MB, and `/healthz`
 * answers within 0.14-0.6 s meanwhile. Repeated addresses count: each gets its own result.
 */
export const MAX_SCREEN_ADDRESS_HOPS = 2_000;

const ScreenBody = Type.Object(
  {
    addresses: Type.Array(
      Type.Union([
        AddressParam,
        Type.Object(
          { address: AddressParam, chain: Type.Optional(ChainParam) },
          { additionalProperties: false },
        ),
      ]),
      { minItems: 1, maxItems: MAX_SCREEN_BATCH },
    ),
    /** Chain of the addresses given without one (default: told from the form; `0x…` is ethereum). */
    chain: Type.Optional(ChainParam),
    hops: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_HOPS,
        default: 0,
        description: 'Hops of indirect exposure (0: own labels only, the fast path)',
      }),
    ),
    includeLabelSet: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Also list every label list loaded (name, date, SHA-256), about 2 KB',
      }),
    ),
  },
  { additionalProperties: false },
);

// `type: [T, 'null']`, not TypeBox's anyOf: fast-json-stringify serialises an anyOf by validating each
// branch at run time, which halved this route's throughput.
const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });
const NullableNumber = Type.Unsafe<number | null>({ type: ['number', 'null'] });
const NullableInteger = Type.Unsafe<number | null>({ type: ['integer', 'null'] });
const NullableBoolean = Type.Unsafe<boolean | null>({ type: ['boolean', 'null'] });

/** A label as screening reports it (src/screen/types.ts `LabelRef`). */
const LabelRefSchema = Type.Object({
  category: Type.String(),
  entity: NullableString,
  actor: NullableString,
  country: NullableString,
  source: Type.String(),
  confidence: NullableNumber,
  sanctionList: NullableString,
  programs: Type.Array(Type.String()),
  validFrom: NullableString,
  validTo: NullableString,
  importId: NullableInteger,
  visibility: Type.Optional(Type.String({ description: 'A private label: its organisation' })),
  inferred: Type.Optional(
    Type.Boolean({
      description:
        "Present when the label is an inference from the transfers (an inferred exchange deposit address), not a list entry: source names the evidence, confidence is the inference's; never a sanction",
    }),
  ),
  viaCluster: Type.Optional(ViaClusterSchema),
});

const SanctionMatchSchema = Type.Object({
  list: Type.String(),
  entity: NullableString,
  programs: Type.Array(Type.String()),
  validFrom: NullableString,
  validTo: NullableString,
  source: Type.String(),
  importId: NullableInteger,
});

/** A transfer that carried exposed value (src/screen/types.ts `ExposureTransfer`). */
const ExposureTransferSchema = Type.Object({
  hop: Type.Integer({
    description: 'Hops from the screened address: 1 = the transfer to or from it',
  }),
  txHash: Type.String(),
  from: Type.String(),
  to: Type.String(),
  asset: Type.String({ description: 'What `from` gave: native or a token contract' }),
  swappedTo: Type.Optional(
    Type.String({
      description: 'What `to` got for it when the transaction converted it (swap, wrap, unwrap)',
    }),
  ),
});

/** Exposure to one category through counterparties (src/screen/types.ts `IndirectExposure`). */
const IndirectExposureSchema = Type.Object({
  direction: Type.String({ description: 'in: value received; out: value sent' }),
  category: Type.String(),
  members: Type.Optional(Type.Array(Type.String())),
  asset: Type.String(),
  symbol: NullableString,
  decimals: NullableInteger,
  amount: Type.String({ description: 'Raw units attributed to the category' }),
  total: Type.String({ description: 'Raw units received (in) or sent (out) of the asset' }),
  share: Type.Number(),
  byHop: Type.Array(Type.String()),
  sources: Type.Array(
    Type.Object({
      address: Type.String({
        description:
          'The labelled counterparty (a detected CoinJoin on Bitcoin-family chains: its transaction hash)',
      }),
      labels: Type.Array(LabelRefSchema),
      hops: Type.Integer(),
      amount: Type.String(),
      path: Type.Array(Type.String()),
      transfers: Type.Array(ExposureTransferSchema, {
        description:
          'The transfers of the largest path, in the order money moved: the one that carried the most on each hop, and the swaps it went through',
      }),
    }),
  ),
});

const ScreenResultSchema = Type.Object(
  {
    input: Type.String(),
    address: Type.String(),
    chain: NullableString,
    error: NullableString,
    sanctioned: NullableBoolean,
    formerlySanctioned: NullableBoolean,
    riskLevel: NullableString,
    sanctions: Type.Array(SanctionMatchSchema),
    formerSanctions: Type.Array(SanctionMatchSchema),
    attributions: Type.Array(LabelRefSchema),
    labels: Type.Array(LabelRefSchema),
    exposure: Type.Object({
      direct: Type.Array(
        Type.Object({ category: Type.String(), labels: Type.Array(LabelRefSchema) }),
      ),
      indirect: Type.Unsafe<unknown[] | null>({
        type: ['array', 'null'],
        items: IndirectExposureSchema,
        description:
          "Exposure through counterparties (with hops), counted along paths in time order and through swaps; amounts are decimal strings. On Bitcoin-family chains, per transaction (what it paid came from its inputs pro rata, what was spent went to its outputs pro rata), measured over the address's cluster (transactions within it are not exposure); a counterparty without labels of its own is labelled by its cluster's (viaCluster, never a sanction); a detected CoinJoin is a source of category mixer whose address is its transaction hash",
      }),
      hops: Type.Integer(),
      notes: Type.Array(Type.String()),
    }),
    alsoListedOn: Type.Array(
      Type.Object({
        chain: Type.String(),
        address: Type.String(),
        sanctioned: Type.Boolean(),
        riskLevel: Type.String(),
        sanctions: Type.Array(SanctionMatchSchema),
        attributions: Type.Array(LabelRefSchema),
      }),
      {
        description:
          'Other chains of the same address form whose lists have the address (the same key controls it there); each also fires `listed-on-other-chain`',
      },
    ),
    activity: Type.Unsafe<unknown>({
      type: ['object', 'null'],
      properties: {
        onChain: {
          type: 'boolean',
          description: 'The address sent or received a stored transfer on `chain`',
        },
        seenOn: {
          type: 'array',
          items: { type: 'string' },
          description: 'Other chains of its form (every EVM chain for 0x) where it did',
        },
        chainFrom: {
          type: 'string',
          enum: ['given', 'listing', 'activity', 'default'],
          description:
            'Why `chain`: given by the caller; a listing there; the only chain of its form where the address has transfers; or the default of its form (0x: ethereum)',
        },
        note: {
          type: 'string',
          description:
            'One line for people, e.g. "no chain given: anvil is the only EVM chain where it has transfers" or "no activity on ethereum; seen on anvil"',
        },
      },
      required: ['onChain', 'seenOn', 'chainFrom', 'note'],
      description:
        'Where the store has seen the address move funds (one lookup per request); null when not screened. No activity on `chain` but some on another chain of its form fires `activity-elsewhere`: such a result is never the clean default',
    }),
    cluster: Type.Optional(
      Type.Object(
        { id: Type.String(), size: Type.Integer() },
        {
          description:
            "The cluster the multi-input heuristic put the address in (2 addresses or more), when the store has clusters of its chain; its other addresses' labels join `labels` with `viaCluster` set",
        },
      ),
    ),
    explanation: Type.Object({
      fired: Type.Array(
        Type.Object({
          rule: Type.String(),
          level: Type.String(),
          reason: Type.String(),
          labels: Type.Optional(Type.Array(LabelRefSchema)),
          exposure: Type.Optional(AnyJson),
        }),
      ),
    }),
  },
  {
    description:
      "The screening of one address (as `chaintrail screen --json`; its explanation keeps the rules that fired, while the rules' version, the day and the label set, common to all results, are the response's `rules`, `asOf` and `labelSetId`)",
  },
);

const Identification = Type.Object({
  category: Type.String(),
  name: Type.String(),
  description: Type.String(),
  url: Type.String(),
});

const ChainalysisResponse = Type.Object(
  { identifications: Type.Array(Identification) },
  { description: "Chainalysis's free sanctions API response shape" },
);

/**
 * `POST /v1/screen` (batch screening with reasons) and `GET /v1/address/{address}` (Chainalysis's
 * free sanctions API: same path, `X-API-Key` header and response, so its clients only change the
 * base URL; also at `/api/v1/address/{address}`, the path under Chainalysis's host).
 */
export function registerScreenRoutes(app: ApiApp, ctx: ApiContext): void {
  // The screener's label set does not change while it is loaded: its id is computed once.
  const labelSetIds = new WeakMap<object, string>();
  const labelSetIdOf = () => {
    const set = ctx.screener.labelSet;
    let id = labelSetIds.get(set);
    if (id === undefined) {
      const hash = createHash('sha256');
      for (const l of set) hash.update(`${l.importId ?? ''}:${l.sha256 ?? ''}\n`);
      id = hash.digest('hex');
      labelSetIds.set(set, id);
    }
    return id;
  };
  app.post(
    '/v1/screen',
    {
      config: { role: 'screener' },
      schema: {
        tags: ['screening'],
        summary: 'Screen addresses: sanctions, attributions, exposure and risk level',
        body: ScreenBody,
        response: withErrors({
          200: Type.Object({
            results: Type.Array(ScreenResultSchema),
            rules: Type.String({ description: 'Version of the risk rules applied' }),
            rulesSha256: Type.String({ description: 'SHA-256 of the risk rules file' }),
            asOf: Type.String({ description: 'Labels counted are those valid on this day' }),
            labelSetId: Type.String({
              description:
                'SHA-256 over the label lists loaded (their ids and SHA-256s): the label set version',
            }),
            labelSet: Type.Optional(
              Type.Array(AnyJson, {
                description:
                  'With includeLabelSet: every label list loaded; labels point into it by importId',
              }),
            ),
          }),
        }),
      },
    },
    async (request) => {
      const body = request.body as Static<typeof ScreenBody>;
      const hops = body.hops ?? 0;
      // The organisation's private labels count for its own screenings (never as sanctions), and
      // for its exposure through counterparties. Once loaded they are read without an await: this
      // route is the API's hot path.
      const found = privateLabelIndex(ctx.store, request.apiKey!.org);
      const ownLabels = found instanceof Promise ? await found : found;
      let results: ScreenResult[];
      const inputs = body.addresses.map((a) =>
        typeof a === 'string'
          ? { address: a, chain: body.chain ?? null }
          : { address: a.address, chain: a.chain ?? body.chain ?? null },
      );
      // Own labels only: two Map lookups per address, and one query for the whole batch of where
      // the addresses have transfers.
      if (hops === 0) results = await ctx.screener.screen(inputs, { hops: 0 });
      else {
        const work = body.addresses.length * hops;
        if (work > MAX_SCREEN_ADDRESS_HOPS)
          throw new UserError(
            `${body.addresses.length.toLocaleString('en-US')} addresses at ${hops} hops is ${work.toLocaleString('en-US')} address-hops; a request with hops takes at most ${MAX_SCREEN_ADDRESS_HOPS.toLocaleString('en-US')} (split the batch, or screen with hops 0: up to ${MAX_SCREEN_BATCH.toLocaleString('en-US')} addresses)`,
            { code: 'SCREEN_TOO_MUCH_WORK' },
          );
        const budget = ctx.screenWork.limiter.hit(
          request.apiKey!.id,
          ctx.screenWork.perMinute,
          work,
        );
        if (!budget.allowed)
          throw new LimitedError(
            `This key has screened ${ctx.screenWork.perMinute.toLocaleString('en-US')} addresses x hops this minute, the most it may: retry in ${budget.retryAfterSeconds} s`,
            { code: 'SCREEN_WORK_LIMITED', retryAfterMs: budget.retryAfterSeconds * 1000 },
          );
        results = await ctx.screener.screen(inputs, {
          hops,
          extraLabels: exposureLabels(ownLabels, ctx.screener.asOf),
          extraClusterLabels: exposureClusterLabels(ctx.store, ownLabels, ctx.screener.asOf),
        });
      }
      results = applyPrivateLabels(ownLabels, ctx.screener.rules, results);
      // Its private labels of other addresses of a result's cluster count too (no work, and no
      // query, without private labels or clusters).
      results = await applyPrivateClusterLabels(ctx.store, ownLabels, ctx.screener.rules, results);
      ctx.audit.record(
        request,
        'screen',
        results.length === 1 ? results[0]!.address : `${results.length} addresses`,
        results.length === 1 ? undefined : { addresses: results.map((r) => r.address), hops },
      );
      const labelSetId = labelSetIdOf();
      // The label set, rules and day are the same for every result: sent once per response. The
      // response schema leaves them out of each result's explanation; jsonSafe (hops, with bigint
      // amounts) copies whatever it is given, so it gets the results without them.
      return {
        results:
          hops === 0
            ? results
            : (jsonSafe(
                results.map((r) => ({ ...r, explanation: { fired: r.explanation.fired } })),
              ) as ScreenResult[]),
        rules: ctx.screener.rules.version,
        rulesSha256: ctx.screener.rules.sha256,
        asOf: ctx.screener.asOf,
        labelSetId,
        ...(body.includeLabelSet ? { labelSet: ctx.screener.labelSet } : {}),
      };
    },
  );

  const chainalysis = {
    config: { role: 'screener' as const },
    schema: {
      tags: ['screening'],
      summary: "Sanctions check in the shape of Chainalysis's free sanctions API",
      params: Type.Object({ address: AddressParam }),
      response: withErrors({ 200: ChainalysisResponse }),
    },
  };
  const handler = async (request: { params: unknown }) => {
    const { address } = request.params as { address: string };
    // No store lookup of where the address has transfers: this shape carries sanctions only, and a
    // listing on any chain of the address's form is reported whichever chain it is screened on.
    const result = ctx.screener.screenDirect(address);
    if (result.error)
      throw new UserError(`Invalid address "${address}"`, {
        code: 'INVALID_ADDRESS',
        details: result.error,
      });
    ctx.audit.record(request as never, 'screen', result.address, { api: 'chainalysis' });
    return toChainalysis(result);
  };
  app.get('/v1/address/:address', chainalysis, handler);
  app.get(
    '/api/v1/address/:address',
    { ...chainalysis, schema: { ...chainalysis.schema, hide: true } },
    handler,
  );
}
