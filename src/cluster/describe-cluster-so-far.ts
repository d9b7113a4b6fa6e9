import {
  builtOf,
  type ClusterDescription,
  clusterAddress,
  describeFrom,
  type DescribeClusterParameters,
} from './describe-cluster.ts';

/** What {@link describeClusterSoFar} returns: a cluster, and how far the chain's build goes. */
export type ClusterSoFar = Omit<ClusterDescription, 'built'> & {
  /** The build the answer comes from; null when none has run (the address is then alone). */
  built: ClusterDescription['built'] | null;
  /** The chain's last stored block with UTXO transfers: what a build would reach (null: none). */
  tip: bigint | null;
  /** What the answer leaves out, in plain words: no build, or blocks stored after it; else null. */
  note: string | null;
};

/**
 * The cluster of an address as far as the chain's clusters are built, which a reader can always
 * ask: with no build yet, the address alone (`built` null) and a note saying how to build; with a
 * build older than the stored blocks, the note says which blocks it has not clustered (their
 * transactions joined nothing yet). Unlike the CLI, which builds first, a reader never builds: a
 * build writes (the server may hold the store read-only, or share it), and 1 M inputs take 40-75 s
 * end to end on DuckDB (README, bench/cluster): a chain's first build would hold a GET for minutes
 * or hours. A clear answer the reader can act on beats an implicit heavy write.
 *
 * Fails with `CLUSTER_CHAIN_NOT_UTXO` for a chain outside the Bitcoin family.
 *
 * @example
 * const c = await describeClusterSoFar({ store, chain: 'bitcoin', address: '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9' });
 * c.built; // null before `chaintrail cluster build`
 * c.note; // 'Clusters of bitcoin are not built yet: …'
 */
export async function describeClusterSoFar(
  parameters: DescribeClusterParameters,
): Promise<ClusterSoFar> {
  const { store } = parameters;
  const { chain, address } = clusterAddress(parameters.chain, parameters.address);
  const [state, tip] = await Promise.all([
    store.getClusterState(chain),
    store.getLastUtxoBlock(chain),
  ]);
  const found = await describeFrom(parameters, chain, address, state);
  return {
    ...found,
    built: state ? builtOf(state) : null,
    tip,
    note: coverageNote(chain, state?.blockNumber ?? null, tip),
  };
}

/**
 * What a cluster answer leaves out, in words, from the build's last block and the chain's stored
 * tip; null when the build reaches the tip.
 *
 * @example
 * coverageNote('bitcoin', 120n, 130n);
 * // 'Clusters of bitcoin are built to block 120; blocks 121-130 are stored but not clustered yet …'
 */
export function coverageNote(
  chain: string,
  built: bigint | null,
  tip: bigint | null,
): string | null {
  const build = `run \`chaintrail cluster build --chain ${chain}\``;
  if (built === null)
    return tip === null
      ? `No block of ${chain} is stored and its clusters are not built yet: sync or import its blocks, then ${build}.`
      : `Clusters of ${chain} are not built yet (or a reorg dropped them): each address reads as its own cluster until you ${build}.`;
  if (tip === null || tip <= built) return null;
  const range = tip === built + 1n ? `block ${tip} is` : `blocks ${built + 1n}-${tip} are`;
  return `Clusters of ${chain} are built to block ${built}; ${range} stored but not clustered yet, so transactions there joined nothing: ${build}.`;
}
