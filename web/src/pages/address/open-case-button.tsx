import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useSession } from '../../api/session.tsx';
import type { InvestigationCase } from '../../api/types.ts';
import { ErrorView } from '../../components/states.tsx';
import { shortAddress } from '../../lib/format.ts';
import { isForbidden } from './shared.tsx';

/**
 * "Open in a new case": creates a case seeded with the address or transaction (`POST /v1/cases`)
 * and opens it, where its seeds are what the trace form traces from. Writing cases takes an
 * investigator key; a refusal says so next to the button.
 */
export function OpenCaseButton(props: { address: string; what?: string; label?: string }) {
  const { api, me } = useSession();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<InvestigationCase>('/v1/cases', {
        name: `Investigation of ${props.what ? `${props.what} ` : ''}${shortAddress(props.address)}`,
        seeds: [props.address],
      });
      navigate(`/cases/${encodeURIComponent(created.id)}`);
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };
  return (
    <div className="open-case">
      <button type="button" onClick={() => void create()} disabled={busy}>
        {busy ? 'Creating the case…' : (props.label ?? 'Open in a new case')}
      </button>
      {error ? (
        isForbidden(error) ? (
          <div className="state state-error" role="alert">
            <strong>This key cannot create cases.</strong>
            <span>
              Your key&apos;s role is {me.role}; creating a case needs an investigator key. Ask an
              administrator for one, or sign in with it.
            </span>
            <span className="muted">
              {error.code}
              {error.requestId ? ` · request ${error.requestId}` : ''}
            </span>
          </div>
        ) : (
          <ErrorView error={error} onRetry={() => void create()} />
        )
      ) : null}
    </div>
  );
}
