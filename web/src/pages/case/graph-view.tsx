import type { CaseWorkspace } from './case-workspace.ts';

/** Placeholder of the investigation graph. */
export function GraphView(_props: { workspace: CaseWorkspace }) {
  return <p className="state">The graph is not built yet.</p>;
}
