import { evaluateDirect } from './evaluate-rules.ts';
import { maxRiskLevel, type RiskRules } from './risk-rules.ts';
import type { FiredRule, LabelRef, ScreenResult } from './types.ts';

/**
 * A screening result with more labels of the address counted: an organisation's private labels, or
 * labels reached through its cluster. The `direct` rules are applied to them and merged with what
 * fired already (one entry per rule, its reason extended); they join `labels`, `attributions` and
 * the direct exposure, before the result's own (`first`) or after them (`last`). Sanctions never
 * come from them: callers pass labels without a sanctions list. The result given is not changed (the
 * screener shares its objects).
 *
 * @example
 * withExtraLabels(result, privateRefs, rules, 'first');
 */
export function withExtraLabels(
  result: ScreenResult,
  refs: readonly LabelRef[],
  rules: RiskRules,
  place: 'first' | 'last',
  extraFired: readonly FiredRule[] = [],
): ScreenResult {
  if (refs.length === 0 || result.error !== null || result.riskLevel === null) return result;
  const own = evaluateDirect({ current: [...refs], formerSanctions: [] }, rules);
  const join = <T>(mine: readonly T[], theirs: readonly T[]) =>
    place === 'first' ? [...theirs, ...mine] : [...mine, ...theirs];
  const direct = result.exposure.direct.map((d) => ({ ...d, labels: [...d.labels] }));
  for (const group of own.direct) {
    const same = direct.find((d) => d.category === group.category);
    if (same) same.labels = join(same.labels, group.labels);
    else direct.push(group);
  }
  const fired: FiredRule[] = [...result.explanation.fired];
  for (const f of [...own.fired, ...extraFired]) {
    const i = fired.findIndex((g) => g.rule === f.rule);
    // One entry per rule: a rule the result's own labels fired already gains these.
    if (i >= 0)
      fired[i] = {
        ...fired[i]!,
        reason: `${fired[i]!.reason}; ${f.reason}`,
        labels: join(fired[i]!.labels ?? [], f.labels ?? []),
      };
    else fired.push(f);
  }
  return {
    ...result,
    attributions: join(result.attributions, refs),
    labels: join(result.labels, refs),
    exposure: { ...result.exposure, direct },
    riskLevel: maxRiskLevel(result.riskLevel, own.level),
    explanation: { ...result.explanation, fired },
  };
}
