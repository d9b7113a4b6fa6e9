import { useMemo, useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { AddressLink } from '../../components/address-link.tsx';
import { Empty } from '../../components/states.tsx';
import { formatShare, formatUnits, shortAddress } from '../../lib/format.ts';
import type { RiskLevel, SanctionMatch, ScreenLabel, ScreenResult } from './types.ts';

const RISK_ORDER: Record<RiskLevel, number> = { severe: 3, high: 2, medium: 1, low: 0 };
const PAGE_SIZE = 100;

type Filter = 'all' | 'flagged' | 'sanctioned' | 'errors';
const FILTERS: { id: Filter; label: string }[] = [
  { id: 'all', label: 'All results' },
  { id: 'flagged', label: 'Sanctioned or high risk' },
  { id: 'sanctioned', label: 'Sanctioned (now or formerly)' },
  { id: 'errors', label: 'Errors' },
];

/** No transfer on the chain screened, but some on another chain of its form. */
export function isActiveElsewhere(r: ScreenResult): boolean {
  return !!r.activity && !r.activity.onChain && r.activity.seenOn.length > 0;
}

/** High or severe: what a compliance officer must look at. */
export function isHighRisk(r: ScreenResult): boolean {
  return r.riskLevel === 'high' || r.riskLevel === 'severe';
}

function matches(r: ScreenResult, filter: Filter): boolean {
  if (filter === 'flagged') return !!r.sanctioned || !!r.formerlySanctioned || isHighRisk(r);
  if (filter === 'sanctioned')
    return (
      !!r.sanctioned || !!r.formerlySanctioned || (r.alsoListedOn ?? []).some((l) => l.sanctioned)
    );
  if (filter === 'errors') return r.error !== null;
  return true;
}

/** A label's or list's source: a link when it is a URL (shown by its host), else its text. */
function Source(props: { source: string }) {
  let url: URL | null;
  try {
    url = /^https?:\/\//.test(props.source) ? new URL(props.source) : null;
  } catch {
    url = null;
  }
  if (!url) return <span className="muted">{props.source}</span>;
  return (
    <a href={props.source} target="_blank" rel="noreferrer noopener" title={props.source}>
      {url.hostname}
    </a>
  );
}

function Sanction(props: { s: SanctionMatch; former?: boolean }) {
  const { s } = props;
  return (
    <li>
      <strong>{s.list}</strong>
      {props.former ? ' (formerly)' : ''}: {s.entity ?? 'unnamed'}
      {s.programs.length ? ` · ${s.programs.join(', ')}` : ''}
      {s.validTo ? ` · until ${s.validTo}` : ''} · <Source source={s.source} />
    </li>
  );
}

function Attribution(props: { l: ScreenLabel }) {
  const { l } = props;
  return (
    <li>
      <span className="badge">{l.category}</span>{' '}
      {l.entity ?? <span className="muted">no entity</span>}
      {l.sanctionList ? ` · ${l.sanctionList}` : ''}
      {l.visibility ? <span className="muted"> · private label</span> : null} ·{' '}
      <Source source={l.source} />
    </li>
  );
}

/** The verdict badges: sanctioned, formerly sanctioned, the risk level, or invalid. */
function Verdict(props: { r: ScreenResult }) {
  const { r } = props;
  if (r.error) return <span className="badge severe">Error</span>;
  return (
    <span className="screen-verdict">
      {r.sanctioned ? <span className="badge sanctioned">Sanctioned</span> : null}
      {r.formerlySanctioned ? <span className="badge medium">Formerly sanctioned</span> : null}
      {(r.alsoListedOn ?? []).map((l) => (
        <span
          key={l.chain}
          className={`badge ${l.sanctioned ? 'sanctioned' : l.riskLevel}`}
          title={`The same key controls this address on ${l.chain}, whose list has it`}
        >
          {l.sanctioned ? 'Sanctioned' : 'Listed'} on {l.chain}
        </span>
      ))}
      {isActiveElsewhere(r) ? (
        <span
          className="badge medium"
          title="Its verdict on this chain says nothing of its funds: screen it on the chains it was seen on"
        >
          No activity on {r.chain}; seen on {r.activity!.seenOn.join(', ')}
        </span>
      ) : null}
      {r.riskLevel ? (
        <span className={`badge ${r.riskLevel}`}>
          {r.riskLevel[0]!.toUpperCase() + r.riskLevel.slice(1)} risk
        </span>
      ) : null}
    </span>
  );
}

function Exposure(props: { r: ScreenResult }) {
  const indirect = props.r.exposure.indirect;
  if (!indirect?.length) return <span className="muted">—</span>;
  const top = [...indirect].sort((a, b) => b.share - a.share).slice(0, 4);
  return (
    <ul className="screen-list">
      {top.map((e, i) => (
        <li key={i}>
          {e.direction === 'in' ? 'from' : 'to'} <span className="badge">{e.category}</span>{' '}
          {formatShare(e.share, 1)} ({formatUnits(e.amount, e.decimals, 2)} {e.symbol ?? e.asset})
        </li>
      ))}
      {indirect.length > top.length ? (
        <li className="muted">+{indirect.length - top.length} more in the CSV</li>
      ) : null}
    </ul>
  );
}

function ResultRow(props: { r: ScreenResult; n: number; link: boolean; hops: boolean }) {
  const { r } = props;
  const attributions = r.sanctions.length + r.formerSanctions.length + r.attributions.length;
  return (
    <tr className={r.error ? 'screen-error' : r.sanctioned ? 'screen-hit' : undefined}>
      <td className="num muted" data-label="#">
        {props.n}
      </td>
      <td className="mono screen-input" data-label="Input">
        {r.input}
      </td>
      <td data-label="Address">
        {r.error ? (
          <span className="muted">—</span>
        ) : props.link && r.chain ? (
          <AddressLink chain={r.chain} address={r.address} />
        ) : (
          <span className="mono" title={r.address}>
            {shortAddress(r.address)}
          </span>
        )}
      </td>
      <td data-label="Chain">
        {r.chain ?? <span className="muted">unknown</span>}
        {r.activity?.chainFrom === 'activity' ? (
          <div className="muted screen-chain-note" title={r.activity.note}>
            the only chain with its transfers
          </div>
        ) : null}
      </td>
      <td data-label="Verdict">
        <Verdict r={r} />
      </td>
      <td className="screen-wide" data-label="Attributions">
        {attributions ? (
          <ul className="screen-list">
            {r.sanctions.map((s, i) => (
              <Sanction key={`s${i}`} s={s} />
            ))}
            {r.formerSanctions.map((s, i) => (
              <Sanction key={`f${i}`} s={s} former />
            ))}
            {r.attributions.map((l, i) => (
              <Attribution key={`a${i}`} l={l} />
            ))}
          </ul>
        ) : (
          <span className="muted">{r.error ? '—' : 'none'}</span>
        )}
      </td>
      <td className="screen-wide" data-label="Reasons">
        {r.error ? (
          <span className="error-text">
            Invalid address “{r.input}”: {r.error}
          </span>
        ) : r.explanation.fired.length ? (
          <ul className="screen-list">
            {r.explanation.fired.map((f, i) => (
              <li key={i}>
                <span className={`badge ${f.level}`}>{f.level}</span> {f.reason}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">No rule fired</span>
        )}
        {r.exposure.notes.map((note, i) => (
          <div key={i} className="muted">
            {note}
          </div>
        ))}
      </td>
      {props.hops ? (
        <td className="screen-wide" data-label="Indirect exposure">
          <Exposure r={r} />
        </td>
      ) : null}
    </tr>
  );
}

/**
 * The results of a screening, one row per input: verdict badges, attributions and the rules that
 * fired. Filtered (sanctioned, high risk, errors) and paged, so 10,000 rows stay usable.
 */
export function ResultsTable(props: { results: ScreenResult[] }) {
  const { me } = useSession();
  const [filter, setFilter] = useState<Filter>('all');
  const [riskFirst, setRiskFirst] = useState(false);
  const [page, setPage] = useState(0);
  const hops = props.results.some((r) => r.exposure.hops > 0);
  const rows = useMemo(() => {
    const numbered = props.results
      .map((r, i) => ({ r, n: i + 1 }))
      .filter((x) => matches(x.r, filter));
    if (riskFirst)
      numbered.sort(
        (a, b) =>
          Number(!!b.r.sanctioned) - Number(!!a.r.sanctioned) ||
          (b.r.riskLevel ? RISK_ORDER[b.r.riskLevel] : -1) -
            (a.r.riskLevel ? RISK_ORDER[a.r.riskLevel] : -1) ||
          a.n - b.n,
      );
    return numbered;
  }, [props.results, filter, riskFirst]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = rows.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  // Screening keys read nothing else: an address page would only answer 403.
  const link = me.role !== 'screener';
  return (
    <>
      <div className="row screen-controls">
        <label htmlFor="screen-filter">Show</label>
        <select
          id="screen-filter"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value as Filter);
            setPage(0);
          }}
        >
          {FILTERS.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
        <label className="screen-check">
          <input
            type="checkbox"
            checked={riskFirst}
            onChange={(e) => setRiskFirst(e.target.checked)}
          />{' '}
          Highest risk first
        </label>
        <span className="muted">
          {rows.length === props.results.length
            ? `${rows.length.toLocaleString()} rows`
            : `${rows.length.toLocaleString()} of ${props.results.length.toLocaleString()} rows`}
        </span>
      </div>
      {shown.length === 0 ? (
        <Empty>No result matches this filter.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-label="Screening results" className="screen-table">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Input</th>
                <th>Address</th>
                <th>Chain</th>
                <th>Verdict</th>
                <th>Attributions and lists</th>
                <th>Reasons</th>
                {hops ? <th>Indirect exposure</th> : null}
              </tr>
            </thead>
            <tbody>
              {shown.map(({ r, n }) => (
                <ResultRow key={n} r={r} n={n} link={link} hops={hops} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 ? (
        <nav className="row screen-pages" aria-label="Result pages">
          <button
            type="button"
            className="ghost"
            disabled={current === 0}
            onClick={() => setPage(current - 1)}
          >
            Previous page
          </button>
          <span>
            Page {current + 1} of {pages}
          </span>
          <button
            type="button"
            className="ghost"
            disabled={current >= pages - 1}
            onClick={() => setPage(current + 1)}
          >
            Next page
          </button>
        </nav>
      ) : null}
    </>
  );
}
