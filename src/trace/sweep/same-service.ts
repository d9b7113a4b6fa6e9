import type { GraphIndex } from '../types.ts';
import { LABEL_STOP, type NodeLabel, type NodeLabels } from './node-labels.ts';

/**
 * The service an entity name belongs to: "Arbitrum: Delayed Inbox" and "Arbitrum: Bridge" are both
 * Arbitrum, "Binance 14" is Binance (label sets name a service's addresses "<service>: <role>" or
 * "<service> <n>"). Null for no entity.
 *
 * @example
 * serviceOf('Arbitrum: Delayed Inbox'); // 'arbitrum'
 */
export function serviceOf(entity: string | null): string | null {
  if (entity === null) return null;
  const name = (entity.split(':')[0] ?? '')
    .trim()
    .replace(/\s+\d+$/, '')
    .toLowerCase();
  return name === '' ? null : name;
}

/**
 * Whether node `y` is an address of the same service as the stop node labelled `label`, in
 * transaction `txId`: labelled as a service of the same name (its label is returned), or the vault
 * a bridge deposit of the transaction names (null: it keeps the first address's label). Undefined:
 * it is not.
 *
 * @example
 * sameService({ labels, index, vaults }, label, y, txId);
 */
export function sameService(
  ctx: {
    labels: NodeLabels;
    index: GraphIndex;
    vaults: ReadonlyMap<number, readonly string[]> | undefined;
  },
  label: NodeLabel,
  y: number,
  txId: number,
): NodeLabel | null | undefined {
  if (ctx.labels.state(y) === LABEL_STOP) {
    const service = serviceOf(label.entity);
    const yLabel = ctx.labels.get(y)!;
    return service !== null && serviceOf(yLabel.entity) === service ? yLabel : undefined;
  }
  if (label.category !== 'bridge') return undefined;
  const vaults = ctx.vaults?.get(txId);
  return vaults?.includes(ctx.index.node(y).address) ? null : undefined;
}
