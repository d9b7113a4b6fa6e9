import { Link, useLocation } from 'react-router';
import type { TraceJob, TraceResult } from '../../../api/types.ts';
import { Amount } from '../../../components/amount.tsx';
import { Empty, ErrorView } from '../../../components/states.tsx';
import { formatShare } from '../../../lib/format.ts';
import type { CaseWorkspace } from '../case-workspace.ts';
import { traceTitle } from '../layers.ts';

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
            This case has no finished trace yet: {props.what} is built from one of its traces (the
            main one unless you pick another).
          </p>
          <p>
            Run a trace from the <Link to={`${location.pathname}?${params}`}>Graph tab</Link>.
          </p>
        </Empty>
      )}
    </>
  );
}

/**
 * One line on which trace the figures come from, and its seed value: what was stolen (forward), or
 * what the seed received (backward).
 */
export function TraceCaption(props: {
  workspace: CaseWorkspace;
  trace: { job: TraceJob; result: TraceResult };
  unit: string;
}) {
  const t = props.trace;
  const p = t.result.parameters;
  const number = props.workspace.traces.findIndex((x) => x.id === t.job.id) + 1;
  const entry = props.workspace.traces.find((x) => x.id === t.job.id);
  const main = props.workspace.mainTraceId === t.job.id;
  const seed = t.result.summary.seedValue;
  return (
    <p className="muted trace-caption">
      Trace {number > 0 ? `#${number} ` : ''}
      {entry ? `(${traceTitle(entry, props.workspace.layers.names)}) ` : ''}
      <code title={t.job.id}>{t.job.id.slice(0, 8)}</code>
      {main ? ' · main trace' : ''} · {p.direction} · {p.policy} policy · up to {p.maxHops} hops
      {t.job.finishedAt ? ` · finished ${new Date(t.job.finishedAt).toLocaleString()}` : ''} ·
      values in {props.unit}
      {seed.length ? (
        <span className="trace-seed-value">
          {' '}
          · {p.direction === 'backward' ? 'the seed received' : 'stolen'}{' '}
          {seed.map((s, i) => (
            <span key={`${s.chain}|${s.asset}`}>
              {i > 0 ? ' + ' : null}
              <Amount chain={s.chain} asset={s.asset} raw={s.amount} />
            </span>
          ))}
        </span>
      ) : null}
    </p>
  );
}
