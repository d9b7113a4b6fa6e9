import {
  type CoinJoinTx,
  isP2wpkh,
  mostRepeated,
  SATOSHIS_PER_BTC,
  valueCounts,
} from './tx-shape.ts';

/**
 * The addresses the Wasabi 1 (zkSNACKs) coordinator collected its fee at: the current one and the
 * old one, as the Wasabi documentation's FAQ names them ("What is the coordinator address?",
 * docs.wasabiwallet.io/FAQ/FAQ-UseWasabi.html), and Dumplings' `WasabiCoordScripts`.
 */
export const WASABI1_COORDINATOR_ADDRESSES: ReadonlySet<string> = new Set([
  'bc1qa24tsgchvuxsaccp8vrnkfd85hrcpafg20kmjw',
  'bc1qs604c7jv6amk4cxqlnvuxv26hv3e48cds4m0ew',
]);

/** Wasabi 1's base denomination, about 0.1 BTC, and how far a round's may be from it (Dumplings). */
const BASE_DENOMINATION_SATS = 0.1 * SATOSHIS_PER_BTC;
const BASE_DENOMINATION_PRECISION_SATS = 0.02 * SATOSHIS_PER_BTC;
/** Least equal outputs at the base denomination (Dumplings' `MinWW2EqualOutputs`, 10). */
const MIN_EQUAL_OUTPUTS = 10;
/** Outputs of a unique value a round has besides its equal ones: change and the coordinator's fee. */
const MIN_UNIQUE_OUTPUTS = 2;

/** The rule's name, as {@link detectCoinJoin} reports it. */
export const WASABI1_RULE = 'wasabi1-base-denomination';

/**
 * A Wasabi 1 (ZeroLink, zkSNACKs coordinator) coinjoin, after Dumplings' two rules ("IDENTIFY
 * WASABI COINJOINS" in nopara73/Dumplings and crocs-muni/pets26_coinjoin_analysis,
 * `Dumplings/Scanning/Scanner.cs`): an output pays a coordinator address and more than two outputs
 * share a value (the rounds that paid the fee to a fixed address); or every input and output is
 * P2WPKH, at least 10 outputs share a value within 0.1 ± 0.02 BTC, there are at least as many inputs
 * as those outputs, and at least two outputs of a value of their own (change, coordinator fee).
 *
 * @example
 * isWasabi1CoinJoin(tx); // true for a round of 50 outputs of 0.1 BTC, their change and the fee
 */
export function isWasabi1CoinJoin(tx: CoinJoinTx): boolean {
  const top = mostRepeated(tx.outputs);
  if (top === null) return false;
  if (
    top.count > 2 &&
    tx.outputs.some((o) => o.address !== null && WASABI1_COORDINATOR_ADDRESSES.has(o.address))
  )
    return true;
  if (top.count < MIN_EQUAL_OUTPUTS || tx.inputs.length < top.count) return false;
  if (Math.abs(top.value - BASE_DENOMINATION_SATS) > BASE_DENOMINATION_PRECISION_SATS) return false;
  if (tx.inputs.some((i) => !isP2wpkh(i.address)) || tx.outputs.some((o) => !isP2wpkh(o.address)))
    return false;
  let unique = 0;
  for (const count of valueCounts(tx.outputs).values()) if (count === 1) unique++;
  return unique >= MIN_UNIQUE_OUTPUTS;
}
