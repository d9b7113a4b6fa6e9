import { UserError } from '../errors/base.ts';
import { buildTraceResult } from './build-result.ts';
import { TaintSweep } from './sweep/taint-sweep.ts';
import type { EndpointLabels, GraphIndex, TraceParameters, TraceResult } from './types.ts';
import { TAINT_POLICIES } from './taint-policies.ts';

export { TAINT_POLICIES } from './taint-policies.ts';

/** Label categories at which value stops: a service that can freeze it, or one that hides or moves it. */
export const STOP_CATEGORIES: ReadonlySet<string> = new Set([
  'exchange',
  'hot_wallet',
  'deposit_wallet',
  'mixer',
  'bridge',
  'instant_exchange',
  'otc',
]);

/** Input of {@link traceFunds}. */
export type TraceFundsParameters = TraceParameters & {
  index: GraphIndex;
  labels: EndpointLabels;
  /** Bridge memos by transaction id of the index (THORChain `bridge_deposit` events of the store). */
  bridgeMemos?: ReadonlyMap<number, string> | undefined;
  /** Bridge payout memos by transaction id (THORChain `TransferOut` events: `OUT:<inbound hash>`). */
  bridgeOutMemos?: ReadonlyMap<number, string> | undefined;
  /** Bridge vaults by transaction id (the vault each THORChain `Deposit` of the store names). */
  bridgeVaults?: ReadonlyMap<number, readonly string[]> | undefined;
  /** Resolves a `transfer` seed's position to an edge id (the index does not keep positions). */
  transferEdge?:
    ((chain: string, txHash: string, position: string) => number | undefined) | undefined;
  /**
   * Slots (a token at an address) its issuer has frozen (blacklisted) by the end of the window:
   * tainted value still held there is reported as frozen, not merely unspent.
   */
  frozenSlots?: ReadonlySet<number> | undefined;
};

/** A finished sweep: its counts, and the result (built on demand: names, paths and strings). */
export type TraceRun = {
  /** Edges the sweep went through (balances kept from the window's start). */
  edgesVisited: number;
  /** Edges that carried taint. */
  taintedEdges: number;
  result(): TraceResult;
};

/**
 * Traces value forward (where did it go) or backward (where did it come from): {@link sweepTrace}
 * and its result.
 *
 * @example
 * const result = traceFunds({ index, labels, seeds: [{ kind: 'address', chain: 'ethereum', address }],
 *   direction: 'forward', policy: 'haircut' });
 * result.endpoints[0]; // { category: 'exchange', entity: 'Binance', finding: 'arrived at Binance: freezable', … }
 */
export function traceFunds(parameters: TraceFundsParameters): TraceResult {
  return sweepTrace(parameters).result();
}

/**
 * The trace itself ({@link TaintSweep}): one sweep over the index in time order (backward: in
 * reverse) that follows value respecting time and assigns taint by `policy`. The result is built
 * when asked for (src/trace/build-result.ts).
 *
 * @example
 * const run = sweepTrace({ index, labels, seeds, direction: 'forward', policy: 'haircut' });
 * run.taintedEdges; // edges that carried taint
 * const result = run.result();
 */
export function sweepTrace(parameters: TraceFundsParameters): TraceRun {
  if (!TAINT_POLICIES.includes(parameters.policy)) {
    throw new UserError(
      `unknown taint policy "${parameters.policy}" (known: ${TAINT_POLICIES.join(', ')})`,
      { code: 'TRACE_BAD_POLICY' },
    );
  }
  const sweep = new TaintSweep({ ...parameters, stopCategories: STOP_CATEGORIES });
  sweep.run();
  const {
    index: _index,
    labels: _labels,
    bridgeMemos: _memos,
    bridgeVaults: _vaults,
    bridgeOutMemos: _outMemos,
    transferEdge: _te,
    frozenSlots,
    ...plain
  } = parameters;
  return {
    edgesVisited: sweep.edgesVisited,
    taintedEdges: sweep.traced.count,
    result: () => buildTraceResult({ sweep, parameters: plain, frozenSlots }),
  };
}
