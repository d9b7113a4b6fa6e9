import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Amount } from '../../components/amount.tsx';
import { categoryColour, formatTime } from '../../lib/format.ts';
import type { RiskLevel } from './api-types.ts';

/** The page's theme as `data-theme` on <html> says; follows the theme toggle. */
export function useThemeName(): 'light' | 'dark' {
  const read = () => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');
  const [theme, setTheme] = useState<'light' | 'dark'>(read);
  useEffect(() => {
    // The toggle only sets the attribute; watching it keeps charts in step without a shared store.
    const observer = new MutationObserver(() => setTheme(read()));
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    return () => observer.disconnect();
  }, []);
  return theme;
}

/** Copies `text` to the clipboard and says so; `label` names what is copied for screen readers. */
export function CopyButton(props: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);
  return (
    <>
      <button
        type="button"
        className="ghost"
        aria-label={props.label}
        onClick={() => {
          // Clipboard access needs a secure context; plain-HTTP deployments report the failure.
          const write = navigator.clipboard?.writeText(props.text);
          if (!write) setState('failed');
          else
            write.then(
              () => setState('copied'),
              () => setState('failed'),
            );
        }}
      >
        {state === 'copied' ? 'Copied' : 'Copy'}
      </button>
      <span className="visually-hidden" role="status">
        {state === 'copied'
          ? 'Copied to the clipboard'
          : state === 'failed'
            ? 'Could not copy'
            : ''}
      </span>
      {state === 'failed' ? (
        <span className="error-text">Copy failed: select the text instead</span>
      ) : null}
    </>
  );
}

/** A label category with its shared colour (the same as on the graph and charts). */
export function CategoryBadge(props: { category: string }) {
  return (
    <span className="badge category-badge">
      <span
        className="swatch"
        aria-hidden="true"
        style={{ background: categoryColour(props.category) }}
      />
      {props.category.replace(/_/g, ' ')}
    </span>
  );
}

/** A risk level as a badge (severe, high, medium, low) or "not screened". */
export function RiskBadge(props: { level: RiskLevel | null; id?: string }) {
  return (
    <span
      id={props.id}
      className={`badge risk-badge ${props.level ?? ''}`}
      aria-label={`Risk level: ${props.level ?? 'not screened'}`}
    >
      {props.level
        ? `${props.level[0]!.toUpperCase()}${props.level.slice(1)} risk`
        : 'Not screened'}
    </span>
  );
}

/** A label's source: a link when it is a URL, else its text. */
export function SourceText(props: { source: string }) {
  if (/^https?:\/\//i.test(props.source))
    return (
      <a
        href={props.source}
        target="_blank"
        rel="noreferrer noopener"
        className="source-link"
        title={props.source}
      >
        {props.source.replace(/^https?:\/\//i, '')}
      </a>
    );
  return <span>{props.source}</span>;
}

/** A transaction hash, linked to its page; shortened unless `full`. */
export function TxLink(props: { chain: string; hash: string; full?: boolean }) {
  const text = props.full ? props.hash : `${props.hash.slice(0, 10)}…${props.hash.slice(-6)}`;
  return (
    <Link
      className="mono"
      to={`/tx/${encodeURIComponent(props.chain)}/${encodeURIComponent(props.hash)}`}
      title={props.hash}
    >
      {text}
    </Link>
  );
}

/** True for an API refusal because of the key's role (403). */
export function isForbidden(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 403;
}

/** Previous / next buttons of a paged list, with where the page starts and ends. */
export function Pager(props: {
  label: string;
  offset: number;
  shown: number;
  total?: number;
  hasNext: boolean;
  busy?: boolean;
  onPage: (offset: number, direction: 'previous' | 'next') => void;
  pageSize: number;
}) {
  const first = props.shown ? props.offset + 1 : 0;
  const last = props.offset + props.shown;
  return (
    <nav className="pager row" aria-label={props.label}>
      <button
        type="button"
        className="ghost"
        disabled={props.offset === 0 || props.busy}
        onClick={() => props.onPage(Math.max(0, props.offset - props.pageSize), 'previous')}
      >
        ← Previous
      </button>
      <span className="muted" aria-live="polite">
        {first}–{last}
        {props.total !== undefined ? ` of ${props.total.toLocaleString('en-US')}` : ''}
      </span>
      <button
        type="button"
        className="ghost"
        disabled={!props.hasNext || props.busy}
        onClick={() => props.onPage(props.offset + props.pageSize, 'next')}
      >
        Next →
      </button>
    </nav>
  );
}

/**
 * Fraction digits that show at least two significant digits of a small amount (a fee of 5.8e-8 ETH
 * would read "0" at four), never fewer than four.
 */
export function fractionDigits(raw: string, decimals: number | null): number {
  if (decimals === null || !/^-?\d+$/.test(raw)) return 4;
  const digits = raw.replace('-', '').replace(/^0+/, '').length;
  if (digits === 0) return 4;
  return Math.min(decimals, Math.max(4, decimals - digits + 2));
}

/** {@link Amount} with enough fraction digits for small amounts to show. */
export function PreciseAmount(props: { chain: string; asset: string; raw: string }) {
  const { decimals } = useSession().asset(props.chain, props.asset);
  return <Amount {...props} maxFraction={fractionDigits(props.raw, decimals)} />;
}

/** A block time as date and time (UTC), which may break between the two on narrow screens. */
export function TimeText(props: { seconds: number | null | undefined }) {
  const text = formatTime(props.seconds);
  const cut = text.indexOf(' ');
  if (cut < 0) return <>{text}</>;
  return (
    <>
      <span className="nowrap">{text.slice(0, cut)}</span>{' '}
      <span className="nowrap">{text.slice(cut + 1)}</span>
    </>
  );
}
