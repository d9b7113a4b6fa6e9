import { Link, useLocation } from 'react-router';
import { Empty, ErrorView } from '../../../components/states.tsx';
import { formatShare } from '../../../lib/format.ts';
import type { CaseWorkspace } from '../case-workspace.ts';

/** What the money views show (`what`: e.g. `the freeze list`) while the case has no finished trace: why, and where to run one. */
export function NoTrace(props: { workspace: CaseWorkspace; what: string }) {
  const { running, traceError } = props.workspace;
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  params.set('view', 'graph');
  return (
    <>
      {traceError ? <ErrorView error={traceError} /> : null}
      {running ? (
        <div className="state" role="status" aria-live="polite">
          <span className="spinner" aria-hidden="true" /> A trace is running (
          {running.phase ?? running.state}, {formatShare(running.progress, 0)}): {props.what} will
          show when it is done.
        </div>
      ) : (
        <Empty>
          <p>
            This case has no finished trace yet: {props.what} is built from the case&apos;s latest
            trace.
          </p>
          <p>
            Run a trace from the <Link to={`${location.pathname}?${params}`}>Graph tab</Link>.
          </p>
        </Empty>
      )}
    </>
  );
}

/** One line on which trace the figures come from. */
export function TraceCaption(props: { workspace: CaseWorkspace; unit: string }) {
  const t = props.workspace.trace;
  if (!t) return null;
  const p = t.result.parameters;
  return (
    <p className="muted trace-caption">
      Trace <code title={t.job.id}>{t.job.id.slice(0, 8)}</code> · {p.direction} · {p.policy} policy
      · up to {p.maxHops} hops
      {t.job.finishedAt ? ` · finished ${new Date(t.job.finishedAt).toLocaleString()}` : ''} ·
      values in {props.unit}
    </p>
  );
}
