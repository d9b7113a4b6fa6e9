import { useMemo } from 'react';
import type { TraceJob, TraceResult } from '../../../api/types.ts';
import { Amount } from '../../../components/amount.tsx';
import { formatTime } from '../../../lib/format.ts';
import type { CaseWorkspace } from '../case-workspace.ts';
import { categoryLabel } from './buckets.ts';
import { EndpointLink } from './endpoint-link.tsx';
import { Measure, useMeasureFormat } from './measure.tsx';
import { sourceFigures, sourceGroups } from './sources.ts';
import { shareText, untracedCauses } from './text.ts';
import { TraceCaption } from './trace-state.tsx';
import { valuationOf } from './valuation.ts';

type Trace = { job: TraceJob; result: TraceResult };

/**
 * Where the money came from (a backward trace): its sources by kind (origins, exchanges, bridges,
 * mixers…), each source with its address, amount, share of what the seed received and finding. A
 * backward trace finds where value came from: nothing here is stolen or freezable.
 */
export function SourcesSection(props: { workspace: CaseWorkspace; trace: Trace }) {
  const { result } = props.trace;
  const valuation = useMemo(() => valuationOf(result), [result]);
  const groups = useMemo(() => sourceGroups(result, valuation), [result, valuation]);
  const format = useMeasureFormat(valuation);
  const count = groups.reduce((n, g) => n + g.sources.length, 0);
  return (
    <>
      <section className="panel" aria-labelledby="sources-heading">
        <h2 id="sources-heading">Where the money came from</h2>
        <TraceCaption workspace={props.workspace} trace={props.trace} unit={format.unit} />
        <p>
          A backward trace: it follows what the seed received back to where it came from.{' '}
          {shareText(result.summary.traced)} of it is traced to {count} source
          {count === 1 ? '' : 's'}
          {result.summary.untraced > 0
            ? `; ${shareText(result.summary.untraced)} is untraced (${untracedCauses(result)})`
            : ''}
          .
        </p>
        {groups.length ? (
          <ul className="source-groups">
            {groups.map((g) => (
              <li key={g.key}>
                <strong>{g.label}</strong>:{' '}
                {valuation.mode === 'value' ? (
                  <>
                    <Measure valuation={valuation} measure={g.measure} /> (
                  </>
                ) : null}
                {shareText(g.share)} of what the seed received
                {valuation.mode === 'value' ? ')' : ''}, {g.sources.length} source
                {g.sources.length === 1 ? '' : 's'}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">The trace reached no source: nothing came in within its window.</p>
        )}
      </section>
      {groups.length ? (
        <section className="panel" aria-labelledby="sources-table-heading">
          <h2 id="sources-table-heading">Sources</h2>
          <div className="table-wrap">
            <table aria-label="Sources" className="endpoint-table">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Entity</th>
                  <th scope="col">Address</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col" className="num">
                    Of received
                  </th>
                  <th scope="col">Finding</th>
                </tr>
              </thead>
              <tbody>
                {groups.flatMap((g) =>
                  g.sources.map((e, i) => (
                    <tr key={`${g.key}|${e.chain}|${e.address}|${e.asset}|${i}`}>
                      <td data-label="Kind">
                        {g.key === 'origins' ? 'Origin' : categoryLabel(e.category)}
                      </td>
                      <td data-label="Entity">{e.entity ?? '—'}</td>
                      <td data-label="Address">
                        <EndpointLink endpoint={e} />
                      </td>
                      <td className="num" data-label="Amount">
                        <Amount chain={e.chain} asset={e.asset} raw={e.amount} />
                      </td>
                      <td className="num" data-label="Of received">
                        {shareText(e.share)}
                      </td>
                      <td data-label="Finding">{e.finding}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}

/**
 * The dashboard of a backward trace: what the seed received, the part traced back to sources and
 * each kind of source, with when value left them, as cards and as a table.
 */
export function SourcesDashboard(props: { workspace: CaseWorkspace; trace: Trace }) {
  const { result } = props.trace;
  const valuation = useMemo(() => valuationOf(result), [result]);
  const figures = useMemo(() => sourceFigures(result, valuation), [result, valuation]);
  const format = useMeasureFormat(valuation);
  const valued = valuation.mode === 'value';
  return (
    <>
      <section className="panel" aria-labelledby="dashboard-heading">
        <h2 id="dashboard-heading">Where the money came from</h2>
        <TraceCaption workspace={props.workspace} trace={props.trace} unit={format.unit} />
        <dl className="figure-cards">
          {figures.map((f) => (
            <div key={f.key} className={`figure-card figure-${f.key}`}>
              <dt>{f.label}</dt>
              <dd>
                {valued ? (
                  <span className="figure-value">
                    <Measure valuation={valuation} measure={f.measure} />
                  </span>
                ) : null}
                {f.key === 'received' ? null : (
                  <span className={valued ? 'figure-share' : 'figure-value'}>
                    {shareText(f.share, 1)}
                    {valued ? ' of received' : ''}
                  </span>
                )}
                {f.key === 'untraced' ? (
                  <span className="muted figure-sub">{untracedCauses(result)}</span>
                ) : null}
              </dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="panel" aria-labelledby="dashboard-table-heading">
        <h2 id="dashboard-table-heading">Figures</h2>
        <div className="table-wrap">
          <table aria-label="Source figures" className="figures-table">
            <thead>
              <tr>
                <th scope="col">Figure</th>
                {valued ? (
                  <th scope="col" className="num">
                    Value ({format.unit})
                  </th>
                ) : null}
                <th scope="col" className="num">
                  Of received
                </th>
                <th scope="col" className="num">
                  Sources
                </th>
                <th scope="col">First sent</th>
                <th scope="col">Last sent</th>
              </tr>
            </thead>
            <tbody>
              {figures.map((f) => (
                <tr key={f.key}>
                  <th scope="row">{f.label}</th>
                  {valued ? (
                    <td className="num" data-label="Value">
                      <Measure valuation={valuation} measure={f.measure} maxFraction={4} />
                    </td>
                  ) : null}
                  <td className="num" data-label="Of received">
                    {shareText(f.share)}
                  </td>
                  <td className="num" data-label="Sources">
                    {f.endpoints ?? '—'}
                  </td>
                  <td data-label="First sent">{f.first === null ? '—' : formatTime(f.first)}</td>
                  <td data-label="Last sent">{f.last === null ? '—' : formatTime(f.last)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
