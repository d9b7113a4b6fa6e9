import { Link } from 'react-router';
import { useLoad, useSession } from '../api/session.tsx';
import type { CaseSummary } from '../api/types.ts';
import { Async, Empty } from '../components/states.tsx';
import { formatTime } from '../lib/format.ts';
import { isForbidden } from './address/shared.tsx';
import './address/pages.css';

/** What the search box takes, by the form of the input. */
const QUERY_FORMS = [
  {
    title: 'An address, of any chain',
    example: '0x… (40 hex digits), bc1…, 1…, 3…, T…',
    text: 'EVM addresses are looked up on every EVM chain stored; Bitcoin and Tron addresses open on their chain.',
  },
  {
    title: 'A transaction hash',
    example: '0x… (64 hex digits)',
    text: 'Opens its transfers and decoded swaps, wraps, bridge deposits and freezes.',
  },
  {
    title: 'A label or entity name',
    example: 'an exchange, a mixer, “Lazarus”, “OFAC”',
    text: 'Searches labels by entity, actor, category or sanctions list, with their sources.',
  },
];

const TOOLS = [
  {
    to: '/screen',
    title: 'Screening',
    text: 'Risk levels and sanctions matches for one address or a batch, with the rules that fired.',
  },
  {
    to: '/cases',
    title: 'Cases',
    text: 'Investigations: trace stolen funds, the graph, where the money is, notes and audit.',
  },
  {
    to: '/alerts',
    title: 'Alerts',
    text: 'Watchlists and the alerts raised when watched addresses move funds.',
  },
];

/** The organisation's five most recent cases, or why they are not shown. */
function RecentCases() {
  const { api } = useSession();
  const loaded = useLoad(() => api.get<{ cases: CaseSummary[] }>('/v1/cases', { limit: 5 }), [api]);
  // A screening key reads no cases: the section goes rather than show a refusal.
  if (isForbidden(loaded.error)) return null;
  return (
    <section className="panel" aria-labelledby="recent-cases-heading">
      <div className="row">
        <h2 id="recent-cases-heading">Recent cases</h2>
        <span className="spacer" />
        <Link to="/cases">All cases</Link>
      </div>
      <Async loaded={loaded} what="recent cases">
        {({ cases }) =>
          cases.length === 0 ? (
            <Empty>
              No case yet. Open one from an address page (“Open in a new case”) or from{' '}
              <Link to="/cases">Cases</Link>.
            </Empty>
          ) : (
            <div className="table-wrap">
              <table aria-label="Recent cases" className="data-table">
                <thead>
                  <tr>
                    <th scope="col">Case</th>
                    <th scope="col" className="num">
                      Seeds
                    </th>
                    <th scope="col" className="num">
                      Traces
                    </th>
                    <th scope="col" className="num">
                      Notes
                    </th>
                    <th scope="col">Updated (UTC)</th>
                  </tr>
                </thead>
                <tbody>
                  {cases.map((c) => (
                    <tr key={c.id}>
                      <td className="wrap">
                        <Link to={`/cases/${encodeURIComponent(c.id)}`}>{c.name}</Link>
                        {c.description ? (
                          <div className="muted small case-description">{c.description}</div>
                        ) : null}
                      </td>
                      <td className="num">{c.seeds.length}</td>
                      <td className="num">{c.traceIds.length}</td>
                      <td className="num">{c.notes}</td>
                      <td className="nowrap">{formatTime(Date.parse(c.updatedAt) / 1000)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
    </section>
  );
}

/** The landing page: what the search takes, recent cases, and the other tools. */
export default function HomePage() {
  const { me } = useSession();
  return (
    <div className="home-page ct-pages">
      <section className="panel home-hero" aria-labelledby="home-heading">
        <h1 id="home-heading">Follow the money</h1>
        <p>
          The search box at the top of every page takes any of these.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => document.querySelector<HTMLInputElement>('.search-box input')?.focus()}
          >
            Go to the search box
          </button>
        </p>
        <ul className="query-forms">
          {QUERY_FORMS.map((f) => (
            <li key={f.title}>
              <strong>{f.title}</strong>
              <div>
                <code>{f.example}</code>
              </div>
              <div className="muted small">{f.text}</div>
            </li>
          ))}
        </ul>
      </section>
      {me.role === 'screener' ? null : <RecentCases />}
      <section className="panel" aria-labelledby="tools-heading">
        <h2 id="tools-heading">Tools</h2>
        <ul className="tools">
          {TOOLS.map((t) => (
            <li key={t.to}>
              <Link to={t.to}>
                <strong>{t.title}</strong>
                <span className="muted small">{t.text}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
