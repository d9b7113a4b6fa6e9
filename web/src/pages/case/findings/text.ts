import type { CaseFinding, MarkFindingsResult } from '../../../api/types.ts';

type Role = CaseFinding['role'];
type Skipped = MarkFindingsResult['skipped'][number];

const ROLE_WORDS: Record<Role, [string, string]> = {
  seed: ['seed', 'seeds'],
  endpoint: ['endpoint still holding value', 'endpoints still holding value'],
  path: ['address on the path', 'addresses on the path'],
  selected: ['selected address', 'selected addresses'],
};

const ROLES: readonly Role[] = ['seed', 'endpoint', 'path', 'selected'];

/**
 * How a role reads after "in case <name>:" (the address page).
 *
 * @example
 * roleText('path'); // 'on the path'
 */
export function roleText(role: string): string {
  switch (role) {
    case 'seed':
      return 'seed';
    case 'endpoint':
      return 'endpoint';
    case 'path':
      return 'on the path';
    default:
      return 'marked';
  }
}

const count = (n: number, [one, many]: readonly [string, string]) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Findings by role, in the order they are told: "1 seed, 84 endpoints still holding value". */
function byRole(findings: readonly Pick<CaseFinding, 'role'>[]): string {
  return ROLES.map((r) => [r, findings.filter((f) => f.role === r).length] as const)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => count(n, ROLE_WORDS[r]))
    .join(', ');
}

/**
 * What a case has marked, in one line.
 *
 * @example
 * findingsSummary([{ role: 'seed' }, { role: 'path' }]); // 'Marked: 1 seed, 1 address on the path.'
 */
export function findingsSummary(findings: readonly Pick<CaseFinding, 'role'>[]): string {
  return findings.length === 0 ? 'Nothing marked yet.' : `Marked: ${byRole(findings)}.`;
}

const SKIP_WORDS: Record<Skipped['reason'], [string, string]> = {
  transaction: ['seed is a transaction', 'seeds are transactions'],
  unreadable: ['seed is no address', 'seeds are no address'],
  source: [
    'address is where the value came from (a seed transaction’s sender)',
    'addresses are where the value came from (seed transactions’ senders)',
  ],
  service: ['address is a service’s', 'addresses are services’'],
};

/**
 * What a mark did, for the page to say: what it marked, what was marked already, and what it left
 * unmarked and why.
 *
 * @example
 * markSummary(result); // 'Marked 84 endpoints still holding value. Not marked: 40 addresses are services’ (bridge, deposit wallet, instant exchange); 1 address is where the value came from …'
 */
export function markSummary(result: MarkFindingsResult): string {
  const parts: string[] = [];
  parts.push(result.added.length ? `Marked ${byRole(result.added)}.` : 'Nothing new to mark.');
  if (result.already.length)
    parts.push(`${result.already.length.toLocaleString('en-US')} already marked.`);
  const skipped = (['service', 'source', 'transaction', 'unreadable'] as const)
    .map((reason) => {
      const of = result.skipped.filter((s) => s.reason === reason);
      if (of.length === 0) return null;
      const categories = [
        ...new Set(of.map((s) => s.category?.replace(/_/g, ' ')).filter(Boolean)),
      ].sort();
      return `${count(of.length, SKIP_WORDS[reason])}${categories.length ? ` (${categories.join(', ')})` : ''}`;
    })
    .filter((p) => p !== null);
  if (skipped.length) parts.push(`Not marked: ${skipped.join('; ')}.`);
  return parts.join(' ');
}
