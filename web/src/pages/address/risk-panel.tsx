import { Link } from 'react-router';
import type { Loaded } from '../../api/session.tsx';
import { Async, ErrorView } from '../../components/states.tsx';
import type { RiskResult } from './api-types.ts';
import { isForbidden, RiskBadge, SourceText } from './shared.tsx';

/** Hops the screening may follow (the API accepts 0-6). */
const HOPS = [0, 1, 2, 3, 4, 5, 6];

/**
 * The address's risk level as the screening rules give it, with every rule that fired and why, the
 * sanctions listings, and what the result rests on (rules version, label date).
 */
export function RiskPanel(props: {
  loaded: Loaded<RiskResult>;
  hops: number;
  onHops: (hops: number) => void;
  role: string;
  /** The address as the page shows it, to link to its page on the chains it was seen on. */
  address: string;
}) {
  const { error } = props.loaded;
  return (
    <section className="panel" aria-labelledby="risk-heading">
      <div className="row">
        <h2 id="risk-heading">Risk</h2>
        <span className="spacer" />
        {isForbidden(error) ? null : (
          <>
            <label htmlFor="risk-hops">Exposure hops</label>
            <select
              id="risk-hops"
              value={props.hops}
              onChange={(e) => props.onHops(Number(e.target.value))}
            >
              {HOPS.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
      {isForbidden(error) ? (
        <div className="state">
          Risk screening is not open to this key (role {props.role}): a screener or investigator key
          can screen addresses.
        </div>
      ) : (
        <Async loaded={props.loaded} what="the risk screening">
          {(risk) => <RiskBody risk={risk} busy={props.loaded.loading} address={props.address} />}
        </Async>
      )}
    </section>
  );
}

/**
 * The address has no transfer on the chain screened but some elsewhere: its verdict here says
 * nothing of its funds. Said first, in the warning colour, with a way to the chains it was seen on.
 */
function ActivityElsewhere(props: { risk: RiskResult; address: string }) {
  const { activity, chain } = props.risk;
  if (!activity || activity.onChain || activity.seenOn.length === 0) return null;
  return (
    <div className="activity-warning" role="alert">
      <strong>{activity.note[0]!.toUpperCase() + activity.note.slice(1)}.</strong> This screening on{' '}
      {chain} cannot see its funds. Open it on{' '}
      {activity.seenOn.map((c, i) => (
        <span key={c}>
          {i ? ', ' : ''}
          <Link to={`/address/${encodeURIComponent(c)}/${encodeURIComponent(props.address)}`}>
            {c}
          </Link>
        </span>
      ))}
      .
    </div>
  );
}

function RiskBody(props: { risk: RiskResult; busy: boolean; address: string }) {
  const { risk } = props;
  if (risk.error) return <ErrorView error={new Error(`Not screened: ${risk.error}`)} />;
  const fired = risk.explanation.fired;
  return (
    <div aria-busy={props.busy}>
      <ActivityElsewhere risk={risk} address={props.address} />
      <div className="row risk-level">
        <RiskBadge level={risk.riskLevel} id="risk-level" />
        {props.busy ? (
          <span className="muted small" role="status">
            Screening again…
          </span>
        ) : null}
        {risk.sanctioned ? <span className="badge sanctioned">sanctioned</span> : null}
        {risk.formerlySanctioned ? <span className="badge medium">formerly sanctioned</span> : null}
      </div>
      {fired.length === 0 ? (
        <p className="muted">
          No rule fired: the level is the rules&apos; default. Exposure was measured within{' '}
          {risk.exposure.hops} hop{risk.exposure.hops === 1 ? '' : 's'}.
        </p>
      ) : (
        <ul className="fired-rules" aria-label="Rules that fired">
          {fired.map((f, i) => (
            <li key={`${f.rule}-${i}`}>
              <span className={`badge ${f.level}`}>{f.level}</span> <code>{f.rule}</code>
              <div>{f.reason}</div>
            </li>
          ))}
        </ul>
      )}
      {risk.sanctions.length ? (
        <>
          <h3>Sanctions listings</h3>
          <ul className="plain-list">
            {risk.sanctions.map((s, i) => (
              <li key={i}>
                <strong>{s.list}</strong>
                {s.entity ? `: ${s.entity}` : ''}
                {s.programs.length ? ` (${s.programs.join(', ')})` : ''}
                <div className="muted small">
                  <SourceText source={s.source} />
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="muted small">
        Rules {risk.explanation.rules.version} · labels valid on {risk.explanation.asOf} ·{' '}
        {risk.explanation.labelSet.length} label lists
      </p>
    </div>
  );
}
