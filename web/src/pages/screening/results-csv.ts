import type { ScreenLabel, ScreenResponse, ScreenResult, SanctionMatch } from './types.ts';

import { csvField } from '../../lib/csv-field.ts';

function sanctionText(s: SanctionMatch): string {
  const programs = s.programs.length ? ` (${s.programs.join(', ')})` : '';
  return `${s.list}: ${s.entity ?? 'unnamed'}${programs}`;
}

function labelText(l: ScreenLabel): string {
  const list = l.sanctionList ? ` [${l.sanctionList}]` : '';
  return `${l.category}: ${l.entity ?? 'unnamed'}${list} (source ${l.source})`;
}

const COLUMNS = [
  'input',
  'address',
  'chain',
  'error',
  'sanctioned',
  'formerly_sanctioned',
  'risk_level',
  'sanctions',
  'former_sanctions',
  'attributions',
  'reasons',
  'indirect_exposure',
  'rules',
  'rules_sha256',
  'as_of',
  'label_set_id',
  'active_on_chain',
  'seen_on',
  'chain_from',
  'activity',
] as const;

function row(r: ScreenResult, answer: ScreenResponse): (string | number | boolean | null)[] {
  return [
    r.input,
    r.error ? '' : r.address,
    r.chain,
    r.error,
    r.sanctioned,
    r.formerlySanctioned,
    r.riskLevel,
    r.sanctions.map(sanctionText).join(' | '),
    r.formerSanctions.map(sanctionText).join(' | '),
    r.attributions.map(labelText).join(' | '),
    r.explanation.fired.map((f) => `${f.rule} (${f.level}): ${f.reason}`).join(' | '),
    (r.exposure.indirect ?? [])
      .map(
        (e) =>
          `${e.direction} ${e.category} ${(e.share * 100).toFixed(2)}% of ${e.symbol ?? e.asset}`,
      )
      .join(' | '),
    answer.rules,
    answer.rulesSha256,
    answer.asOf,
    answer.labelSetId,
    r.activity?.onChain ?? null,
    r.activity?.seenOn.join('; ') ?? null,
    r.activity?.chainFrom ?? null,
    r.activity?.note ?? null,
  ];
}

/**
 * The results of a screening as a CSV file, one row per input, with the rules, day and label set
 * they were judged by on every row (a row copied elsewhere keeps its audit trail).
 */
export function screeningCsv(answer: ScreenResponse): string {
  const lines = [COLUMNS.join(',')];
  for (const r of answer.results) lines.push(row(r, answer).map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
