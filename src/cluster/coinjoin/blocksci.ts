import { type CoinJoinTx, valueCounts } from './tx-shape.ts';

/** Output values BlockSci's test takes for dust outputs, never a coinjoin amount (its comment: "Exclude transactions sending dust outputs"). */
const DUST_VALUES_SATS: ReadonlySet<number> = new Set([546, 2730]);

/** The rule's name, as {@link detectCoinJoin} reports it. */
export const BLOCKSCI_RULE = 'blocksci-is-coinjoin';

/**
 * BlockSci's generic coinjoin test (`isCoinjoin` in citp/BlockSci, `src/heuristics/tx_identification.cpp`),
 * reimplemented: at least 2 inputs and 3 outputs; with p = ⌊(outputs + 1) / 2⌋ participants (each
 * pays one coinjoin output and takes one change), p is at most the inputs and at most the distinct
 * input addresses; the most frequent output value occurs exactly p times and is not a dust value.
 * BlockSci picks one value among those tied for most frequent; here a tie counts when none of them
 * is dust.
 *
 * @example
 * isBlockSciCoinJoin(tx); // true for 8e563173…: 2 inputs, outputs 0.001, 0.0985, 0.001, 0.0127 BTC
 */
export function isBlockSciCoinJoin(tx: CoinJoinTx): boolean {
  if (tx.inputs.length < 2 || tx.outputs.length < 3) return false;
  const participants = Math.floor((tx.outputs.length + 1) / 2);
  if (participants > tx.inputs.length) return false;
  const addresses = new Set(tx.inputs.map((i) => i.address));
  if (participants > addresses.size) return false;
  let top = 0;
  const counts = valueCounts(tx.outputs);
  for (const count of counts.values()) if (count > top) top = count;
  if (top !== participants) return false;
  for (const [value, count] of counts)
    if (count === top && DUST_VALUES_SATS.has(value)) return false;
  return true;
}
