import { useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../../api/session.tsx';
import { AddressLink } from '../../../components/address-link.tsx';
import { Amount } from '../../../components/amount.tsx';
import { ErrorView, Loading } from '../../../components/states.tsx';
import { TxLink } from '../../address/shared.tsx';
import { isPseudo, looksLikeUtxoTx } from './model.ts';
import { copyText, downloadText } from '../money/browser.ts';
import { isoUtc, pathCsv, pathTsv, type PathRow } from './path-rows.ts';

/** A path's address, linked to its page; a UTXO transaction's node to the transaction's. */
function Address(props: { chain: string; address: string }) {
  return isPseudo(props.address) ? (
    <span className="mono">{props.address}</span>
  ) : looksLikeUtxoTx(props.chain, props.address) ? (
    <TxLink chain={props.chain} hash={props.address} />
  ) : (
    <AddressLink chain={props.chain} address={props.address} />
  );
}

/**
 * A row's transaction, linked to its page; on a bridge hop, the bridge and the payout on the other
 * chain (whose memo names the deposit), as no transaction joins the two chains.
 */
function Transaction(props: { row: PathRow }) {
  const r = props.row;
  const link = r.txHash ? (
    <Link
      className="mono"
      to={`/tx/${encodeURIComponent(r.toChain)}/${encodeURIComponent(r.txHash)}`}
      title={r.txHash}
    >
      {r.txHash.slice(0, 10)}…
    </Link>
  ) : null;
  if (r.bridge !== null)
    return (
      <>
        <span className="badge">{r.bridge}</span> {r.chain} to {r.toChain}
        {link ? <>: payout {link}</> : <span className="muted">: no payout transaction</span>}
      </>
    );
  return (
    link ?? (
      <span className="muted">
        {r.transfers} transfer{r.transfers === 1 ? '' : 's'} (counterparty flow)
      </span>
    )
  );
}

/**
 * The path from a seed as evidence: each transfer along it (from, to, amount in, the tainted amount
 * it carried on, transaction, time in UTC), to copy as TSV or download as CSV (full precision).
 */
export function PathTable(props: {
  /** The selected node's name, for the heading. */
  target: string;
  rows: PathRow[];
  /** Trace results still loading; the table waits for them. */
  loading: boolean;
  /** Why a trace result the path needs could not be read. */
  error: Error | null;
  /** Number of each trace in the case's list, to say which layer a row comes from. */
  traceNumber: (traceId: string) => number | null;
  /** File name stem of the case. */
  stem: string;
  onClose: () => void;
}) {
  const { asset } = useSession();
  const [notice, setNotice] = useState<string | null>(null);
  const { rows } = props;
  const hops = new Set(rows.map((r) => r.hop)).size;
  const transfers = rows.filter((r) => r.bridge === null).length;
  const bridges = [...new Set(rows.flatMap((r) => (r.bridge === null ? [] : [r.bridge])))];
  const layered = new Set(rows.map((r) => r.traceId)).size > 1;
  const copy = async () => {
    const ok = await copyText(pathTsv(rows, asset));
    setNotice(
      ok
        ? `Copied ${rows.length} row${rows.length === 1 ? '' : 's'} as tab-separated text.`
        : 'The browser refused the copy: download the CSV instead.',
    );
  };
  const download = () => {
    downloadText(`${props.stem}-path.csv`, pathCsv(rows, asset));
    setNotice(`Path downloaded as CSV (${rows.length} row${rows.length === 1 ? '' : 's'}).`);
  };
  return (
    <section className="panel gv-path" aria-labelledby="gv-path-heading">
      <div className="row">
        <h2 id="gv-path-heading">Path from a seed to {props.target}</h2>
        <span className="spacer" />
        <button type="button" onClick={() => void copy()} disabled={props.loading || !rows.length}>
          Copy
        </button>
        <button type="button" onClick={download} disabled={props.loading || !rows.length}>
          Download CSV
        </button>
        <button type="button" className="ghost" onClick={props.onClose}>
          Close
        </button>
      </div>
      {notice ? (
        <p className="muted" role="status">
          {notice}
        </p>
      ) : null}
      {props.error ? (
        <ErrorView error={props.error} />
      ) : props.loading ? (
        <Loading what="the transfers of the path" />
      ) : (
        <>
          <p className="muted gv-help">
            {transfers} transfer{transfers === 1 ? '' : 's'} over {hops} hop
            {hops === 1 ? '' : 's'}
            {bridges.length > 0
              ? `, across chains by ${bridges.join(' and ')} (no transfer joins a deposit to its payout: the payout's memo names the deposit)`
              : ''}
            , as the traces found them: the amount each transfer moved, and the part of it the trace
            counts as tainted. Times in UTC; the CSV has amounts at full precision and in raw units.
          </p>
          <div className="table-wrap">
            <table aria-label="Path from seed" className="gv-path-table">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Hop
                  </th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col" className="num">
                    Amount in
                  </th>
                  <th scope="col" className="num">
                    Tainted out
                  </th>
                  <th scope="col">Transaction</th>
                  <th scope="col">Time (UTC)</th>
                  {layered ? <th scope="col">Trace</th> : null}
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={`${r.hop}-${r.txHash ?? i}-${i}`}>
                    <td className="num" data-label="Hop">
                      {r.hop}
                    </td>
                    <td data-label="From">
                      <Address chain={r.chain} address={r.from} />
                    </td>
                    <td data-label="To">
                      <Address chain={r.toChain} address={r.to} />
                    </td>
                    <td className="num" data-label="Amount in">
                      {r.amountIn === null ? (
                        '—'
                      ) : (
                        <Amount chain={r.chain} asset={r.asset} raw={r.amountIn} />
                      )}
                    </td>
                    <td className="num" data-label="Tainted out">
                      {r.taintedOut === null ? (
                        '—'
                      ) : (
                        <Amount chain={r.chain} asset={r.asset} raw={r.taintedOut} />
                      )}
                    </td>
                    <td data-label="Transaction">
                      <Transaction row={r} />
                    </td>
                    <td data-label="Time (UTC)" className="mono">
                      {isoUtc(r.time) || '—'}
                    </td>
                    {layered ? (
                      <td data-label="Trace">
                        {r.traceId === null ? '—' : `#${props.traceNumber(r.traceId) ?? '?'}`}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
