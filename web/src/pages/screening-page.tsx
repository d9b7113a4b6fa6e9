import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useSession } from '../api/session.tsx';
import { ErrorView, Loading } from '../components/states.tsx';
import {
  MAX_SCREEN_BATCH,
  readAddressColumn,
  splitAddresses,
  type CsvRead,
} from './screening/parse-input.ts';
import { screeningCsv } from './screening/results-csv.ts';
import { isActiveElsewhere, isHighRisk, ResultsTable } from './screening/results-table.tsx';
import type { ScreenRequest, ScreenResponse } from './screening/types.ts';
import { chainChoices } from '../lib/chains.ts';
import './screening/screening.css';

const MAX_HOPS = 6;
/** A CSV of 10,000 addresses with a few columns is well under this; more is the wrong file. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** A screening's answer, and the uploaded file its addresses came from (its rows go in the CSV). */
type Screened = { answer: ScreenResponse; at: Date; hops: number; file: CsvRead | null };

function Summary(props: { screened: Screened }) {
  const { results } = props.screened.answer;
  const counts = {
    sanctioned: results.filter((r) => r.sanctioned).length,
    former: results.filter((r) => r.formerlySanctioned).length,
    high: results.filter(isHighRisk).length,
    errors: results.filter((r) => r.error !== null).length,
    elsewhere: results.filter(isActiveElsewhere).length,
  };
  return (
    <div role="status" aria-live="polite">
      <dl className="screen-summary" aria-label="Summary">
        <div>
          <dt>Screened</dt>
          <dd>{results.length}</dd>
        </div>
        <div className={counts.sanctioned ? 'hit' : undefined}>
          <dt>Sanctioned addresses</dt>
          <dd>{counts.sanctioned}</dd>
        </div>
        <div>
          <dt>Formerly sanctioned</dt>
          <dd>{counts.former}</dd>
        </div>
        <div className={counts.high ? 'hit' : undefined}>
          <dt>High or severe risk</dt>
          <dd>{counts.high}</dd>
        </div>
        <div className={counts.elsewhere ? 'warn' : undefined}>
          <dt>Seen only on other chains</dt>
          <dd>{counts.elsewhere}</dd>
        </div>
        <div className={counts.errors ? 'warn' : undefined}>
          <dt>Errors</dt>
          <dd>{counts.errors}</dd>
        </div>
      </dl>
    </div>
  );
}

/** What the results were judged by: to quote in a compliance file. */
function AuditLine(props: { screened: Screened }) {
  const { answer, at, hops } = props.screened;
  return (
    <dl className="screen-audit" aria-label="Screening basis">
      <div>
        <dt>Rules</dt>
        <dd>
          <code>{answer.rules}</code> · sha256 <code>{answer.rulesSha256}</code>
        </dd>
      </div>
      <div>
        <dt>Labels valid on</dt>
        <dd>{answer.asOf}</dd>
      </div>
      <div>
        <dt>Label set</dt>
        <dd>
          <code>{answer.labelSetId}</code>
        </dd>
      </div>
      <div>
        <dt>Screened</dt>
        <dd>
          {at.toLocaleString()} ·{' '}
          {hops === 0 ? 'own labels only' : `indirect exposure up to ${hops} hops`}
        </dd>
      </div>
    </dl>
  );
}

function download(answer: ScreenResponse, at: Date, file: CsvRead | null) {
  const blob = new Blob([screeningCsv(answer, file)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `chaintrail-screening-${at.toISOString().replace(/[:.]/g, '-')}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Batch screening for compliance officers: paste addresses or upload a CSV, screen them against
 * the sanctions lists and labels (optionally with indirect exposure), read each verdict with its
 * reasons, and download the results with the rules and label set they were judged by. Works with a
 * `screener` key, which may do nothing else.
 */
export default function ScreeningPage() {
  const { api, chains } = useSession();
  const ids = useId();
  const [text, setText] = useState('');
  const [csv, setCsv] = useState<{ name: string; read: CsvRead } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [chain, setChain] = useState('');
  const [hops, setHops] = useState(0);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [screened, setScreened] = useState<Screened | null>(null);
  const request = useRef(0);
  const list = useMemo(() => splitAddresses(text), [text]);
  const chainOptions = chainChoices(chains);

  const onFile = async (file: File | undefined) => {
    setFileError(null);
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setFileError(
        `${file.name} is larger than 10 MB; split it into files of at most ${MAX_SCREEN_BATCH.toLocaleString()} addresses.`,
      );
      return;
    }
    try {
      const read = readAddressColumn(await file.text());
      if (!read.addresses.length) {
        setFileError(`No addresses found in ${file.name}.`);
        setCsv(null);
        return;
      }
      setCsv({ name: file.name, read });
      // Added to what is already typed: nothing the user entered is lost, repeats are dropped.
      setText((t) => (t.trim() ? `${t.replace(/\s+$/, '')}\n` : '') + read.addresses.join('\n'));
    } catch (e) {
      setFileError(`Could not read ${file.name}: ${(e as Error).message}`);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    if (!list.addresses.length) {
      setFormError('Enter at least one address, or upload a CSV file.');
      return;
    }
    if (list.addresses.length > MAX_SCREEN_BATCH) {
      setFormError(
        `${list.addresses.length.toLocaleString()} addresses: at most ${MAX_SCREEN_BATCH.toLocaleString()} can be screened at once.`,
      );
      return;
    }
    const n = ++request.current;
    setBusy(list.addresses.length);
    setError(null);
    const body: ScreenRequest = { addresses: list.addresses, hops };
    if (chain) body.chain = chain;
    try {
      const answer = await api.post<ScreenResponse>('/v1/screen', body);
      if (n === request.current)
        setScreened({ answer, at: new Date(), hops, file: csv?.read ?? null });
    } catch (err) {
      if (n === request.current) setError(err as Error);
    } finally {
      if (n === request.current) setBusy(null);
    }
  };

  return (
    <div className="screening-page">
      <h1>Screening</h1>
      <form className="panel screen-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="screen-inputs">
          <div className="screen-field screen-addresses">
            <label htmlFor={`${ids}-addresses`}>Addresses</label>
            <textarea
              id={`${ids}-addresses`}
              rows={7}
              spellCheck={false}
              autoComplete="off"
              placeholder={
                'One per line or comma-separated, e.g.\n0x098B716B8Aaf21512996dC57EB0615e2383E2f96'
              }
              aria-describedby={`${ids}-count`}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
            <div id={`${ids}-count`} className="muted">
              {list.addresses.length.toLocaleString()} address
              {list.addresses.length === 1 ? '' : 'es'} to screen
              {list.duplicates ? ` (${list.duplicates} repeated, screened once)` : ''} · at most{' '}
              {MAX_SCREEN_BATCH.toLocaleString()}
            </div>
          </div>
          <div className="screen-options">
            <div className="screen-field">
              <label htmlFor={`${ids}-file`}>Upload CSV</label>
              <input
                id={`${ids}-file`}
                type="file"
                accept=".csv,.tsv,.txt,text/csv,text/plain"
                aria-describedby={`${ids}-file-help`}
                onChange={(e) => {
                  void onFile(e.target.files?.[0]);
                  // The same file may be chosen again after editing it.
                  e.target.value = '';
                }}
              />
              <div id={`${ids}-file-help`} className="muted">
                The column named <code>address</code>, else the one whose cells are addresses. Its
                other columns come back beside each verdict in the results CSV.
              </div>
            </div>
            <div className="screen-field">
              <label htmlFor={`${ids}-chain`}>Chain</label>
              <select
                id={`${ids}-chain`}
                value={chain}
                onChange={(e) => setChain(e.target.value)}
                aria-describedby={`${ids}-chain-help`}
              >
                <option value="">Auto-detect</option>
                {chainOptions.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
              <div id={`${ids}-chain-help`} className="muted">
                Auto-detect screens a <code>0x…</code> address on the one EVM chain where it has
                transfers, else on ethereum; pick a chain to screen every address there.
              </div>
            </div>
            <div className="screen-field">
              <label htmlFor={`${ids}-hops`}>Hops of indirect exposure</label>
              <input
                id={`${ids}-hops`}
                type="number"
                min={0}
                max={MAX_HOPS}
                step={1}
                value={hops}
                aria-describedby={`${ids}-hops-help`}
                onChange={(e) =>
                  setHops(Math.max(0, Math.min(MAX_HOPS, Math.trunc(Number(e.target.value) || 0))))
                }
              />
              <div id={`${ids}-hops-help`} className="muted">
                0: the address&apos;s own labels (fast). 1–{MAX_HOPS}: also funds through
                counterparties (account chains; slower).
              </div>
            </div>
          </div>
        </div>
        {fileError ? (
          <p className="error-text" role="alert">
            {fileError}
          </p>
        ) : null}
        {csv ? (
          <div className="screen-csv" role="status">
            Read <strong>{csv.read.addresses.length.toLocaleString()}</strong> address
            {csv.read.addresses.length === 1 ? '' : 'es'} from <strong>{csv.name}</strong>:{' '}
            {csv.read.column !== null
              ? `column “${csv.read.column}”`
              : `column ${csv.read.columnIndex + 1} (no header row)`}
            {csv.read.columnFrom === 'values' && csv.read.column !== null
              ? ' (no column is named “address”: this one holds addresses)'
              : ''}
            , {csv.read.rows.toLocaleString()} rows
            {csv.read.blank ? `, ${csv.read.blank} blank` : ''}
            {csv.read.duplicates ? `, ${csv.read.duplicates} repeated` : ''}. First:{' '}
            <span className="mono">{csv.read.addresses.slice(0, 3).join(', ')}</span>
            {csv.read.addresses.length > 3 ? '…' : ''}
            <button type="button" className="ghost" onClick={() => setCsv(null)}>
              Dismiss
            </button>
          </div>
        ) : null}
        {formError ? (
          <p className="error-text" role="alert">
            {formError}
          </p>
        ) : null}
        <div className="row">
          <button type="submit" disabled={busy !== null}>
            {busy !== null ? 'Screening…' : 'Screen'}
          </button>
          <button
            type="button"
            className="ghost"
            disabled={busy !== null || (!text && !screened)}
            onClick={() => {
              setText('');
              setCsv(null);
              setScreened(null);
              setError(null);
              setFormError(null);
            }}
          >
            Clear
          </button>
        </div>
      </form>

      {busy !== null ? (
        <Loading what={`the screening of ${busy.toLocaleString()} addresses`} />
      ) : null}
      {error ? <ErrorView error={error} /> : null}
      {screened && busy === null ? (
        <section className="panel" aria-labelledby={`${ids}-results`}>
          <div className="row">
            <h2 id={`${ids}-results`}>Results</h2>
            <span className="spacer" />
            <button
              type="button"
              onClick={() => download(screened.answer, screened.at, screened.file)}
              aria-describedby={screened.file ? `${ids}-download-help` : undefined}
            >
              Download CSV
            </button>
          </div>
          {screened.file ? (
            <p id={`${ids}-download-help`} className="muted screen-download-help">
              One row per row of the uploaded file: its own columns, then the verdict of its
              address.
            </p>
          ) : null}
          <Summary screened={screened} />
          <ResultsTable key={screened.at.getTime()} results={screened.answer.results} />
          <AuditLine screened={screened} />
        </section>
      ) : null}
      {!screened && busy === null && !error ? (
        <p className="state">
          Results appear here: each address with its verdict, attributions and the rules that fired.
        </p>
      ) : null}
    </div>
  );
}
