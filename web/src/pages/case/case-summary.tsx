import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession } from '../../api/session.tsx';
import type { TraceJob, TraceResult } from '../../api/types.ts';
import type { TraceValuation } from '../../../../src/trace/value-trace.ts';
import { formatTime } from '../../lib/format.ts';
import type { HeldAmount } from './money/held-amounts.ts';
import { useMeasureFormat } from './money/measure.tsx';
import { shareText } from './money/text.ts';
import { valuationOf } from './money/valuation.ts';
import { caseSummary, SUMMARY_SERVICES_NAMED } from './summary.ts';

/** `GET /v1/traces/{id}/valuation`: the trace in USD at transfer time, where prices are known. */
type UsdValuation = TraceValuation;

const USD = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 2,
});

/** `$1.46B at transfer time`, `$3.2M (82% priced)`, or nothing without a price. */
function usdText(v: { usd: number | null; pricedShare: number } | null | undefined): string {
  if (!v || v.usd === null) return '';
  const partial = v.pricedShare < 0.995 ? `, ${shareText(v.pricedShare, 0)} of it priced` : '';
  return ` (${USD.format(v.usd)} at transfer time${partial})`;
}

/** The trace's USD valuation, or null while loading, without prices, or on a server without it. */
function useUsdValuation(jobId: string): UsdValuation | null {
  const { api } = useSession();
  const [valuation, setValuation] = useState<UsdValuation | null>(null);
  useEffect(() => {
    let current = true;
    setValuation(null);
    api.get<UsdValuation>(`/v1/traces/${encodeURIComponent(jobId)}/valuation`).then(
      (v) => current && setValuation(v),
      // No prices is not an error worth a banner: the line then gives amounts only.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api, jobId]);
  return valuation;
}

/**
 * The line a case opens on, above its tabs: forward, what was stolen, what can be frozen and by
 * whom, and where the rest is; backward, what the seeds received and where it came from. Amounts in
 * the trace's asset, and in USD at transfer time where the store has prices (`chaintrail import
 * prices`), with where those prices came from.
 */
export function CaseSummaryLine(props: { trace: { job: TraceJob; result: TraceResult } }) {
  const { job, result } = props.trace;
  const valuation = useMemo(() => valuationOf(result), [result]);
  const summary = useMemo(() => caseSummary(result, valuation), [result, valuation]);
  const format = useMeasureFormat(valuation);
  const usd = useUsdValuation(job.id);
  const location = useLocation();
  const money = new URLSearchParams(location.search);
  money.set('view', 'money');
  const amount = (measure: number, share: number) =>
    format.valued ? `${format.text(measure)} (${shareText(share, 1)})` : shareText(share, 1);
  // What the services hold, per asset: after a bridge to Bitcoin, ETH and rBTC side by side.
  const held = (x: { held: HeldAmount[]; measure: number; share: number }) =>
    format.valued ? format.held(x.held, x.measure) : shareText(x.share, 1);

  if (summary.direction === 'backward')
    return (
      <section className="case-summary panel" aria-label="Case summary">
        <p>
          <strong>
            Received {format.valued ? format.text(summary.received.measure) : 'value'}
          </strong>
          {usdText(usd?.stolen)}, traced back to its sources:{' '}
          {summary.sources.slice(0, SUMMARY_SERVICES_NAMED).map((s, i) => (
            <span key={`${s.category}|${s.name}`}>
              {i > 0 ? ', ' : ''}
              {amount(s.measure, s.share)} from{' '}
              <span className={s.category === 'origin' ? 'mono' : undefined}>{s.name}</span>
              {s.category !== 'origin' && s.name !== s.category
                ? ` (${s.category.replace(/_/g, ' ')})`
                : ''}
            </span>
          ))}
          {summary.sources.length > SUMMARY_SERVICES_NAMED
            ? `, and ${summary.sources.length - SUMMARY_SERVICES_NAMED} more sources`
            : ''}
          {summary.untraced > 0 ? `; ${shareText(summary.untraced, 1)} untraced` : ''}.
        </p>
      </section>
    );

  const { stolen, freezable, parts } = summary;
  const named = freezable.services.slice(0, SUMMARY_SERVICES_NAMED);
  const more = freezable.services.length - named.length;
  return (
    <section className="case-summary panel" aria-label="Case summary">
      <p>
        <strong>Stolen {format.valued ? format.text(stolen.measure) : ''}</strong>
        {usdText(usd?.stolen)}
        {stolen.first !== null ? ` from ${formatTime(stolen.first)}` : ''}.{' '}
        {freezable.services.length === 0 ? (
          <strong>Nothing reached a service that can freeze it.</strong>
        ) : (
          <>
            <strong className="summary-freezable">
              Freezable:{' '}
              {format.valued
                ? `${held(freezable)} (${shareText(freezable.share, 1)})`
                : shareText(freezable.share, 1)}
            </strong>
            {usdText(usd?.freezable)} at {freezable.services.length} service
            {freezable.services.length === 1 ? '' : 's'}:{' '}
            {named.map((s, i) => (
              <span key={s.name}>
                {i > 0 ? ', ' : ''}
                <span className={s.entity ? undefined : 'mono'}>{s.name}</span> {held(s)}
              </span>
            ))}
            {more > 0 ? `, and ${more} more` : ''} (<Link to={`?${money}`}>freeze list</Link>).
          </>
        )}{' '}
        {parts.length > 0
          ? `The rest: ${parts.map((p) => `${shareText(p.share, 1)} ${p.label}`).join(', ')}.`
          : ''}
      </p>
      {usd && usd.sources.length > 0 ? (
        <p className="muted case-summary-prices">
          USD prices: {usd.sources.map((s) => `${s.source} (${s.from} to ${s.to})`).join('; ')}
          {usd.unpriced.length > 0
            ? `; no price for ${usd.unpriced.map((u) => `${u.chain} ${u.asset}`).join(', ')}`
            : ''}
          .
        </p>
      ) : null}
    </section>
  );
}
