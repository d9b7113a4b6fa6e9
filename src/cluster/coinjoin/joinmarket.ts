import { type CoinJoinTx, distinctAddresses, SATOSHIS_PER_BTC, valueCounts } from './tx-shape.ts';

/** Least equal outputs (participants) of a JoinMarket coinjoin counted here: a maker or two, and the taker. */
const MIN_PARTICIPANTS = 3;
/**
 * Dumplings' shortcut for the subset-sum check: no input may exceed the coinjoin amount plus the
 * largest change by less than 0.0001 BTC (a bigger input could not be one participant's).
 */
const SUBSET_SLACK_SATS = 0.0001 * SATOSHIS_PER_BTC;

/** The rule's name, as {@link detectCoinJoin} reports it. */
export const JOINMARKET_RULE = 'joinmarket-equal-outputs';

/**
 * A JoinMarket coinjoin: Dumplings' rule for equal-output coinjoins other than Wasabi and Whirlpool
 * ("IDENTIFY OTHER EQUAL OUTPUT COINJOIN LIKE TRANSACTIONS" in crocs-muni/pets26_coinjoin_analysis,
 * `dumplings/Dumplings/Scanning/Scanner.cs`; crocs-muni/coinjoin-analysis processes its results as
 * JoinMarket, `scripts/process_jm.sh`), with at least 3 participants. One value repeats, n times
 * (n ≥ 3: the coinjoin outputs); the other outputs are all distinct, n or n - 1 of them (each
 * participant's change; the taker may sweep without one); at least n distinct output and input
 * addresses (one input per participant at least); and no input larger than the coinjoin amount plus
 * the largest change less 0.0001 BTC.
 *
 * @example
 * isJoinMarketCoinJoin(tx); // true for 7d588d52…: 4 outputs of 0.84077613 BTC and 3 changes from 5 inputs
 */
export function isJoinMarketCoinJoin(tx: CoinJoinTx): boolean {
  const repeated = [...valueCounts(tx.outputs)].filter(([, count]) => count > 1);
  // Several repeated values would be a multi-denomination coinjoin, which only Wasabi makes.
  if (repeated.length !== 1) return false;
  const [amount, n] = repeated[0]!;
  if (n < MIN_PARTICIPANTS) return false;
  const changes = tx.outputs.length - n;
  if (changes !== n && changes !== n - 1) return false;
  if (distinctAddresses(tx.outputs) < n || distinctAddresses(tx.inputs) < n) return false;
  let largestChange = 0;
  for (const o of tx.outputs)
    if (o.value !== amount && o.value > largestChange) largestChange = o.value;
  let largestInput = 0;
  for (const i of tx.inputs) if (i.value > largestInput) largestInput = i.value;
  return largestInput <= amount + largestChange - SUBSET_SLACK_SATS;
}
