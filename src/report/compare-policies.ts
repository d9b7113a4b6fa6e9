import type { Store } from '../store/store.ts';
import { TAINT_POLICIES } from '../trace/taint-policies.ts';
import { traceStore } from '../trace/trace-store.ts';
import type { TraceResult } from '../trace/types.ts';
import type { PolicyComparison } from './types.ts';

/** Categories listed per policy: the largest shares, enough to see where the policies differ. */
const TOP_CATEGORIES = 4;

/** One policy's result in the figures the comparison shows. */
function compared(policy: PolicyComparison['policy'], trace: TraceResult): PolicyComparison {
  const byCategory = new Map<string, number>();
  for (const c of trace.summary.byCategory)
    byCategory.set(c.category, (byCategory.get(c.category) ?? 0) + c.share);
  return {
    policy,
    traced: trace.summary.traced,
    untraced: trace.summary.untraced,
    freezable: trace.summary.freezable?.share ?? null,
    endpoints: trace.endpoints.length,
    categories: [...byCategory]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP_CATEGORIES)
      .map(([category, share]) => ({ category, share })),
  };
}

/**
 * The trace's figures under every taint policy, side by side, as a court may ask ("would another
 * method have changed the result?"): the trace's own policy from its result, each other one traced
 * again on the same store with the same seeds, direction, hops, value floor and window.
 *
 * @example
 * const rows = await comparePolicies({ trace, store }); // [{ policy: 'poison', traced: 1, … }, …]
 */
export async function comparePolicies(parameters: {
  trace: TraceResult;
  store: Store;
}): Promise<PolicyComparison[]> {
  const { trace, store } = parameters;
  const p = trace.parameters;
  const rows: PolicyComparison[] = [];
  for (const policy of TAINT_POLICIES) {
    if (policy === p.policy) {
      rows.push(compared(policy, trace));
      continue;
    }
    const { result } = await traceStore({
      store,
      seeds: p.seeds,
      direction: p.direction,
      policy,
      maxHops: p.maxHops,
      minValue: p.minValue,
      since: p.since,
      until: p.until,
      throughCoinJoins: p.throughCoinJoins,
    });
    rows.push(compared(policy, result));
  }
  return rows;
}
