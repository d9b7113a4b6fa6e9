import { type CoinJoinTx, descending, isP2tr, isP2wpkh, mostRepeated } from './tx-shape.ts';

/** Least inputs of a Wasabi 2 round: Dumplings' `MinWW2Inputs` (zkSNACKs' rounds had 50 or more). */
const MIN_INPUTS = 15;
/** Share of the outputs that must carry a standard denomination (Dumplings: more than 80%). */
const MIN_DENOMINATED_SHARE = 0.8;
/** The range of Wasabi 2's standard denominations, in satoshis (Dumplings' `CreateWasabi2Denominations`). */
const MIN_DENOMINATION_SATS = 5_000;
const MAX_DENOMINATION_SATS = 134_375_000_000;

/** The rule's name, as {@link detectCoinJoin} reports it. */
export const WASABI2_RULE = 'wasabi2-standard-denominations';

/** Every `base^i * factor` in the denomination range. */
function series(base: number, factor: number, into: Set<number>): void {
  for (let v = factor; v <= MAX_DENOMINATION_SATS; v *= base)
    if (v >= MIN_DENOMINATION_SATS) into.add(v);
}

/**
 * Wasabi 2 (WabiSabi) standard output denominations in satoshis: powers of 2, powers of 3, twice
 * the powers of 3, and the 1-2-5 series of powers of 10, from 5,000 sats to 1,343.75 BTC, as
 * Dumplings lists them (`CreateWasabi2Denominations` in crocs-muni/pets26_coinjoin_analysis,
 * `dumplings/Dumplings/Scanning/Scanner.cs`).
 */
export const WASABI2_DENOMINATIONS_SATS: ReadonlySet<number> = (() => {
  const all = new Set<number>();
  series(2, 1, all);
  series(3, 1, all);
  series(3, 2, all);
  series(10, 1, all);
  series(10, 2, all);
  series(10, 5, all);
  return all;
})();

/**
 * A Wasabi 2 (WabiSabi) coinjoin, after Dumplings' rule ("IDENTIFY WASABI 2 COINJOINS" in
 * crocs-muni/pets26_coinjoin_analysis, `dumplings/Dumplings/Scanning/Scanner.cs`): some outputs of
 * equal value, every input P2WPKH or P2TR, 15 inputs or more, inputs and outputs each in descending
 * order of value (the coordinator sorts them), and more than 80% of the outputs of a standard
 * denomination.
 *
 * @example
 * isWasabi2CoinJoin(tx); // true for fb596c9f…: 327 inputs, 279 outputs, mostly 2^n, 3^n and 1-2-5 values
 */
export function isWasabi2CoinJoin(tx: CoinJoinTx): boolean {
  if (tx.inputs.length < MIN_INPUTS || mostRepeated(tx.outputs) === null) return false;
  if (tx.inputs.some((i) => !isP2wpkh(i.address) && !isP2tr(i.address))) return false;
  if (!descending(tx.inputs) || !descending(tx.outputs)) return false;
  let denominated = 0;
  for (const o of tx.outputs) if (WASABI2_DENOMINATIONS_SATS.has(o.value)) denominated++;
  return denominated > tx.outputs.length * MIN_DENOMINATED_SHARE;
}
