import { type CoinJoinTx, isP2wpkh, SATOSHIS_PER_BTC } from './tx-shape.ts';

/**
 * Whirlpool pool denominations in satoshis: Samourai's 0.001, 0.01, 0.05 and 0.5 BTC pools, and
 * Ashigaru's 0.025 and 0.25 BTC pools (the Whirlpool coordinator Ashigaru restarted in 2025). Source:
 * `SamouraiPools` in Dumplings' `Constants.cs` as published with the PETS 2026 coinjoin analysis
 * (github.com/crocs-muni/pets26_coinjoin_analysis, `dumplings/Dumplings/Constants.cs`).
 */
export const WHIRLPOOL_POOLS_SATS: ReadonlySet<number> = new Set([
  100_000, 1_000_000, 5_000_000, 50_000_000, 25_000_000, 2_500_000,
]);

/**
 * Least and most inputs (= outputs) of a mix. A mix has 5 (the pool's anonymity set); "surge"
 * cycles add more must-mix inputs (`surge` in Samourai-Wallet/whirlpool-server's `Pool`). Dumplings
 * accepts 5 to 10, input count equal to output count.
 */
const MIN_MIX_SIZE = 5;
const MAX_MIX_SIZE = 10;

/**
 * How far above the pool denomination a must-mix input may be: it carries the mix's miner fee.
 * Dumplings' 0.0011 BTC (`Almost(poolSize, 0.0011 BTC)`, after the Samourai CoinJoin Detection
 * Heuristic of "Pinpointing and Measuring Wasabi and Samourai CoinJoins in the Bitcoin Ecosystem").
 */
const MAX_MIX_FEE_SATS = 0.0011 * SATOSHIS_PER_BTC;

/** The rule's name, as {@link detectCoinJoin} reports it. */
export const WHIRLPOOL_RULE = 'whirlpool-pool-mix';

/**
 * A Whirlpool mix, after Dumplings' Samourai rule (crocs-muni/pets26_coinjoin_analysis,
 * `dumplings/Dumplings/Scanning/Scanner.cs`, "IDENTIFY SAMOURAI COINJOINS"): 5 to 10 inputs and as
 * many outputs, every output of one pool denomination, at least one input of exactly that value
 * (a remix or liquidity) and the others at most 0.0011 BTC above it (must-mix inputs paying the
 * miner fee), every input and output native segwit (P2WPKH).
 *
 * @example
 * isWhirlpoolMix({ inputs: fiveInputsOfAbout005Btc, outputs: fiveOutputsOf005Btc }); // true
 */
export function isWhirlpoolMix(tx: CoinJoinTx): boolean {
  const n = tx.inputs.length;
  if (n < MIN_MIX_SIZE || n > MAX_MIX_SIZE || tx.outputs.length !== n) return false;
  const pool = tx.outputs[0]!.value;
  if (!WHIRLPOOL_POOLS_SATS.has(pool)) return false;
  if (tx.outputs.some((o) => o.value !== pool || !isP2wpkh(o.address))) return false;
  if (tx.inputs.some((i) => !isP2wpkh(i.address))) return false;
  let poolSized = 0;
  for (const i of tx.inputs) {
    if (i.value === pool) poolSized++;
    else if (Math.abs(i.value - pool) > MAX_MIX_FEE_SATS) return false;
  }
  return poolSized >= 1;
}
