import { useMemo } from 'react';
import { useSession } from '../../api/session.tsx';
import type { CaseWorkspace } from './case-workspace.ts';
import { endpointsIn } from './money/endpoint-lists.ts';
import { EndpointSections } from './money/endpoint-sections.tsx';
import { buildFreezeList, type FreezeContext } from './money/freeze-list.ts';
import { FreezeListSection } from './money/freeze-list-section.tsx';
import { useMeasureFormat } from './money/measure.tsx';
import './money/money.css';
import { buildSankey } from './money/sankey.ts';
import { SankeySection } from './money/sankey-section.tsx';
import { NoTrace, TraceCaption } from './money/trace-state.tsx';
import { CaseWatchButton } from './findings/watch-button.tsx';
import { valuationOf } from './money/valuation.ts';

/** Entities that keep their own node in the Sankey; the rest are "Other". */
const TOP_ENTITIES = 8;

/**
 * Where the money is: a Sankey from the stolen value through categories to entities, the freeze
 * list (per exchange: deposit addresses, amounts, arrival transactions, a freeze request and CSV),
 * and the bridged, mixed and still-held endpoints. Built from the case's latest finished trace.
 */
export function MoneyView(props: { workspace: CaseWorkspace }) {
  const { workspace } = props;
  const session = useSession();
  const trace = workspace.trace;
  const derived = useMemo(() => {
    if (!trace) return null;
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

  if (!trace || !derived || !ctx)
    return (
      <div className="money-view">
        <h2>Where the money is</h2>
        <NoTrace workspace={workspace} what="where the money is" />
      </div>
    );
  return (
    <div className="money-view">
      <section className="panel" aria-labelledby="money-heading">
        <h2 id="money-heading">Where the money is</h2>
        <TraceCaption workspace={workspace} unit={format.unit} />
        {trace.result.endpoints.length === 0 ? (
          <p className="muted">
            The trace reached no endpoint: no value left the seed in its window.
          </p>
        ) : (
          <SankeySection data={derived.sankey} format={format} />
        )}
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
