import { useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../api/session.tsx';
import { AddressLink } from '../../components/address-link.tsx';
import { Amount } from '../../components/amount.tsx';
import { ErrorView } from '../../components/states.tsx';
import { categoryColour, formatTime, shortAddress } from '../../lib/format.ts';
import type { Alert } from './types.ts';

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** One line for people (and screen readers) of what happened. */
export function alertSummary(a: Alert, amount: string): string {
  const to = a.service
    ? `${a.service.entity ?? a.service.category} (${a.service.category})`
    : a.to
      ? shortAddress(a.to)
      : 'an unknown recipient';
  return `${a.watchlistName}: ${shortAddress(a.from)} sent ${amount} to ${to}`;
}

/** An alert: what moved where, its transaction, and its acknowledgement. */
export function AlertItem(props: {
  alert: Alert;
  fresh: boolean;
  canAck: boolean;
  onChange: (alert: Alert) => void;
}) {
  const { api } = useSession();
  const a = props.alert;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const summaryId = `alert-${a.id}`;
  const ack = async () => {
    setBusy(true);
    setError(null);
    try {
      props.onChange(await api.post<Alert>(`/v1/alerts/${a.id}/ack`));
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`alert-item${a.acknowledgedAt ? ' acked' : ''}${props.fresh ? ' fresh' : ''}`}>
      <div className="alert-head">
        <span className={`badge ${a.kind === 'service_reached' ? 'high' : 'medium'}`}>
          {a.kind === 'service_reached' ? 'Reached a service' : 'Funds moved'}
        </span>
        {props.fresh ? <span className="badge alert-new">new</span> : null}
        <strong className="alert-watchlist">{a.watchlistName}</strong>
        <span className="spacer" />
        <time className="muted" dateTime={a.firedAt} title={`fired ${a.firedAt}`}>
          {when(a.firedAt)}
        </time>
      </div>
      <p className="alert-what" id={summaryId}>
        <AddressLink chain={a.chain} address={a.from} /> sent{' '}
        <Amount chain={a.chain} asset={a.asset} raw={a.amount} /> to{' '}
        {a.service ? (
          <>
            <span className="alert-service">
              <span
                className="alert-dot"
                style={{ background: categoryColour(a.service.category) }}
                aria-hidden="true"
              />
              {a.service.entity ?? 'an unnamed service'}
            </span>{' '}
            <span className="badge">{a.service.category}</span>
            {a.to ? (
              <>
                {' '}
                at <AddressLink chain={a.chain} address={a.to} />
              </>
            ) : null}
          </>
        ) : a.to ? (
          <AddressLink chain={a.chain} address={a.to} />
        ) : (
          <span className="muted">an unknown recipient</span>
        )}
      </p>
      <div className="alert-meta muted">
        <span>{a.chain}</span>
        <Link
          to={`/tx/${encodeURIComponent(a.chain)}/${encodeURIComponent(a.txHash)}`}
          className="mono"
        >
          tx {shortAddress(a.txHash, 10)}
        </Link>
        <span>
          block {a.blockNumber}
          {a.blockTime !== null ? ` · ${formatTime(a.blockTime)}` : ''}
        </span>
        {a.delivery.state !== 'none' ? (
          <span
            className={`badge${a.delivery.state === 'dead' ? ' severe' : ''}`}
            title={a.delivery.lastError ?? undefined}
          >
            webhook {a.delivery.state}
            {a.delivery.attempts > 1 ? ` (${a.delivery.attempts} attempts)` : ''}
          </span>
        ) : null}
      </div>
      <div className="alert-ack">
        {a.acknowledgedAt ? (
          <span className="alert-acked">
            ✓ Acknowledged by <span className="mono">{a.acknowledgedBy}</span>{' '}
            {when(a.acknowledgedAt)}
          </span>
        ) : props.canAck ? (
          <button
            type="button"
            className="ghost"
            disabled={busy}
            aria-describedby={summaryId}
            onClick={() => void ack()}
          >
            {busy ? 'Acknowledging…' : 'Acknowledge'}
          </button>
        ) : (
          <span className="muted">Not acknowledged</span>
        )}
        {error ? <ErrorView error={error} /> : null}
      </div>
    </li>
  );
}
