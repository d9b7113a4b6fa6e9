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
  const { chain, address } = clusterAddress(parameters.chain, parameters.address);
  const state = await parameters.store.getClusterState(chain);
  if (state === null)
    throw new NotFoundError(`No clusters built on ${chain}`, {
      code: 'CLUSTERS_NOT_BUILT',
      details: `Build them with \`chaintrail cluster build --chain ${chain}\` (after importing or syncing its blocks).`,
    });
  return { ...(await describeFrom(parameters, chain, address, state)), built: builtOf(state) };
}

/**
 * A chain's key and an address of it, canonical; fails with `CLUSTER_CHAIN_NOT_UTXO` for a chain
 * outside the Bitcoin family (and as {@link normalizeAddress} does for a bad address).
 *
 * @example
 * clusterAddress('bitcoin', '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9'); // { chain: 'bitcoin', address: '1PZM…' }
 */
export function clusterAddress(
  chainKey: string,
  given: string,
): { chain: string; address: string } {
  const chain = getChain(chainKey);
  if (chain.family !== 'bitcoin')
    throw new UserError(
      `${chain.key} has no clusters: the multi-input heuristic reads UTXO transactions (Bitcoin family)`,
      { code: 'CLUSTER_CHAIN_NOT_UTXO' },
    );
  return { chain: chain.key, address: normalizeAddress(chain, given) };
}

/** The totals of a build, as an answer gives them. */
export function builtOf(state: ClusterState): ClusterDescription['built'] {
  return { blockNumber: state.blockNumber, clusters: state.clusters, addresses: state.addresses };
}

/**
 * The cluster of a canonical address of a Bitcoin-family chain as `state`'s build left it; with no
 * build (null), the address alone, as it is until one runs.
 */
export async function describeFrom(
  parameters: DescribeClusterParameters,
  chain: string,
  address: string,
  state: ClusterState | null,
): Promise<Omit<ClusterDescription, 'built'>> {
  const { store } = parameters;
  const limit = parameters.limit ?? DEFAULT_CLUSTER_PAGE;
  const offset = parameters.offset ?? 0;
  const ref = state ? (await store.getClusters(chain, [address])).get(address) : undefined;
  const id = ref?.id ?? address;
  const [addresses, links, refusals, own, members] = await Promise.all([
    ref
      ? store.listClusterAddresses(chain, id, { limit, offset })
      : [address].slice(offset, offset + limit),
    ref ? store.listClusterLinks(chain, id, { limit, offset }) : { links: [], total: 0 },
    state ? store.listClusterRefusals(chain, id) : [],
    store.getLabels(chain, address),
    ref ? store.listClusterLabels(chain, id) : [],
  ]);
  const cluster = { id, size: ref?.size ?? 1 };
  return {
    chain,
    address,
    id,
    size: cluster.size,
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
