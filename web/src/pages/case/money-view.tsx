import type { CaseWorkspace } from './case-workspace.ts';

/** Placeholder of where the money is (Sankey and freeze list). */
export function MoneyView(_props: { workspace: CaseWorkspace }) {
  return <p className="state">Where the money is: not built yet.</p>;
}
