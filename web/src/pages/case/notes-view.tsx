import type { CaseWorkspace } from './case-workspace.ts';

/** Placeholder of the case's notes and audit trail. */
export function NotesView(_props: { workspace: CaseWorkspace }) {
  return <p className="state">Notes and audit trail: not built yet.</p>;
}
