import { Type } from 'typebox';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { ChainParam, withErrors } from '../schemas.ts';

const AssetsQuery = Type.Object(
  { chain: Type.Optional(ChainParam) },
  { additionalProperties: false },
);

/**
 * `GET /v1/me` (which key is this: its role and organisation, for clients such as the web UI to
 * show what they may do) and `GET /v1/assets` (symbols and decimals, to show raw amounts; for
 * tokens from their contract, an ethereum-etl tokens export, or the shipped token list).
 */
export function registerSessionRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/v1/me',
    {
      config: { role: 'any' },
      schema: {
        tags: ['keys'],
        summary: 'The key of this request: its id, name, role and organisation',
        response: withErrors({
          200: Type.Object({
            id: Type.String(),
            name: Type.Union([Type.String(), Type.Null()]),
            role: Type.String(),
            org: Type.String(),
          }),
        }),
      },
    },
    async (request) => {
      const { id, name, role, org } = request.apiKey!;
      return { id, name, role, org };
    },
  );

  app.get(
    '/v1/assets',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['addresses'],
        summary: 'Known assets (symbol, decimals) of a chain, or of all chains',
        querystring: AssetsQuery,
        response: withErrors({
          200: Type.Object({
            assets: Type.Array(
              Type.Object({
                chain: Type.String(),
                asset: Type.String(),
                symbol: Type.Union([Type.String(), Type.Null()]),
                decimals: Type.Union([Type.Integer(), Type.Null()]),
                source: Type.Union(
                  [
                    Type.Literal('chain'),
                    Type.Literal('export'),
                    Type.Literal('token-list'),
                    Type.Null(),
                  ],
                  {
                    description:
                      "where the metadata came from: the token's contract, an ethereum-etl tokens export, or the shipped token list; null for native coins",
                  },
                ),
              }),
            ),
          }),
        }),
      },
    },
    async (request) => {
      const { chain } = request.query as { chain?: string };
      const assets = await ctx.store.listAssets(chain);
      return {
        assets: assets.map((a) => ({
          chain: a.chain,
          asset: a.asset,
          symbol: a.symbol,
          decimals: a.decimals,
          source: a.source ?? null,
        })),
      };
    },
  );
}
