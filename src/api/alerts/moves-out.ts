import type { Transfer } from '../../model/transfer.ts';

/** A transfer out of watched addresses, and the watchlists that watch its `from`. */
export type MoveOut = { transfer: Transfer; ids: readonly string[] };

/** The watchlists watching an address on a chain, or undefined when none does. */
export type WatchersOf = (chain: string, address: string) => readonly string[] | undefined;

/**
 * The transfers of a batch that move value out of watched addresses, each with the watchlists to
 * alert, as the alert hub fires them (`from` a watched address, `to` where the value went):
 *
 * - an account-model transfer (native, internal, token) from a watched address, as it is;
 * - a UTXO transaction (Bitcoin) that spends an output of a watched address: one per output it
 *   pays, `from` the first watched address among its inputs and `to` the output's address, with
 *   the output's value and position (`out:<n>`), so an alert says where the coins went (the
 *   spent input itself has no `to`) and reaching an exchange's deposit address is
 *   `service_reached` as on EVM chains. Outputs back to an address the transaction spends from
 *   are its change and stay with the sender: no alert. If the batch holds none of the
 *   transaction's outputs, its watched inputs are returned instead, so nothing goes unseen.
 *
 * Fees and zero amounts are never moves: every transaction pays a fee, and zero-value transfers
 * (OP_RETURN outputs, address-poisoning spam) move nothing.
 *
 * @example
 * const moves = movesOut(batch, (chain, address) => watched.get(chain)?.get(address));
 */
export function movesOut(transfers: readonly Transfer[], watchersOf: WatchersOf): MoveOut[] {
  const moves: MoveOut[] = [];
  /** The UTXO transactions with a watched input, and every input and output of each. */
  const utxo = new Map<string, { ins: Transfer[]; outs: Transfer[]; watched: boolean }>();
  const txOf = (t: Transfer) => {
    const key = `${t.chain}|${t.txHash}`;
    let tx = utxo.get(key);
    if (!tx) utxo.set(key, (tx = { ins: [], outs: [], watched: false }));
    return tx;
  };
  for (const t of transfers) {
    if (t.kind === 'utxo_in') {
      const tx = txOf(t);
      tx.ins.push(t);
      if (t.from !== null && t.amount > 0n && watchersOf(t.chain, t.from)) tx.watched = true;
    } else if (t.kind === 'utxo_out') {
      txOf(t).outs.push(t);
    } else if (t.kind !== 'fee' && t.from !== null && t.amount > 0n) {
      const ids = watchersOf(t.chain, t.from);
      if (ids) moves.push({ transfer: t, ids });
    }
  }
  for (const tx of utxo.values()) {
    if (!tx.watched) continue;
    const watchedIns = tx.ins.filter(
      (t) => t.from !== null && t.amount > 0n && watchersOf(t.chain, t.from),
    );
    if (tx.outs.length === 0) {
      for (const t of watchedIns) moves.push({ transfer: t, ids: watchersOf(t.chain, t.from!)! });
      continue;
    }
    // Each watchlist alerts once per output, from the first of its addresses the inputs spend.
    const fromOf = new Map<string, string>();
    for (const t of watchedIns)
      for (const id of watchersOf(t.chain, t.from!)!) if (!fromOf.has(id)) fromOf.set(id, t.from!);
    const byFrom = new Map<string, string[]>();
    for (const [id, from] of fromOf) byFrom.set(from, [...(byFrom.get(from) ?? []), id]);
    const spenders = new Set(tx.ins.map((t) => t.from));
    for (const out of tx.outs) {
      if (out.amount <= 0n || out.to === null || spenders.has(out.to)) continue;
      for (const [from, ids] of byFrom) moves.push({ transfer: { ...out, from }, ids });
    }
  }
  return moves;
}
