// Apart from describe-cluster.ts, which loads the address codecs (viem), so that
// `chaintrail --help` shows them without loading those.

/** Addresses and links listed per page when the caller does not say. */
export const DEFAULT_CLUSTER_PAGE = 100;
/** Most addresses and links one page lists. */
export const MAX_CLUSTER_PAGE = 1000;
