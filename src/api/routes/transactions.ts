import { type Static, Type } from 'typebox';
import { getChain } from '../../model/chains.ts';
import { normalizeTxHash } from '../../model/tx-hash.ts';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { jsonSafe } from '../json.ts';
import { AnyJson, ChainParam, withErrors } from '../schemas.ts';

const Params = Type.Object({
  chain: ChainParam,
  hash: Type.String({ minLength: 1, maxLength: 130 }),
});

/** `GET /v1/transactions/{chain}/{hash}`: a transaction's transfers and decoded events. */
export function registerTransactionRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/v1/transactions/:chain/:hash',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['transactions'],
        summary: "A transaction's transfers and decoded events (swaps, wraps, bridges, freezes)",
        params: Params,
        response: withErrors(
          {
            200: Type.Object({
              chain: Type.String(),
              txHash: Type.String(),
              transfers: AnyJson,
              events: AnyJson,
            }),
          },
          [404],
        ),
      },
    },
    async (request) => {
      const params = request.params as Static<typeof Params>;
      const chain = getChain(params.chain).key;
      const txHash = normalizeTxHash(chain, params.hash);
      const [transfers, events] = await Promise.all([
        ctx.store.listTransfers({ chain, txHash }),
        ctx.store.listEvents({ chain, txHash }),
      ]);
      if (transfers.length === 0 && events.length === 0)
        throw notFound('stored transaction', txHash);
      return { chain, txHash, transfers: jsonSafe(transfers), events: jsonSafe(events) };
    },
  );
}
