import { freezeServiceOf, isFreezable } from '../trace/freezable.ts';
import { traceAmountToBigInt } from '../trace/raw-amount.ts';
import type { TraceEdge, TraceResult } from '../trace/types.ts';
import { explorerTxUrl } from './explorer.ts';
import { type AssetLookup, reportAmount, sumAmounts } from './report-assets.ts';
import type { FreezeDeposit, FreezeRequest } from './types.ts';

export type BuildFreezeRequestsParameters = { trace: TraceResult; assets: AssetLookup };
/** Null for a backward trace: its endpoints are where value came from, which nobody freezes. */
export type BuildFreezeRequestsReturnType = FreezeRequest[] | null;

/**
 * The edges of the trace into each node (traced value, not an exchange's sweeps), oldest first.
 */
function edgesInto(trace: TraceResult): Map<string, TraceEdge[]> {
  const into = new Map<string, TraceEdge[]>();
  for (const e of trace.edges) {
    if (e.sweep) continue;
    const list = into.get(e.to);
    if (list) list.push(e);
    else into.set(e.to, [e]);
  }
  for (const list of into.values()) list.sort((a, b) => a.time - b.time || a.hop - b.hop);
  return into;
}

/**
 * The freeze requests of a forward trace: one per service that can freeze (src/trace/freezable.ts),
 * largest share first, each with its deposit addresses (labelled by a list, or inferred from their
 * sweeps and how), the exact amount per asset, and the transactions by which the value arrived with
 * their times. Endpoints at one address in one asset are one deposit.
 *
 * @example
 * buildFreezeRequests({ trace, assets })?.[0]; // { service: 'Alder Exchange', deposits: [...], … }
 */
export function buildFreezeRequests({
  trace,
  assets,
}: BuildFreezeRequestsParameters): BuildFreezeRequestsReturnType {
  if (trace.parameters.direction === 'backward') return null;
  const into = edgesInto(trace);
  const nodeId = new Map(trace.nodes.map((n) => [`${n.chain}\u0000${n.address}`, n.id]));
  const requests = new Map<string, FreezeRequest>();
  const deposits = new Map<string, FreezeDeposit>();
  // Exact sums per deposit, apart from the model (which holds integer strings).
  const totals = new Map<FreezeDeposit, bigint>();
  for (const e of trace.endpoints) {
    if (!isFreezable(e.category)) continue;
    const service = freezeServiceOf(e);
    let request = requests.get(service);
    if (!request) {
      request = { service, entity: e.entity, totals: [], share: 0, deposits: [] };
      requests.set(service, request);
    }
    const key = `${service}\u0000${e.chain}\u0000${e.address}\u0000${e.asset}`;
    let deposit = deposits.get(key);
    if (!deposit) {
      const id = nodeId.get(`${e.chain}\u0000${e.address}`) ?? `${e.chain}:${e.address}`;
      const edges = into.get(id) ?? [];
      // The arrivals in the endpoint's asset; when value was converted on the way in, all of them.
      const same = edges.filter((x) => x.asset === e.asset);
      const byTx = new Map<string, { txHash: string; time: number; asset: string; raw: bigint }>();
      for (const x of same.length > 0 ? same : edges) {
        const seen = byTx.get(`${x.txHash}\u0000${x.asset}`);
        if (seen) {
          seen.raw += traceAmountToBigInt(x.tainted);
          seen.time = Math.min(seen.time, x.time);
        } else
          byTx.set(`${x.txHash}\u0000${x.asset}`, {
            txHash: x.txHash,
            time: x.time,
            asset: x.asset,
            raw: traceAmountToBigInt(x.tainted),
          });
      }
      deposit = {
        chain: e.chain,
        address: e.address,
        category: e.category,
        attribution: e.inferred
          ? {
              kind: 'inferred',
              exchangeAddress: e.inferred.exchangeAddress,
              sweeps: e.inferred.sweeps,
              confidence: e.inferred.confidence,
            }
          : { kind: 'labelled' },
        amount: reportAmount(assets, e.chain, e.asset, 0n),
        share: 0,
        arrivals: [...byTx.values()]
          .sort((a, b) => a.time - b.time || (a.txHash < b.txHash ? -1 : 1))
          .map((a) => ({
            txHash: a.txHash,
            time: a.time,
            amount: reportAmount(assets, e.chain, a.asset, a.raw),
            explorerUrl: explorerTxUrl(e.chain, a.txHash),
          })),
      };
      deposits.set(key, deposit);
      request.deposits.push(deposit);
    }
    const total = (totals.get(deposit) ?? 0n) + traceAmountToBigInt(e.amount);
    totals.set(deposit, total);
    deposit.amount = reportAmount(assets, e.chain, e.asset, total);
    deposit.share += e.share;
    request.share += e.share;
  }
  return [...requests.values()]
    .map((request) => ({
      ...request,
      deposits: request.deposits.sort(
        (a, b) => b.share - a.share || (a.address < b.address ? -1 : 1),
      ),
      totals: sumAmounts(
        assets,
        request.deposits.map((d) => ({
          chain: d.chain,
          asset: d.amount.asset,
          raw: BigInt(d.amount.raw),
        })),
      ),
    }))
    .sort((a, b) => b.share - a.share || (a.service < b.service ? -1 : 1));
}
