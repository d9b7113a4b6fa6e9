import type { TraceEdge, TraceResult } from '../../../api/types.ts';

/** Where a trace's value stopped: an address and the asset it holds there. */
export type Place = { chain: string; address: string; asset: string };

/**
 * The edges of a trace by which value arrived at a place: its edges into the place's node in that
 * asset, oldest first. When none carries the asset (value converted on the way in), all the edges
 * into the node count.
 *
 * @example
 * const into = arrivalsOf(result);
 * into({ chain: 'anvil', address: '0x81eb…', asset: 'native' }); // [{ txHash, time, tainted, … }]
 */
export function arrivalsOf(result: TraceResult): (place: Place) => TraceEdge[] {
  const nodeIds = new Map<string, string>();
  for (const n of result.nodes) nodeIds.set(`${n.chain}\u0000${n.address}`, n.id);
  const byTarget = new Map<string, TraceEdge[]>();
  for (const e of result.edges) {
    const list = byTarget.get(e.to);
    if (list) list.push(e);
    else byTarget.set(e.to, [e]);
  }
  for (const list of byTarget.values()) list.sort((a, b) => a.time - b.time || a.hop - b.hop);
  return (place) => {
    const id =
      nodeIds.get(`${place.chain}\u0000${place.address}`) ?? `${place.chain}:${place.address}`;
    const into = byTarget.get(id) ?? [];
    const same = into.filter((e) => e.asset === place.asset);
    return same.length > 0 ? same : into;
  };
}
