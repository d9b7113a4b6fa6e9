import { ConflictError, UserError } from '../../errors/base.ts';
import { ILLICIT_CATEGORIES, type Category, parseCategory } from '../../labels/taxonomy.ts';
import { normalizeAddress } from '../../model/address.ts';
import { getChain } from '../../model/chains.ts';
import type { Screener } from '../../screen/create-screener.ts';
import type { Store } from '../../store/store.ts';
import {
  caseSeedAddresses,
  type ChainAddress,
  type FindingCandidate,
  FINDING_ROLES,
  type FindingRole,
  isServiceCategory,
  pathAddresses,
  type ServiceLabel,
  type SkippedFinding,
  traceRoles,
  withoutServices,
} from '../../trace/case-findings.ts';
import type { TraceResult } from '../../trace/types.ts';
import {
  CASE_FINDINGS_KIND,
  type CaseFindingsBody,
  type FindingEntry,
  type FindingMark,
  marksOf,
  roleOf,
} from '../labels/finding-labels.ts';
import { forgetPrivateLabels, privateLabelIndex } from '../labels/org-labels.ts';
import type { TraceJobs } from '../traces/trace-jobs.ts';
import { caseTrace } from './case-trace.ts';
import type { CaseStore, InvestigationCase } from './case-store.ts';

/**
 * Most addresses one case may mark: each is a label every screening of the organisation consults,
 * and the case's findings are one document (about 250 bytes an address, 2.5 MB at this cap).
 */
export const MAX_CASE_FINDINGS = 10_000;
/**
 * The category of marked addresses unless the request names another illicit one. The taxonomy's
 * `theft` is "stolen funds: a hacker, exploiter or laundering address of a theft", so a theft's seeds
 * and the addresses it was laundered through share it; a `laundering` category would add nothing
 * screening does not already count as theft (and its rules fire `own-severe` on theft).
 */
export const DEFAULT_FINDING_CATEGORY: Category = 'theft';

/** A marked address of a case, as the API shows it; `id` is its private label's. */
export type CaseFinding = Omit<FindingEntry, 'n' | 'roles'> & {
  id: string;
  /** The strongest role of its marks. */
  role: FindingRole;
  marks: FindingMark[];
};

/** What to mark: the case's seeds, the addresses on the path to each endpoint, or a selection. */
export type MarkFindingsInput = {
  mark: FindingMark;
  /** The selection (`mark: 'selection'`), each with its chain. */
  addresses?: readonly ChainAddress[] | undefined;
  /** A trace of the case to take roles and paths from (default: its latest finished forward one). */
  traceId?: string | undefined;
  /** An illicit category (default {@link DEFAULT_FINDING_CATEGORY}). */
  category?: string | undefined;
};

/** What a mark did: the addresses newly marked, those marked already, and those left unmarked. */
export type MarkFindingsResult = {
  case: { id: string; name: string };
  traceId: string | null;
  added: CaseFinding[];
  already: CaseFinding[];
  skipped: SkippedFinding[];
  /** The case's marked addresses now. */
  total: number;
};

/** What to unmark: one way of marking (or all), for some addresses (or all). */
export type UnmarkFindingsInput = {
  mark?: FindingMark | undefined;
  addresses?: readonly ChainAddress[] | undefined;
};

/** A case's findings: marking them makes them private labels of its organisation. */
export type CaseFindings = {
  /** The case's marked addresses; null when `org` has no such case. */
  list(
    org: string,
    caseId: string,
  ): Promise<{ case: { id: string; name: string }; findings: CaseFinding[] } | null>;
  /** Marks addresses (again: unchanged); null when `org` has no such case. */
  mark(
    org: string,
    caseId: string,
    by: { id: string; name: string | null },
    input: MarkFindingsInput,
  ): Promise<MarkFindingsResult | null>;
  /** Unmarks addresses: an address goes when no way it was marked remains. */
  unmark(
    org: string,
    caseId: string,
    input: UnmarkFindingsInput,
  ): Promise<{ case: { id: string; name: string }; removed: CaseFinding[]; total: number } | null>;
};

/** Input of {@link createCaseFindings}. */
export type CreateCaseFindingsParameters = {
  store: Store;
  cases: Pick<CaseStore, 'get'>;
  traces: Pick<TraceJobs, 'get' | 'result'>;
  /** The screener in use (it is replaced when public labels change). */
  screener: () => Screener;
  /** Most addresses one case may mark (default {@link MAX_CASE_FINDINGS}). */
  maxFindings?: number | undefined;
};

const keyOf = (chain: string, address: string) => `${chain}\u0000${address}`;

const toFinding = (caseId: string, e: FindingEntry): CaseFinding => {
  const { n, roles: _roles, ...rest } = e;
  return { id: `${caseId}.${n}`, ...rest, role: roleOf(e), marks: marksOf(e) };
};

const stronger = (a: FindingRole, b: FindingRole) =>
  FINDING_ROLES.indexOf(a) <= FINDING_ROLES.indexOf(b) ? a : b;

/** The addresses given, checked and canonical, each a 400 naming it (`<field>/<i>`) if bad. */
function canonical(addresses: readonly ChainAddress[], field: string): ChainAddress[] {
  return addresses.map((a, i) => {
    const where = `${field}/${i}`;
    try {
      const chain = getChain(a.chain).key;
      return { chain, address: normalizeAddress(chain, a.address) };
    } catch (error) {
      if (error instanceof UserError)
        throw new UserError(`${where}: ${error.shortMessage}`, {
          code: error.code,
          details: error.details,
        });
      throw error;
    }
  });
}

function checkCategory(input: string | undefined): Category {
  if (input === undefined) return DEFAULT_FINDING_CATEGORY;
  const category = parseCategory(input);
  if (!ILLICIT_CATEGORIES.has(category))
    throw new UserError(
      `category: a finding marks an address as a crime's; "${category}" is not an illicit category (${[...ILLICIT_CATEGORIES].join(', ')})`,
      { code: 'FINDINGS_BAD_CATEGORY' },
    );
  return category;
}

/**
 * A case's findings as private labels of its organisation (src/api/labels/finding-labels.ts): one
 * document per case, written whole; marks and unmarks of one case run one after another in this
 * process. Marking twice adds nothing; a service's address (by the trace's labels, the public labels
 * and the organisation's own) is never marked. Every write drops the organisation's cached private
 * labels, so screening counts the marks at once.
 *
 * @example
 * const findings = createCaseFindings({ store, cases, traces, screener: () => ctx.screener });
 * await findings.mark('acme', caseId, { id: key.id, name: key.name }, { mark: 'seeds' });
 */
export function createCaseFindings(parameters: CreateCaseFindingsParameters): CaseFindings {
  const { store, cases, traces } = parameters;
  const maxFindings = parameters.maxFindings ?? MAX_CASE_FINDINGS;
  const locks = new Map<string, Promise<unknown>>();

  const withLock = <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    const run = (locks.get(id) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    locks.set(id, tail);
    void tail.then(() => {
      if (locks.get(id) === tail) locks.delete(id);
    });
    return run;
  };

  const load = async (caseId: string): Promise<CaseFindingsBody | null> => {
    const doc = await store.getDocument(CASE_FINDINGS_KIND, caseId);
    return doc ? (doc.body as CaseFindingsBody) : null;
  };

  const save = async (org: string, caseId: string, body: CaseFindingsBody) => {
    try {
      if (body.entries.length === 0) await store.deleteDocument(CASE_FINDINGS_KIND, caseId);
      else await store.putDocument({ kind: CASE_FINDINGS_KIND, id: caseId, org, body });
    } finally {
      await forgetPrivateLabels(store, org);
    }
  };

  /** A service label of the address as `org` sees it: the public labels, then its own. */
  const serviceLabelsOf = async (
    org: string,
  ): Promise<(chain: string, address: string) => ServiceLabel | null> => {
    const found = privateLabelIndex(store, org);
    const own = found instanceof Promise ? await found : found;
    const screener = parameters.screener();
    return (chain, address) => {
      for (const l of own.of(chain, address))
        if (l.finding === null && isServiceCategory(l.category))
          return { category: l.category, entity: l.entity };
      const screened = screener.screenDirect(address, chain);
      for (const l of screened.labels)
        if (isServiceCategory(l.category)) return { category: l.category, entity: l.entity };
      // The same key listed as a service on another chain of its form (an exchange's hot wallet
      // labelled on ethereum, met on polygon) is that service's too: never a theft address.
      for (const other of screened.alsoListedOn)
        for (const l of other.attributions)
          if (isServiceCategory(l.category)) return { category: l.category, entity: l.entity };
      return null;
    };
  };

  /** The addresses a mark names, with their roles, and those it leaves out. */
  const candidatesOf = async (
    org: string,
    c: InvestigationCase,
    input: MarkFindingsInput,
    trace: { id: string; result: TraceResult } | null,
  ): Promise<{ candidates: FindingCandidate[]; skipped: SkippedFinding[] }> => {
    const serviceOf = await serviceLabelsOf(org);
    const seeds = caseSeedAddresses(c.seeds, trace?.result ?? null);
    if (input.mark === 'seeds') {
      const kept = withoutServices(
        seeds.addresses.map((a) => ({ ...a, role: 'seed' as const })),
        serviceOf,
      );
      return { candidates: kept.candidates, skipped: [...seeds.skipped, ...kept.skipped] };
    }
    if (input.mark === 'paths') {
      if (!trace)
        throw new ConflictError(`Case ${c.id} has no finished forward trace`, {
          code: 'CASE_NO_TRACE',
          details: 'Run a forward trace from its seeds first: the paths are its evidence paths.',
        });
      if (trace.result.parameters.direction !== 'forward')
        throw new UserError(
          `traceId: trace ${trace.id} is a backward trace; the path to each endpoint is a forward trace's`,
          { code: 'CASE_TRACE_NOT_FORWARD' },
        );
      return pathAddresses(trace.result, seeds.addresses, serviceOf);
    }
    if (!input.addresses?.length)
      throw new UserError('addresses: give the selected addresses to mark', {
        code: 'FINDINGS_NO_ADDRESSES',
      });
    const roles = traceRoles(trace?.result ?? null, seeds.addresses);
    return withoutServices(
      canonical(input.addresses, 'addresses').map((a) => ({
        ...a,
        role: roles.get(keyOf(a.chain, a.address)) ?? 'selected',
      })),
      serviceOf,
    );
  };

  return {
    async list(org, caseId) {
      const c = await cases.get(org, caseId);
      if (!c) return null;
      const body = await load(caseId);
      return {
        case: { id: c.id, name: c.name },
        findings: (body?.entries ?? []).map((e) => toFinding(caseId, e)),
      };
    },

    async mark(org, caseId, by, input) {
      const category = checkCategory(input.category);
      const c = await cases.get(org, caseId);
      if (!c) return null;
      const trace = await caseTrace(traces, org, c, input.traceId);
      const { candidates, skipped } = await candidatesOf(org, c, input, trace);
      return withLock(caseId, async () => {
        const stored = await load(caseId);
        const body: CaseFindingsBody = stored
          ? structuredClone(stored)
          : { caseName: c.name, next: 1, entries: [] };
        // A renamed case's labels take its new name.
        let changed = body.caseName !== c.name;
        body.caseName = c.name;
        const byKey = new Map(body.entries.map((e) => [keyOf(e.chain, e.address), e]));
        const added: FindingEntry[] = [];
        const already: FindingEntry[] = [];
        const now = new Date().toISOString();
        for (const candidate of candidates) {
          const had = byKey.get(keyOf(candidate.chain, candidate.address));
          if (had) {
            // Marked before: one label per address and case; it gains this way of marking (a path
            // address later marked as a seed reads "seed").
            const was = had.roles[input.mark];
            const role = was === undefined ? candidate.role : stronger(was, candidate.role);
            if (role !== was) {
              had.roles[input.mark] = role;
              changed = true;
            }
            already.push(had);
            continue;
          }
          const entry: FindingEntry = {
            n: body.next++,
            chain: candidate.chain,
            address: candidate.address,
            roles: { [input.mark]: candidate.role },
            category,
            traceId: trace?.id ?? null,
            markedBy: by.id,
            author: by.name ?? by.id,
            markedAt: now,
          };
          byKey.set(keyOf(entry.chain, entry.address), entry);
          body.entries.push(entry);
          added.push(entry);
          changed = true;
        }
        if (body.entries.length > maxFindings)
          throw new UserError(
            `The case would mark ${body.entries.length.toLocaleString('en-US')} addresses; a case marks at most ${maxFindings.toLocaleString('en-US')}`,
            { code: 'FINDINGS_TOO_MANY', details: 'Mark a smaller selection.' },
          );
        // Marking again what is marked writes nothing.
        if (changed) await save(org, caseId, body);
        return {
          case: { id: c.id, name: c.name },
          traceId: trace?.id ?? null,
          added: added.map((e) => toFinding(caseId, e)),
          already: already.map((e) => toFinding(caseId, e)),
          skipped,
          total: body.entries.length,
        };
      });
    },

    async unmark(org, caseId, input) {
      const c = await cases.get(org, caseId);
      if (!c) return null;
      const only = input.addresses
        ? new Set(canonical(input.addresses, 'address').map((a) => keyOf(a.chain, a.address)))
        : null;
      return withLock(caseId, async () => {
        const stored = await load(caseId);
        if (!stored) return { case: { id: c.id, name: c.name }, removed: [], total: 0 };
        const removed: FindingEntry[] = [];
        const kept: FindingEntry[] = [];
        let changed = false;
        for (const e of stored.entries) {
          const named = only === null || only.has(keyOf(e.chain, e.address));
          if (!named || (input.mark && e.roles[input.mark] === undefined)) {
            kept.push(e);
            continue;
          }
          changed = true;
          const roles = { ...e.roles };
          if (input.mark) delete roles[input.mark];
          if (input.mark && Object.keys(roles).length > 0) kept.push({ ...e, roles });
          else removed.push(e);
        }
        if (changed) await save(org, caseId, { ...stored, entries: kept });
        return {
          case: { id: c.id, name: c.name },
          removed: removed.map((e) => toFinding(caseId, e)),
          total: kept.length,
        };
      });
    },
  };
}
