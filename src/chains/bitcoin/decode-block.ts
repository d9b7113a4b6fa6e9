import type { Network } from 'bitcoinjs-lib';
import { UserError } from '../../errors/base.ts';
import { NATIVE_ASSET } from '../../model/asset.ts';
import type { Chain } from '../../model/chains.ts';
import type { ChainEvent } from '../../model/events.ts';
import type { Transfer } from '../../model/transfer.ts';
import type { Block } from '../../store/store.ts';
import { UnresolvedInputError } from './resolve-inputs.ts';
import { createOutputAddresses, type OutputAddresses } from './output-addresses.ts';
import { type ScriptAddress, scriptAddress } from './script-address.ts';
import { thorchainEvents } from './thorchain-events.ts';
import type { BitcoinBlock, BitcoinTransaction } from './types.ts';

/**
 * The position of a transaction's fee. A Bitcoin fee is paid by the transaction as a whole (what
 * its inputs hold beyond its outputs), not by one address, so its transfer has no `from` and no
 * `to`: the trace graph index skips a `fee` transfer whose `from` is null
 * (src/trace/graph-index.ts `addBatch`), so the fee simply stays in the transaction's node (value
 * in, not passed on), and the store's per-address reads (address summary, counterparty flows)
 * never see it; `chaintrail stats` counts it under kind `fee`.
 */
export const BITCOIN_FEE_POSITION = 'fee:';

/** What {@link decodeBlocks} returns: rows of the store. */
export type DecodedBlocks = { blocks: Block[]; transfers: Transfer[]; events: ChainEvent[] };

/** A transaction whose outputs hold more than its inputs: its inputs' values are wrong. */
export class OutputsExceedInputsError extends UserError {
  override name = 'OutputsExceedInputsError';
  constructor(txid: string, inputs: bigint, outputs: bigint) {
    super(
      `Transaction ${txid} pays ${outputs} satoshis out of inputs worth ${inputs}: an input's value is wrong`,
      { code: 'UTXO_OUTPUTS_EXCEED_INPUTS' },
    );
  }
}

/** Where a transaction sits: its chain, block and time. */
export type TransactionPlace = {
  chain: Chain;
  network: Network;
  blockNumber: bigint;
  blockTime: number;
};

/**
 * The rows of one transaction whose inputs are all resolved: its `utxo_in`, `utxo_out` and `fee`
 * transfers and its THORChain events (see {@link decodeBlocks}). Appended to `out`. `addresses`
 * are its outputs' ({@link scriptAddress}), derived here when not given.
 *
 * Plain loops and one object literal per row, all of one shape: building the rows by spreading a
 * shared part into each and with per-input closures, addresses aside, was a fifth of the Bitcoin
 * sync benchmark's decode CPU in a profile of bench/decode-bitcoin-cpu.ts.
 *
 * @example
 * transactionRows({ chain, network, blockNumber: 50001n, blockTime: 1270917100 }, tx, out);
 */
export function transactionRows(
  place: TransactionPlace,
  tx: BitcoinTransaction,
  out: Pick<DecodedBlocks, 'transfers' | 'events'>,
  addresses?: readonly ScriptAddress[],
): void {
  const chain = place.chain.key;
  const { blockNumber, blockTime } = place;
  const txHash = tx.txid;
  const transfers = out.transfers;
  let inputs = 0n;
  for (let i = 0; i < tx.inputs.length; i++) {
    const input = tx.inputs[i]!;
    const prevout = input.prevout;
    if (prevout === null) throw new UnresolvedInputError(tx.txid, i, input);
    inputs += prevout.value;
    transfers.push({
      chain,
      blockNumber,
      blockTime,
      txHash,
      asset: NATIVE_ASSET,
      position: `in:${i}`,
      from: prevout.address,
      to: null,
      amount: prevout.value,
      kind: 'utxo_in',
    });
  }
  let outputs = 0n;
  const paid = addresses ?? tx.outputs.map((o) => scriptAddress(o.script, place.network));
  for (let n = 0; n < tx.outputs.length; n++) {
    const value = tx.outputs[n]!.value;
    outputs += value;
    transfers.push({
      chain,
      blockNumber,
      blockTime,
      txHash,
      asset: NATIVE_ASSET,
      position: `out:${n}`,
      from: null,
      to: paid[n]!.address,
      amount: value,
      kind: 'utxo_out',
    });
  }
  if (!tx.coinbase) {
    if (outputs > inputs) throw new OutputsExceedInputsError(tx.txid, inputs, outputs);
    transfers.push({
      chain,
      blockNumber,
      blockTime,
      txHash,
      asset: NATIVE_ASSET,
      position: BITCOIN_FEE_POSITION,
      from: null,
      to: null,
      amount: inputs - outputs,
      kind: 'fee',
    });
  }
  const sender = tx.inputs[0]?.prevout?.address ?? null;
  const events = thorchainEvents({ chain, blockNumber, blockTime }, tx, paid, sender);
  for (const e of events) out.events.push(e);
}

/**
 * The store's rows of decoded blocks whose inputs are all resolved
 * (src/chains/bitcoin/resolve-inputs.ts): per transaction one `utxo_in` per input (`in:<i>`, from
 * the spent output's address, its value), one `utxo_out` per output (`out:<n>`, to the address its
 * script pays, {@link scriptAddress}; OP_RETURN outputs too, under their pseudo-address, so the
 * outputs add up), and, except for a coinbase, one `fee` transfer ({@link BITCOIN_FEE_POSITION})
 * of inputs minus outputs, zero included; THORChain memos give bridge events
 * ({@link thorchainEvents}). Amounts are satoshis of the native asset.
 *
 * @example
 * const { transfers, events, blocks } = decodeBlocks({ chain, network, blocks: resolved });
 */
export function decodeBlocks(parameters: {
  chain: Chain;
  network: Network;
  blocks: readonly BitcoinBlock[];
  /** The outputs' addresses, when the caller derived some already (see {@link OutputAddresses}). */
  addressesOf?: OutputAddresses | undefined;
}): DecodedBlocks {
  const { chain, network } = parameters;
  const addressesOf = parameters.addressesOf ?? createOutputAddresses(network);
  const out: DecodedBlocks = { blocks: [], transfers: [], events: [] };
  for (const b of parameters.blocks) {
    const h = b.header;
    out.blocks.push({
      chain: chain.key,
      number: h.number,
      hash: h.hash,
      parentHash: h.parentHash,
      time: h.time,
    });
    const place = { chain, network, blockNumber: h.number, blockTime: h.time };
    for (const tx of b.transactions) transactionRows(place, tx, out, addressesOf(tx));
  }
  return out;
}
