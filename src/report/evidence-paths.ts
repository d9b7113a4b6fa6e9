import { traceAmountToBigInt } from '../trace/raw-amount.ts';
import type { TraceEdge, TraceResult } from '../trace/types.ts';
import { explorerTxUrl } from './explorer.ts';
import { type AssetLookup, reportAmount } from './report-assets.ts';
import type { EvidenceEndpoint, EvidenceHop } from './types.ts';

export type BuildEvidenceParameters = { trace: TraceResult; assets: AssetLookup };
export type BuildEvidenceReturnType = EvidenceEndpoint[];

/**
 * The evidence of every endpoint, in the engine's order (strongest first): each of its paths hop by
 * hop, with the trace's transfers between the two addresses (transaction hash, time, amount moved
 * and tainted amount, a block-explorer link where the chain has one). A hop the trace has no
 * transfer for is a bridge to another chain (the previous address is a bridge the value left
 * through) or, otherwise, a gap the report states.
 *
 * @example
 * buildEvidence({ trace, assets })[0].paths[0][0].transfers[0].txHash;
 */
export function buildEvidence({ trace, assets }: BuildEvidenceParameters): BuildEvidenceReturnType {
  // Paths name addresses without their chain: an EVM address can be a node on two chains.
  const idsOf = new Map<string, string[]>();
  const nodeOf = new Map(trace.nodes.map((n) => [n.id, n]));
  for (const n of trace.nodes) {
    const ids = idsOf.get(n.address);
    if (ids) ids.push(n.id);
    else idsOf.set(n.address, [n.id]);
  }
  const between = new Map<string, TraceEdge[]>();
  for (const e of trace.edges) {
    if (e.sweep) continue;
    const key = `${e.from}\u0000${e.to}`;
    const list = between.get(key);
    if (list) list.push(e);
    else between.set(key, [e]);
  }
  const chainOf = (id: string) => nodeOf.get(id)?.chain ?? id.slice(0, id.indexOf(':'));
  const hop = (from: string, to: string): EvidenceHop => {
    const edges: TraceEdge[] = [];
    for (const a of idsOf.get(from) ?? [])
      for (const b of idsOf.get(to) ?? []) edges.push(...(between.get(`${a}\u0000${b}`) ?? []));
    edges.sort((x, y) => x.time - y.time || x.hop - y.hop || (x.txHash < y.txHash ? -1 : 1));
    const fromNodes = (idsOf.get(from) ?? []).map((id) => nodeOf.get(id));
    const toChains = new Set((idsOf.get(to) ?? []).map(chainOf));
    const crossChain = fromNodes.some((n) => n && !toChains.has(n.chain));
    const note =
      edges.length > 0
        ? null
        : crossChain
          ? 'bridged: the value left one chain and arrived on another (no transfer joins the two addresses)'
          : 'no transfer of the trace joins these two addresses';
    return {
      from,
      to,
      transfers: edges.map((e) => {
        const chain = chainOf(e.from);
        return {
          chain,
          txHash: e.txHash,
          time: e.time,
          hop: e.hop,
          amount: reportAmount(assets, chain, e.asset, traceAmountToBigInt(e.amount)),
          tainted: reportAmount(assets, chain, e.asset, traceAmountToBigInt(e.tainted)),
          explorerUrl: explorerTxUrl(chain, e.txHash),
        };
      }),
      note,
    };
  };
  return trace.endpoints.map((e) => ({
    chain: e.chain,
    address: e.address,
    category: e.category,
    entity: e.entity,
    finding: e.finding,
    amount: reportAmount(assets, e.chain, e.asset, e.amount),
    share: e.share,
    paths: e.paths.map((path) => path.slice(1).map((to, i) => hop(path[i]!, to))),
  }));
}
