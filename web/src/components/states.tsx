import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

/** A spinner with what is loading, announced to screen readers. */
export function Loading(props: { what?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading{props.what ? ` ${props.what}` : ''}…
    </div>
  );
}

/** Nothing to show, and why, with an optional next step. */
export function Empty(props: { children: ReactNode }) {
  return <div className="state state-empty">{props.children}</div>;
}

/** An error with its code and request id (to quote in a report), and a retry when one helps. */
export function ErrorView(props: { error: Error; onRetry?: () => void }) {
  const e = props.error;
  return (
    <div className="state state-error" role="alert">
      <strong>{e.message}</strong>
      {e instanceof ApiError && (
        <div className="muted">
          {e.details ? <div>{e.details}</div> : null}
          {e.code}
          {e.requestId ? ` · request ${e.requestId}` : ''}
        </div>
      )}
      {props.onRetry ? (
        <button type="button" onClick={props.onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

/** Loading, error or the content of a {@link Loaded} value. */
export function Async<T>(props: {
  loaded: { data: T | null; error: Error | null; loading: boolean; reload: () => void };
  what?: string;
  children: (data: T) => ReactNode;
}) {
  const { data, error, loading, reload } = props.loaded;
  if (error) return <ErrorView error={error} onRetry={reload} />;
  if (loading && data === null) return <Loading what={props.what} />;
  if (data === null) return null;
  return <>{props.children(data)}</>;
}
