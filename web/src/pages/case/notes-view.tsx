import { useId, useState } from 'react';
import { useLoad, useSession } from '../../api/session.tsx';
import type { CaseNote } from '../../api/types.ts';
import { Async, Empty, ErrorView } from '../../components/states.tsx';
import type { CaseWorkspace } from './case-workspace.ts';
import '../cases/notes.css';

/** An entry of `GET /v1/cases/:id/audit`. */
type AuditEntry = {
  id: number;
  time: string;
  actor: string;
  /** The key's name and role when it acted (null for entries older than them, or the CLI). */
  actorName?: string | null;
  actorRole?: string | null;
  org: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  requestId: string | null;
};

const MAX_NOTE = 10_000;

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** An audit entry's detail as `key: value` pairs (JSON for nested values). */
function Detail(props: { entry: AuditEntry; caseId: string }) {
  const { entry } = props;
  const parts: string[] = [];
  // The target is the case itself or one of its traces: only a trace is worth naming.
  if (entry.target && entry.target !== props.caseId) parts.push(`trace ${entry.target}`);
  const d = entry.detail;
  if (d !== null && d !== undefined) {
    if (typeof d === 'object' && !Array.isArray(d))
      for (const [k, v] of Object.entries(d as Record<string, unknown>))
        parts.push(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    else parts.push(typeof d === 'string' ? d : JSON.stringify(d));
  }
  if (!parts.length) return <span className="muted">—</span>;
  return <span className="audit-detail">{parts.join(' · ')}</span>;
}

function Note(props: { note: CaseNote; mine: boolean }) {
  const { note } = props;
  return (
    <li className="note">
      <div className="note-head muted">
        <span className="mono">{note.author}</span>
        {props.mine ? ' (you)' : ''} ·{' '}
        <time dateTime={note.time} title={note.time}>
          {when(note.time)}
        </time>
        {note.editedAt ? (
          <>
            {' '}
            · edited by <span className="mono">{note.editedBy}</span> {when(note.editedAt)}
          </>
        ) : null}
      </div>
      <div className="note-text">{note.text}</div>
    </li>
  );
}

/**
 * The case's notes (oldest first, as they were written) with a form to add one, and its audit trail:
 * who created, read, changed or exported it. Adding a note bumps the case's version; the new
 * version is handed to the case page so a later save is not refused as stale.
 */
export function NotesView(props: { workspace: CaseWorkspace }) {
  const { api, me } = useSession();
  const { workspace } = props;
  const c = workspace.case;
  const ids = useId();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const canWrite = me.role === 'investigator' || me.role === 'admin';
  const audit = useLoad(
    () =>
      api.get<{ entries: AuditEntry[] }>(`/v1/cases/${encodeURIComponent(c.id)}/audit`, {
        limit: 500,
      }),
    // A new version (a note, a save) adds entries: read the trail again.
    [api, c.id, c.version],
  );

  const submit = async (e: { preventDefault(): void }) => {
    e.preventDefault();
    setInvalid(null);
    setError(null);
    setAdded(null);
    if (!text.trim()) return setInvalid('Write the note first.');
    setBusy(true);
    try {
      const answer = await api.post<{ note: CaseNote; version: number }>(
        `/v1/cases/${encodeURIComponent(c.id)}/notes`,
        { text },
      );
      // The note is the case's change: its author and time are the case's update.
      workspace.replaceCase({
        ...c,
        notes: [...c.notes, answer.note],
        version: answer.version,
        updatedBy: answer.note.author,
        updatedAt: answer.note.time,
      });
      setText('');
      setAdded(`Note added; the case is now at version ${answer.version}.`);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="grid-2 notes-view">
      <section className="panel" aria-labelledby={`${ids}-notes`}>
        <h2 id={`${ids}-notes`}>Notes ({c.notes.length})</h2>
        {c.notes.length ? (
          <ol className="notes">
            {c.notes.map((n) => (
              <Note key={n.id} note={n} mine={n.author === me.id} />
            ))}
          </ol>
        ) : (
          <Empty>No notes yet.{canWrite ? ' Add what you found and why below.' : ''}</Empty>
        )}
        {canWrite ? (
          <form className="note-form" onSubmit={(e) => void submit(e)} noValidate>
            <label htmlFor={`${ids}-new`}>New note</label>
            <textarea
              id={`${ids}-new`}
              rows={4}
              maxLength={MAX_NOTE}
              value={text}
              aria-describedby={`${ids}-new-help`}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
              }}
            />
            <div id={`${ids}-new-help`} className="muted">
              Saved at once with your key as its author; Ctrl+Enter adds it.{' '}
              {text.length.toLocaleString()}/{MAX_NOTE.toLocaleString()}
            </div>
            {invalid ? (
              <p className="error-text" role="alert">
                {invalid}
              </p>
            ) : null}
            {error ? <ErrorView error={error} /> : null}
            <div className="row">
              <button type="submit" disabled={busy}>
                {busy ? 'Adding…' : 'Add note'}
              </button>
              <span className="muted" role="status">
                {added}
              </span>
            </div>
          </form>
        ) : (
          <p className="muted">Viewer keys read notes; an investigator key adds them.</p>
        )}
      </section>
      <section className="panel" aria-labelledby={`${ids}-audit`}>
        <div className="row">
          <h2 id={`${ids}-audit`}>Audit trail</h2>
          <span className="spacer" />
          <button type="button" className="ghost" onClick={audit.reload} disabled={audit.loading}>
            Refresh
          </button>
        </div>
        <Async loaded={audit} what="the audit trail">
          {({ entries }) =>
            entries.length ? (
              <div className="table-wrap">
                <table aria-label="Audit trail" className="audit-table">
                  <thead>
                    <tr>
                      <th>Time</th>
                      <th>Who</th>
                      <th>Action</th>
                      <th>Details</th>
                    </tr>
                  </thead>
                  <tbody>
                    {entries.map((e) => (
                      <tr key={e.id}>
                        <td data-label="Time">
                          <time dateTime={e.time} title={e.time}>
                            {when(e.time)}
                          </time>
                        </td>
                        <td data-label="Who">
                          <span>
                            {e.actorName ? <span>{e.actorName}</span> : null}
                            {e.actorRole ? <span className="muted"> · {e.actorRole}</span> : null}
                            {e.actor === me.id ? <span className="muted"> (you)</span> : null}
                            <div className="muted mono audit-key">
                              {e.actor === 'cli' ? 'command line' : `key ${e.actor}`}
                            </div>
                          </span>
                        </td>
                        <td data-label="Action">
                          <code>{e.action}</code>
                        </td>
                        <td data-label="Details">
                          <div>
                            <Detail entry={e} caseId={c.id} />
                            {e.requestId ? (
                              <div className="muted audit-request">request {e.requestId}</div>
                            ) : null}
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <Empty>Nothing recorded for this case yet.</Empty>
            )
          }
        </Async>
      </section>
    </div>
  );
}
