import type { BcoinNode } from '../../chains/bitcoin/bcoin-node.ts';
import { buildClusters } from '../../cluster/build-clusters.ts';
import { createSourceRegistry, openChainSource } from '../../ingest/sync/registry.ts';
import { syncChain, type SyncChainReturnType } from '../../ingest/sync/sync-chain.ts';
import type { SimulatedBitcoin } from '../../simulate/simulate.ts';
import type { Store } from '../../store/store.ts';

/** What the demo's Bitcoin sync did, and whether it holds every transaction the node mined. */
export type DemoBitcoinSync = SyncChainReturnType & {
  /** Transactions stored on the chain: every block's coinbase and the simulator's sends. */
  transactions: number;
  /** Clusters of two or more addresses the multi-input heuristic found, and CoinJoins it left out. */
  clusters: number;
  coinjoins: number;
  /** Whether the stored chain is the simulated one: up to its last block, every send and coinbase. */
  matches: boolean;
  /** The last block stored (the simulated chain's last on a rerun, which syncs nothing new). */
  lastStored: bigint | null;
};

/**
 * Syncs the simulator's Bitcoin chain from its bcoin node into the store, as a user syncs any
 * Bitcoin node (`chaintrail sync --chain bitcoin-regtest --rpc URL`), and checks it against the
 * simulator's record: every block up to the last one mined, each with its coinbase, and every
 * transaction the simulator sent. Then clusters its addresses (multi-input heuristic).
 *
 * @example
 * const synced = await syncSimulatedBitcoin({ store, simulated: result.bitcoin, node, say });
 */
export async function syncSimulatedBitcoin(parameters: {
  store: Store;
  simulated: SimulatedBitcoin;
  node: BcoinNode;
  say: (message: string) => void;
}): Promise<DemoBitcoinSync> {
  const { store, simulated, node } = parameters;
  parameters.say(
    `syncing ${simulated.chain} blocks 0-${simulated.lastBlock} from the bcoin node ...`,
  );
  const source = await openChainSource(createSourceRegistry(), simulated.chain, {
    store,
    url: node.rpcUrl,
  });
  const synced = await syncChain({ store, source, to: simulated.lastBlock });
  // Who controls what, for `chaintrail cluster` and screening: CoinJoins are left out.
  const clustered = await buildClusters({ store, chain: simulated.chain });
  const hashes = new Set<string>();
  for (const t of await store.listTransfers({ chain: simulated.chain })) hashes.add(t.txHash);
  const blocks = Number(simulated.lastBlock) + 1;
  // A rerun on the same database syncs nothing new (the chain is the same for the same seed): the
  // stored chain is checked, not what this run synced.
  const [last] = await store.getBlocks(simulated.chain, [simulated.lastBlock]);
  return {
    ...synced,
    clusters: clustered.state?.clusters ?? 0,
    coinjoins: clustered.coinjoins,
    transactions: hashes.size,
    lastStored: last?.number ?? synced.toBlock,
    matches: last !== undefined && hashes.size === blocks + simulated.transactions,
  };
}
