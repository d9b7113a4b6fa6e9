/**
 * How a label reaches an address through its cluster: a label of one address labels every address
 * the multi-input heuristic put with it, as a weaker claim. Its confidence is halved and never above
 * {@link VIA_CLUSTER_MAX_CONFIDENCE}; a label whose list gives no confidence counts as
 * {@link UNSTATED_CONFIDENCE} (screening takes such labels at their word), so it reaches the
 * cluster at 50. It never makes an address sanctioned (only a list names sanctioned addresses), and
 * its source says where it came from: `via cluster of <address>: <the label's source>`.
 */

/** The most confidence a label reached through a cluster has (GraphSense's 0-100 scale). */
export const VIA_CLUSTER_MAX_CONFIDENCE = 50;
/** What a label without a stated confidence counts as before it is halved. */
export const UNSTATED_CONFIDENCE = 100;

/** Where a label reached through a cluster comes from. */
export type ViaCluster = {
  /** The cluster's id (its first-clustered address) and size. */
  cluster: string;
  size: number;
  /** The address of the cluster that carries the label. */
  address: string;
  /** `via cluster of <address>`. */
  provenance: string;
};

/**
 * The confidence of a label reached through a cluster.
 *
 * @example
 * viaClusterConfidence(60); // 30
 * viaClusterConfidence(null); // 50
 */
export function viaClusterConfidence(confidence: number | null | undefined): number {
  return Math.min(VIA_CLUSTER_MAX_CONFIDENCE, Math.floor((confidence ?? UNSTATED_CONFIDENCE) / 2));
}

/**
 * Where a label reached through a cluster comes from, for its `viaCluster` field.
 *
 * @example
 * viaCluster({ id: '1DoQ…', size: 2 }, '1PZM…').provenance; // 'via cluster of 1PZM…'
 */
export function viaCluster(cluster: { id: string; size: number }, address: string): ViaCluster {
  return {
    cluster: cluster.id,
    size: cluster.size,
    address,
    provenance: `via cluster of ${address}`,
  };
}

/**
 * A label's source as it reads when reached through a cluster.
 *
 * @example
 * viaClusterSource('1PZM…', 'https://ofac…'); // 'via cluster of 1PZM…: https://ofac…'
 */
export function viaClusterSource(address: string, source: string): string {
  return `via cluster of ${address}: ${source}`;
}

/** The fields of a label that {@link asViaCluster} changes. */
type ViaFields = {
  confidence: number | null;
  source: string;
  sanctionList?: string | null | undefined;
  programs?: readonly string[] | undefined;
};

/**
 * `label`, a label of `address`, as it reaches the other addresses of `cluster`: confidence halved
 * (at most 50), source prefixed, no sanctions list, and where it came from.
 *
 * @example
 * asViaCluster(label, { id: '1DoQ…', size: 2 }, '1PZM…');
 * // { …label, confidence: 30, source: 'via cluster of 1PZM…: …', sanctionList: null, programs: [], viaCluster: {…} }
 */
export function asViaCluster<T extends ViaFields>(
  label: T,
  cluster: { id: string; size: number },
  address: string,
): T & { viaCluster: ViaCluster } {
  return {
    ...label,
    confidence: viaClusterConfidence(label.confidence),
    source: viaClusterSource(address, label.source),
    sanctionList: null,
    programs: [],
    viaCluster: viaCluster(cluster, address),
  };
}
