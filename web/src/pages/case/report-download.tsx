import { useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { ErrorView } from '../../components/states.tsx';
import type { CaseWorkspace } from './case-workspace.ts';
import { download, fileStem } from './graph/export.ts';

/**
 * "Download report": the case's investigation report (`GET /v1/cases/{id}/report`) as a PDF (A4 or
 * Letter) or one self-contained HTML file. The server reports the case's latest finished forward
 * trace as saved, so unsaved changes are not in it. Investigators only; others are told who can.
 */
export function ReportDownload(props: { workspace: CaseWorkspace; dirty: boolean }) {
  const { api, me } = useSession();
  const [format, setFormat] = useState<'pdf' | 'html'>('pdf');
  const [page, setPage] = useState<'a4' | 'letter'>('a4');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  if (me.role !== 'investigator' && me.role !== 'admin') return null;
  const c = props.workspace.case;
  const get = async () => {
    setBusy(true);
    setError(null);
    try {
      const blob = await api.blob(`/v1/cases/${encodeURIComponent(c.id)}/report`, {
        format,
        ...(format === 'pdf' ? { page } : {}),
      });
      download(blob, `${fileStem(c.name)}-report.${format}`);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="row report-download">
      <label>
        Report{' '}
        <select
          aria-label="Report format"
          value={format}
          onChange={(e) => setFormat(e.target.value as 'pdf' | 'html')}
        >
          <option value="pdf">PDF</option>
          <option value="html">HTML</option>
        </select>
      </label>
      {format === 'pdf' ? (
        <select
          aria-label="Paper size"
          value={page}
          onChange={(e) => setPage(e.target.value as 'a4' | 'letter')}
        >
          <option value="a4">A4</option>
          <option value="letter">Letter</option>
        </select>
      ) : null}
      <button type="button" onClick={() => void get()} disabled={busy || c.traceIds.length === 0}>
        {busy ? 'Preparing the report…' : 'Download report'}
      </button>
      {c.traceIds.length === 0 ? (
        <span className="muted">Save the case with a trace to report it.</span>
      ) : props.dirty ? (
        <span className="muted">The report is of the case as saved.</span>
      ) : null}
      {error ? <ErrorView error={error} onRetry={() => void get()} /> : null}
    </div>
  );
}
