import { type Static, Type } from 'typebox';
import { readUtxoTransaction } from '../../chains/bitcoin/read-transaction.ts';
import { getChain } from '../../model/chains.ts';
import { normalizeTxHash } from '../../model/tx-hash.ts';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { privateLabelIndex } from '../labels/org-labels.ts';
import { jsonSafe } from '../json.ts';
import { AnyJson, ChainParam, withErrors } from '../schemas.ts';
import { UtxoFields, type UtxoFieldValues, utxoFieldValues } from '../transactions/utxo-fields.ts';

/**
 * Addresses of one transaction named with their labels: an airdrop or a batch payout moves value to
 * thousands; past this many the rest are listed unnamed (their pages name them).
 */
const MAX_TX_NAMED_ADDRESSES = 1000;

const NameSchema = Type.Object({
  entity: Type.Union([Type.String(), Type.Null()]),
  category: Type.String(),
  /** The organisation's own label (private), not a public list's. */
  private: Type.Boolean(),
});

const Params = Type.Object({
  chain: ChainParam,
  hash: Type.String({ minLength: 1, maxLength: 130 }),
});

/**
 * `GET /v1/transactions/{chain}/{hash}`: a transaction's transfers and decoded events; on a UTXO
 * chain also its inputs and outputs (address, satoshis), fee, coinbase, block and time.
 */
export function registerTransactionRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/v1/transactions/:chain/:hash',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['transactions'],
        summary:
          "A transaction's transfers and decoded events (swaps, wraps, bridges, freezes); on Bitcoin its inputs, outputs and fee",
        params: Params,
        response: withErrors(
          {
            200: Type.Object({
              chain: Type.String(),
              txHash: Type.String(),
              transfers: AnyJson,
              events: AnyJson,
              names: Type.Record(Type.String(), NameSchema, {
                description:
                  "Who is behind the transaction's addresses (senders, receivers, inputs, outputs, event accounts and contracts): the organisation's private label first, else the most specific public one; the first 1,000 addresses",
              }),
              ...UtxoFields,
            }),
          },
          [404],
        ),
      },
    },
    async (request) => {
      const params = request.params as Static<typeof Params>;
      const chainInfo = getChain(params.chain);
      const chain = chainInfo.key;
      const txHash = normalizeTxHash(chain, params.hash);
      let utxo: UtxoFieldValues | null = null;
      let transfers;
      let events;
      if (chainInfo.family === 'bitcoin') {
        // Inputs and outputs as `chaintrail tx` reads them (one reading of the store for both).
        const [tx, listed] = await Promise.all([
          readUtxoTransaction({ store: ctx.store, chain: chainInfo, txid: txHash }),
          ctx.store.listTransfers({ chain, txHash }),
        ]);
        transfers = listed;
        events = tx?.events ?? (await ctx.store.listEvents({ chain, txHash }));
        if (tx) utxo = utxoFieldValues(tx);
      } else
        [transfers, events] = await Promise.all([
          ctx.store.listTransfers({ chain, txHash }),
          ctx.store.listEvents({ chain, txHash }),
        ]);
      if (transfers.length === 0 && events.length === 0)
        throw notFound('stored transaction', txHash);
      const addresses = new Set<string>();
      for (const t of transfers) {
        if (t.from) addresses.add(t.from);
        if (t.to) addresses.add(t.to);
      }
      for (const e of events)
        for (const a of [
          e.contract,
          'account' in e ? e.account : null,
          'recipient' in e ? e.recipient : null,
        ])
          if (typeof a === 'string') addresses.add(a);
      const found = privateLabelIndex(ctx.store, request.apiKey!.org);
      const own = found instanceof Promise ? await found : found;
      const names: Record<string, Static<typeof NameSchema>> = {};
      for (const address of [...addresses].slice(0, MAX_TX_NAMED_ADDRESSES)) {
        const mine = own.of(chain, address)[0];
        if (mine) {
          names[address] = { entity: mine.entity, category: mine.category, private: true };
          continue;
        }
        // The screener's in-memory index: no query per address.
        const listed = ctx.screener.screenDirect(address, chain).labels;
        const best = listed.find((l) => l.entity) ?? listed[0];
        if (best) names[address] = { entity: best.entity, category: best.category, private: false };
      }
      return {
        chain,
        txHash,
        transfers: jsonSafe(transfers),
        events: jsonSafe(events),
        names,
        ...utxo,
      };
    },
  );
}
