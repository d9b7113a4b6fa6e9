import { useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../../api/session.tsx';
import type { CaseWatchResult } from '../../../api/types.ts';
import { ErrorView } from '../../../components/states.tsx';
import type { CaseWorkspace } from '../case-workspace.ts';
import './findings.css';

/**
 * One click to watch what the case's trace found (`POST /v1/cases/{id}/watchlist`): the addresses
 * still holding value, or the freeze list's deposit addresses, in a watchlist of the case (made on
 * the first click, added to after). Investigators only; others are told who can.
 */
export function CaseWatchButton(props: {
  workspace: CaseWorkspace;
  what: 'still-held' | 'freeze-deposits';
  label: string;
}) {
  const { api, me } = useSession();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<CaseWatchResult | null>(null);
  const [error, setError] = useState<Error | null>(null);
  if (me.role !== 'investigator' && me.role !== 'admin')
    return <p className="muted">An investigator key can watch these addresses.</p>;
  const job = props.workspace.trace?.job;
  // The trace shown, once the case keeps it; else the server takes the case's latest forward trace.
  const traceId =
    job && props.workspace.case.traceIds.includes(job.id) && job.parameters.direction === 'forward'
      ? job.id
      : undefined;
  const watch = async () => {
    setBusy(true);
    setError(null);
    try {
      setDone(
        await api.post<CaseWatchResult>(
          `/v1/cases/${encodeURIComponent(props.workspace.case.id)}/watchlist`,
          { what: props.what, ...(traceId ? { traceId } : {}) },
        ),
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="case-watch">
      <button type="button" onClick={() => void watch()} disabled={busy}>
        {busy ? 'Watching…' : props.label}
      </button>
      <span role="status">
        {done ? (
          <>
            Watching {done.watchlist.addresses.length.toLocaleString('en-US')} address
            {done.watchlist.addresses.length === 1 ? '' : 'es'} in “{done.watchlist.name}” (
            {done.created ? 'new watchlist' : `${done.added.length.toLocaleString('en-US')} added`}
            ). <Link to="/alerts">Alerts and watchlists</Link>
          </>
        ) : null}
      </span>
      {error ? <ErrorView error={error} onRetry={() => void watch()} /> : null}
    </div>
  );
}
