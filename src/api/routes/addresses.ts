import { type Static, Type } from 'typebox';
import { normalizeAddress } from '../../model/address.ts';
import { getChain } from '../../model/chains.ts';
import { parseTimestamp } from '../../model/time.ts';
import { MAX_HOPS } from '../../screen/create-screener.ts';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { jsonSafe } from '../json.ts';
import {
  applyPrivateClusterLabels,
  labelsWithCluster,
  exposureClusterLabels,
} from '../labels/cluster-labels.ts';
import { privateLabelIndex } from '../labels/org-labels.ts';
import { applyPrivateLabels, exposureLabels } from '../labels/private-screening.ts';
import { AddressParam, AnyJson, ChainParam, LabelSchema, Paging, withErrors } from '../schemas.ts';

const Params = Type.Object({ chain: ChainParam, address: AddressParam });
type ParamsT = Static<typeof Params>;

/** A time: Unix seconds or ISO 8601 (`2025-02-21`, `2025-02-21T14:13:35Z`). */
const TimeQuery = Type.String({ minLength: 1, maxLength: 40 });

const TransfersQuery = Type.Object(
  {
    ...Paging,
    since: Type.Optional(TimeQuery),
    until: Type.Optional(TimeQuery),
    asset: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: '`native`, or the token contract address',
      }),
    ),
    direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')])),
  },
  { additionalProperties: false },
);

const TransferSchema = Type.Object({
  chain: Type.String(),
  blockNumber: Type.String(),
  blockTime: Type.Union([Type.Integer(), Type.Null()]),
  txHash: Type.String(),
  position: Type.String(),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  asset: Type.String(),
  amount: Type.String({ description: 'Raw units, a decimal integer' }),
  kind: Type.String(),
});

/** The chain and canonical address of a path, or a 400 naming what is wrong. */
export function resolveAddress(params: ParamsT): { chain: string; address: string } {
  const chain = getChain(params.chain).key;
  return { chain, address: normalizeAddress(chain, params.address) };
}

/**
 * Address routes: summary, labels (the organisation's private ones first), risk, counterparties
 * and transfers (paged, filtered by time, asset and direction).
 */
export function registerAddressRoutes(app: ApiApp, ctx: ApiContext): void {
  const tags = ['addresses'];
  app.get(
    '/v1/addresses/:chain/:address',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Totals per asset, first and last seen, top counterparties and labels',
        params: Params,
        response: withErrors({ 200: AnyJson }),
      },
    },
    async (request) => {
      const { chain, address } = resolveAddress(request.params as ParamsT);
      const summary = await ctx.store.getAddressSummary({ chain, address });
      const labels = await labelsWithCluster(ctx.store, request.apiKey!.org, chain, address);
      return jsonSafe({ ...summary, labels });
    },
  );

  app.get(
    '/v1/addresses/:chain/:address/labels',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          "The address's labels: the organisation's private ones first, then public ones, then those of its cluster's other addresses (viaCluster)",
        params: Params,
        response: withErrors({ 200: Type.Object({ labels: Type.Array(LabelSchema) }) }),
      },
    },
    async (request) => {
      const { chain, address } = resolveAddress(request.params as ParamsT);
      return { labels: await labelsWithCluster(ctx.store, request.apiKey!.org, chain, address) };
    },
  );

  app.get(
    '/v1/addresses/:chain/:address/risk',
    {
      config: { role: 'screener' },
      schema: {
        tags,
        summary: 'Risk level with the rules that fired, and exposure through counterparties',
        params: Params,
        querystring: Type.Object(
          { hops: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_HOPS, default: 2 })) },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: AnyJson }),
      },
    },
    async (request) => {
      const { chain, address } = resolveAddress(request.params as ParamsT);
      const { hops } = request.query as { hops?: number };
      // The organisation's private labels count for its own screening, direct and through
      // counterparties (its case findings included).
      const ownLabels = await privateLabelIndex(ctx.store, request.apiKey!.org);
      const [result] = await applyPrivateClusterLabels(
        ctx.store,
        ownLabels,
        ctx.screener.rules,
        applyPrivateLabels(
          ownLabels,
          ctx.screener.rules,
          await ctx.screener.screen([{ address, chain }], {
            hops: hops ?? 2,
            extraLabels: exposureLabels(ownLabels, ctx.screener.asOf),
            extraClusterLabels: exposureClusterLabels(ctx.store, ownLabels, ctx.screener.asOf),
          }),
        ),
      );
      ctx.audit.record(request, 'screen', address, { hops: hops ?? 2 });
      return jsonSafe(result);
    },
  );

  app.get(
    '/v1/addresses/:chain/:address/counterparties',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Who sent to (in) or received from (out) the address, per asset, largest first',
        params: Params,
        querystring: Type.Object(
          {
            direction: Type.Optional(
              Type.Union([Type.Literal('in'), Type.Literal('out')], { default: 'out' }),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: AnyJson }),
      },
    },
    async (request) => {
      const { chain, address } = resolveAddress(request.params as ParamsT);
      const q = request.query as { direction?: 'in' | 'out'; limit?: number };
      const flows = await ctx.store.getCounterpartyFlows({
        chain,
        addresses: [address],
        direction: q.direction ?? 'out',
        maxCounterparties: q.limit ?? 100,
      });
      return jsonSafe({ chain, address, direction: q.direction ?? 'out', assets: flows });
    },
  );

  app.get(
    '/v1/addresses/:chain/:address/transfers',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Transfers of the address, in chain order, paged',
        params: Params,
        querystring: TransfersQuery,
        response: withErrors({
          200: Type.Object({
            transfers: Type.Array(TransferSchema),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        }),
      },
    },
    async (request) => {
      const { chain, address } = resolveAddress(request.params as ParamsT);
      const q = request.query as Static<typeof TransfersQuery>;
      const limit = q.limit ?? 100;
      const offset = q.offset ?? 0;
      const transfers = await ctx.store.listTransfers({
        chain,
        address,
        ...(q.direction ? { direction: q.direction } : {}),
        ...(q.asset
          ? { asset: q.asset === 'native' ? 'native' : normalizeAddress(chain, q.asset) }
          : {}),
        ...(q.since ? { since: parseTimestamp(q.since) } : {}),
        ...(q.until ? { until: parseTimestamp(q.until) } : {}),
        limit,
        offset,
      });
      return { transfers: jsonSafe(transfers) as Static<typeof TransferSchema>[], limit, offset };
    },
  );
}
