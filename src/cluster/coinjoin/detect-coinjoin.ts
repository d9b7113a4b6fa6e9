import { isBlockSciCoinJoin, BLOCKSCI_RULE } from './blocksci.ts';
import { isJoinMarketCoinJoin, JOINMARKET_RULE } from './joinmarket.ts';
import type { CoinJoinTx } from './tx-shape.ts';
import { isWasabi1CoinJoin, WASABI1_RULE } from './wasabi1.ts';
import { isWasabi2CoinJoin, WASABI2_RULE } from './wasabi2.ts';
import { isWhirlpoolMix, WHIRLPOOL_RULE } from './whirlpool.ts';

export type { CoinJoinTx, TxIo } from './tx-shape.ts';

/** Which coinjoin a transaction is: a known coordinator's, or one of BlockSci's generic shape. */
export type CoinJoinKind = 'whirlpool' | 'wasabi1' | 'wasabi2' | 'joinmarket' | 'generic';

/** What {@link detectCoinJoin} found: the kind and the rule that matched. */
export type CoinJoinMatch = { kind: CoinJoinKind; rule: string };

/**
 * The rules, most specific first: a transaction gets the first that matches. Each lives in its own
 * file with its published source.
 */
const RULES: readonly { kind: CoinJoinKind; rule: string; test: (tx: CoinJoinTx) => boolean }[] = [
  { kind: 'whirlpool', rule: WHIRLPOOL_RULE, test: isWhirlpoolMix },
  { kind: 'wasabi2', rule: WASABI2_RULE, test: isWasabi2CoinJoin },
  { kind: 'wasabi1', rule: WASABI1_RULE, test: isWasabi1CoinJoin },
  { kind: 'joinmarket', rule: JOINMARKET_RULE, test: isJoinMarketCoinJoin },
  { kind: 'generic', rule: BLOCKSCI_RULE, test: isBlockSciCoinJoin },
];

/**
 * Whether a transaction is a coinjoin, and which: its inputs are then several owners', so the
 * multi-input heuristic must not join them, and a trace through it cannot say whose coins came out.
 * A coinbase (no inputs) or a transaction with one input is never one.
 *
 * @example
 * detectCoinJoin({
 *   inputs: [{ address: 'bc1qgwv9…', value: 5_010_000 }, …], // 5 inputs
 *   outputs: [{ address: 'bc1qqmmc…', value: 5_000_000 }, …], // 5 outputs of 0.05 BTC
 * }); // { kind: 'whirlpool', rule: 'whirlpool-pool-mix' }
 */
export function detectCoinJoin(tx: CoinJoinTx): CoinJoinMatch | null {
  if (tx.inputs.length < 2 || tx.outputs.length < 2) return null;
  for (const r of RULES) if (r.test(tx)) return { kind: r.kind, rule: r.rule };
  return null;
}
