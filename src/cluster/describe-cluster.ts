import { NotFoundError, UserError } from '../errors/base.ts';
import { normalizeAddress } from '../model/address.ts';
import { getChain } from '../model/chains.ts';
import type { ClusterLink, ClusterRefusal, ClusterState, Label, Store } from '../store/store.ts';
import { asViaCluster, type ViaCluster } from './via-cluster.ts';
import { DEFAULT_CLUSTER_PAGE } from './cluster-page.ts';

export { DEFAULT_CLUSTER_PAGE, MAX_CLUSTER_PAGE } from './cluster-page.ts';

/** Input of {@link describeCluster}. */
export type DescribeClusterParameters = {
  store: Store;
  chain: string;
  /** Any accepted form; read canonical. */
  address: string;
  /** Addresses and links per page (default {@link DEFAULT_CLUSTER_PAGE}), and how many to skip. */
  limit?: number | undefined;
  offset?: number | undefined;
};

/** A label of the address, or of another address of its cluster (then `viaCluster` is set). */
export type ClusterLabel = Label & { viaCluster?: ViaCluster };

/** What {@link describeCluster} returns. */
export type ClusterDescription = {
  chain: string;
  /** The address asked about, canonical. */
  address: string;
  /** The cluster's id (its first-clustered address) and size; an address in no cluster is one of its own. */
  id: string;
  size: number;
  /** The build the answer comes from. */
  built: Pick<ClusterState, 'blockNumber' | 'clusters' | 'addresses'>;
  /** A page of the cluster's addresses, first clustered first. */
  addresses: string[];
  limit: number;
  offset: number;
  /** The address's own public labels, then those of the cluster's other addresses. */
  labels: ClusterLabel[];
  /** A page of the transactions that joined the cluster, oldest first, and how many there are. */
  links: ClusterLink[];
  linksTotal: number;
  /** Merges refused because they would have joined it with another owner's cluster. */
  refusals: ClusterRefusal[];
};

/**
 * The cluster of an address: its id, size, addresses and links (paged), the public labels of the
 * address and, marked `viaCluster`, of its other addresses, and the merges refused. The API adds the
 * caller's private labels; the CLI shows public ones.
 *
 * Fails with `CLUSTER_CHAIN_NOT_UTXO` for a chain outside the Bitcoin family and `CLUSTERS_NOT_BUILT`
 * (not found) when no build has run on the chain.
 *
 * @example
 * const c = await describeCluster({ store, chain: 'bitcoin', address: '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9' });
 * c.id; // '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae'
 */
export async function describeCluster(
  parameters: DescribeClusterParameters,
): Promise<ClusterDescription> {
  const { store } = parameters;
  const chain = getChain(parameters.chain);
  if (chain.family !== 'bitcoin')
    throw new UserError(
      `${chain.key} has no clusters: the multi-input heuristic reads UTXO transactions (Bitcoin family)`,
      { code: 'CLUSTER_CHAIN_NOT_UTXO' },
    );
  const address = normalizeAddress(chain, parameters.address);
  const state = await store.getClusterState(chain.key);
  if (state === null)
    throw new NotFoundError(`No clusters built on ${chain.key}`, {
      code: 'CLUSTERS_NOT_BUILT',
      details: `Build them with \`chaintrail cluster build --chain ${chain.key}\` (after importing or syncing its blocks).`,
    });
  const limit = parameters.limit ?? DEFAULT_CLUSTER_PAGE;
  const offset = parameters.offset ?? 0;
  const ref = (await store.getClusters(chain.key, [address])).get(address);
  const id = ref?.id ?? address;
  const [addresses, links, refusals, own, members] = await Promise.all([
    ref
      ? store.listClusterAddresses(chain.key, id, { limit, offset })
      : [address].slice(offset, offset + limit),
    ref ? store.listClusterLinks(chain.key, id, { limit, offset }) : { links: [], total: 0 },
    store.listClusterRefusals(chain.key, id),
    store.getLabels(chain.key, address),
    ref ? store.listClusterLabels(chain.key, id) : [],
  ]);
  const cluster = { id, size: ref?.size ?? 1 };
  return {
    chain: chain.key,
    address,
    id,
    size: cluster.size,
    built: { blockNumber: state.blockNumber, clusters: state.clusters, addresses: state.addresses },
    addresses,
    limit,
    offset,
    labels: [
      ...own,
      ...members
        .filter((l) => l.address !== address)
        .map((l) => asViaCluster(l, cluster, l.address)),
    ],
    links: links.links,
    linksTotal: links.total,
    refusals,
  };
}
