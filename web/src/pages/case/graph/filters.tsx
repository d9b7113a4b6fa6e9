import { useEffect, useState } from 'react';
import { categoryColour } from '../../../lib/format.ts';
import { CHAIN_COLOURS, toUtcInput } from './derive.ts';
import { DEFAULT_FILTERS, type GraphFilters } from './model.ts';

/**
 * Time range, dust and fan-out limits of the view. Number fields apply as they are typed (the
 * graph recomputes in one pass); times apply once the input holds a whole date-time.
 */
export function FiltersForm(props: {
  filters: GraphFilters;
  timeRange: { min: number; max: number } | null;
  onChange: (filters: GraphFilters) => void;
}) {
  const { filters, onChange } = props;
  const [fanOut, setFanOut] = useState(String(filters.fanOut));
  useEffect(() => setFanOut(String(filters.fanOut)), [filters.fanOut]);
  const set = (patch: Partial<GraphFilters>) => onChange({ ...filters, ...patch });
  const active =
    filters.since ||
    filters.until ||
    filters.minAmount ||
    filters.fanOut !== DEFAULT_FILTERS.fanOut;
  return (
    <fieldset className="panel gv-filters">
      <legend>Filters</legend>
      <div className="gv-fields">
        <div>
          <label htmlFor="gv-since">Since (UTC)</label>
          <input
            id="gv-since"
            type="datetime-local"
            value={filters.since}
            min={props.timeRange ? toUtcInput(props.timeRange.min) : undefined}
            onChange={(e) => set({ since: e.target.value })}
          />
        </div>
        <div>
          <label htmlFor="gv-until">Until (UTC)</label>
          <input
            id="gv-until"
            type="datetime-local"
            value={filters.until}
            max={props.timeRange ? toUtcInput(props.timeRange.max + 60) : undefined}
            onChange={(e) => set({ until: e.target.value })}
          />
        </div>
        <div>
          <label htmlFor="gv-min">Hide amounts below</label>
          <input
            id="gv-min"
            type="number"
            min={0}
            step="any"
            placeholder="whole units"
            aria-describedby="gv-min-help"
            value={filters.minAmount}
            onChange={(e) => set({ minAmount: e.target.value })}
          />
        </div>
        <div>
          <label htmlFor="gv-fan">Collapse fan-outs above</label>
          <input
            id="gv-fan"
            type="number"
            min={1}
            step={1}
            value={fanOut}
            aria-describedby="gv-fan-help"
            onChange={(e) => {
              setFanOut(e.target.value);
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n >= 1) set({ fanOut: n });
            }}
          />
        </div>
      </div>
      <p className="muted gv-help">
        <span id="gv-min-help">
          Dust: in whole units of each edge’s asset (tainted amounts for trace edges).
        </span>{' '}
        <span id="gv-fan-help">
          A node with more neighbours on one side keeps the largest and folds the rest into one
          node.
        </span>{' '}
        {props.timeRange
          ? `Transfers span ${toUtcInput(props.timeRange.min).replace('T', ' ')} to ${toUtcInput(props.timeRange.max).replace('T', ' ')} UTC; an edge is shown when its transfers overlap the range, and always when they carry no time.`
          : 'No edge here carries a time: the time range hides nothing.'}
      </p>
      {active ? (
        <button type="button" className="ghost" onClick={() => onChange({ ...DEFAULT_FILTERS })}>
          Reset filters
        </button>
      ) : null}
    </fieldset>
  );
}

/** What the legend calls a colour key (see derive.ts colourKey) other than by its category. */
const LEGEND_NAMES: Record<string, string> = {
  seed: 'theft seed',
  other: 'unlabelled',
  unspent: 'still held',
};

/**
 * Colours of the categories on the graph, the marks of seeds, notes, aggregates and edges, and the
 * colour of each layer when several are drawn.
 */
export function Legend(props: {
  categories: string[];
  layers?: { colour: number; label: string }[];
  /** Chains drawn, in their outline colours' order (none: one chain, no outlines). */
  chains?: string[];
  /** A UTXO transaction node and a bridge hop are drawn. */
  utxoTx?: boolean;
  bridge?: boolean;
}) {
  return (
    <ul className="legend gv-legend" aria-label="Legend">
      {(props.chains ?? []).map((c, i) => (
        <li key={`chain:${c}`}>
          <span className={`gv-chain-swatch chain-${i % CHAIN_COLOURS}`} aria-hidden="true" />
          on {c}
        </li>
      ))}
      {(props.layers ?? []).map((l) => (
        <li key={l.label}>
          <span className={`gv-layer-swatch layer-${l.colour}`} aria-hidden="true" />
          {l.label}
        </li>
      ))}
      {props.categories.map((c) => (
        <li key={c}>
          <span className="swatch" style={{ background: categoryColour(c) }} aria-hidden="true" />
          {LEGEND_NAMES[c] ?? c.replace(/_/g, ' ')}
        </li>
      ))}
      <li>
        <span className="gv-mark gv-mark-seed" aria-hidden="true" />
        seed (diamond)
      </li>
      {props.utxoTx ? (
        <li>
          <span className="gv-mark gv-mark-tx" aria-hidden="true" />
          transaction (UTXO, short txid)
        </li>
      ) : null}
      {props.bridge ? (
        <li>
          <span className="gv-mark gv-mark-bridge" aria-hidden="true" />
          bridge hop (named, dotted)
        </li>
      ) : null}
      <li>
        <span className="gv-mark gv-mark-note" aria-hidden="true" />✎ annotated
      </li>
      <li>
        <span className="gv-mark gv-mark-group" aria-hidden="true" />
        folded fan-out
      </li>
      <li>
        <span className="gv-mark gv-mark-taint" aria-hidden="true" />
        traced (tainted)
      </li>
      <li>
        <span className="gv-mark gv-mark-flow" aria-hidden="true" />
        counterparty flow
      </li>
      <li>
        <span className="gv-mark gv-mark-sum" aria-hidden="true" />
        summed into a fold
      </li>
    </ul>
  );
}
