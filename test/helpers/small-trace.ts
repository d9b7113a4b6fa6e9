import { smallGraphIndex, type SmallEdge } from './small-graph-index.ts';
import { traceFunds, type TraceFundsParameters } from '../../src/trace/trace-funds.ts';
import type { EndpointLabels, TraceResult } from '../../src/trace/types.ts';

/** Address -> [category, entity], as the labels a trace stops at or names nodes by. */
export type LabelMap = Record<string, [string, string | null]>;

/**
 * Endpoint labels from a literal map.
 *
 * @example
 * labelsOf({ X: ['exchange', 'Binance'] }).lookup('test', 'X'); // { category: 'exchange', entity: 'Binance' }
 */
export const labelsOf = (map: LabelMap): EndpointLabels => ({
  lookup: (_chain, address) => {
    const l = map[address];
    return l ? { category: l[0], entity: l[1] } : null;
  },
});

/**
 * The same labels, also listing their addresses on every chain in `chains` (as the store's do), so
 * a trace looks up only labelled nodes.
 *
 * @example
 * listedLabelsOf({ X: ['exchange', 'Binance'] }, ['test']);
 */
export const listedLabelsOf = (map: LabelMap, chains: readonly string[]): EndpointLabels => ({
  ...labelsOf(map),
  each: (visit) => {
    for (const chain of chains) for (const address of Object.keys(map)) visit(chain, address);
  },
});

/**
 * A trace over a hand-written graph (chain `test`): by default forward, haircut, from address T.
 *
 * @example
 * const r = traceSmall(edges, { policy: 'fifo', labelMap: { X: ['exchange', 'Binance'] } });
 */
export const traceSmall = (
  edges: readonly SmallEdge[],
  rest: Partial<TraceFundsParameters> & { labelMap?: LabelMap },
  more: Parameters<typeof smallGraphIndex>[0] | undefined = undefined,
): TraceResult =>
  traceFunds({
    index: smallGraphIndex({ ...more, edges }),
    labels: labelsOf(rest.labelMap ?? {}),
    seeds: [{ kind: 'address', chain: 'test', address: 'T' }],
    direction: 'forward',
    policy: 'haircut',
    ...rest,
  });

/**
 * Endpoints as `address/category/asset` -> [amount, share rounded to 1e-6]: what a test compares.
 *
 * @example
 * expect(where(r)).toEqual({ 'X/exchange/native': ['100', 1] });
 */
export const where = (r: TraceResult): Record<string, [string, number]> =>
  Object.fromEntries(
    r.endpoints.map((e) => [
      `${e.address}/${e.category}/${e.asset}`,
      [e.amount, Math.round(e.share * 1e6) / 1e6],
    ]),
  );
