import type { Network } from 'bitcoinjs-lib';
import { UserError } from '../../errors/base.ts';
import type { Store } from '../../store/store.ts';
import { type BatchOutputs, createBatchOutputs } from './output-addresses.ts';
import { scriptAddress } from './script-address.ts';
import type { BitcoinBlock, BitcoinInput, BitcoinTransaction, SpentOutput } from './types.ts';

/**
 * A non-coinbase input whose spent output was found nowhere: not in the node's answer (verbosity 3
 * `prevout`), not in the batch, not in the store, and the node could not give the spending
 * transaction's parent (`getrawtransaction` needs Core's `-txindex` or bcoin's `--index-tx` for
 * confirmed transactions). Its value is never taken as zero.
 */
export class UnresolvedInputError extends UserError {
  override name = 'UnresolvedInputError';
  /** `<txid>:<input index>`. */
  readonly input: string;
  /** `<spent txid>:<output index>`. */
  readonly spends: string;
  constructor(txid: string, index: number, input: Pick<BitcoinInput, 'txid' | 'vout'>) {
    const spends = `${input.txid}:${input.vout}`;
    super(`Input ${txid}:${index} spends ${spends}, whose value and address were found nowhere`, {
      code: 'UTXO_INPUT_UNRESOLVED',
      details:
        'Neither the node (getblock verbosity 3, getrawtransaction), this batch nor the store has that output. Use a node with a transaction index (Bitcoin Core -txindex, bcoin --index-tx) or Core 23+ (verbosity 3), or first sync or import the block that created it.',
    });
    this.input = `${txid}:${index}`;
    this.spends = spends;
  }
}

/**
 * Fetches transactions from the node by id (Core `getrawtransaction <txid> true`); an id the node
 * does not have maps to null.
 */
export type FetchTransactions = (
  txids: readonly string[],
) => Promise<Map<string, BitcoinTransaction | null>>;

/** Where {@link resolveInputs} found the inputs' values: how many from each place. */
export type ResolvedFrom = {
  prevout: number;
  batch: number;
  recent: number;
  store: number;
  node: number;
};

const key = (txid: string, vout: number) => `${txid}:${vout}`;

/**
 * Fills in the value and address of every non-coinbase input of `blocks` (in place), trying in
 * order: what the node already gave (`prevout` of `getblock` verbosity 3, Esplora's `prevout`), the
 * outputs of this batch, `recent` outputs the caller kept (of the batch before: no store query),
 * the outputs the store holds from earlier batches or imports
 * ({@link Store.getOutputs}), and last the node's copy of the spent transaction
 * (`fetchTransactions`, one call for all that are left). An input found nowhere throws
 * {@link UnresolvedInputError}, naming it.
 *
 * @example
 * const from = await resolveInputs({ blocks, chain: 'bitcoin', network, store, fetchTransactions });
 * // { prevout: 0, batch: 0, recent: 0, store: 0, node: 3 }
 */
export async function resolveInputs(parameters: {
  blocks: readonly BitcoinBlock[];
  chain: string;
  network: Network;
  store: Pick<Store, 'getOutputs'>;
  /**
   * Outputs by `<txid>:<vout>` the caller kept from batches before (a transaction id commits to
   * its outputs, so an entry is right on any branch that has the transaction).
   */
  recent?: ReadonlyMap<string, SpentOutput> | undefined;
  fetchTransactions?: FetchTransactions | undefined;
  /**
   * The transactions of the batch before, kept by the caller: inputs spending them count as
   * `recent` too, with no map of every output.
   */
  recentBatch?: BatchOutputs | undefined;
  /**
   * This batch's transactions and their outputs' addresses ({@link createBatchOutputs} of
   * `blocks`), shared with the rows' decode so each address is derived once.
   */
  batch?: BatchOutputs | undefined;
}): Promise<ResolvedFrom> {
  const { blocks, network } = parameters;
  const from: ResolvedFrom = { prevout: 0, batch: 0, recent: 0, store: 0, node: 0 };
  const open: { tx: BitcoinTransaction; index: number; input: BitcoinInput }[] = [];
  const batch = parameters.batch ?? createBatchOutputs(blocks, network);
  const created = batch.transactions;
  const recentBatch = parameters.recentBatch;
  /** An output of the node's spent transactions (one each: not kept). */
  const outputOf = (tx: BitcoinTransaction, vout: number): SpentOutput | null => {
    const o = tx.outputs[vout];
    return o ? { value: o.value, address: scriptAddress(o.script, network).address } : null;
  };
  for (const b of blocks)
    for (const tx of b.transactions)
      for (let index = 0; index < tx.inputs.length; index++) {
        const input = tx.inputs[index]!;
        if (input.prevout !== null) {
          from.prevout++;
          continue;
        }
        const parent = created.get(input.txid);
        const o = parent?.outputs[input.vout];
        if (o !== undefined) {
          input.prevout = {
            value: o.value,
            address: batch.addressesOf(parent!)[input.vout]!.address,
          };
          from.batch++;
          continue;
        }
        const earlier = recentBatch?.transactions.get(input.txid);
        const e = earlier?.outputs[input.vout];
        if (e !== undefined) {
          input.prevout = {
            value: e.value,
            address: recentBatch!.addressesOf(earlier!)[input.vout]!.address,
          };
          from.recent++;
          continue;
        }
        input.prevout = parameters.recent?.get(key(input.txid, input.vout)) ?? null;
        if (input.prevout !== null) from.recent++;
        else open.push({ tx, index, input });
      }
  if (open.length === 0) return from;

  const stored = await parameters.store.getOutputs(
    parameters.chain,
    open.map(({ input }) => ({ txHash: input.txid, index: input.vout })),
  );
  let left = open.filter(({ input }) => {
    const s = stored.get(key(input.txid, input.vout));
    if (s === undefined || s.address === null) return true;
    input.prevout = { value: s.amount, address: s.address };
    from.store++;
    return false;
  });
  if (left.length > 0 && parameters.fetchTransactions) {
    const fetched = await parameters.fetchTransactions([...new Set(left.map((l) => l.input.txid))]);
    left = left.filter(({ input }) => {
      const parent = fetched.get(input.txid);
      input.prevout = parent ? outputOf(parent, input.vout) : null;
      if (input.prevout === null) return true;
      from.node++;
      return false;
    });
  }
  const first = left[0];
  if (first) throw new UnresolvedInputError(first.tx.txid, first.index, first.input);
  return from;
}
