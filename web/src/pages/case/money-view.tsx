import { useMemo } from 'react';
import { useSession } from '../../api/session.tsx';
import { ErrorView, Loading } from '../../components/states.tsx';
import type { CaseWorkspace } from './case-workspace.ts';
import { endpointsIn } from './money/endpoint-lists.ts';
import { EndpointSections } from './money/endpoint-sections.tsx';
import { buildFreezeList, type FreezeContext } from './money/freeze-list.ts';
import { FreezeListSection } from './money/freeze-list-section.tsx';
import { endsInOtherAssets, otherAssetsNote } from './money/held-amounts.ts';
import { useMeasureFormat } from './money/measure.tsx';
import './money/money.css';
import { buildSankey } from './money/sankey.ts';
import { SankeySection } from './money/sankey-section.tsx';
import { SourcesSection } from './money/sources-section.tsx';
import { TracePicker, usePickedTrace } from './money/trace-picker.tsx';
import { NoTrace, TraceCaption } from './money/trace-state.tsx';
import { CaseWatchButton } from './findings/watch-button.tsx';
import { valuationOf } from './money/valuation.ts';

/** Entities that keep their own node in the Sankey; the rest are "Other". */
const TOP_ENTITIES = 8;

/**
 * Where the money is: a Sankey from the stolen value through categories to entities, the freeze
 * list (per exchange: deposit addresses, amounts, arrival transactions, a freeze request and CSV),
 * and the bridged, mixed and still-held endpoints. Built from one trace of the case: the main one
 * unless another is picked; a backward trace shows where the money came from instead.
 */
export function MoneyView(props: { workspace: CaseWorkspace }) {
  const { workspace } = props;
  const session = useSession();
  const picked = usePickedTrace(workspace);
  const trace = picked.trace;
  const backward = trace?.result.parameters.direction === 'backward';
  const derived = useMemo(() => {
    if (!trace || trace.result.parameters.direction === 'backward') return null;
    const { result } = trace;
    const valuation = valuationOf(result);
    return {
      valuation,
      sankey: buildSankey(result, valuation, TOP_ENTITIES),
      freeze: buildFreezeList(result, valuation),
      bridged: endpointsIn(result, valuation, 'bridged'),
      mixed: endpointsIn(result, valuation, 'mixed'),
      held: endpointsIn(result, valuation, 'held'),
      other: endpointsIn(result, valuation, 'other'),
    };
  }, [trace]);
  const format = useMeasureFormat(derived?.valuation ?? { mode: 'share' });
  const ctx = useMemo<FreezeContext | null>(
    () =>
      trace && {
        caseName: workspace.case.name,
        seeds: workspace.case.seeds,
        traceId: trace.job.id,
        policy: trace.result.parameters.policy,
        direction: trace.result.parameters.direction,
        asset: session.asset,
      },
    [trace, workspace.case.name, workspace.case.seeds, session.asset],
  );

  const picker = <TracePicker workspace={workspace} picked={picked} />;
  if (trace && backward)
    return (
      <div className="money-view">
        {picker}
        <SourcesSection workspace={workspace} trace={trace} />
      </div>
    );
  if (!trace || !derived || !ctx)
    return (
      <div className="money-view">
        {picker}
        <h2>Where the money is</h2>
        {picked.error ? (
          <ErrorView error={picked.error} />
        ) : picked.loading ? (
          <Loading what="the trace" />
        ) : (
          <NoTrace workspace={workspace} what="where the money is" />
        )}
      </div>
    );
  return (
    <div className="money-view">
      {picker}
      <section className="panel" aria-labelledby="money-heading">
        <h2 id="money-heading">Where the money is</h2>
        <TraceCaption workspace={workspace} trace={trace} unit={format.unit} />
        {trace.result.endpoints.length === 0 ? (
          <p className="muted">
            The trace reached no endpoint: no value left the seed in its window.
          </p>
        ) : (
          <SankeySection data={derived.sankey} format={format} />
        )}
        {endsInOtherAssets(trace.result.endpoints, derived.valuation) ? (
          <p className="muted chart-note">{otherAssetsNote(format.unit)}</p>
        ) : null}
      </section>
      <FreezeListSection
        exchanges={derived.freeze}
        ctx={ctx}
        valuation={derived.valuation}
        action={
          <CaseWatchButton
            workspace={workspace}
            what="freeze-deposits"
            label="Watch the freeze list's deposit addresses"
          />
        }
      />
      <EndpointSections
        bridged={derived.bridged}
        mixed={derived.mixed}
        held={derived.held}
        other={derived.other}
        valuation={derived.valuation}
        heldAction={
          <CaseWatchButton
            workspace={workspace}
            what="still-held"
            label="Watch all still-held addresses"
          />
        }
      />
    </div>
  );
}
