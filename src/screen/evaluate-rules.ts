import { formatUnits, parseUnits } from '../model/amount.ts';
import type { LabelIndexEntry } from './label-index.ts';
import { maxRiskLevel, type RiskLevel, type RiskRule, type RiskRules } from './risk-rules.ts';
import type { Exposure, FiredRule, IndirectExposure, LabelRef, SanctionMatch } from './types.ts';

/** What an address's own labels say, with the rules that fired on them. */
export type DirectOutcome = {
  sanctioned: boolean;
  formerlySanctioned: boolean;
  sanctions: SanctionMatch[];
  formerSanctions: SanctionMatch[];
  attributions: LabelRef[];
  labels: LabelRef[];
  direct: Exposure['direct'];
  fired: FiredRule[];
  /** The highest level fired, or the rules' default. */
  level: RiskLevel;
};

function sanctionOf(l: LabelRef): SanctionMatch {
  return {
    list: l.sanctionList!,
    entity: l.entity,
    programs: l.programs,
    validFrom: l.validFrom,
    validTo: l.validTo,
    source: l.source,
    importId: l.importId,
  };
}

function describeSanction(s: SanctionMatch): string {
  const programs = s.programs.length ? ` (${s.programs.join(', ')})` : '';
  return `${s.list}: ${s.entity ?? 'unnamed entry'}${programs}`;
}

/** The built-in, informational rule that says an address's label is an inference (it never raises the level). */
export const INFERRED_LABEL_RULE = 'inferred-label';

function describeInferred(l: LabelRef): string {
  return `${l.category}${l.entity ? ` ${l.entity}` : ''} (confidence ${l.confidence ?? '?'} of 100): ${l.source}`;
}

function describeLabel(l: LabelRef): string {
  const who = [l.actor, l.country].filter(Boolean).join(', ');
  return `${l.category}${l.entity ? ` ${l.entity}` : ''}${who ? ` (${who})` : ''}, source ${l.source}`;
}

/**
 * Applies the sanctions levels and the `direct` rules to one address's own labels.
 *
 * @example
 * const outcome = evaluateDirect(index.byChain.get('ethereum')!.get(address)!, loadRiskRules());
 * outcome.sanctioned; // true
 * outcome.level; // 'severe'
 */
export function evaluateDirect(entry: LabelIndexEntry, rules: RiskRules): DirectOutcome {
  // An inferred label is never a sanction, even one that carried a list.
  const sanctionLabels = entry.current.filter((l) => l.sanctionList !== null && !l.inferred);
  const sanctions = sanctionLabels.map(sanctionOf);
  const sanctioned = sanctions.length > 0;
  const formerSanctions = sanctioned ? [] : entry.formerSanctions.map(sanctionOf);
  const formerlySanctioned = formerSanctions.length > 0;
  const fired: FiredRule[] = [];
  let level = rules.default;
  if (sanctioned) {
    fired.push({
      rule: 'sanctioned',
      level: rules.sanctioned,
      reason: `on ${sanctions.map((s) => `${describeSanction(s)}${s.validFrom ? ` since ${s.validFrom}` : ''}`).join('; ')}`,
      labels: sanctionLabels,
    });
    level = maxRiskLevel(level, rules.sanctioned);
  } else if (formerlySanctioned) {
    fired.push({
      rule: 'formerly-sanctioned',
      level: rules.formerlySanctioned,
      reason: `was on ${formerSanctions.map((s) => `${describeSanction(s)}${s.validFrom ? ` from ${s.validFrom}` : ''} until ${s.validTo}`).join('; ')}`,
      labels: entry.formerSanctions,
    });
    level = maxRiskLevel(level, rules.formerlySanctioned);
  }
  const inferred = entry.current.filter((l) => l.inferred);
  if (inferred.length > 0)
    fired.push({
      rule: INFERRED_LABEL_RULE,
      level: rules.default,
      reason: `labelled by inference from its transfers, not by a list: ${inferred.map(describeInferred).join('; ')}`,
      labels: inferred,
    });
  for (const rule of rules.rules) {
    if (rule.exposure !== 'direct') continue;
    const matched = entry.current.filter(
      (l) =>
        rule.categories.has(l.category) &&
        (rule.actor === null || l.actor === rule.actor) &&
        (rule.country === null || (l.country ?? '').toUpperCase() === rule.country),
    );
    if (matched.length === 0) continue;
    fired.push({
      rule: rule.id,
      level: rule.level,
      reason: `labelled ${matched.map(describeLabel).join('; ')}`,
      labels: matched,
    });
    level = maxRiskLevel(level, rule.level);
  }
  const direct = new Map<string, LabelRef[]>();
  for (const l of entry.current) {
    const list = direct.get(l.category);
    if (list) list.push(l);
    else direct.set(l.category, [l]);
  }
  return {
    sanctioned,
    formerlySanctioned,
    sanctions,
    formerSanctions,
    attributions: entry.current.filter((l) => l.sanctionList === null || l.inferred),
    labels: entry.current,
    direct: [...direct].map(([category, labels]) => ({ category, labels })),
    fired,
    level,
  };
}

function assetMatches(rule: RiskRule, e: IndirectExposure): boolean {
  if (rule.asset === null) return true;
  const wanted = rule.asset.toLowerCase();
  return (
    e.asset === rule.asset || e.asset.toLowerCase() === wanted || e.symbol?.toLowerCase() === wanted
  );
}

function amountText(raw: bigint, e: IndirectExposure): string {
  return e.decimals === null ? `${raw} raw units` : formatUnits(raw, e.decimals);
}

/** The exposure counted by a rule: all of it, or only what took at most `maxHops` hops. */
function counted(rule: RiskRule, e: IndirectExposure): { amount: bigint; share: number } {
  if (rule.maxHops === null || rule.maxHops >= e.byHop.length)
    return { amount: e.amount, share: e.share };
  const amount = e.byHop.slice(0, rule.maxHops).reduce((a, b) => a + b, 0n);
  return {
    amount,
    share: e.total === 0n ? 0 : Number((amount * 10n ** 12n) / e.total) / 1e12,
  };
}

/**
 * Applies the `indirect` rules to an address's exposures; one fired entry per rule, naming the
 * exposure with the largest share that crossed its threshold, its largest contributor and path.
 *
 * @example
 * const fired = evaluateIndirect(exposures, loadRiskRules());
 * fired[0]?.reason; // 'in-sanctioned-10: 50.00% of ETH received (5 of 10) came from sanctioned …'
 */
export function evaluateIndirect(
  exposures: readonly IndirectExposure[],
  rules: RiskRules,
): FiredRule[] {
  const fired: FiredRule[] = [];
  for (const rule of rules.rules) {
    if (rule.exposure !== 'indirect') continue;
    let best: { e: IndirectExposure; amount: bigint; share: number } | null = null;
    for (const e of exposures) {
      if (e.category !== rule.exposureKey) continue;
      if (rule.direction !== 'any' && rule.direction !== e.direction) continue;
      if (!assetMatches(rule, e)) continue;
      const c = counted(rule, e);
      if (c.amount === 0n) continue;
      if (rule.minShare !== null && c.share < rule.minShare) continue;
      if (rule.minAmount !== null) {
        // A threshold in whole units needs the asset's decimals; without them the rule cannot apply.
        if (e.decimals === null || c.amount < parseUnits(rule.minAmount, e.decimals)) continue;
      }
      if (!best || c.share > best.share) best = { e, ...c };
    }
    if (!best) continue;
    const { e } = best;
    const top = e.sources[0];
    const via =
      top === undefined
        ? ''
        : `; largest: ${top.labels[0]?.entity ?? top.address}${
            // A label reached through the counterparty's cluster says so (it is an inference).
            top.labels[0]?.viaCluster ? ` [label ${top.labels[0].viaCluster.provenance}]` : ''
          } ${amountText(top.amount, e)} via ${top.path.join(' -> ')} (${top.hops} hop${top.hops === 1 ? '' : 's'})`;
    fired.push({
      rule: rule.id,
      level: rule.level,
      reason: `${(best.share * 100).toFixed(2)}% of ${e.symbol ?? e.asset} ${e.direction === 'in' ? 'received' : 'sent'} (${amountText(best.amount, e)} of ${amountText(e.total, e)}) ${e.direction === 'in' ? 'came from' : 'went to'} ${e.members ? `${e.category} (${e.members.join(', ')})` : e.category} addresses${rule.maxHops === null ? '' : ` within ${rule.maxHops} hops`}${via}`,
      exposure: e,
    });
  }
  return fired;
}
