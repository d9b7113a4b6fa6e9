import { asViaCluster } from '../../cluster/via-cluster.ts';
import { VIA_CLUSTER_RULE } from '../../screen/cluster-screening.ts';
import { withExtraLabels } from '../../screen/extra-labels.ts';
import type { RiskRules } from '../../screen/risk-rules.ts';
import type { FiredRule, LabelRef, ScreenResult } from '../../screen/types.ts';
import type { Store } from '../../store/store.ts';
import { privateLabelRef } from './private-screening.ts';
import {
  type ApiLabel,
  effectiveLabels,
  type PrivateLabel,
  type PrivateLabelIndex,
  privateAsApiLabel,
  privateLabelIndex,
  toApiLabel,
} from './org-labels.ts';

/**
 * An organisation's private labels of clustered addresses, per chain and cluster id: the clusters of
 * its labelled addresses, asked once per label index (a new index replaces it whenever the
 * organisation's labels change).
 */
const byClusterCache = new WeakMap<
  PrivateLabelIndex,
  Map<string, Promise<Map<string, PrivateLabel[]>>>
>();

/**
 * The private labels of `index` on `chain`, by the id of the cluster their address is in (addresses
 * in no cluster are left out).
 *
 * @example
 * (await privateLabelsByCluster(store, index, 'bitcoin')).get(clusterId);
 */
export function privateLabelsByCluster(
  store: Store,
  index: PrivateLabelIndex,
  chain: string,
): Promise<Map<string, PrivateLabel[]>> {
  let perChain = byClusterCache.get(index);
  if (!perChain) byClusterCache.set(index, (perChain = new Map()));
  let found = perChain.get(chain);
  if (found === undefined) {
    const labels = index.all.filter((l) => l.chain === chain);
    found = (async () => {
      const byCluster = new Map<string, PrivateLabel[]>();
      if (labels.length === 0) return byCluster;
      const refs = await store.getClusters(chain, [...new Set(labels.map((l) => l.address))]);
      for (const l of labels) {
        const ref = refs.get(l.address);
        if (ref === undefined) continue;
        const list = byCluster.get(ref.id);
        if (list) list.push(l);
        else byCluster.set(ref.id, [l]);
      }
      return byCluster;
    })();
    perChain.set(chain, found);
    found.catch(() => perChain!.delete(chain));
  }
  return found;
}

/**
 * Screening results as an organisation sees them through clusters: on a result in a cluster
 * (`cluster` set by the screener), the organisation's private labels of the cluster's other
 * addresses count like the public ones (halved confidence, never a sanction). Nothing to do, and no
 * query, for an organisation without private labels or results without clusters.
 *
 * @example
 * results = await applyPrivateClusterLabels(store, ownLabels, screener.rules, results);
 */
export async function applyPrivateClusterLabels(
  store: Store,
  index: PrivateLabelIndex,
  rules: RiskRules,
  results: ScreenResult[],
): Promise<ScreenResult[]> {
  if (index.size === 0 || !results.some((r) => r.cluster)) return results;
  const out = [...results];
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (!r.cluster || r.chain === null) continue;
    const cluster = r.cluster;
    const labels = (
      (await privateLabelsByCluster(store, index, r.chain)).get(cluster.id) ?? []
    ).filter((l) => l.address !== r.address && validOn(l, r.explanation.asOf));
    if (labels.length === 0) continue;
    const via: LabelRef[] = labels.map((l) => asViaCluster(privateLabelRef(l), cluster, l.address));
    const info: FiredRule = {
      rule: VIA_CLUSTER_RULE,
      level: rules.default,
      reason: `the organisation's labels of ${new Set(labels.map((l) => l.address)).size} other addresses of cluster ${cluster.id}: ${via.map((l) => `${l.category}${l.entity ? ` ${l.entity}` : ''} via ${l.viaCluster!.address}`).join('; ')}`,
      labels: via,
    };
    out[i] = { ...withExtraLabels(r, via, rules, 'last', [info]), cluster };
  }
  return out;
}

/**
 * An organisation's private labels as they reach addresses through their clusters, for exposure on
 * Bitcoin-family chains (`ScreenOptions.extraClusterLabels`): a counterparty without labels of its
 * own is labelled by the organisation's labels of its cluster's other addresses (halved confidence,
 * never a sanction), for that organisation only. Undefined without private labels (no query).
 *
 * @example
 * await screener.screen(inputs, { hops: 2, extraClusterLabels: exposureClusterLabels(store, index, screener.asOf) });
 */
export function exposureClusterLabels(
  store: Store,
  index: PrivateLabelIndex,
  asOf: string,
):
  | ((chain: string, addresses: readonly string[]) => Promise<Map<string, readonly LabelRef[]>>)
  | undefined {
  if (index.size === 0) return undefined;
  return async (chain, addresses) => {
    const out = new Map<string, readonly LabelRef[]>();
    const byCluster = await privateLabelsByCluster(store, index, chain);
    if (byCluster.size === 0 || addresses.length === 0) return out;
    for (const [address, ref] of await store.getClusters(chain, addresses)) {
      const labels = (byCluster.get(ref.id) ?? []).filter(
        (l) => l.address !== address && validOn(l, asOf),
      );
      if (labels.length > 0)
        out.set(
          address,
          labels.map((l) => asViaCluster(privateLabelRef(l), ref, l.address)),
        );
    }
    return out;
  };
}

/** As for public labels: valid from `validFrom` to `validTo` (open ends allowed; `YYYY-MM-DD`). */
const validOn = (l: PrivateLabel, day: string) =>
  (l.validFrom === null || l.validFrom <= day) && (l.validTo === null || l.validTo >= day);

/**
 * The labels of an address as `org` sees them ({@link effectiveLabels}: its own private labels, then
 * public ones), then those of the other addresses of its cluster, marked `viaCluster` with halved
 * confidence (at most 50): the organisation's private ones first, then public ones.
 *
 * @example
 * await labelsWithCluster(store, 'acme', 'bitcoin', '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9');
 */
export async function labelsWithCluster(
  store: Store,
  org: string,
  chain: string,
  address: string,
): Promise<ApiLabel[]> {
  const own = await effectiveLabels(store, org, chain, address);
  const ref = (await store.getClusters(chain, [address])).get(address);
  if (ref === undefined) return own;
  const found = privateLabelIndex(store, org);
  const index = found instanceof Promise ? await found : found;
  const [shared, mine] = await Promise.all([
    store.listClusterLabels(chain, ref.id),
    privateLabelsByCluster(store, index, chain),
  ]);
  const via = (l: ApiLabel): ApiLabel => {
    const v = asViaCluster(l, ref, l.address);
    return { ...v, programs: [...v.programs] };
  };
  return [
    ...own,
    ...(mine.get(ref.id) ?? [])
      .filter((l) => l.address !== address)
      .map((l) => via(privateAsApiLabel(l))),
    ...shared.filter((l) => l.address !== address).map((l) => via(toApiLabel(l))),
  ];
}
