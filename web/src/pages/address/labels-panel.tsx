import type { Loaded } from '../../api/session.tsx';
import { Async, Empty } from '../../components/states.tsx';
import type { Label, LabelRef } from './api-types.ts';
import { CategoryBadge, isForbidden, SourceText } from './shared.tsx';

/** When a label holds: "from 2022-04-14", "until 2025-03-21", or nothing for always. */
function validity(label: Pick<Label, 'validFrom' | 'validTo'>): string {
  if (label.validFrom && label.validTo) return `${label.validFrom} – ${label.validTo}`;
  if (label.validFrom) return `from ${label.validFrom}`;
  if (label.validTo) return `until ${label.validTo}`;
  return '';
}

/** The address's labels (the organisation's private ones first) with source and confidence. */
export function LabelsPanel(props: {
  loaded: Loaded<{ labels: Label[] }>;
  role: string;
  /** The labels the risk screening reports, for keys that may screen but not read labels. */
  screened: LabelRef[] | null;
}) {
  return (
    <section className="panel" aria-labelledby="labels-heading">
      <h2 id="labels-heading">Labels</h2>
      {isForbidden(props.loaded.error) ? (
        props.screened ? (
          <>
            <p className="muted small">
              As the risk screening reports them: labels valid on the screening day, your
              organisation&apos;s private ones included (this key, role {props.role}, reads labels
              no other way).
            </p>
            <LabelsTable labels={props.screened} />
          </>
        ) : (
          <div className="state">Labels are not open to this key (role {props.role}).</div>
        )
      ) : (
        <Async loaded={props.loaded} what="the labels">
          {({ labels }) => <LabelsTable labels={labels} />}
        </Async>
      )}
    </section>
  );
}

type LabelRow = Omit<Label, 'chain' | 'address' | 'visibility'> & { visibility?: string };

function LabelsTable(props: { labels: LabelRow[] }) {
  const { labels } = props;
  return labels.length === 0 ? (
    <Empty>No label is known for this address.</Empty>
  ) : (
    <div className="table-wrap">
      <table aria-label="Labels of the address">
        <thead>
          <tr>
            <th scope="col">Entity</th>
            <th scope="col">Category</th>
            <th scope="col">Source</th>
            <th scope="col" className="num">
              Confidence
            </th>
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr key={i}>
              <td>
                <strong>{l.entity ?? '—'}</strong>
                {l.actor ? <div className="muted small">actor {l.actor}</div> : null}
                {l.country ? <div className="muted small">country {l.country}</div> : null}
              </td>
              <td>
                <CategoryBadge category={l.category} />
                {l.visibility !== undefined && l.visibility !== 'public' ? (
                  <span className="badge private-badge">private</span>
                ) : null}
              </td>
              <td className="source-cell">
                {l.sanctionList ? (
                  <div>
                    <strong>{l.sanctionList}</strong>
                    {l.programs.length ? ` (${l.programs.join(', ')})` : ''}
                  </div>
                ) : null}
                <SourceText source={l.source} />
                {validity(l) ? <div className="muted small">valid {validity(l)}</div> : null}
              </td>
              <td className="num">{l.confidence === null ? '—' : `${l.confidence} / 100`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
