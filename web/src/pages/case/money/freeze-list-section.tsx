import { useId, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { AddressLink } from '../../../components/address-link.tsx';
import { Amount } from '../../../components/amount.tsx';
import { formatTime, shortAddress } from '../../../lib/format.ts';
import { copyText, downloadText } from './browser.ts';
import {
  freezeListCsv,
  freezeRequestText,
  slug,
  type FreezeContext,
  type FreezeExchange,
} from './freeze-list.ts';
import { heldAmounts } from './held-amounts.ts';
import { ValueAndShare } from './measure.tsx';
import type { Valuation } from './valuation.ts';
import { shareText } from './text.ts';

type Notice = { exchange: string; copied: boolean; text: string } | null;

function Totals(props: { exchange: FreezeExchange }) {
  return (
    <>
      {props.exchange.totals.map((t, i) => (
        <span key={`${t.chain}|${t.asset}`}>
          {i > 0 ? ' + ' : null}
          <Amount chain={t.chain} asset={t.asset} raw={t.amount} />
        </span>
      ))}
    </>
  );
}

function ExchangeGroup(props: {
  exchange: FreezeExchange;
  ctx: FreezeContext;
  onCopy: (x: FreezeExchange) => void;
}) {
  const x = props.exchange;
  const nameId = useId();
  const fileBase = `freeze-list-${slug(props.ctx.caseName)}-${slug(x.name)}`;
  return (
    <tbody className="freeze-group">
      <tr className="freeze-group-head">
        <th scope="rowgroup" id={nameId} className="freeze-exchange">
          {x.entity ?? <span className="mono">{x.name}</span>}
          <span className="muted freeze-count">
            {x.deposits.length} deposit address{x.deposits.length === 1 ? '' : 'es'}
          </span>
        </th>
        <td className="freeze-address-cell muted" data-label="Total">
          Total
        </td>
        <td className="num" data-label="Amount">
          <strong>
            <Totals exchange={x} />
          </strong>
        </td>
        <td className="num" data-label="Share of stolen">
          <strong>{shareText(x.share)}</strong>
        </td>
        <td className="freeze-actions">
          <button type="button" aria-describedby={nameId} onClick={() => props.onCopy(x)}>
            Copy request
          </button>
          <button
            type="button"
            className="ghost"
            aria-describedby={nameId}
            onClick={() => downloadText(`${fileBase}.csv`, freezeListCsv([x], props.ctx))}
          >
            Download CSV
          </button>
        </td>
      </tr>
      {x.deposits.map((d) => (
        <tr key={`${d.chain}|${d.address}|${d.asset}`}>
          <td
            className={x.entity ? 'freeze-name muted' : 'freeze-name muted mono'}
            data-label="Exchange"
          >
            {x.name}
          </td>
          <td data-label="Deposit address">
            <AddressLink chain={d.chain} address={d.address} full />
            {d.category !== 'deposit_wallet' ? (
              <span className="badge freeze-category">{d.category.replace(/_/g, ' ')}</span>
            ) : null}
            {d.inferred ? (
              <span
                className="badge freeze-category"
                title={`No list names this address: it sweeps what it receives to ${d.inferred.exchangeAddress} (${d.inferred.sweeps.join(', ')}); confidence ${d.inferred.confidence}/100`}
              >
                inferred deposit address
              </span>
            ) : null}
          </td>
          <td className="num" data-label="Amount">
            <Amount chain={d.chain} asset={d.asset} raw={d.amount} />
          </td>
          <td className="num" data-label="Share of stolen">
            {shareText(d.share)}
          </td>
          <td data-label="Arrived by">
            {d.arrivals.length === 0 ? (
              <span className="muted">no transaction in the trace</span>
            ) : (
              <ul className="arrivals">
                {d.arrivals.map((a) => (
                  <li key={a.txHash}>
                    <Link
                      className="mono"
                      to={`/tx/${encodeURIComponent(d.chain)}/${encodeURIComponent(a.txHash)}`}
                      title={a.txHash}
                    >
                      {shortAddress(a.txHash, 8)}
                    </Link>{' '}
                    <time dateTime={new Date(a.time * 1000).toISOString()} className="muted">
                      {formatTime(a.time)}
                    </time>
                  </li>
                ))}
              </ul>
            )}
          </td>
        </tr>
      ))}
    </tbody>
  );
}

/**
 * The freeze list: per exchange (largest first) its deposit addresses, amounts, shares and the
 * transactions by which the stolen value arrived; a plain-text freeze request to copy and a CSV
 * per exchange, and one CSV of all.
 */
export function FreezeListSection(props: {
  exchanges: FreezeExchange[];
  ctx: FreezeContext;
  valuation: Valuation;
  /** What to do with the deposit addresses (watch them). */
  action?: ReactNode;
}) {
  const { exchanges, ctx, valuation } = props;
  const [notice, setNotice] = useState<Notice>(null);
  const total = useMemo(
    () => ({
      share: exchanges.reduce((s, x) => s + x.share, 0),
      measure: exchanges.reduce((s, x) => s + x.measure, 0),
      deposits: exchanges.reduce((s, x) => s + x.deposits.length, 0),
      held: heldAmounts(exchanges.flatMap((x) => x.deposits)),
    }),
    [exchanges],
  );
  const onCopy = async (x: FreezeExchange) => {
    const text = freezeRequestText(x, ctx);
    const copied = await copyText(text);
    setNotice({ exchange: x.name, copied, text });
  };
  return (
    <section className="panel" aria-labelledby="freeze-list-heading">
      <div className="row money-section-head">
        <h2 id="freeze-list-heading">Freeze list</h2>
        <span className="spacer" />
        <button
          type="button"
          disabled={exchanges.length === 0}
          onClick={() =>
            downloadText(`freeze-list-${slug(ctx.caseName)}.csv`, freezeListCsv(exchanges, ctx))
          }
        >
          Download freeze list (CSV)
        </button>
      </div>
      {exchanges.some((x) => x.deposits.some((d) => d.category === 'deposit_wallet'))
        ? props.action
        : null}
      {exchanges.length === 0 ? (
        <p className="muted">
          None of the traced value reached an exchange, instant exchange or OTC desk: there is
          nothing to ask an exchange to freeze.
        </p>
      ) : (
        <>
          <p className="muted">
            <ValueAndShare
              valuation={valuation}
              measure={total.measure}
              share={total.share}
              held={total.held}
            />{' '}
            reached {total.deposits} deposit address
            {total.deposits === 1 ? '' : 'es'} at {exchanges.length} service
            {exchanges.length === 1 ? '' : 's'} that can freeze it. Amounts are what the trace
            follows there ({ctx.policy} policy), not the addresses' balances.
          </p>
          <div aria-live="polite" role="status" className="freeze-notice">
            {notice ? (
              notice.copied ? (
                <span>Freeze request for {notice.exchange} copied to the clipboard.</span>
              ) : (
                <span>
                  The browser did not allow copying: select the request below and copy it.
                </span>
              )
            ) : null}
          </div>
          {notice && !notice.copied ? (
            <div className="freeze-manual">
              <label htmlFor="freeze-request-text">Freeze request for {notice.exchange}</label>
              <textarea
                id="freeze-request-text"
                readOnly
                rows={12}
                value={notice.text}
                onFocus={(e) => e.currentTarget.select()}
              />
              <button type="button" className="ghost" onClick={() => setNotice(null)}>
                Close
              </button>
            </div>
          ) : null}
          <div className="table-wrap">
            <table aria-label="Freeze list" className="freeze-table">
              <thead>
                <tr>
                  <th scope="col">Exchange</th>
                  <th scope="col">Deposit address</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col" className="num">
                    Share of stolen
                  </th>
                  <th scope="col">Arrived by (transaction, time)</th>
                </tr>
              </thead>
              {exchanges.map((x) => (
                <ExchangeGroup key={x.name} exchange={x} ctx={ctx} onCopy={(e) => void onCopy(e)} />
              ))}
            </table>
          </div>
        </>
      )}
    </section>
  );
}
