import type { ScreenResult } from './types.ts';

/** One identification in the shape of Chainalysis's free sanctions screening API. */
export type ChainalysisIdentification = {
  category: 'sanctions';
  name: string;
  description: string;
  url: string;
};

/**
 * The answer Chainalysis's free sanctions API (`GET /api/v1/address/{address}`) gives for one address:
 * `{"identifications":[{"category":"sanctions","name","description","url"}]}`, empty when the address
 * is not sanctioned. Only current sanctions appear, as in that API (no attributions, no exposure).
 *
 * @example
 * toChainalysis(result);
 * // { identifications: [{ category: 'sanctions', name: 'SANCTIONS: OFAC SDN Lazarus Group 2019-09-13 0x098b…', … }] }
 */
export function toChainalysis(result: ScreenResult): {
  identifications: ChainalysisIdentification[];
} {
  // Listings on other chains of the same form are sanctions of the same key: reported too, with
  // their chain in the description (Chainalysis's shape has no chain field).
  const listings = [
    { chain: null as string | null, address: result.address, sanctions: result.sanctions },
    ...(result.alsoListedOn ?? []).map((l) => ({
      chain: l.chain as string | null,
      address: l.address,
      sanctions: l.sanctions,
    })),
  ];
  return {
    identifications: listings.flatMap(({ chain, address, sanctions }) =>
      sanctions.map((s) => ({
        category: 'sanctions' as const,
        name: ['SANCTIONS:', s.list, s.entity, s.validFrom, address]
          .filter((part) => part !== null && part !== '')
          .join(' '),
        description: `${s.entity ?? 'This address'} is on the ${s.list} list${chain ? ` as a ${chain} address` : ''}${s.programs.length ? ` under program${s.programs.length > 1 ? 's' : ''} ${s.programs.join(', ')}` : ''}${s.validFrom ? ` (since ${s.validFrom})` : ''}.`,
        url: s.source,
      })),
    ),
  };
}

/** Columns of {@link toCsvRow}, in order. */
export const SCREEN_CSV_COLUMNS = [
  'input',
  'address',
  'chain',
  'error',
  'sanctioned',
  'formerly_sanctioned',
  'risk_level',
  'sanction_lists',
  'sanctioned_entities',
  'programs',
  'categories',
  'entities',
  'actors',
  'countries',
  'sources',
  'indirect_exposure',
  'fired_rules',
  'rules_version',
  'label_imports',
  'also_listed_on',
  'active_on_chain',
  'seen_on',
  'chain_from',
] as const;

const NEEDS_QUOTES = /[",\r\n]/;

function cell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const distinct = (values: readonly (string | null)[]): string =>
  [...new Set(values.filter((v): v is string => v !== null && v !== ''))].join('; ');

/**
 * One CSV line (no newline) of a result, in {@link SCREEN_CSV_COLUMNS} order; lists are joined
 * with `; `, shares are percentages.
 *
 * @example
 * out.write(`${SCREEN_CSV_COLUMNS.join(',')}\n`);
 * for (const r of results) out.write(`${toCsvRow(r)}\n`);
 */
export function toCsvRow(r: ScreenResult): string {
  return toCsvCells(r).map(cell).join(',');
}

/** Prefix of a verdict column whose name a screened file already uses. */
const TAKEN_PREFIX = 'screened_';

/**
 * The header of a screened file's results: the file's own columns as written, then the verdict
 * columns; a verdict column named like one of the file's (case and spaces aside), such as `address`
 * or `chain`, is written `screened_address`, so that every name stays distinct.
 *
 * @example
 * joinedHeader(['customer_id', 'address'], ['address', 'chain']);
 * // ['customer_id', 'address', 'screened_address', 'chain']
 */
export function joinedHeader(input: readonly string[], verdict: readonly string[]): string[] {
  const taken = new Set(input.map((c) => c.trim().toLowerCase()));
  const out = [...input];
  for (const v of verdict) {
    let n = v;
    while (taken.has(n.toLowerCase())) n = `${TAKEN_PREFIX}${n}`;
    taken.add(n.toLowerCase());
    out.push(n);
  }
  return out;
}

/** Verdict columns written beside a screened file's own: {@link SCREEN_CSV_COLUMNS} but `input`, the file's cell. */
export const JOINED_CSV_COLUMNS = SCREEN_CSV_COLUMNS.slice(1);

/**
 * One CSV line (no newline) of a screened file's row: its own cells as read, then the verdict in
 * {@link JOINED_CSV_COLUMNS} order (under {@link joinedHeader}).
 *
 * @example
 * out.write(`${joinedHeader(columns, JOINED_CSV_COLUMNS).map(csvCell).join(',')}\n`);
 * out.write(`${toJoinedCsvRow(row.fields, result)}\n`);
 */
export function toJoinedCsvRow(fields: readonly string[], r: ScreenResult): string {
  return [...fields, ...toCsvCells(r).slice(1)].map(cell).join(',');
}

/** A CSV cell: quoted when it holds a comma, quote or line break (RFC 4180). */
export const csvCell = cell;

function toCsvCells(r: ScreenResult): string[] {
  const exposure = (r.exposure.indirect ?? [])
    .map(
      (e) => `${e.direction} ${e.category} ${e.symbol ?? e.asset} ${(e.share * 100).toFixed(2)}%`,
    )
    .join('; ');
  const imports = new Set<string>();
  for (const l of r.labels) imports.add(String(l.importId ?? 'none'));
  return [
    r.input,
    r.address,
    r.chain ?? '',
    r.error ?? '',
    r.sanctioned === null ? '' : String(r.sanctioned),
    r.formerlySanctioned === null ? '' : String(r.formerlySanctioned),
    r.riskLevel ?? '',
    distinct(r.sanctions.map((s) => s.list)),
    distinct(r.sanctions.map((s) => s.entity)),
    distinct(r.sanctions.flatMap((s) => s.programs)),
    distinct(r.labels.map((l) => l.category)),
    distinct(r.labels.map((l) => l.entity)),
    distinct(r.labels.map((l) => l.actor)),
    distinct(r.labels.map((l) => l.country)),
    distinct(r.labels.map((l) => l.source)),
    exposure,
    distinct(r.explanation.fired.map((f) => f.rule)),
    r.error === null ? r.explanation.rules.version : '',
    [...imports].join('; '),
    (r.alsoListedOn ?? [])
      .map(
        (l) =>
          `${l.chain} ${l.sanctioned ? 'sanctioned' : l.riskLevel}${l.sanctions.length ? ` (${distinct(l.sanctions.map((s) => s.entity))})` : ''}`,
      )
      .join('; '),
    r.activity === null ? '' : String(r.activity.onChain),
    r.activity === null ? '' : r.activity.seenOn.join('; '),
    r.activity?.chainFrom ?? '',
  ];
}
