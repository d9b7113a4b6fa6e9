import { parseThorchainMemo } from '../thorchain-memo.ts';
import type { BridgedFrom } from './bridges.ts';
import type { NodeLabel } from './node-labels.ts';

/** Tainted value that stopped at one service address, in one asset (and to one bridge destination). */
export type EndpointAcc = {
  node: number;
  asset: number;
  category: string;
  entity: string | null;
  taint: number;
  share: number;
  destination?: { chain: string; address: string } | undefined;
  /** An inferred exchange deposit address: its sweeps to the exchange, the inference's evidence. */
  inferred?: NodeLabel['inferred'];
  /** Backward, a bridge's payout: the inbound deposit it answered. */
  bridgedFrom?: BridgedFrom | undefined;
  /** Addresses of the same service the value passed within its transaction before it rested here. */
  via: readonly number[];
  /** The arrivals (edge, taint) that brought it: the strongest are its evidence paths. */
  arrivals: { edge: number; taint: number }[];
};

/**
 * The endpoints of a sweep at labelled services, accumulated per (node, asset, destination).
 *
 * @example
 * endpoints.add(node, label, e, asset, tx, t, sh);
 */
export class EndpointSet {
  readonly byKey = new Map<string, EndpointAcc>();

  constructor(private readonly bridgeMemos: ReadonlyMap<number, string> | undefined) {}

  /** `t` of tainted value (share `sh`) arrived by edge `e` (asset `asset`, tx `tx`) at labelled `node`. */
  add(
    node: number,
    label: NodeLabel,
    e: number,
    asset: number,
    tx: number,
    t: number,
    sh: number,
    via: readonly number[] = [],
    bridgedFrom?: BridgedFrom | undefined,
  ): void {
    let destination: { chain: string; address: string } | undefined;
    if (label.category === 'bridge') {
      const memo = this.bridgeMemos?.get(tx);
      const parsed = memo === undefined ? null : parseThorchainMemo(memo);
      if (parsed?.kind === 'swap') destination = { chain: parsed.chain, address: parsed.address };
    }
    const key = `${node}:${asset}:${destination ? `${destination.chain}:${destination.address}` : ''}:${via.join(',')}:${bridgedFrom?.txHash ?? ''}`;
    let acc = this.byKey.get(key);
    if (!acc) {
      acc = {
        node,
        asset,
        category: label.category,
        entity: label.entity,
        taint: 0,
        share: 0,
        destination,
        inferred: label.inferred,
        bridgedFrom,
        via,
        arrivals: [],
      };
      this.byKey.set(key, acc);
    }
    acc.taint += t;
    acc.share += sh;
    acc.arrivals.push({ edge: e, taint: t });
  }
}
