import { ConflictError, UserError } from '../../errors/base.ts';
import { endpointAddresses } from '../../trace/case-findings.ts';
import type { AlertHub } from '../alerts/alert-hub.ts';
import type { CaseWatch, ChainAddress, WatchlistView } from '../alerts/types.ts';
import type { TraceJobs } from '../traces/trace-jobs.ts';
import type { CaseStore } from './case-store.ts';
import { caseTrace } from './case-trace.ts';

/**
 * The endpoint categories each watch takes from the trace: where value is still held (it can still
 * move), and the per-customer exchange deposit addresses of the freeze list (a sweep or a withdrawal
 * from one tells the exchange's freeze window is closing). Hot wallets and an exchange's other
 * addresses are left out: watching them would alert on all of the exchange's traffic.
 */
const WATCHED_CATEGORIES: Record<CaseWatch, string> = {
  'still-held': 'unspent',
  'freeze-deposits': 'deposit_wallet',
};

/** How a case's watchlist is named: after the case and what it watches. */
const WATCH_NAMES: Record<CaseWatch, string> = {
  'still-held': 'still-held addresses',
  'freeze-deposits': "freeze list's deposit addresses",
};

/** What {@link CaseWatches.watch} did. */
export type CaseWatchResult = {
  watchlist: WatchlistView;
  /** True when the watchlist was made now (else the case's existing one gained the addresses). */
  created: boolean;
  traceId: string;
  /** The trace's addresses of this kind, and those the watchlist gained. */
  addresses: ChainAddress[];
  added: ChainAddress[];
};

/** Watchlists made from a case: one per case and kind, created on first use, added to after. */
export type CaseWatches = {
  /** null when `org` has no such case. */
  watch(
    org: string,
    caseId: string,
    by: string,
    input: { what: CaseWatch; traceId?: string | undefined },
  ): Promise<CaseWatchResult | null>;
};

/**
 * Watches what a case's trace found, in one call: the addresses still holding traced value, or the
 * freeze list's deposit addresses. The first call makes a watchlist of the organisation named after
 * the case; later calls (a new trace, say) add to it, so every address is watched once.
 *
 * @example
 * const watches = createCaseWatches({ alerts, cases, traces });
 * await watches.watch('acme', caseId, key.id, { what: 'still-held' }); // { watchlist, created: true, added: [85 addresses], … }
 */
export function createCaseWatches(parameters: {
  alerts: AlertHub;
  cases: Pick<CaseStore, 'get'>;
  traces: Pick<TraceJobs, 'get' | 'result'>;
}): CaseWatches {
  const { alerts, cases, traces } = parameters;
  // One watch of a case and kind at a time: two clicks must not make two watchlists.
  const locks = new Map<string, Promise<unknown>>();
  const withLock = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (locks.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return run;
  };

  return {
    async watch(org, caseId, by, input) {
      const c = await cases.get(org, caseId);
      if (!c) return null;
      const trace = await caseTrace(traces, org, c, input.traceId);
      if (!trace)
        throw new ConflictError(`Case ${c.id} has no finished forward trace`, {
          code: 'CASE_NO_TRACE',
          details: 'Run a forward trace from its seeds first: what it found is what is watched.',
        });
      const category = WATCHED_CATEGORIES[input.what];
      const addresses = endpointAddresses(trace.result, (cat) => cat === category);
      if (addresses.length === 0)
        throw new UserError(
          `Trace ${trace.id} has no ${WATCH_NAMES[input.what]} (no endpoint of category ${category})`,
          { code: 'WATCHLIST_EMPTY' },
        );
      return withLock(`${org}|${caseId}|${input.what}`, async () => {
        const existing = await alerts.caseWatchlist(org, caseId, input.what);
        if (existing) {
          const grown = await alerts.addAddresses(existing.id, org, addresses);
          if (grown)
            return {
              watchlist: grown.watchlist,
              created: false,
              traceId: trace.id,
              addresses,
              added: grown.added,
            };
        }
        const watchlist = await alerts.createWatchlist({
          org,
          createdBy: by,
          name: `${c.name}: ${WATCH_NAMES[input.what]}`,
          addresses,
          case: { id: c.id, name: c.name, what: input.what },
        });
        return {
          watchlist,
          created: true,
          traceId: trace.id,
          addresses,
          added: watchlist.addresses,
        };
      });
    },
  };
}
