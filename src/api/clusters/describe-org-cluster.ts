import type { DescribeClusterParameters } from '../../cluster/describe-cluster.ts';
import { type ClusterSoFar, describeClusterSoFar } from '../../cluster/describe-cluster-so-far.ts';
import { labelsWithCluster } from '../labels/cluster-labels.ts';
import type { ApiLabel } from '../labels/org-labels.ts';

/** A cluster as an organisation sees it: its labels are the API's, its own private ones included. */
export type OrgClusterDescription = Omit<ClusterSoFar, 'labels'> & { labels: ApiLabel[] };

/**
 * {@link describeClusterSoFar} for an organisation: the labels are those `GET
 * /v1/addresses/{chain}/{address}/labels` gives it (its private labels first, then public ones, then
 * the cluster's other addresses', its own private ones among them; another organisation's never).
 * Before the chain's first build the address is alone (`built` null, a note says how to build).
 *
 * @example
 * await describeOrgCluster({ store, org: 'acme', chain: 'bitcoin', address });
 */
export async function describeOrgCluster(
  parameters: DescribeClusterParameters & { org: string },
): Promise<OrgClusterDescription> {
  const found = await describeClusterSoFar(parameters);
  // With no build, no address has a cluster: labelsWithCluster finds none and gives the own labels.
  const labels = await labelsWithCluster(
    parameters.store,
    parameters.org,
    found.chain,
    found.address,
  );
  return { ...found, labels };
}
