import { useState } from 'react';
import { ConfirmDelete } from '../../../components/confirm-delete.tsx';
import { formatTime } from '../../../lib/format.ts';
import type { CaseWorkspace } from '../case-workspace.ts';
import {
  type CaseTrace,
  layerColour,
  markMain,
  MAX_TRACE_NAME,
  renameTrace,
  seedsText,
  toggleLayer,
  traceTitle,
} from '../layers.ts';

/** Seconds of an ISO time, for formatTime. */
const seconds = (iso: string | null | undefined) =>
  iso ? Math.floor(Date.parse(iso) / 1000) : null;

function RenameForm(props: {
  title: string;
  onSave: (name: string) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(props.title);
  return (
    <form
      className="row gv-rename"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(name);
      }}
    >
      <label className="gv-inline-label">
        Name of the trace{' '}
        <input
          value={name}
          maxLength={MAX_TRACE_NAME}
          autoFocus
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') props.onCancel();
          }}
        />
      </label>
      <button type="submit">Save name</button>
      <button type="button" className="ghost" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

function TraceRow(props: {
  trace: CaseTrace;
  number: number;
  colour: number;
  workspace: CaseWorkspace;
}) {
  const { trace: t, workspace } = props;
  const { layers } = workspace;
  const ids = workspace.traces.map((x) => x.id);
  const [renaming, setRenaming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const title = traceTitle(t, layers.names);
  const job = t.job;
  const done = job?.state === 'done';
  const shown = layers.shown.includes(t.id);
  const main = workspace.mainTraceId === t.id;
  const state = t.error
    ? 'unreadable'
    : !job
      ? 'loading'
      : done && shown && !t.result
        ? 'loading result'
        : job.state;
  return (
    <tr className={shown ? 'gv-trace-shown' : undefined}>
      <td>
        <input
          type="checkbox"
          checked={shown}
          disabled={!done}
          aria-label={`Show trace ${props.number} (${title}) on the graph`}
          onChange={() => workspace.setLayers(toggleLayer(layers, t.id, ids))}
        />
      </td>
      <th scope="row">
        <span className={`gv-layer-swatch layer-${props.colour}`} aria-hidden="true" />
        <span className="muted">#{props.number}</span> {title}
        {main ? (
          <>
            {' '}
            <span className="badge gv-main-badge">main</span>
          </>
        ) : null}
        {renaming ? (
          <RenameForm
            title={layers.names[t.id] ?? title}
            onSave={(name) => {
              workspace.setLayers(renameTrace(layers, t.id, name));
              setRenaming(false);
            }}
            onCancel={() => setRenaming(false)}
          />
        ) : null}
        {removing ? (
          <ConfirmDelete
            label={`Confirm removing trace ${props.number}`}
            question="Remove this trace from the case? Its layer leaves the graph; the other layers stay, and the trace itself stays in the API."
            action="Remove trace"
            busy={false}
            onConfirm={() => {
              setRemoving(false);
              workspace.removeTrace(t.id);
            }}
            onCancel={() => setRemoving(false)}
          />
        ) : null}
        {t.error ? <div className="error-text">{t.error.message}</div> : null}
      </th>
      <td data-label="Direction">{job?.parameters.direction ?? '—'}</td>
      <td data-label="Seeds" className="mono">
        {job ? seedsText(job) : '—'}
      </td>
      <td data-label="Policy">{job?.parameters.policy ?? '—'}</td>
      <td data-label="Finished">{formatTime(seconds(job?.finishedAt ?? job?.createdAt))}</td>
      <td className="num" data-label="Nodes">
        {job?.counts ? job.counts.nodes.toLocaleString('en-US') : '—'}
      </td>
      <td data-label="State">
        <span className={`badge${job?.state === 'failed' || t.error ? ' high' : ''}`}>{state}</span>
      </td>
      <td data-label="Main">
        <input
          type="radio"
          name="gv-main-trace"
          checked={main}
          disabled={!done}
          aria-label={`Make trace ${props.number} (${title}) the main trace`}
          onChange={() => workspace.setLayers(markMain(layers, t.id))}
        />
      </td>
      <td className="gv-trace-actions">
        <button type="button" className="ghost" onClick={() => setRenaming(true)}>
          Rename
        </button>
        <button type="button" className="ghost" onClick={() => setRemoving(true)}>
          Remove
        </button>
      </td>
    </tr>
  );
}

/**
 * Every trace of the case, each a layer of the graph: what it traced (direction, seeds, policy),
 * when, how many nodes, its state; a checkbox draws it, a radio button makes it the main trace (the
 * one the money views open on); it can be renamed or taken out of the case.
 */
export function TracesPanel(props: { workspace: CaseWorkspace }) {
  const { workspace } = props;
  const ids = workspace.traces.map((t) => t.id);
  return (
    <section className="panel gv-traces" aria-labelledby="gv-traces-heading">
      <h2 id="gv-traces-heading">Traces</h2>
      {workspace.traces.length === 0 ? (
        <p className="muted">No trace yet: run one below.</p>
      ) : (
        <>
          <p className="muted gv-help">
            Each trace is a layer of the graph: the graph shows the layers ticked, together. The
            main trace is the one “Where the money is” and the dashboard open on.
          </p>
          <div className="table-wrap">
            <table aria-label="Traces of the case">
              <thead>
                <tr>
                  <th scope="col">Shown</th>
                  <th scope="col">Trace</th>
                  <th scope="col">Direction</th>
                  <th scope="col">Seeds</th>
                  <th scope="col">Policy</th>
                  <th scope="col">Finished (UTC)</th>
                  <th scope="col" className="num">
                    Nodes
                  </th>
                  <th scope="col">State</th>
                  <th scope="col">Main</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {workspace.traces.map((t, i) => (
                  <TraceRow
                    key={t.id}
                    trace={t}
                    number={i + 1}
                    colour={layerColour(ids, t.id)}
                    workspace={workspace}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
