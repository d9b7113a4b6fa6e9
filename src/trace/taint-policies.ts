// Apart from trace-funds.ts, which loads the trace engine, so that `chaintrail trace --help` lists
// them without loading it.
import type { TaintPolicy } from './types.ts';

/**
 * Taint policies. Each decides which part of an address's outflow carries the tainted value it holds
 * (one module each in src/trace/policies, behind the TaintRule interface the sweep calls). Value the
 * address held before the window, or received from untraced sources, counts as clean.
 *
 * - poison: any tainted input taints every later output of that asset in full (policies/poison.ts).
 * - haircut: every output carries the tainted share of the balance at that moment; for
 *   value-denominated assets the share survives an output larger than the known balance
 *   (policies/haircut.ts).
 * - fifo / lifo: the balance is a queue of arrivals (lots); an output spends the oldest or the
 *   newest lots first (policies/lots.ts).
 * - tiho: "taint in, highest out": the tainted value goes to the largest outputs of a transaction
 *   first (policies/tiho.ts).
 */
export const TAINT_POLICIES: readonly TaintPolicy[] = ['poison', 'haircut', 'fifo', 'lifo', 'tiho'];
