import { useEffect, useState } from 'react';
import { useSession } from '../../../api/session.tsx';
import type { TaintPolicy, TraceJob } from '../../../api/types.ts';
import { ErrorView } from '../../../components/states.tsx';
import { shortAddress } from '../../../lib/format.ts';
import type { CaseWorkspace, TraceRequest } from '../case-workspace.ts';
import { isPseudo, traceableSeeds, type GraphNode } from './model.ts';

const POLICIES: { id: TaintPolicy; label: string }[] = [
  { id: 'haircut', label: 'Haircut (proportional)' },
  { id: 'poison', label: 'Poison (all outputs tainted)' },
  { id: 'fifo', label: 'FIFO (first in, first out)' },
  { id: 'lifo', label: 'LIFO (last in, first out)' },
  { id: 'tiho', label: 'TIHO (taint in, highest out)' },
];

/**
 * Runs a trace from the graph: from the selected nodes, else the case's seeds. Shows the running
 * job's progress with a Cancel button, and its error. The case page adds the result as a new layer.
 */
export function TraceForm(props: {
  workspace: CaseWorkspace;
  selected: GraphNode[];
  chain: string | null;
  onClearSelection: () => void;
}) {
  const { workspace, selected } = props;
  const session = useSession();
  const [policy, setPolicy] = useState<TaintPolicy>('haircut');
  const [direction, setDirection] = useState<'forward' | 'backward'>('forward');
  const [maxHops, setMaxHops] = useState('12');
  const [dust, setDust] = useState('');
  const chains = [
    ...new Set(
      [props.chain, ...session.chains, 'anvil', 'ethereum'].filter((c): c is string => !!c),
    ),
  ];
  const [chain, setChain] = useState(props.chain ?? chains[0] ?? 'ethereum');
  useEffect(() => {
    if (props.chain) setChain(props.chain);
  }, [props.chain]);
  // The last job this form started, kept after the page stops following it (done, failed).
  const [last, setLast] = useState<TraceJob | null>(null);
  useEffect(() => {
    if (workspace.running) setLast(workspace.running);
  }, [workspace.running]);

  const nodes = selected.filter((n) => !isPseudo(n.address));
  const caseSeeds = traceableSeeds(workspace.case.seeds);
  const seeds = nodes.length ? nodes.map((n) => n.address) : caseSeeds;
  const seedChain = nodes[0]?.chain ?? chain;
  const native = session.asset(seedChain, 'native');
  const hops = Number(maxHops);
  const dustValue = dust.trim() === '' ? null : Number(dust);
  const invalid = !seeds.length
    ? 'No seeds: select nodes on the graph or add seeds to the case.'
    : !Number.isInteger(hops) || hops < 0 || hops > 100
      ? 'Max hops must be a whole number from 0 to 100.'
      : dustValue !== null && !(dustValue >= 0)
        ? 'The dust limit must be a number of at least 0.'
        : null;
  const running = workspace.running;
  const shown = running ?? last;
  const added = last
    ? workspace.traces.find((t) => t.id === last.id && t.job?.state === 'done')
    : undefined;
  const finished = !running && added !== undefined;
  const percent = running
    ? Math.round(running.progress * 100)
    : finished
      ? 100
      : Math.round((last?.progress ?? 0) * 100);
  const phase = running
    ? `${running.state}${running.phase ? ` · ${running.phase}` : ''}`
    : finished
      ? `done · ${added?.job?.counts?.nodes ?? '?'} nodes, ${added?.job?.counts?.edges ?? '?'} transfers, added to the graph as a layer`
      : workspace.traceError
        ? 'failed'
        : last
          ? 'stopped'
          : '';

  const submit = () => {
    if (invalid || running) return;
    // `chain` tells 0x addresses and hashes of an EVM chain other than ethereum (the demo's anvil)
    // apart.
    const request: TraceRequest = {
      seeds,
      chain: seedChain,
      policy,
      direction,
      maxHops: hops,
      ...(dustValue ? { minValue: dustValue * 10 ** (native.decimals ?? 0) } : {}),
    };
    setLast(null);
    void workspace.runTrace(request);
  };

  return (
    <form
      className="panel gv-trace"
      aria-label="Run a trace"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2>Run a trace</h2>
      <p className="muted gv-seeds">
        {nodes.length ? (
          <>
            From {nodes.length} selected node{nodes.length === 1 ? '' : 's'}:{' '}
            <span className="mono">
              {nodes
                .slice(0, 3)
                .map((n) => shortAddress(n.address))
                .join(', ')}
            </span>
            {nodes.length > 3 ? ` and ${nodes.length - 3} more` : ''}.{' '}
            <button type="button" className="ghost" onClick={props.onClearSelection}>
              Use the case’s seeds instead
            </button>
          </>
        ) : (
          <>From the case’s {caseSeeds.length} seeds (select nodes to trace from them instead).</>
        )}
      </p>
      <div className="gv-fields">
        <div>
          <label htmlFor="gv-policy">Policy</label>
          <select
            id="gv-policy"
            value={policy}
            onChange={(e) => setPolicy(e.target.value as TaintPolicy)}
          >
            {POLICIES.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="gv-direction">Direction</label>
          <select
            id="gv-direction"
            value={direction}
            onChange={(e) => setDirection(e.target.value as 'forward' | 'backward')}
          >
            <option value="forward">Forward (where it went)</option>
            <option value="backward">Backward (where it came from)</option>
          </select>
        </div>
        <div>
          <label htmlFor="gv-hops">Max hops</label>
          <input
            id="gv-hops"
            type="number"
            min={0}
            max={100}
            step={1}
            value={maxHops}
            onChange={(e) => setMaxHops(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="gv-dust">Dust limit ({native.symbol ?? 'units'})</label>
          <input
            id="gv-dust"
            type="number"
            min={0}
            step="any"
            placeholder="none"
            value={dust}
            onChange={(e) => setDust(e.target.value)}
          />
        </div>
        {nodes.length ? null : (
          <div>
            <label htmlFor="gv-chain">Chain</label>
            <select id="gv-chain" value={chain} onChange={(e) => setChain(e.target.value)}>
              {chains.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {invalid ? <p className="error-text">{invalid}</p> : null}
      <div className="row">
        <button type="submit" disabled={!!invalid || !!running}>
          {running ? 'Tracing…' : 'Run trace'}
        </button>
        {running ? (
          <button type="button" className="ghost" onClick={workspace.cancelTrace}>
            Cancel
          </button>
        ) : null}
      </div>
      {shown || finished ? (
        <div className="gv-progress">
          <div
            role="progressbar"
            aria-label="Trace progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={`${percent}%${phase ? `, ${phase}` : ''}`}
            className="gv-bar"
          >
            <span style={{ width: `${percent}%` }} />
          </div>
          <span className="muted" aria-live="polite">
            {percent}% {phase}
          </span>
        </div>
      ) : null}
      {workspace.traceError ? <ErrorView error={workspace.traceError} /> : null}
    </form>
  );
}
