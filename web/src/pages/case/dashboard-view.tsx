import { useMemo } from 'react';
import { Amount } from '../../components/amount.tsx';
import { ErrorView, Loading } from '../../components/states.tsx';
import { formatTime } from '../../lib/format.ts';
import type { CaseWorkspace } from './case-workspace.ts';
import { incidentFigures, type Figure } from './money/figures.ts';
import { FlowsChart } from './money/flows-chart.tsx';
import { endsInOtherAssets, otherAssetsNote } from './money/held-amounts.ts';
import { flowsOverTime } from './money/flows-over-time.ts';
import { Measure, useMeasureFormat } from './money/measure.tsx';
import './money/money.css';
import { SourcesDashboard } from './money/sources-section.tsx';
import { TracePicker, usePickedTrace } from './money/trace-picker.tsx';
import { NoTrace, TraceCaption } from './money/trace-state.tsx';
import { valuationOf, type Valuation } from './money/valuation.ts';
import type { TraceResult } from '../../api/types.ts';
import { shareText, untracedCauses } from './money/text.ts';

/** Where the freezable figure sits, in the freeze list's words. */
function servicesText(services: number): string {
  return services === 0
    ? 'no exchange, OTC desk or instant exchange reached'
    : `at ${services} service${services === 1 ? '' : 's'} that can freeze it (exchanges, OTC desks, instant exchanges)`;
}

/** The stolen assets, each in whole units. */
function StolenAssets(props: { result: TraceResult }) {
  return (
    <ul className="stolen-assets">
      {props.result.summary.seedValue.map((s) => (
        <li key={`${s.chain}|${s.asset}`}>
          <Amount chain={s.chain} asset={s.asset} raw={s.amount} maxFraction={2} />
        </li>
      ))}
    </ul>
  );
}

function FigureCard(props: { figure: Figure; valuation: Valuation; result: TraceResult }) {
  const { figure: f, valuation, result } = props;
  const seed = result.summary.seedValue;
  // Several stolen assets: their total in the valuation asset leads, each asset below it.
  const assets = f.key === 'stolen' && (seed.length > 1 || valuation.mode === 'share');
  return (
    <div className={`figure-card figure-${f.key}`}>
      <dt>{f.label}</dt>
      <dd>
        {valuation.mode === 'share' ? null : (
          <span className="figure-value">
            <Measure valuation={valuation} measure={f.measure} held={f.held ?? undefined} />
          </span>
        )}
        {assets ? <StolenAssets result={result} /> : null}
        {f.key === 'stolen' ? null : valuation.mode === 'value' ? (
          <span className="figure-share">{shareText(f.share, 1)} of stolen</span>
        ) : (
          <span className="figure-value">{shareText(f.share)}</span>
        )}
        {f.key === 'untraced' ? (
          <span className="muted figure-sub">{untracedCauses(result)}</span>
        ) : null}
        {f.key === 'freezable' ? (
          <span className="muted figure-sub">{servicesText(f.services ?? 0)}</span>
        ) : null}
      </dd>
    </div>
  );
}

/**
 * The incident dashboard: headline numbers (stolen, traced, at exchanges, bridged, mixed, still
 * held, untraced), the value arriving at each kind of endpoint over time, and the same numbers as
 * a table. Built from one trace of the case: the main one unless another is picked; a backward
 * trace's dashboard speaks of its sources.
 */
export function DashboardView(props: { workspace: CaseWorkspace }) {
  const { workspace } = props;
  const picked = usePickedTrace(workspace);
  const trace = picked.trace;
  const backward = trace?.result.parameters.direction === 'backward';
  const derived = useMemo(() => {
    if (!trace || trace.result.parameters.direction === 'backward') return null;
    const valuation = valuationOf(trace.result);
    return {
      valuation,
      figures: incidentFigures(trace.result, valuation),
      flows: flowsOverTime(trace.result, valuation),
    };
  }, [trace]);
  const format = useMeasureFormat(derived?.valuation ?? { mode: 'share' });
  const picker = <TracePicker workspace={workspace} picked={picked} />;
  if (trace && backward)
    return (
      <div className="dashboard-view">
        {picker}
        <SourcesDashboard workspace={workspace} trace={trace} />
      </div>
    );
  if (!trace || !derived)
    return (
      <div className="dashboard-view">
        {picker}
        <h2>Incident dashboard</h2>
        {picked.error ? (
          <ErrorView error={picked.error} />
        ) : picked.loading ? (
          <Loading what="the trace" />
        ) : (
          <NoTrace workspace={workspace} what="the incident dashboard" />
        )}
      </div>
    );
  const { valuation, figures, flows } = derived;
  const result = trace.result;
  const stolen = figures.find((f) => f.key === 'stolen')!;
  // Value that ended in other assets than the valuation's: each figure names its assets.
  const several = endsInOtherAssets(result.endpoints, valuation);
  // Without one valuation asset the figures are shares only: no value column.
  const valued = valuation.mode === 'value';
  return (
    <div className="dashboard-view">
      {picker}
      <section className="panel" aria-labelledby="dashboard-heading">
        <h2 id="dashboard-heading">Incident dashboard</h2>
        <TraceCaption workspace={workspace} trace={trace} unit={format.unit} />
        <dl className="figure-cards">
          {figures.map((f) => (
            <FigureCard key={f.key} figure={f} valuation={valuation} result={result} />
          ))}
        </dl>
      </section>
      <section className="panel" aria-labelledby="dashboard-flows-heading">
        <h2 id="dashboard-flows-heading">Value arriving over time ({format.unit})</h2>
        <p className="muted">
          Cumulative traced value at each kind of endpoint: an endpoint&apos;s value is counted at
          the times of the transfers into its address, split in proportion to the stolen value each
          carried.
          {flows.undated.count > 0
            ? ` ${flows.undated.count} endpoint${flows.undated.count === 1 ? '' : 's'} (${shareText(flows.undated.share)}) had no such transfer and are not drawn.`
            : ''}
          {several ? ` ${otherAssetsNote(format.unit)}` : ''}
        </p>
        <FlowsChart flows={flows} start={stolen.first} format={format} />
      </section>
      <section className="panel" aria-labelledby="dashboard-table-heading">
        <h2 id="dashboard-table-heading">Figures</h2>
        <div className="table-wrap">
          <table aria-label="Incident figures" className="figures-table">
            <thead>
              <tr>
                <th scope="col">Figure</th>
                {valued ? (
                  <th scope="col" className="num">
                    {several ? 'Value' : `Value (${format.unit})`}
                  </th>
                ) : null}
                <th scope="col" className="num">
                  Of stolen
                </th>
                <th scope="col" className="num">
                  Endpoints
                </th>
                <th scope="col">First arrival</th>
                <th scope="col">Last arrival</th>
              </tr>
            </thead>
            <tbody>
              {figures.map((f) => (
                <tr key={f.key}>
                  <th scope="row">
                    {f.label}
                    {f.key === 'untraced' ? (
                      <div className="muted figure-sub">{untracedCauses(result)}</div>
                    ) : null}
                    {f.key === 'freezable' ? (
                      <div className="muted figure-sub">{servicesText(f.services ?? 0)}</div>
                    ) : null}
                    {f.key === 'stolen' && !valued ? <StolenAssets result={result} /> : null}
                  </th>
                  {valued ? (
                    <td className="num" data-label="Value">
                      <Measure
                        valuation={valuation}
                        measure={f.measure}
                        maxFraction={4}
                        held={f.held ?? undefined}
                      />
                      {f.key === 'stolen' && result.summary.seedValue.length > 1 ? (
                        <StolenAssets result={result} />
                      ) : null}
                    </td>
                  ) : null}
                  <td className="num" data-label="Of stolen">
                    {shareText(f.share)}
                  </td>
                  <td className="num" data-label="Endpoints">
                    {f.endpoints ?? '—'}
                  </td>
                  <td data-label="First arrival">{f.first === null ? '—' : formatTime(f.first)}</td>
                  <td data-label="Last arrival">{f.last === null ? '—' : formatTime(f.last)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
