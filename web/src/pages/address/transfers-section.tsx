import { useMemo, useState } from 'react';
import { useLoad, useSession } from '../../api/session.tsx';
import { AddressLink } from '../../components/address-link.tsx';
import { Async, Empty } from '../../components/states.tsx';
import { unitsNumber } from '../../lib/format.ts';
import type { AddressSummary, Transfer, TransferPage } from './api-types.ts';
import { isForbidden, Pager, PreciseAmount, TimeText, TxLink } from './shared.tsx';

/**
 * A Bitcoin input or output of the address in words: an input spends one of its outputs, an output
 * pays it; null for any other transfer.
 *
 * @example
 * utxoLeg({ kind: 'utxo_in', position: 'in:1' }); // { direction: 'spent (input)', of: 'input 1 of the transaction', kind: 'input' }
 */
export function utxoLeg(t: Pick<Transfer, 'kind' | 'position'>): {
  direction: string;
  of: string;
  kind: string;
} | null {
  if (t.kind !== 'utxo_in' && t.kind !== 'utxo_out') return null;
  const index = t.position.slice(t.position.indexOf(':') + 1);
  return t.kind === 'utxo_in'
    ? { direction: 'spent (input)', of: `input ${index} of the transaction`, kind: 'input' }
    : { direction: 'received (output)', of: `output ${index} of the transaction`, kind: 'output' };
}

type SortKey = 'time' | 'amount';
type Sort = { key: SortKey; descending: boolean } | null;
const PAGE_SIZES = [25, 50, 100, 250];

/**
 * The address's transfers, paged on the server (limit/offset, in chain order) and filtered there by
 * direction, asset and dates; sorting by time or amount reorders only the page on screen.
 */
export function TransfersSection(props: {
  chain: string;
  address: string;
  assets: AddressSummary['assets'] | null;
}) {
  const { api, asset: assetInfo, me } = useSession();
  const [direction, setDirection] = useState<'' | 'in' | 'out'>('');
  const [asset, setAsset] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [pageSize, setPageSize] = useState(50);
  const [offset, setOffset] = useState(0);
  const [sort, setSort] = useState<Sort>(null);
  const [hideFees, setHideFees] = useState(false);
  const self = props.address.toLowerCase();

  const loaded = useLoad(async () => {
    // One row more than shown tells whether a next page exists (the API gives no total).
    const page = await api.get<TransferPage>(
      `/v1/addresses/${encodeURIComponent(props.chain)}/${encodeURIComponent(props.address)}/transfers`,
      {
        limit: pageSize + 1,
        offset,
        direction: direction || undefined,
        asset: asset || undefined,
        // Dates are whole UTC days; `until` includes its day (the API compares with <=).
        since: since ? `${since}T00:00:00Z` : undefined,
        until: until ? `${until}T23:59:59Z` : undefined,
      },
    );
    return { rows: page.transfers.slice(0, pageSize), hasNext: page.transfers.length > pageSize };
  }, [api, props.chain, props.address, direction, asset, since, until, pageSize, offset]);

  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setOffset(0);
    };

  const sorted = (rows: Transfer[]) => {
    let out = hideFees ? rows.filter((t) => t.kind !== 'fee') : rows;
    if (!sort) return out;
    const value = (t: Transfer) =>
      sort.key === 'time'
        ? (t.blockTime ?? Number(t.blockNumber))
        : unitsNumber(t.amount, assetInfo(t.chain, t.asset).decimals ?? 0);
    out = [...out].sort((a, b) => value(a) - value(b));
    return sort.descending ? out.reverse() : out;
  };

  const sortHeader = (key: SortKey, label: string, className?: string) => {
    const active = sort?.key === key;
    return (
      <th
        scope="col"
        className={className}
        aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      >
        <button
          type="button"
          className="sort"
          onClick={() =>
            setSort(
              active
                ? { key, descending: !sort.descending }
                : { key, descending: key === 'amount' },
            )
          }
        >
          {label} <span aria-hidden="true">{active ? (sort.descending ? '▼' : '▲') : '↕'}</span>
          <span className="visually-hidden">, sort this page</span>
        </button>
      </th>
    );
  };

  const assetOptions = useMemo(() => props.assets ?? [], [props.assets]);

  return (
    <section className="panel" aria-labelledby="transfers-heading">
      <h2 id="transfers-heading">Transfers</h2>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Transfer filters">
        <div className="field">
          <label htmlFor="transfers-direction">Direction</label>
          <select
            id="transfers-direction"
            value={direction}
            onChange={(e) => filter(setDirection)(e.target.value as '' | 'in' | 'out')}
          >
            <option value="">In and out</option>
            <option value="in">In (received)</option>
            <option value="out">Out (sent)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="transfers-asset">Asset</label>
          <select
            id="transfers-asset"
            value={asset}
            onChange={(e) => filter(setAsset)(e.target.value)}
          >
            <option value="">All assets</option>
            {assetOptions.map((a) => (
              <option key={a.asset} value={a.asset}>
                {a.symbol ?? a.asset}
                {a.asset === 'native' ? ' (native)' : ''}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="transfers-since">From (UTC)</label>
          <input
            id="transfers-since"
            type="date"
            value={since}
            max={until || undefined}
            onChange={(e) => filter(setSince)(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="transfers-until">To (UTC, inclusive)</label>
          <input
            id="transfers-until"
            type="date"
            value={until}
            min={since || undefined}
            onChange={(e) => filter(setUntil)(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="transfers-page-size">Per page</label>
          <select
            id="transfers-page-size"
            value={pageSize}
            onChange={(e) => filter(setPageSize)(Number(e.target.value))}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={hideFees}
            onChange={(e) => setHideFees(e.target.checked)}
          />{' '}
          Hide fees on this page
        </label>
        {direction || asset || since || until ? (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setDirection('');
              setAsset('');
              setSince('');
              setUntil('');
              setOffset(0);
            }}
          >
            Clear filters
          </button>
        ) : null}
      </form>
      <p className="muted small">
        In chain order, {pageSize} per page. Sorting by time or amount reorders this page only.
        {loaded.loading && loaded.data ? <span role="status"> Loading…</span> : null}
        {sort ? (
          <>
            {' '}
            <button type="button" className="link-button" onClick={() => setSort(null)}>
              Back to chain order
            </button>
          </>
        ) : null}
      </p>
      {isForbidden(loaded.error) ? (
        <div className="state">Transfers are not open to this key (role {me.role}).</div>
      ) : (
        <Async loaded={loaded} what="the transfers">
          {({ rows, hasNext }) => {
            const shown = sorted(rows);
            return (
              <div aria-busy={loaded.loading}>
                {rows.length === 0 ? (
                  <Empty>
                    {offset > 0
                      ? 'No more transfers.'
                      : direction || asset || since || until
                        ? 'No transfer matches these filters.'
                        : 'No transfer of this address is stored.'}
                  </Empty>
                ) : (
                  <div className="table-wrap">
                    <table aria-label="Transfers" className="transfers-table data-table">
                      <thead>
                        <tr>
                          {sortHeader('time', 'Time (UTC)')}
                          <th scope="col">Dir.</th>
                          {sortHeader('amount', 'Amount', 'num')}
                          <th scope="col">Counterparty</th>
                          <th scope="col">Kind</th>
                          <th scope="col">Transaction</th>
                        </tr>
                      </thead>
                      <tbody>
                        {shown.map((t) => {
                          const out = t.from?.toLowerCase() === self;
                          const into = t.to?.toLowerCase() === self;
                          const other = out ? t.to : t.from;
                          const leg = utxoLeg(t);
                          return (
                            <tr key={`${t.txHash}|${t.position}`}>
                              <td className="time-cell" title={`block ${t.blockNumber}`}>
                                <TimeText seconds={t.blockTime} />
                              </td>
                              <td>
                                <span
                                  className={`dir ${out && into ? 'self' : out ? 'out' : 'in'}`}
                                >
                                  {leg ? leg.direction : out && into ? 'self' : out ? 'out' : 'in'}
                                </span>
                              </td>
                              <td className="num">
                                <PreciseAmount chain={t.chain} asset={t.asset} raw={t.amount} />
                              </td>
                              <td>
                                {leg ? (
                                  // A UTXO leg has no counterparty of its own: its transaction's
                                  // other inputs and outputs are on the transaction's page.
                                  <span className="muted">{leg.of}</span>
                                ) : other ? (
                                  <AddressLink chain={t.chain} address={other} />
                                ) : (
                                  <span className="muted">{t.kind === 'fee' ? 'burnt' : '—'}</span>
                                )}
                              </td>
                              <td>{leg ? leg.kind : t.kind}</td>
                              <td>
                                <TxLink chain={t.chain} hash={t.txHash} />
                              </td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                    {hideFees && shown.length < rows.length ? (
                      <p className="muted small">
                        {rows.length - shown.length} fee transfer
                        {rows.length - shown.length === 1 ? '' : 's'} hidden on this page.
                      </p>
                    ) : null}
                  </div>
                )}
                {rows.length === 0 && offset === 0 ? null : (
                  <Pager
                    label="Transfer pages"
                    offset={offset}
                    shown={rows.length}
                    pageSize={pageSize}
                    hasNext={hasNext}
                    busy={loaded.loading}
                    onPage={(o) => setOffset(o)}
                  />
                )}
              </div>
            );
          }}
        </Async>
      )}
    </section>
  );
}
