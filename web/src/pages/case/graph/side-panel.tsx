import { useEffect, useState } from 'react';
import { useLoad, useSession } from '../../../api/session.tsx';
import { AddressLink } from '../../../components/address-link.tsx';
import { Amount } from '../../../components/amount.tsx';
import { ErrorView, Loading } from '../../../components/states.tsx';
import { formatTime } from '../../../lib/format.ts';
import type { ViewNode } from './derive.ts';
import { nodeTimes, nodeTotals } from './facts.ts';
import { TxLink } from '../../address/shared.tsx';
import { isAddressNode, isPseudo, isUtxoTx, type GraphEdge, type GraphNode } from './model.ts';

/** A label as `GET /v1/addresses/:chain/:address` lists it. */
export type AddressLabel = {
  entity: string | null;
  category: string;
  source: string;
  confidence: number | null;
  sanctionList: string | null;
  visibility: string;
};

/** `GET /v1/addresses/:chain/:address`: totals per asset, first and last seen, labels. */
export type AddressSummary = {
  chain: string;
  address: string;
  transfers: number;
  firstSeen: { blockNumber: string; time: number | null } | null;
  lastSeen: { blockNumber: string; time: number | null } | null;
  assets: {
    asset: string;
    received: string;
    sent: string;
    transfersIn: number;
    transfersOut: number;
  }[];
  labels: AddressLabel[];
};

/**
 * The path shown from a seed: its node ids along the flow (null when no seed reaches the target),
 * and per drawn edge the graph's edges it stands for (the path table lists their transfers).
 */
export type PathInfo = { target: string; nodes: string[] | null; steps: GraphEdge[][] } | null;

/**
 * The node's address summary and labels. The loader keeps its last answer while the next loads, so
 * each answer carries the node it was asked for: another node's labels are never shown for this one
 * nor handed to `onLabels` (selecting a labelled node, then an unlabelled one, wrote the first one's
 * entity onto the second, into the canvas and every export).
 */
function AddressFacts(props: {
  node: GraphNode;
  onLabels: (nodeId: string, labels: AddressLabel[]) => void;
}) {
  const { api } = useSession();
  const { node, onLabels } = props;
  const summary = useLoad(
    async () => ({
      nodeId: node.id,
      summary: await api.get<AddressSummary>(
        `/v1/addresses/${encodeURIComponent(node.chain)}/${encodeURIComponent(node.address)}`,
      ),
    }),
    [api, node.id, node.chain, node.address],
  );
  const own = summary.data?.nodeId === node.id ? summary.data.summary : null;
  useEffect(() => {
    if (summary.data) onLabels(summary.data.nodeId, summary.data.summary.labels);
  }, [summary.data, onLabels]);
  if (summary.error) return <ErrorView error={summary.error} onRetry={summary.reload} />;
  if (!own) return <Loading what="the address" />;
  const s = own;
  return (
    <>
      {s.labels.length ? (
        <ul className="gv-labels">
          {s.labels.map((l, i) => (
            <li key={i}>
              <span className={`badge${l.sanctionList ? ' sanctioned' : ''}`}>{l.category}</span>{' '}
              {l.entity ?? '—'}{' '}
              <span className="muted">
                {l.source}
                {l.confidence !== null ? ` · ${l.confidence}%` : ''}
                {l.visibility !== 'public' ? ' · private' : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No labels.</p>
      )}
      <h3>On chain</h3>
      <p className="muted">
        {s.transfers.toLocaleString('en-US')} transfers · first {formatTime(s.firstSeen?.time)} ·
        last {formatTime(s.lastSeen?.time)}
      </p>
      {s.assets.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Sent</th>
              </tr>
            </thead>
            <tbody>
              {s.assets.map((a) => (
                <tr key={a.asset}>
                  <td className="num">
                    <Amount chain={s.chain} asset={a.asset} raw={a.received} />
                  </td>
                  <td className="num">
                    <Amount chain={s.chain} asset={a.asset} raw={a.sent} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

function AnnotationEditor(props: { id: string; text: string; onSave: (text: string) => void }) {
  const [text, setText] = useState(props.text);
  const changed = text.trim() !== props.text.trim();
  return (
    <form
      className="gv-annotation"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(text.trim());
      }}
    >
      <label htmlFor="gv-annotation">Annotation</label>
      <textarea
        id="gv-annotation"
        rows={3}
        value={text}
        placeholder="What you know about this address (saved with the case)"
        onChange={(e) => setText(e.target.value)}
        onBlur={() => changed && props.onSave(text.trim())}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) props.onSave(text.trim());
        }}
      />
      <div className="row">
        <button type="submit" disabled={!changed}>
          Save annotation
        </button>
        {props.text && !changed ? <span className="muted">Saved to the case draft.</span> : null}
      </div>
    </form>
  );
}

/**
 * The selected node: its address (linked to its page), labels, totals on chain and in the graph,
 * the actions (expand, path from a seed) and its annotation.
 */
export function SidePanel(props: {
  node: GraphNode | null;
  group: ViewNode | null;
  /** The graph's edges in the layers shown (and counterparty flows). */
  edges: GraphEdge[];
  /** `#2`: how the list of traces numbers a layer. */
  traceLabel: (layer: string | null) => string;
  annotation: string;
  hubLabel: string | null;
  expanding: boolean;
  path: PathInfo;
  onExpand: () => void;
  onShowPath: () => void;
  onClearPath: () => void;
  onAnnotate: (text: string) => void;
  /** Labels looked up for a node (by its id): they refine how that node is drawn. */
  onLabels: (nodeId: string, labels: AddressLabel[]) => void;
  onUnpin: (() => void) | null;
  /** Folds this node's opened fan-outs again (null when none is open). */
  onRefold: (() => void) | null;
  /** Aggregates folding this node's fan-outs, to open them without the canvas. */
  folds: ViewNode[];
  onUnfold: (group: ViewNode) => void;
  /** Hides this node (an aggregate: the addresses it folds). */
  onHide: () => void;
  /** Hides what only this node leads to (null for an aggregate). */
  onPrune: (() => void) | null;
}) {
  const { node, group } = props;
  if (!node && !group)
    return (
      <aside className="panel gv-side" aria-label="Selected node">
        <h2>Selected node</h2>
        <p className="muted">
          Select a node on the graph or in the node list to see its labels and totals, expand its
          counterparties, highlight its path from a seed or annotate it.
        </p>
      </aside>
    );
  const id = node?.id ?? group!.id;
  const totals = node ? nodeTotals(node.id, props.edges) : [];
  const times = node ? nodeTimes(node.id, props.edges) : null;
  const layered = new Set(totals.map((t) => t.layer)).size > 1;
  const actions = (
    <div className="row gv-actions">
      <button
        type="button"
        onClick={props.onExpand}
        disabled={props.expanding || (!!node && !isAddressNode(node))}
      >
        {props.expanding ? 'Expanding…' : 'Expand'}
      </button>
      <button type="button" className="ghost" onClick={props.onShowPath}>
        Show path from seed
      </button>
      {props.path ? (
        <button type="button" className="ghost" onClick={props.onClearPath}>
          Clear path
        </button>
      ) : null}
      <button type="button" className="ghost" onClick={props.onHide}>
        Hide node
      </button>
      {props.onPrune ? (
        <button
          type="button"
          className="ghost"
          title="Hides the addresses its money reached that no seed reaches another way"
          onClick={props.onPrune}
        >
          Prune: hide everything downstream
        </button>
      ) : null}
    </div>
  );
  return (
    <aside className="panel gv-side" aria-label="Selected node">
      <h2>
        {node
          ? (node.entity ?? (isUtxoTx(node) ? 'Transaction' : 'Address'))
          : group!.group!.summary}
      </h2>
      {node ? (
        <>
          <p className="gv-address">
            {isPseudo(node.address) ? (
              <span className="mono">{node.address}</span>
            ) : isUtxoTx(node) ? (
              <TxLink chain={node.chain} hash={node.address} full />
            ) : (
              <AddressLink chain={node.chain} address={node.address} full />
            )}{' '}
            <span className="muted">on {node.chain}</span>
          </p>
          <p className="row">
            {node.category ? <span className="badge">{node.category}</span> : null}
            {node.seed ? <span className="badge severe">seed</span> : null}
            {node.expanded.length ? (
              <span className="badge">counterparties loaded ({node.expanded.join(', ')})</span>
            ) : null}
            {props.onUnpin ? (
              <button type="button" className="ghost" onClick={props.onUnpin}>
                Fold back
              </button>
            ) : null}
            {props.folds.map((g) => (
              <button key={g.id} type="button" className="ghost" onClick={() => props.onUnfold(g)}>
                Unfold {g.group!.summary}
              </button>
            ))}
            {props.onRefold ? (
              <button type="button" className="ghost" onClick={props.onRefold}>
                Fold its fan-out again
              </button>
            ) : null}
          </p>
        </>
      ) : (
        <p className="muted">
          Folded {group!.group!.side === 'out' ? 'receivers of' : 'senders to'} {props.hubLabel}:
          the smaller counterparties of a fan-out above the collapse limit. Expand shows them again.
        </p>
      )}
      {actions}
      {props.path?.target === id ? (
        <p role="status" className={props.path.nodes ? 'muted' : 'error-text'}>
          {props.path.nodes?.length === 1
            ? 'This node is a seed.'
            : props.path.nodes
              ? `Path of ${props.path.nodes.length - 1} hop${props.path.nodes.length === 2 ? '' : 's'} from a seed highlighted; its transfers are listed under the graph.`
              : 'No seed reaches this node through the edges shown (filters and folded fan-outs count).'}
        </p>
      ) : null}
      {node ? (
        <>
          <h3>In this graph</h3>
          {totals.length ? (
            <div className="table-wrap">
              <table className="gv-totals">
                <thead>
                  <tr>
                    {layered ? <th scope="col">Trace</th> : null}
                    <th scope="col">In</th>
                    <th scope="col">Tainted in</th>
                    <th scope="col">Out</th>
                    <th scope="col">Tainted out</th>
                  </tr>
                </thead>
                <tbody>
                  {totals.map((t) => (
                    <tr key={`${t.asset}|${t.layer ?? ''}`}>
                      {layered ? <td>{props.traceLabel(t.layer)}</td> : null}
                      <td className="num">
                        <Amount chain={t.chain} asset={t.asset} raw={t.in} maxFraction={2} />
                      </td>
                      <td className="num">
                        {t.taintedIn !== null ? (
                          <Amount
                            chain={t.chain}
                            asset={t.asset}
                            raw={t.taintedIn}
                            maxFraction={2}
                          />
                        ) : (
                          '—'
                        )}
                      </td>
                      <td className="num">
                        <Amount chain={t.chain} asset={t.asset} raw={t.out} maxFraction={2} />
                      </td>
                      <td className="num">
                        {t.taintedOut !== null ? (
                          <Amount
                            chain={t.chain}
                            asset={t.asset}
                            raw={t.taintedOut}
                            maxFraction={2}
                          />
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">No edges yet: expand it.</p>
          )}
          {times && times.first !== null ? (
            <p className="muted gv-times">
              First {formatTime(times.first)} · last {formatTime(times.last)}
            </p>
          ) : null}
          <AnnotationEditor
            key={node.id}
            id={node.id}
            text={props.annotation}
            onSave={props.onAnnotate}
          />
          {isUtxoTx(node) ? (
            <p className="muted">
              A transaction: its inputs and outputs, fee and memo are on its page.
            </p>
          ) : null}
          {!isAddressNode(node) ? null : (
            <>
              <h3>Labels</h3>
              <AddressFacts node={node} onLabels={props.onLabels} />
            </>
          )}
        </>
      ) : (
        <ul className="gv-members">
          {group!.group!.members.slice(0, 12).map((m) => (
            <li key={m} className="mono">
              {m.slice(m.indexOf(':') + 1)}
            </li>
          ))}
          {group!.group!.members.length > 12 ? (
            <li className="muted">and {group!.group!.members.length - 12} more</li>
          ) : null}
        </ul>
      )}
    </aside>
  );
}
