import { useMemo, useState } from 'react';
import { Navigate, useParams } from 'react-router';
import { ApiError } from '../api/client.ts';
import { useLoad, useSession } from '../api/session.tsx';
import { Amount } from '../components/amount.tsx';
import { Async, ErrorView, Loading } from '../components/states.tsx';
import { formatTime } from '../lib/format.ts';
import type { AddressSummary, Label, LabelRef, RiskResult } from './address/api-types.ts';
import { CaseFindingsNote } from './address/case-findings-note.tsx';
import { ClusterSection, hasClusters } from './address/cluster-section.tsx';
import { CounterpartiesSection } from './address/counterparties-section.tsx';
import { ExposureSection } from './address/exposure-chart.tsx';
import { LabelsPanel } from './address/labels-panel.tsx';
import { OpenCaseButton } from './address/open-case-button.tsx';
import { RiskPanel } from './address/risk-panel.tsx';
import { CopyButton, isForbidden } from './address/shared.tsx';
import type { ScreenResponse } from './screening/types.ts';
import { TransfersSection } from './address/transfers-section.tsx';
import { WatchAddressButton } from './address/watch-button.tsx';
import './address/pages.css';

/** First and last seen, transfer count and totals per asset. */
function SummaryFacts(props: { summary: AddressSummary }) {
  const s = props.summary;
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Transfers</dt>
          <dd>{s.transfers.toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>First seen</dt>
          <dd>
            {s.firstSeen
              ? `${formatTime(s.firstSeen.time)} · block ${s.firstSeen.blockNumber}`
              : '—'}
          </dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>
            {s.lastSeen ? `${formatTime(s.lastSeen.time)} · block ${s.lastSeen.blockNumber}` : '—'}
          </dd>
        </div>
      </dl>
      {s.assets.length ? (
        <div className="table-wrap">
          <table aria-label="Totals per asset" className="totals-table data-table">
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col" className="num">
                  Received
                </th>
                <th scope="col" className="num">
                  Sent
                </th>
                <th scope="col" className="num">
                  Transfers in / out
                </th>
              </tr>
            </thead>
            <tbody>
              {s.assets.map((a) => (
                <tr key={a.asset}>
                  <td>{a.symbol ?? <span className="mono">{a.asset}</span>}</td>
                  <td className="num">
                    <Amount chain={s.chain} asset={a.asset} raw={a.received} />
                  </td>
                  <td className="num">
                    <Amount chain={s.chain} asset={a.asset} raw={a.sent} />
                  </td>
                  <td className="num">
                    {a.transfersIn} / {a.transfersOut}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No transfer of this address is stored on {s.chain}.</p>
      )}
    </>
  );
}

/**
 * An address: who it is (labels; on Bitcoin, its cluster), how risky (rules that fired, exposure by
 * category), what it did (transfers, counterparties), and a way to start a case from it.
 */
export default function AddressPage() {
  const params = useParams<{ chain?: string; address: string }>();
  if (params.chain === undefined)
    return <ChainlessAddress key={params.address} address={params.address!} />;
  // A new address starts afresh: filters, pages and hops of the previous one do not carry over.
  return (
    <AddressView
      key={`${params.chain}/${params.address}`}
      chain={params.chain}
      address={params.address!}
    />
  );
}

/**
 * An address given without its chain (`/address/0x…`): the screening tells which chain (the one
 * EVM chain where the address has transfers, a listing, else the default of its form) and why, and
 * the page shows it there. A key that may not screen is sent to the search, which asks each chain.
 */
function ChainlessAddress(props: { address: string }) {
  const { api } = useSession();
  const screened = useLoad(
    () => api.post<ScreenResponse>('/v1/screen', { addresses: [props.address], hops: 0 }),
    [api, props.address],
  );
  if (isForbidden(screened.error))
    return <Navigate replace to={`/search?q=${encodeURIComponent(props.address)}`} />;
  if (screened.error) return <ErrorView error={screened.error} onRetry={screened.reload} />;
  const result = screened.data?.results[0];
  if (!result) return <Loading what={`the chain of ${props.address}`} />;
  if (result.error !== null || result.chain === null)
    return <ErrorView error={new Error(`Not an address we can screen: ${result.error}`)} />;
  return (
    <AddressView
      key={result.chain}
      chain={result.chain}
      address={props.address}
      chainNote={result.activity?.note ?? null}
    />
  );
}

function AddressView(props: { chain: string; address: string; chainNote?: string | null }) {
  const { chain, address } = props;
  const { api, me } = useSession();
  const [hops, setHops] = useState(2);
  const base = `/v1/addresses/${encodeURIComponent(chain)}/${encodeURIComponent(address)}`;

  const summary = useLoad(() => api.get<AddressSummary>(base), [api, base]);
  const labels = useLoad(() => api.get<{ labels: Label[] }>(`${base}/labels`), [api, base]);
  const risk = useLoad(() => api.get<RiskResult>(`${base}/risk`, { hops }), [api, base, hops]);

  // Labels of direct counterparties as the screening found them: the flows carry none.
  const knownLabels = useMemo(() => {
    const map = new Map<string, LabelRef[]>();
    for (const e of risk.data?.exposure.indirect ?? [])
      for (const s of e.sources)
        if (s.hops === 1)
          map.set(s.address.toLowerCase(), [
            ...(map.get(s.address.toLowerCase()) ?? []),
            ...s.labels,
          ]);
    return map;
  }, [risk.data]);

  // A malformed address or unknown chain fails every section alike: say it once.
  const invalid =
    summary.error instanceof ApiError && summary.error.status === 400 ? summary.error : null;

  return (
    <div className="address-page ct-pages">
      <section className="panel address-head" aria-labelledby="address-heading">
        <p className="eyebrow">
          Address on <span className="badge chain-badge">{chain}</span>
        </p>
        {props.chainNote ? (
          <p className="chain-note" role="note" aria-label="Chain">
            {props.chainNote[0]!.toUpperCase() + props.chainNote.slice(1)}.
          </p>
        ) : null}
        <div className="head-row">
          <h1 id="address-heading" className="mono">
            {address}
          </h1>
          <CopyButton text={address} label="Copy the address" />
          <span className="spacer" />
          {invalid ? null : <WatchAddressButton chain={chain} address={address} />}
          {invalid ? null : <OpenCaseButton address={address} />}
        </div>
        <CaseFindingsNote labels={labels.data?.labels ?? null} />
        {invalid ? null : isForbidden(summary.error) ? (
          <p className="muted">
            This key (role {me.role}) may screen the address but not read its transfers.
          </p>
        ) : (
          <Async loaded={summary} what="the address summary">
            {(s) => <SummaryFacts summary={s} />}
          </Async>
        )}
      </section>
      {invalid ? (
        <ErrorView error={invalid} />
      ) : (
        <>
          <div className="grid-2">
            <RiskPanel
              loaded={risk}
              hops={hops}
              onHops={setHops}
              role={me.role}
              address={address}
            />
            <LabelsPanel loaded={labels} role={me.role} screened={risk.data?.labels ?? null} />
          </div>
          <section className="panel" aria-labelledby="exposure-heading">
            <h2 id="exposure-heading">Exposure by category</h2>
            {isForbidden(risk.error) ? (
              <div className="state">
                Exposure comes from the risk screening, which this key (role {me.role}) cannot run.
              </div>
            ) : risk.error ? (
              <div className="state">
                Exposure comes from the risk screening, which failed: see Risk above.
              </div>
            ) : (
              <Async loaded={risk} what="the exposure">
                {(r) => <ExposureSection chain={chain} risk={r} hops={hops} />}
              </Async>
            )}
          </section>
          {me.role === 'screener' ? null : (
            <>
              {hasClusters(chain) ? <ClusterSection chain={chain} address={address} /> : null}
              <TransfersSection
                chain={chain}
                address={address}
                assets={summary.data?.assets ?? null}
              />
              <CounterpartiesSection chain={chain} address={address} knownLabels={knownLabels} />
            </>
          )}
        </>
      )}
    </div>
  );
}
