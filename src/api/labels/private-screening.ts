import { withExtraLabels } from '../../screen/extra-labels.ts';
import type { RiskRules } from '../../screen/risk-rules.ts';
import type { LabelRef, ScreenResult } from '../../screen/types.ts';
import type { Store } from '../../store/store.ts';
import { type PrivateLabel, type PrivateLabelIndex, privateLabelIndex } from './org-labels.ts';

/** A label as screening reports it, with whose it is (`visibility`: the organisation). */
export type PrivateLabelRef = LabelRef & { visibility: string };

/**
 * A private label as screening shows it (a private label is never a sanction).
 *
 * @example
 * privateLabelRef(label).visibility; // 'org'
 */
export function privateLabelRef(l: PrivateLabel): PrivateLabelRef {
  return {
    category: l.category,
    entity: l.entity,
    actor: l.actor,
    country: l.country,
    source: l.source,
    confidence: l.confidence,
    sanctionList: null,
    programs: [],
    validFrom: l.validFrom,
    validTo: l.validTo,
    importId: null,
    visibility: l.visibility,
  };
}

/** As for public labels: valid from `validFrom` to `validTo` (open ends allowed; `YYYY-MM-DD`). */
const validOn = (l: PrivateLabel, day: string) =>
  (l.validFrom === null || l.validFrom <= day) && (l.validTo === null || l.validTo >= day);

/**
 * One screening result as the labels' organisation sees it: its private labels join the address's
 * labels and attributions (first), and the `direct` risk rules are applied to them too, so an
 * address an investigator labelled `theft` screens as high for that organisation. Sanctions never
 * come from private labels. The result given is not changed (the screener shares its objects).
 *
 * @example
 * const seen = withPrivateLabels(screener.screenDirect(address), (await privateLabelIndex(store, org)).of(chain, address), screener.rules);
 */
export function withPrivateLabels(
  result: ScreenResult,
  labels: readonly PrivateLabel[],
  rules: RiskRules,
): ScreenResult {
  if (labels.length === 0 || result.error !== null || result.riskLevel === null) return result;
  // A TagPack's label may carry its validity; one added by hand holds always.
  const current = labels.filter((l) => validOn(l, result.explanation.asOf));
  if (current.length === 0) return result;
  return withExtraLabels(result, current.map(privateLabelRef), rules, 'first');
}

/**
 * The private labels of an address as indirect exposure counts them (`ScreenOptions.extraLabels`):
 * those valid on `asOf`, so value that passed an address the organisation labelled counts as
 * exposure to its category for that organisation only.
 *
 * @example
 * await screener.screen(inputs, { hops: 2, extraLabels: exposureLabels(index, screener.asOf) });
 */
export function exposureLabels(
  index: PrivateLabelIndex,
  asOf: string,
): ((chain: string, address: string) => readonly PrivateLabelRef[]) | undefined {
  // Most organisations have no private labels: exposure then reads the shared labels alone.
  if (index.size === 0) return undefined;
  const refs = new Map<PrivateLabel, PrivateLabelRef>();
  const refOf = (l: PrivateLabel) => {
    let ref = refs.get(l);
    if (ref === undefined) refs.set(l, (ref = privateLabelRef(l)));
    return ref;
  };
  return (chain, address) => {
    const labels = index.of(chain, address);
    if (labels.length === 0) return NO_REFS;
    return labels.filter((l) => validOn(l, asOf)).map(refOf);
  };
}

const NO_REFS: readonly PrivateLabelRef[] = Object.freeze([]);

/**
 * Screening results as an organisation sees them (see {@link withPrivateLabels}), given its
 * {@link privateLabelIndex}: synchronous, for the screening route's hot path.
 *
 * @example
 * const found = privateLabelIndex(store, request.apiKey.org);
 * const seen = applyPrivateLabels(found instanceof Promise ? await found : found, screener.rules, results);
 */
export function applyPrivateLabels(
  index: PrivateLabelIndex,
  rules: RiskRules,
  results: ScreenResult[],
): ScreenResult[] {
  // Most organisations have no private labels: their results are the shared ones, as they are.
  if (index.size === 0) return results;
  return results.map((r) =>
    r.error !== null || r.chain === null
      ? r
      : withPrivateLabels(r, index.of(r.chain, r.address), rules),
  );
}

/**
 * Screening results as `org` sees them (see {@link withPrivateLabels}), whose shared screener holds
 * public labels only.
 *
 * @example
 * const results = await screenResultsForOrg(store, request.apiKey.org, screener.rules, await screener.screen(inputs));
 */
export async function screenResultsForOrg(
  store: Store,
  org: string,
  rules: RiskRules,
  results: ScreenResult[],
): Promise<ScreenResult[]> {
  return applyPrivateLabels(await privateLabelIndex(store, org), rules, results);
}
