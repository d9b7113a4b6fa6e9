import type { Trail } from './indirect-exposure.ts';

/**
 * Path bookkeeping shared by the EVM (indirect-exposure.ts) and UTXO (utxo-exposure.ts) exposure
 * walks: both carry value along trails of transfers and bound the paths followed per hop.
 */

/** Whether a trail already passed `address` (a path never goes round a loop). */
export function onTrail(trail: Trail | null, address: string): boolean {
  for (let t = trail; t !== null; t = t.prev)
    if (t.step.from === address || t.step.to === address) return true;
  return false;
}

/** Keeps, per screened address, the `max` packets of largest value; counts the rest in `dropped`. */
export function keepLargest<P extends { seed: string; value: number }>(
  packets: P[],
  max: number,
  dropped: Map<string, number>,
): P[] {
  const bySeed = new Map<string, P[]>();
  for (const p of packets) {
    const list = bySeed.get(p.seed);
    if (list) list.push(p);
    else bySeed.set(p.seed, [p]);
  }
  const kept: P[] = [];
  for (const [seed, list] of bySeed) {
    if (list.length > max) {
      list.sort((a, b) => b.value - a.value);
      dropped.set(seed, (dropped.get(seed) ?? 0) + list.length - max);
      list.length = max;
    }
    kept.push(...list);
  }
  return kept;
}
