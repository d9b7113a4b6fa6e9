import { useState } from 'react';
import { Link } from 'react-router';
import { useLoad, useSession } from '../api/session.tsx';
import type { CaseSummary } from '../api/types.ts';
import { ConfirmDelete, useDeletion } from '../components/confirm-delete.tsx';
import { Async, Empty, ErrorView } from '../components/states.tsx';
import { NewCaseForm } from './cases/new-case-form.tsx';
import './cases/cases.css';

const PAGE_SIZE = 20;

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** One case of the list, with its delete button and the confirmation it asks for. */
function CaseRow(props: { c: CaseSummary; canWrite: boolean; onDeleted: () => void }) {
  const { c } = props;
  const { confirming, setConfirming, busy, error, remove } = useDeletion(
    `/v1/cases/${encodeURIComponent(c.id)}`,
    props.onDeleted,
  );
  return (
    <tr>
      <td data-label="Case" className="case-name">
        <Link to={`/cases/${encodeURIComponent(c.id)}`}>{c.name}</Link>
        {c.description ? <div className="muted case-description">{c.description}</div> : null}
      </td>
      <td data-label="Seeds" className="num">
        {c.seeds.length}
      </td>
      <td data-label="Notes" className="num">
        {c.notes}
      </td>
      <td data-label="Version" className="num">
        {c.version}
      </td>
      <td data-label="Updated">
        <div>
          <time dateTime={c.updatedAt} title={c.updatedAt}>
            {when(c.updatedAt)}
          </time>
          <div className="muted">
            by <span className="mono">{c.updatedBy}</span>
          </div>
        </div>
      </td>
      {props.canWrite ? (
        <td data-label="Actions" className="case-actions">
          {confirming ? (
            <ConfirmDelete
              className="case-confirm"
              label={`Confirm deleting ${c.name}`}
              question="Delete this case? Its audit trail stays."
              action="Delete case"
              busy={busy}
              onConfirm={() => void remove()}
              onCancel={() => setConfirming(false)}
            />
          ) : (
            <button
              type="button"
              className="ghost"
              aria-label={`Delete ${c.name}`}
              onClick={() => setConfirming(true)}
            >
              Delete
            </button>
          )}
          {error ? <ErrorView error={error} /> : null}
        </td>
      ) : null}
    </tr>
  );
}

/**
 * The organisation's cases, newest first and paged, each linking to its page; a form to open a new
 * one, and delete with a confirmation. Viewers read only; screening keys see none.
 */
export default function CasesPage() {
  const { api, me } = useSession();
  const [offset, setOffset] = useState(0);
  const canWrite = me.role === 'investigator' || me.role === 'admin';
  const cases = useLoad(
    () =>
      me.role === 'screener'
        ? Promise.resolve(null)
        : api.get<{ cases: CaseSummary[]; limit: number; offset: number }>('/v1/cases', {
            limit: PAGE_SIZE,
            offset,
          }),
    [api, offset, me.role],
  );

  if (me.role === 'screener')
    return (
      <div>
        <h1>Cases</h1>
        <Empty>
          This key is a screening key: it can screen addresses and nothing more.{' '}
          <Link to="/screen">Go to screening</Link>.
        </Empty>
      </div>
    );

  return (
    <div className="cases-page">
      <h1>Cases</h1>
      <div className={canWrite ? 'cases-layout' : undefined}>
        <section className="panel" aria-label="Case list">
          <Async loaded={cases} what="the cases">
            {(page) =>
              page && page.cases.length === 0 && offset === 0 ? (
                <Empty>
                  No cases yet.{' '}
                  {canWrite
                    ? 'Create one with the form: give it a name and the addresses or transactions it starts from.'
                    : 'An investigator key can create them.'}
                </Empty>
              ) : page ? (
                <>
                  {page.cases.length ? (
                    <div className="table-wrap">
                      <table className="cases-table" aria-label="Cases">
                        <thead>
                          <tr>
                            <th>Case</th>
                            <th className="num">Seeds</th>
                            <th className="num">Notes</th>
                            <th className="num">Version</th>
                            <th>Updated</th>
                            {canWrite ? (
                              <th>
                                <span className="a11y-hidden">Actions</span>
                              </th>
                            ) : null}
                          </tr>
                        </thead>
                        <tbody>
                          {page.cases.map((c) => (
                            <CaseRow
                              key={c.id}
                              c={c}
                              canWrite={canWrite}
                              onDeleted={cases.reload}
                            />
                          ))}
                        </tbody>
                      </table>
                    </div>
                  ) : (
                    <Empty>No more cases.</Empty>
                  )}
                  {offset > 0 || page.cases.length === PAGE_SIZE ? (
                    <nav className="row case-pages" aria-label="Case pages">
                      <button
                        type="button"
                        className="ghost"
                        disabled={offset === 0}
                        onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
                      >
                        Newer cases
                      </button>
                      <span className="muted">
                        {offset + 1}–{offset + page.cases.length}
                      </span>
                      <button
                        type="button"
                        className="ghost"
                        disabled={page.cases.length < PAGE_SIZE}
                        onClick={() => setOffset(offset + PAGE_SIZE)}
                      >
                        Older cases
                      </button>
                    </nav>
                  ) : null}
                </>
              ) : null
            }
          </Async>
        </section>
        {canWrite ? (
          <section className="panel">
            <NewCaseForm />
          </section>
        ) : null}
      </div>
    </div>
  );
}
