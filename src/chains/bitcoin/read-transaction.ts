import type { Chain } from '../../model/chains.ts';
import type { ChainEvent } from '../../model/events.ts';
import type { Store } from '../../store/store.ts';
import { BITCOIN_FEE_POSITION } from './decode-block.ts';

/** One input or output of a stored UTXO transaction: its index, address and value (satoshis). */
export type UtxoLeg = { index: number; address: string | null; value: bigint };

/** A UTXO transaction as the store holds it (see {@link readUtxoTransaction}). */
export type UtxoTransaction = {
  chain: string;
  txid: string;
  block: { number: bigint; hash: string | null; time: number | null };
  /** No inputs: a coinbase (its reward enters here). */
  coinbase: boolean;
  inputs: UtxoLeg[];
  outputs: UtxoLeg[];
  /** Inputs minus outputs as stored (`fee:`); null for a coinbase. */
  fee: bigint | null;
  /** Typed events of the transaction (THORChain bridge deposits and payouts). */
  events: ChainEvent[];
};

const indexOf = (position: string) => Number(position.slice(position.indexOf(':') + 1));

/**
 * A UTXO transaction from the store: its inputs (`utxo_in`, in order), outputs (`utxo_out`), fee,
 * block (number, hash, time) and events; null when the store has no transfer of it.
 *
 * @example
 * const tx = await readUtxoTransaction({ store, chain: getChain('bitcoin'), txid: '7940cdde…' });
 * tx?.inputs.map((i) => i.value); // [5000000000n, 5000000000n]
 */
export async function readUtxoTransaction(parameters: {
  store: Store;
  chain: Chain;
  txid: string;
}): Promise<UtxoTransaction | null> {
  const { store, chain, txid } = parameters;
  const transfers = await store.listTransfers({ chain: chain.key, txHash: txid });
  if (transfers.length === 0) return null;
  const first = transfers[0]!;
  const [block] = await store.getBlocks(chain.key, [first.blockNumber]);
  const inputs: UtxoLeg[] = [];
  const outputs: UtxoLeg[] = [];
  let fee: bigint | null = null;
  for (const t of transfers) {
    if (t.kind === 'utxo_in')
      inputs.push({ index: indexOf(t.position), address: t.from, value: t.amount });
    else if (t.kind === 'utxo_out')
      outputs.push({ index: indexOf(t.position), address: t.to, value: t.amount });
    else if (t.kind === 'fee' && t.position === BITCOIN_FEE_POSITION) fee = t.amount;
  }
  // The store orders positions as text (`out:10` before `out:2`): put them in index order.
  inputs.sort((a, b) => a.index - b.index);
  outputs.sort((a, b) => a.index - b.index);
  return {
    chain: chain.key,
    txid,
    block: { number: first.blockNumber, hash: block?.hash ?? null, time: first.blockTime },
    coinbase: inputs.length === 0,
    inputs,
    outputs,
    fee,
    events: await store.listEvents({ chain: chain.key, txHash: txid }),
  };
}
