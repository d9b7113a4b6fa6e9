import {
  memo,
  useDeferredValue,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { categoryColour } from '../../../lib/format.ts';
import { colourKey } from './derive.ts';
import { isUtxoTx, type GraphNode } from './model.ts';

/** Most buttons the list renders at once: a search narrows thousands down. */
const SHOWN = 150;

/**
 * Every node of the graph as a button (so nothing needs the canvas or a mouse), searchable by
 * address, entity, category or annotation. A node folded into an aggregate or hidden by the filters
 * says so; picking it brings it back into view. Shift/Ctrl/⌘ adds to the selection. The list is
 * one tab stop: arrow keys, Home and End move within it (a roving tabindex), Enter picks.
 */
export const NodeList = memo(function NodeList(props: {
  nodes: GraphNode[];
  annotations: Record<string, string>;
  focusId: string | null;
  selected: ReadonlySet<string>;
  /** Nodes drawn as seeds (the case's, and those of the layers shown). */
  seeds: ReadonlySet<string>;
  /** The seeds where stolen money starts (drawn red). */
  theftSeeds: ReadonlySet<string>;
  /** Why a node is not on the canvas, if it is not. */
  hiddenWhy: (id: string) => string | null;
  /** The traces (`#1`, `#2`) a node is in, when several layers are drawn. */
  traceNumbers: (id: string) => string[];
  /** Say each node's chain (the graph shows several). */
  showChain?: boolean;
  onPick: (id: string, additive: boolean) => void;
}) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const matches = useMemo(() => {
    const q = deferred.trim().toLowerCase();
    const list = q
      ? props.nodes.filter(
          (n) =>
            n.address.toLowerCase().includes(q) ||
            (n.entity?.toLowerCase().includes(q) ?? false) ||
            (n.category?.toLowerCase().includes(q) ?? false) ||
            (props.annotations[n.id]?.toLowerCase().includes(q) ?? false),
        )
      : props.nodes;
    // Seeds, then labelled, then annotated addresses first: what an investigator looks for.
    const weight = (n: GraphNode) =>
      (props.seeds.has(n.id) ? 0 : 4) + (n.entity ? 0 : 2) + (props.annotations[n.id] ? 0 : 1);
    return [...list].sort((a, b) => weight(a) - weight(b) || a.address.localeCompare(b.address));
  }, [deferred, props.nodes, props.annotations, props.seeds]);
  const pick = (e: MouseEvent, id: string) =>
    props.onPick(id, e.shiftKey || e.ctrlKey || e.metaKey);
  const shown = matches.slice(0, SHOWN);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  // The one button in the tab order: the one last moved to, else the focused node, else the first.
  const [roving, setRoving] = useState<string | null>(null);
  const tabStop =
    shown.find((n) => n.id === roving)?.id ??
    shown.find((n) => n.id === props.focusId)?.id ??
    shown[0]?.id;
  const onKey = (e: KeyboardEvent, i: number) => {
    const last = shown.length - 1;
    const next =
      e.key === 'ArrowDown'
        ? Math.min(i + 1, last)
        : e.key === 'ArrowUp'
          ? Math.max(i - 1, 0)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : null;
    if (next === null) return;
    e.preventDefault();
    setRoving(shown[next]!.id);
    buttons.current[next]?.focus();
  };
  return (
    <nav className="panel gv-list" aria-label="Nodes">
      <label htmlFor="gv-find">Find node</label>
      <input
        id="gv-find"
        type="search"
        value={query}
        placeholder="Address, entity, category, note"
        onChange={(e) => setQuery(e.target.value)}
        autoComplete="off"
      />
      <p className="muted gv-count" aria-live="polite">
        {matches.length === props.nodes.length
          ? `${props.nodes.length.toLocaleString('en-US')} nodes`
          : `${matches.length.toLocaleString('en-US')} of ${props.nodes.length.toLocaleString('en-US')} nodes match`}
        {matches.length > SHOWN ? ` · the first ${SHOWN} listed, search to narrow` : ''}
      </p>
      <ul>
        {shown.map((n, i) => {
          const why = props.hiddenWhy(n.id);
          const seed = props.seeds.has(n.id);
          const traces = props.traceNumbers(n.id);
          return (
            <li key={n.id}>
              <button
                ref={(el) => {
                  buttons.current[i] = el;
                }}
                tabIndex={n.id === tabStop ? 0 : -1}
                onKeyDown={(e) => onKey(e, i)}
                type="button"
                className={`gv-node${props.selected.has(n.id) ? ' selected' : ''}`}
                aria-current={props.focusId === n.id ? 'true' : undefined}
                onClick={(e) => pick(e, n.id)}
              >
                <span
                  className={`swatch${seed ? ' seed' : ''}`}
                  style={{ background: categoryColour(colourKey(n, props.theftSeeds.has(n.id))) }}
                  aria-hidden="true"
                />
                <span className="gv-node-text">
                  <span className="gv-node-name">
                    {props.annotations[n.id] ? '✎ ' : ''}
                    {n.entity ??
                      (seed
                        ? 'Seed'
                        : (n.category?.replace(/_/g, ' ') ??
                          (isUtxoTx(n) ? 'Transaction' : 'Address')))}
                    {props.showChain ? (
                      <span className="badge chain-badge gv-node-chain">{n.chain}</span>
                    ) : null}
                    {seed && n.entity ? ' · seed' : ''}
                    {n.category && (n.entity || seed) ? (
                      <span className="muted"> · {n.category.replace(/_/g, ' ')}</span>
                    ) : null}
                    {traces.length ? (
                      <span className="muted gv-node-traces">
                        {' '}
                        · trace{traces.length === 1 ? '' : 's'} {traces.join(', ')}
                      </span>
                    ) : null}
                    {why ? <span className="muted"> · {why}</span> : null}
                  </span>
                  <span className="mono gv-node-address">{n.address}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {matches.length === 0 ? <p className="muted">No node matches “{query}”.</p> : null}
    </nav>
  );
});
