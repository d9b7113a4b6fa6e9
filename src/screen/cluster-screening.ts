import { asViaCluster } from '../cluster/via-cluster.ts';
import type { ClusterRef, ClusterStore } from '../store/store.ts';
import { withExtraLabels } from './extra-labels.ts';
import type { LabelIndex } from './label-index.ts';
import type { RiskRules } from './risk-rules.ts';
import type { FiredRule, LabelRef, ScreenResult } from './types.ts';

/**
 * The built-in, informational rule that says labels reached the address through its cluster (it
 * never raises the level itself; the `direct` rules fire on those labels as on any).
 */
export const VIA_CLUSTER_RULE = 'via-cluster';

/** A labelled address of a cluster and its current labels. */
type LabelledMember = { address: string; labels: readonly LabelRef[] };

/** Input of {@link createClusterScreening}. */
export type ClusterScreeningParameters = {
  store: ClusterStore;
  index: LabelIndex;
  rules: RiskRules;
};

/** Adds labels reached through clusters to screening results. */
export type ClusterScreening = {
  /** The results with their clusters and the labels of their clusters' other addresses. */
  apply(results: ScreenResult[]): Promise<ScreenResult[]>;
  /**
   * The labels that reach each of `addresses` of `chain` through its cluster: the current public
   * labels of its cluster's other addresses, as {@link asViaCluster} makes them (confidence halved,
   * at most 50, no sanctions list). Addresses in no labelled cluster are absent. One cluster lookup.
   */
  viaCluster(chain: string, addresses: readonly string[]): Promise<Map<string, LabelRef[]>>;
};

/**
 * Labels through clusters for a screener (src/cluster/via-cluster.ts states the rule). A store
 * without clusters costs one cached call and no query. Otherwise each batch asks the store once per
 * chain for the clusters of its addresses (an indexed lookup), and each chain's labelled clusters are
 * found once per screener: the clusters of the label index's addresses. A screener is rebuilt when
 * labels change; clusters change only with a build, which needs the store to itself.
 *
 * @example
 * const clusters = createClusterScreening({ store, index, rules });
 * results = await clusters.apply(results);
 */
export function createClusterScreening(parameters: ClusterScreeningParameters): ClusterScreening {
  const { store, index, rules } = parameters;
  const labelledByChain = new Map<string, Promise<Map<string, LabelledMember[]>>>();
  const labelledClusters = (chain: string) => {
    let found = labelledByChain.get(chain);
    if (found === undefined) {
      const entries = index.byChain.get(chain);
      found = (async () => {
        const byCluster = new Map<string, LabelledMember[]>();
        if (!entries) return byCluster;
        const labelled = [...entries].filter(([, e]) => e.current.length > 0);
        const refs = await store.getClusters(
          chain,
          labelled.map(([a]) => a),
        );
        for (const [address, entry] of labelled) {
          const ref = refs.get(address);
          if (ref === undefined) continue;
          const list = byCluster.get(ref.id);
          const member = { address, labels: entry.current };
          if (list) list.push(member);
          else byCluster.set(ref.id, [member]);
        }
        return byCluster;
      })();
      labelledByChain.set(chain, found);
      found.catch(() => labelledByChain.delete(chain));
    }
    return found;
  };

  const withCluster = (
    result: ScreenResult,
    ref: ClusterRef,
    members: readonly LabelledMember[] | undefined,
  ): ScreenResult => {
    const cluster = { id: ref.id, size: ref.size };
    const via: LabelRef[] = [];
    for (const m of members ?? [])
      if (m.address !== result.address)
        for (const l of m.labels) via.push(asViaCluster(l, ref, m.address));
    if (via.length === 0) return { ...result, cluster };
    const from = new Set(via.map((l) => l.viaCluster!.address));
    const info: FiredRule = {
      rule: VIA_CLUSTER_RULE,
      level: rules.default,
      reason: `in cluster ${ref.id} of ${ref.size.toLocaleString('en-US')} addresses (multi-input heuristic): labels of ${from.size} of its addresses count at half their confidence, at most 50: ${via.map((l) => `${l.category}${l.entity ? ` ${l.entity}` : ''} via ${l.viaCluster!.address}`).join('; ')}`,
      labels: via,
    };
    return { ...withExtraLabels(result, via, rules, 'last', [info]), cluster };
  };

  return {
    async viaCluster(chain, addresses) {
      const out = new Map<string, LabelRef[]>();
      if (addresses.length === 0 || !(await store.listClusterChains()).includes(chain)) return out;
      const labelled = await labelledClusters(chain);
      if (labelled.size === 0) return out;
      const refs = await store.getClusters(chain, addresses);
      for (const [address, ref] of refs) {
        const via: LabelRef[] = [];
        for (const m of labelled.get(ref.id) ?? [])
          if (m.address !== address)
            for (const l of m.labels) via.push(asViaCluster(l, ref, m.address));
        if (via.length > 0) out.set(address, via);
      }
      return out;
    },
    async apply(results) {
      const chains = await store.listClusterChains();
      if (chains.length === 0) return results;
      const byChain = new Map<string, number[]>();
      results.forEach((r, i) => {
        if (r.error !== null || r.chain === null || !chains.includes(r.chain)) return;
        const list = byChain.get(r.chain);
        if (list) list.push(i);
        else byChain.set(r.chain, [i]);
      });
      if (byChain.size === 0) return results;
      const out = [...results];
      for (const [chain, indexes] of byChain) {
        const refs = await store.getClusters(
          chain,
          indexes.map((i) => results[i]!.address),
        );
        if (refs.size === 0) continue;
        const labelled = await labelledClusters(chain);
        for (const i of indexes) {
          const ref = refs.get(results[i]!.address);
          if (ref !== undefined) out[i] = withCluster(results[i]!, ref, labelled.get(ref.id));
        }
      }
      return out;
    },
  };
}
