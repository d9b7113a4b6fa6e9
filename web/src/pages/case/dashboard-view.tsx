import type { CaseWorkspace } from './case-workspace.ts';

/** Placeholder of the incident dashboard. */
export function DashboardView(_props: { workspace: CaseWorkspace }) {
  return <p className="state">The incident dashboard is not built yet.</p>;
}
