import type { StoredDocument, AppStore } from '../../store/store.ts';
import { FINDING_ROLES, type FindingRole } from '../../trace/case-findings.ts';

/**
 * The store document kind of a case's findings: one document per case (its id is the case's), owned
 * by the case's organisation. Each entry is one of the organisation's private labels.
 */
export const CASE_FINDINGS_KIND = 'case_findings';

/** How an address was marked: as a seed, on the path to an endpoint, or as selected on the graph. */
export type FindingMark = 'seeds' | 'paths' | 'selection';

export const FINDING_MARKS: readonly FindingMark[] = ['seeds', 'paths', 'selection'];

/** One marked address of a case. */
export type FindingEntry = {
  /** Its label's number: the label's id is `<case id>.<n>`. */
  n: number;
  chain: string;
  address: string;
  /**
   * Every way it was marked, with the role it had then; unmarking one keeps the address while
   * another remains, with that one's role.
   */
  roles: Partial<Record<FindingMark, FindingRole>>;
  category: string;
  /** The trace its role comes from (null: a seed of a case without a trace). */
  traceId: string | null;
  /** The API key that marked it (its id) and its name (the key's id when it has none). */
  markedBy: string;
  author: string;
  markedAt: string;
};

/** What a case's findings document holds. */
export type CaseFindingsBody = {
  /** The case's name when it was last marked: the labels name it. */
  caseName: string;
  /** The next entry's number (numbers are never reused, so a label id names one finding). */
  next: number;
  entries: FindingEntry[];
};

/** The finding a private label stands for: its case, role and author. */
export type LabelFinding = {
  case: { id: string; name: string };
  role: FindingRole;
  marks: FindingMark[];
  traceId: string | null;
  author: string;
};

/**
 * The findings documents of `org`, one per case that has marked addresses.
 *
 * @example
 * for (const doc of await caseFindingDocuments(store, 'acme')) console.log(doc.id, (doc.body as CaseFindingsBody).entries.length);
 */
export async function caseFindingDocuments(
  store: Pick<AppStore, 'listDocuments'>,
  org: string,
): Promise<StoredDocument[]> {
  return store.listDocuments({ kind: CASE_FINDINGS_KIND, org });
}

/**
 * The ways an entry was marked, in {@link FINDING_MARKS} order.
 *
 * @example
 * marksOf({ roles: { paths: 'path', seeds: 'seed' } }); // ['seeds', 'paths']
 */
export function marksOf(entry: Pick<FindingEntry, 'roles'>): FindingMark[] {
  return FINDING_MARKS.filter((m) => entry.roles[m] !== undefined);
}

/**
 * An entry's role: the strongest of its marks' (a seed also on a path reads "seed").
 *
 * @example
 * roleOf({ roles: { paths: 'path', seeds: 'seed' } }); // 'seed'
 */
export function roleOf(entry: Pick<FindingEntry, 'roles'>): FindingRole {
  const roles = Object.values(entry.roles);
  return FINDING_ROLES.find((r) => roles.includes(r)) ?? 'selected';
}

/**
 * How a role reads after "in case <name>:" (the address page, a label's note).
 *
 * @example
 * roleText('path'); // 'on the path'
 */
export function roleText(role: FindingRole): string {
  switch (role) {
    case 'seed':
      return 'seed';
    case 'endpoint':
      return 'endpoint';
    case 'path':
      return 'on the path';
    case 'selected':
      return 'marked';
  }
}
