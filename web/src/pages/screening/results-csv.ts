import { joinedHeader } from '../../../../src/screen/format-results.ts';
import { csvField } from '../../lib/csv-field.ts';
import type { CsvRead } from './parse-input.ts';
import type { ScreenLabel, ScreenResponse, ScreenResult, SanctionMatch } from './types.ts';

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
 * they were judged by on every row (a row copied elsewhere keeps its audit trail). With the file the
 * addresses came from, one row per row of the file instead: its own cells first, in its order and
 * under its header, then the verdict of its address (a verdict column the file already names is
 * `screened_…`), so the results join back to customers; rows without a screened address keep their
 * place with the reason in `error`, and addresses typed besides the file follow, without file cells.
 */
export function screeningCsv(answer: ScreenResponse, file?: CsvRead | null): string {
  const lines: string[] = [];
  const line = (cells: (string | number | boolean | null)[]) =>
    lines.push(cells.map(csvField).join(','));
  if (!file) {
    lines.push(COLUMNS.join(','));
    for (const r of answer.results) line(row(r, answer));
    return `${lines.join('\r\n')}\r\n`;
  }
  const width = Math.max(file.columns?.length ?? 0, ...file.data.map((d) => d.length));
  const own = Array.from({ length: width }, (_, i) => file.columns?.[i] ?? `column_${i + 1}`);
  line(joinedHeader(own, COLUMNS.slice(1)));
  const byInput = new Map(answer.results.map((r) => [r.input, r]));
  const fromFile = new Set<string>();
  const unscreened = (error: string) => {
    const cells: (string | null)[] = COLUMNS.slice(1).map(() => null);
    cells[COLUMNS.indexOf('error') - 1] = error;
    return cells;
  };
  const name = file.column ?? `column ${file.columnIndex + 1}`;
  for (const cells of file.data) {
    const padded = Array.from({ length: width }, (_, i) => cells[i] ?? '');
    const address = (cells[file.columnIndex] ?? '').trim();
    const r = address ? byInput.get(address) : undefined;
    if (address) fromFile.add(address);
    line([
      ...padded,
      ...(r
        ? row(r, answer).slice(1)
        : unscreened(
            address
              ? `not screened: ${address} was not in the list screened`
              : `no address in column "${name}"`,
          )),
    ]);
  }
  for (const r of answer.results)
    if (!fromFile.has(r.input)) line([...own.map(() => ''), ...row(r, answer).slice(1)]);
  return `${lines.join('\r\n')}\r\n`;
}
