/**
 * What CoinJoin rules read of a transaction: its inputs (the outputs it spends) and its outputs,
 * each in transaction order, with the address (canonical, as stored; null when the script has
 * none) and the value in satoshis. A number is exact here: 21 M BTC is 2.1e15 satoshis, below 2^53.
 */
export type CoinJoinTx = {
  inputs: readonly TxIo[];
  outputs: readonly TxIo[];
};

/** One input or output of a {@link CoinJoinTx}. */
export type TxIo = { address: string | null; value: number };

/** Satoshis in one bitcoin. */
export const SATOSHIS_PER_BTC = 100_000_000;

// Canonical (lowercase) bech32 forms of native segwit scripts, on mainnet (`bc`), testnet (`tb`)
// and regtest (`bcrt` on Bitcoin Core, `rb` on bcoin): a 20-byte witness v0 program (P2WPKH) is 38
// data characters after `1q`, a 32-byte witness v1 program (P2TR) 58 after `1p`.
const P2WPKH = /^(?:bc|tb|bcrt|rb)1q[02-9ac-hj-np-z]{38}$/;
const P2TR = /^(?:bc|tb|bcrt|rb)1p[02-9ac-hj-np-z]{58}$/;

/**
 * True when `address` is a native segwit v0 key hash (P2WPKH) address: the only script Whirlpool
 * and Wasabi 1 coinjoins use (Dumplings checks `ScriptType.P2WPKH` on every input and output).
 *
 * @example
 * isP2wpkh('bc1qgwv9hn979rex0rhfp3cknfdkyrgk04493gclvv'); // true
 */
export function isP2wpkh(address: string | null): boolean {
  return address !== null && P2WPKH.test(address);
}

/**
 * True when `address` is a taproot (P2TR) address: Wasabi 2 coinjoins take P2WPKH and P2TR inputs.
 *
 * @example
 * isP2tr('bc1p…'); // true for a 62-character bech32m mainnet address
 */
export function isP2tr(address: string | null): boolean {
  return address !== null && P2TR.test(address);
}

/** How many outputs carry each value, in first-seen order. */
export function valueCounts(ios: readonly TxIo[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const io of ios) counts.set(io.value, (counts.get(io.value) ?? 0) + 1);
  return counts;
}

/**
 * The value repeated most often among `ios` and how many times (the first such value in transaction
 * order on a tie), or null when no value repeats: Dumplings' "indistinguishable outputs"
 * (`GetIndistinguishableOutputs(includeSingle: false)`), most frequent first.
 */
export function mostRepeated(ios: readonly TxIo[]): { value: number; count: number } | null {
  let best: { value: number; count: number } | null = null;
  for (const [value, count] of valueCounts(ios))
    if (count > 1 && (best === null || count > best.count)) best = { value, count };
  return best;
}

/** Distinct addresses among `ios` (null addresses count as one unknown script each). */
export function distinctAddresses(ios: readonly TxIo[]): number {
  const seen = new Set<string>();
  let unknown = 0;
  for (const io of ios) {
    if (io.address === null) unknown++;
    else seen.add(io.address);
  }
  return seen.size + unknown;
}

/** True when the values of `ios` never increase in transaction order. */
export function descending(ios: readonly TxIo[]): boolean {
  for (let i = 1; i < ios.length; i++) if (ios[i]!.value > ios[i - 1]!.value) return false;
  return true;
}
