import type { Transfer, TransferKind } from './transfer.ts';

/**
 * Which transfers count, and as what, in the figures the store computes (volume, counterparties,
 * exposure flows). Backends filter in their own SQL, built from these constants; the rules, and why,
 * live here once so that every backend gives the same answers. The functions state each rule on one
 * transfer, for code (and tests) that apply it outside a backend.
 */

/**
 * Kinds that move value between parties, for volume figures (labelled volume, illicit share):
 * gas fees are costs, not transfers; a UTXO transaction counts by its outputs only, since its inputs
 * carry the same value again (counting both would double every Bitcoin payment).
 */
export const VOLUME_KINDS: readonly TransferKind[] = ['native', 'internal', 'token', 'utxo_out'];

/**
 * Whether a transfer counts in volume figures ({@link VOLUME_KINDS}).
 *
 * @example
 * isVolumeTransfer({ kind: 'utxo_in' }); // false: the outputs carry the value
 */
export function isVolumeTransfer(transfer: Pick<Transfer, 'kind'>): boolean {
  return VOLUME_KINDS.includes(transfer.kind);
}

/**
 * The UTXO kinds of the input rule: an output (`utxo_out`) names only who it pays (`from` is null),
 * so whom it came from are the addresses its transaction spent from, the `from` of the transaction's
 * inputs (`utxo_in`, same chain and transaction hash). Labelled volume counts an output as labelled
 * when one of those inputs' addresses holds a matching label, as when its sender would.
 */
export const UTXO_INPUT_KIND: TransferKind = 'utxo_in';
export const UTXO_OUTPUT_KIND: TransferKind = 'utxo_out';

/**
 * The sending addresses of a transfer under the UTXO input rule: its own `from` when it has one, and
 * for a UTXO output the addresses of its transaction's inputs (from `transactionTransfers`, the
 * transfers of the same chain and transaction).
 *
 * @example
 * sendersOf(output, await store.listTransfers({ chain: 'bitcoin', txHash: output.txHash }));
 */
export function sendersOf(
  transfer: Pick<Transfer, 'chain' | 'txHash' | 'kind' | 'from'>,
  transactionTransfers: readonly Pick<Transfer, 'chain' | 'txHash' | 'kind' | 'from'>[],
): string[] {
  const senders = transfer.from === null ? [] : [transfer.from];
  if (transfer.kind !== UTXO_OUTPUT_KIND) return senders;
  for (const t of transactionTransfers)
    if (
      t.kind === UTXO_INPUT_KIND &&
      t.chain === transfer.chain &&
      t.txHash === transfer.txHash &&
      t.from !== null
    )
      senders.push(t.from);
  return senders;
}

/**
 * Kinds that are never a flow to or from a counterparty: gas fees are paid to the block producer or
 * burnt, not to the address's counterparty, and would make every validator a counterparty of everyone.
 */
export const NON_COUNTERPARTY_KINDS: readonly TransferKind[] = ['fee'];

/**
 * Whether a transfer is a flow between an address and a counterparty (counterparty flows, flow
 * transfers of time-respecting exposure): not a fee ({@link NON_COUNTERPARTY_KINDS}), with both
 * sides known (a UTXO leg names one side only; the UTXO reads join a transaction's legs themselves),
 * and not a self-transfer (value that stays with its owner is no exposure to anyone).
 *
 * @example
 * isCounterpartyLeg({ kind: 'token', from: '0xa…', to: '0xa…' }); // false: a self-transfer
 */
export function isCounterpartyLeg(transfer: Pick<Transfer, 'kind' | 'from' | 'to'>): boolean {
  return (
    !NON_COUNTERPARTY_KINDS.includes(transfer.kind) &&
    transfer.from !== null &&
    transfer.to !== null &&
    transfer.from !== transfer.to
  );
}
