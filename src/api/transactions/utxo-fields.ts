import { type Static, Type } from 'typebox';
import type { UtxoTransaction } from '../../chains/bitcoin/read-transaction.ts';
import { isBitcoinPseudoAddress } from '../../model/address.ts';

const Satoshis = Type.String({ pattern: '^[0-9]+$', description: 'Satoshis, as a decimal string' });

const Outpoint = Type.Object(
  { txid: Type.String(), index: Type.Integer({ minimum: 0 }) },
  { description: 'The output an input spends: its transaction and index' },
);

/** One input of a UTXO transaction, as the API gives it. */
export const UtxoInputSchema = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  address: Type.Union([Type.String(), Type.Null()], {
    description: "The spent output's address",
  }),
  value: Satoshis,
  spent: Type.Optional(
    Type.Union([Outpoint, Type.Null()], {
      description:
        'The output it spends, when the store records it (the current sync and bitcoin-etl import store address and value only, so this is left out)',
    }),
  ),
});

/** One output of a UTXO transaction, as the API gives it. */
export const UtxoOutputSchema = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  address: Type.Union([Type.String(), Type.Null()]),
  value: Satoshis,
  nonstandard: Type.Boolean({
    description:
      "True when the script has no address (OP_RETURN, bare multisig, non-standard): `address` is bitcoin-etl's pseudo-address nonstandard<40 hex>",
  }),
});

/**
 * What `GET /v1/transactions/{chain}/{hash}` adds for a UTXO chain (Bitcoin and its test networks):
 * inputs and outputs in index order, fee, whether it is a coinbase, its block and time. Optional in
 * the route's schema: account chains (EVM, Tron) have none of them.
 */
export const UtxoFields = {
  coinbase: Type.Optional(
    Type.Boolean({ description: 'UTXO chains: no inputs, the block reward enters here' }),
  ),
  block: Type.Optional(
    Type.Object(
      {
        number: Type.String({ pattern: '^[0-9]+$' }),
        hash: Type.Union([Type.String(), Type.Null()]),
      },
      { description: 'UTXO chains: the block holding the transaction' },
    ),
  ),
  time: Type.Optional(
    Type.Union([Type.Integer(), Type.Null()], {
      description: "UTXO chains: the block's time, Unix seconds",
    }),
  ),
  inputs: Type.Optional(Type.Array(UtxoInputSchema, { description: 'UTXO chains, in order' })),
  outputs: Type.Optional(Type.Array(UtxoOutputSchema, { description: 'UTXO chains, in order' })),
  fee: Type.Optional(
    Type.Union([Satoshis, Type.Null()], {
      description: 'UTXO chains: inputs minus outputs; null for a coinbase',
    }),
  ),
};

/** The UTXO fields of a response (see {@link UtxoFields}). */
export type UtxoFieldValues = {
  coinbase: boolean;
  block: { number: string; hash: string | null };
  time: number | null;
  inputs: Static<typeof UtxoInputSchema>[];
  outputs: Static<typeof UtxoOutputSchema>[];
  fee: string | null;
};

/**
 * A stored UTXO transaction (src/chains/bitcoin/read-transaction.ts, the one reading `chaintrail tx`
 * uses too) as the API's fields: satoshis as decimal strings, outputs without an address marked.
 *
 * @example
 * utxoFieldValues(await readUtxoTransaction({ store, chain, txid })); // { coinbase: false, inputs: [{ index: 0, … }], … }
 */
export function utxoFieldValues(tx: UtxoTransaction): UtxoFieldValues {
  return {
    coinbase: tx.coinbase,
    block: { number: tx.block.number.toString(), hash: tx.block.hash },
    time: tx.block.time,
    inputs: tx.inputs.map((i) => ({
      index: i.index,
      address: i.address,
      value: i.value.toString(),
    })),
    outputs: tx.outputs.map((o) => ({
      index: o.index,
      address: o.address,
      value: o.value.toString(),
      nonstandard: o.address !== null && isBitcoinPseudoAddress(o.address),
    })),
    fee: tx.fee === null ? null : tx.fee.toString(),
  };
}
