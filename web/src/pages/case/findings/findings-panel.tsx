import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../api/client.ts';
import { useLoad, useSession } from '../../../api/session.tsx';
import type { CaseFinding, MarkFindingsResult } from '../../../api/types.ts';
import { ErrorView } from '../../../components/states.tsx';
import type { CaseWorkspace } from '../case-workspace.ts';
import { findingsSummary, markSummary } from './text.ts';
import './findings.css';

type Mark = CaseFinding['marks'][number];

/**
 * Fired on `window` when a part of the case page other than the findings panel (the graph's "Mark
 * selected") marked findings: the panel loads them again and says what the mark did.
 */
const FINDINGS_CHANGED = 'chaintrail:findings-changed';
type FindingsChanged = CustomEvent<{ caseId: string; said: string }>;

/**
 * The trace marks work from: the one the page shows when the case keeps it and it is a forward
 * trace; otherwise none, and the server takes the case's latest finished forward trace.
 */
function traceIdOf(workspace: CaseWorkspace): string | undefined {
  const job = workspace.trace?.job;
  return job && job.parameters.direction === 'forward' && workspace.case.traceIds.includes(job.id)
    ? job.id
    : undefined;
}

/** `POST /v1/cases/{id}/findings`, and what it did in words. */
async function markFindings(
  api: ApiClient,
  workspace: CaseWorkspace,
  input: { mark: Mark; addresses?: { chain: string; address: string }[] },
): Promise<string> {
  const traceId = traceIdOf(workspace);
  const result = await api.post<MarkFindingsResult>(
    `/v1/cases/${encodeURIComponent(workspace.case.id)}/findings`,
    { ...input, ...(traceId ? { traceId } : {}) },
  );
  return markSummary(result);
}

const canWrite = (role: string) => role === 'investigator' || role === 'admin';

/**
 * "Mark seeds" and "Mark path addresses": what the case found becomes the organisation's private
 * labels (theft, the case as source), which its screening, exposure and address pages count; what
 * is marked, and a way to unmark it.
 */
export function FindingsPanel(props: { workspace: CaseWorkspace }) {
  const { workspace } = props;
  const { api, me } = useSession();
  const caseId = workspace.case.id;
  const url = `/v1/cases/${encodeURIComponent(caseId)}/findings`;
  const loaded = useLoad(() => api.get<{ findings: CaseFinding[] }>(url), [api, url]);
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [failed, setFailed] = useState<Error | null>(null);
  const { reload } = loaded;

  // The graph's "Mark selected" marks through the API too: show what it did.
  useEffect(() => {
    const changed = (e: Event) => {
      const { detail } = e as FindingsChanged;
      if (detail.caseId !== caseId) return;
      setSaid(detail.said);
      setFailed(null);
      reload();
    };
    window.addEventListener(FINDINGS_CHANGED, changed);
    return () => window.removeEventListener(FINDINGS_CHANGED, changed);
  }, [caseId, reload]);

  const run = useCallback(
    async (what: string, action: () => Promise<string>) => {
      setBusy(what);
      setSaid(null);
      setFailed(null);
      try {
        setSaid(await action());
        reload();
      } catch (error) {
        setFailed(error as Error);
      } finally {
        setBusy(null);
      }
    },
    [reload],
  );
  const mark = (label: string, m: Mark) =>
    void run(label, () => markFindings(api, workspace, { mark: m }));
  const unmark = (label: string, m: Mark | null) =>
    void run(label, async () => {
      const done = await api.del<{ removed: CaseFinding[]; total: number }>(
        m ? `${url}?mark=${m}` : url,
      );
      const n = done.removed.length;
      return `Unmarked ${n.toLocaleString('en-US')} address${n === 1 ? '' : 'es'}; ${done.total.toLocaleString('en-US')} still marked.`;
    });

  const list = loaded.data?.findings ?? [];
  const markedBy = (m: Mark) => list.some((x) => x.marks.includes(m));
  const button = (label: string, onClick: () => void, ghost = false, disabled = false) => (
    <button
      type="button"
      className={ghost ? 'ghost' : undefined}
      disabled={busy !== null || disabled}
      onClick={onClick}
    >
      {busy === label ? `${label}…` : label}
    </button>
  );
  return (
    <section className="panel case-findings" aria-labelledby="findings-heading">
      <div className="row">
        <h2 id="findings-heading">Findings</h2>
        <span className="muted" data-testid="findings-summary">
          {loaded.data ? findingsSummary(list) : loaded.loading ? 'Loading…' : ''}
        </span>
        <span className="spacer" />
        {canWrite(me.role) ? (
          <>
            {button('Mark seeds', () => mark('Mark seeds', 'seeds'))}
            {button(
              'Mark path addresses',
              () => mark('Mark path addresses', 'paths'),
              false,
              workspace.case.traceIds.length === 0,
            )}
            {markedBy('seeds')
              ? button('Unmark seeds', () => unmark('Unmark seeds', 'seeds'), true)
              : null}
            {markedBy('paths')
              ? button(
                  'Unmark path addresses',
                  () => unmark('Unmark path addresses', 'paths'),
                  true,
                )
              : null}
            {list.length ? button('Unmark all', () => unmark('Unmark all', null), true) : null}
          </>
        ) : null}
      </div>
      <p className="muted findings-help">
        Marking makes the case&apos;s seeds, or the addresses on the path to each endpoint of its
        forward trace, your organisation&apos;s private labels (theft, with this case as source):
        your screening, exposure and address pages count them, no other organisation sees them. A
        service&apos;s address (exchange, bridge, DEX, …) and where the value came from are never
        marked.
      </p>
      <p className="findings-said" role="status">
        {said}
      </p>
      {failed ? <ErrorView error={failed} /> : null}
      {loaded.error ? <ErrorView error={loaded.error} onRetry={reload} /> : null}
    </section>
  );
}

/** "Mark selected": the graph's selected addresses as findings of the case. */
export function MarkSelectionButton(props: {
  workspace: CaseWorkspace;
  nodes: { chain: string; address: string }[];
}) {
  const { api, me } = useSession();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<Error | null>(null);
  if (!canWrite(me.role)) return null;
  const n = props.nodes.length;
  const markSelected = async () => {
    setBusy(true);
    setFailed(null);
    try {
      const said = await markFindings(api, props.workspace, {
        mark: 'selection',
        addresses: props.nodes.map((x) => ({ chain: x.chain, address: x.address })),
      });
      window.dispatchEvent(
        new CustomEvent(FINDINGS_CHANGED, { detail: { caseId: props.workspace.case.id, said } }),
      );
    } catch (error) {
      setFailed(error as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className="ghost"
        disabled={n === 0 || busy}
        title="Mark the selected addresses as your organisation's labels of this case"
        onClick={() => void markSelected()}
      >
        {busy ? 'Marking…' : `Mark selected (${n})`}
      </button>
      {failed ? <ErrorView error={failed} /> : null}
    </>
  );
}
