import type { TraceEndpoint, TraceResult } from '../../../api/types.ts';
import { looksLikeUtxoTx } from '../graph/model.ts';
import { bucketOf, type Bucket } from './buckets.ts';
import { endpointMeasure, type Valuation } from './valuation.ts';

/**
 * An endpoint with its value in the valuation's measure; `transaction` when its "address" is a
 * UTXO transaction (a CoinJoin the trace stopped at), which has a transaction page, not an address
 * page.
 */
export type MeasuredEndpoint = TraceEndpoint & { measure: number; transaction: boolean };

/**
 * The endpoints of one bucket (bridged, mixers, still held, …), largest share first.
 *
 * @example
 * endpointsIn(result, valuation, 'bridged')[0].destination; // { chain: 'bitcoin', address: 'bc1q…' }
 * endpointsIn(result, valuation, 'mixed')[0].transaction; // true: a CoinJoin's txid
 */
export function endpointsIn(
  result: TraceResult,
  valuation: Valuation,
  bucket: Bucket,
): MeasuredEndpoint[] {
  const transaction = isTransactionOf(result);
  return result.endpoints
    .filter((e) => bucketOf(e.category) === bucket)
    .map((e) => ({ ...e, measure: endpointMeasure(valuation, e), transaction: transaction(e) }))
    .sort((a, b) => b.share - a.share);
}

/** Bridged endpoints by destination chain: how much left for each chain, for the investigator to follow. */
export function bridgedByChain(
  bridged: readonly MeasuredEndpoint[],
): { chain: string | null; count: number; share: number; measure: number }[] {
  const by = new Map<
    string,
    { chain: string | null; count: number; share: number; measure: number }
  >();
  for (const e of bridged) {
    const chain = e.destination?.chain ?? null;
    const key = chain ?? '';
    const row = by.get(key) ?? { chain, count: 0, share: 0, measure: 0 };
    row.count += 1;
    row.share += e.share;
    row.measure += e.measure;
    by.set(key, row);
  }
  return [...by.values()].sort((a, b) => b.share - a.share);
}

/**
 * Whether an endpoint of the result is a UTXO transaction (a CoinJoin the trace stopped at) rather
 * than an address: the result's nodes say so, or, in results stored before they did, its form.
 */
export function isTransactionOf(
  result: TraceResult,
): (e: Pick<TraceEndpoint, 'chain' | 'address'>) => boolean {
  const transactions = new Set(
    result.nodes.filter((n) => n.kind === 'utxo_tx').map((n) => `${n.chain}:${n.address}`),
  );
  return (e) => transactions.has(`${e.chain}:${e.address}`) || looksLikeUtxoTx(e.chain, e.address);
}
