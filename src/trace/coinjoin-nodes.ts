import { detectCoinJoin, type CoinJoinKind } from '../cluster/coinjoin/detect-coinjoin.ts';
import { slotOf } from './graph-index.ts';
import { slotAdjacency } from './slot-adjacency.ts';
import type { NodeLabel } from './sweep/node-labels.ts';
import { type GraphIndex, NODE_UTXO_TX } from './types.ts';

/** How each kind of CoinJoin is named in a trace's findings ("entered CoinJoin (Whirlpool)"). */
const COINJOIN_NAMES: Readonly<Record<CoinJoinKind, string>> = {
  whirlpool: 'Whirlpool',
  wasabi1: 'Wasabi 1',
  wasabi2: 'Wasabi 2',
  joinmarket: 'JoinMarket',
  generic: 'unattributed',
};

/** The category a CoinJoin is an endpoint of: a mixer, like Tornado Cash on EVM chains. */
export const COINJOIN_CATEGORY = 'mixer';

/**
 * The entity a detected CoinJoin is named as.
 *
 * @example
 * coinJoinEntity('whirlpool'); // 'CoinJoin (Whirlpool)'
 */
export function coinJoinEntity(kind: CoinJoinKind): string {
  return `CoinJoin (${COINJOIN_NAMES[kind]})`;
}

/**
 * A trace's view of CoinJoins: for a UTXO transaction node of the index, a mixer label naming the
 * CoinJoin when its inputs and outputs have a published CoinJoin's shape (src/cluster/coinjoin),
 * else null. The value that enters one cannot be followed to its owner's outputs, so a trace stops
 * there unless asked to go through (then the policy splits it over the outputs, as at any UTXO
 * transaction). Shapes are read from the index's edges, on first meeting each transaction: the
 * slot adjacency it needs is built once per index.
 *
 * @example
 * const coinJoinOf = coinJoinLabeller(index);
 * coinJoinOf(txNode); // { category: 'mixer', entity: 'CoinJoin (Whirlpool)' }
 */
export function coinJoinLabeller(index: GraphIndex): (node: number) => NodeLabel | null {
  return (node) => {
    if (index.nodeKind[node] !== NODE_UTXO_TX) return null;
    const native = index.assetId(index.node(node).chain, 'native');
    const slot = native === undefined ? undefined : slotOf(index, node, native);
    if (slot === undefined) return null;
    const side = (direction: 'forward' | 'backward') => {
      const { start, edges } = slotAdjacency(index, direction);
      const far = direction === 'forward' ? index.dstSlot : index.srcSlot;
      const ios: { address: string | null; value: number }[] = [];
      for (let i = start[slot]!; i < start[slot + 1]!; i++) {
        const e = edges[i]!;
        ios.push({
          address: index.node(index.slotNode[far[e]!]!).address,
          value: index.amount[e]!,
        });
      }
      return ios;
    };
    const match = detectCoinJoin({ inputs: side('backward'), outputs: side('forward') });
    return match ? { category: COINJOIN_CATEGORY, entity: coinJoinEntity(match.kind) } : null;
  };
}
