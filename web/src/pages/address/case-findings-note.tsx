import { Link } from 'react-router';
import { roleText } from '../case/findings/text.ts';
import type { Label } from './api-types.ts';

/**
 * "In case <name>: seed / on the path / endpoint", with a link to each case of the organisation that
 * marked the address (its labels say so; another organisation's never reach this page).
 */
export function CaseFindingsNote(props: { labels: Label[] | null }) {
  const marked = (props.labels ?? []).filter((l) => l.finding);
  if (marked.length === 0) return null;
  return (
    <ul className="case-findings-note" aria-label="Cases that marked this address">
      {marked.map((l) => (
        <li key={`${l.finding!.case.id}|${l.category}`}>
          <strong>
            In case{' '}
            <Link to={`/cases/${encodeURIComponent(l.finding!.case.id)}`}>
              {l.finding!.case.name}
            </Link>
            : {roleText(l.finding!.role)}
          </strong>{' '}
          <span className="badge severe">{l.category.replace(/_/g, ' ')}</span>{' '}
          <span className="muted small">marked by {l.finding!.author}</span>
        </li>
      ))}
    </ul>
  );
}
