import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client.ts';
import { useLoad, useSession } from '../api/session.tsx';
import { AddressLink } from '../components/address-link.tsx';
import { Async, Empty } from '../components/states.tsx';
import { formatTime } from '../lib/format.ts';
import type { ChainEvent, TransactionDetail, UtxoTransactionDetail } from './address/api-types.ts';
import { OpenCaseButton } from './address/open-case-button.tsx';
import { CopyButton, PreciseAmount } from './address/shared.tsx';
import { ExactAmount, UtxoSections } from './transaction/utxo-sections.tsx';
import { NamesContext, Who } from './transaction/who.tsx';
import './address/pages.css';

/** An amount of an asset the event names, or raw units when it names the pool's side only. */
function EventAmount(props: { chain: string; asset: string | null; raw: string; side?: string }) {
  if (props.asset) return <PreciseAmount chain={props.chain} asset={props.asset} raw={props.raw} />;
  return (
    <span className="amount" title="The log names the pool's token only by its index">
      {BigInt(props.raw).toLocaleString('en-US')} raw units{props.side ? ` of ${props.side}` : ''}
    </span>
  );
}

const EVENT_NAMES: Record<ChainEvent['type'], string> = {
  swap: 'Swap',
  wrap: 'Wrap',
  unwrap: 'Unwrap',
  bridge_deposit: 'Bridge deposit',
  bridge_withdrawal: 'Bridge withdrawal',
  freeze: 'Freeze',
  unfreeze: 'Unfreeze',
};

/** What a decoded event says, in one cell. */
function describe(e: ChainEvent): ReactNode {
  const c = e.chain;
  switch (e.type) {
    case 'swap': {
      const tokenIn =
        e.tokenInIndex === 0 ? 'token0' : e.tokenInIndex === 1 ? 'token1' : 'a pool token';
      const tokenOut =
        e.tokenInIndex === 0 ? 'token1' : e.tokenInIndex === 1 ? 'token0' : 'a pool token';
      return (
        <>
          <Who chain={c} address={e.account} /> gave{' '}
          <EventAmount chain={c} asset={e.assetIn} raw={e.amountIn} side={tokenIn} />;{' '}
          <Who chain={c} address={e.recipient} /> got{' '}
          <EventAmount chain={c} asset={e.assetOut} raw={e.amountOut} side={tokenOut} />{' '}
          <span className="muted">({e.protocol})</span>
        </>
      );
    }
    case 'wrap':
    case 'unwrap':
      return (
        <>
          <Who chain={c} address={e.account} /> {e.type === 'wrap' ? 'wrapped' : 'unwrapped'}{' '}
          <PreciseAmount chain={c} asset="native" raw={e.amount} />
        </>
      );
    case 'bridge_deposit':
    case 'bridge_withdrawal':
      return (
        <>
          {e.account ? (
            <>
              <Who chain={c} address={e.account} />{' '}
            </>
          ) : null}
          {e.type === 'bridge_deposit' ? 'sent' : 'received'}{' '}
          <PreciseAmount chain={c} asset={e.asset} raw={e.amount} /> through {e.protocol}
          {e.counterparty ? (
            <>
              {e.type === 'bridge_deposit' ? ' to ' : ' from '}
              <Who chain={c} address={e.counterparty} />
            </>
          ) : null}
          {e.memo ? (
            <div className="muted small">
              memo <code>{e.memo}</code>
            </div>
          ) : null}
        </>
      );
    case 'freeze':
    case 'unfreeze':
      return (
        <>
          The token issuer {e.type === 'freeze' ? 'froze' : 'unfroze'}{' '}
          <Who chain={c} address={e.account} />
        </>
      );
  }
}

/** Whether the API gave the transaction's inputs and outputs (a UTXO chain's). */
function isUtxo(tx: TransactionDetail): tx is UtxoTransactionDetail {
  return tx.inputs !== undefined && tx.outputs !== undefined;
}

/** Block, time, inputs, outputs and fee of a UTXO transaction. */
function UtxoFacts(props: { tx: UtxoTransactionDetail }) {
  const { tx } = props;
  return (
    <dl className="facts">
      <div>
        <dt>Block</dt>
        <dd title={tx.block.hash ?? undefined}>{tx.block.number}</dd>
      </div>
      <div>
        <dt>Time</dt>
        <dd>{formatTime(tx.time)}</dd>
      </div>
      <div>
        <dt>Inputs</dt>
        <dd>{tx.coinbase ? 'none (coinbase)' : tx.inputs.length}</dd>
      </div>
      <div>
        <dt>Outputs</dt>
        <dd>{tx.outputs.length}</dd>
      </div>
      <div>
        <dt>Fee</dt>
        <dd>{tx.fee === null ? '—' : <ExactAmount chain={tx.chain} raw={tx.fee} />}</dd>
      </div>
      <div>
        <dt>Decoded events</dt>
        <dd>{tx.events.length}</dd>
      </div>
    </dl>
  );
}

/** Block, time and counts of a transaction. */
function TransactionFacts(props: { tx: TransactionDetail }) {
  const { tx } = props;
  if (isUtxo(tx)) return <UtxoFacts tx={tx} />;
  const first = tx.transfers[0] ?? tx.events[0];
  return (
    <dl className="facts">
      <div>
        <dt>Block</dt>
        <dd>{first?.blockNumber ?? '—'}</dd>
      </div>
      <div>
        <dt>Time</dt>
        <dd>{formatTime(first?.blockTime)}</dd>
      </div>
      <div>
        <dt>Transfers</dt>
        <dd>{tx.transfers.length}</dd>
      </div>
      <div>
        <dt>Decoded events</dt>
        <dd>{tx.events.length}</dd>
      </div>
    </dl>
  );
}

/**
 * The transaction's transfers and decoded events, each in its table; a UTXO transaction's inputs
 * and outputs instead of its transfers (they are the same rows, grouped as the chain has them).
 */
function TransactionBody(props: { tx: TransactionDetail }) {
  const { tx } = props;
  return (
    <NamesContext.Provider value={tx.names ?? {}}>
      {isUtxo(tx) ? <UtxoSections tx={tx} /> : <TransfersSection tx={tx} />}
      <EventsSection tx={tx} />
    </NamesContext.Provider>
  );
}

/** An account chain's transaction's transfers: position, from, to, amount, asset, kind. */
function TransfersSection(props: { tx: TransactionDetail }) {
  const { tx } = props;
  return (
    <section className="panel" aria-labelledby="tx-transfers-heading">
      <h2 id="tx-transfers-heading">Transfers</h2>
      {tx.transfers.length === 0 ? (
        <Empty>No transfer of value is stored for this transaction.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-label="Transaction transfers" className="data-table">
            <thead>
              <tr>
                <th scope="col">Position</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Asset</th>
                <th scope="col">Kind</th>
              </tr>
            </thead>
            <tbody>
              {tx.transfers.map((t) => (
                <tr key={t.position}>
                  <td className="mono">{t.position}</td>
                  <td>
                    <Who chain={t.chain} address={t.from} />
                  </td>
                  <td>
                    {t.to ? (
                      <Who chain={t.chain} address={t.to} />
                    ) : (
                      <span className="muted">{t.kind === 'fee' ? 'burnt' : '—'}</span>
                    )}
                  </td>
                  <td className="num">
                    <PreciseAmount chain={t.chain} asset={t.asset} raw={t.amount} />
                  </td>
                  <td>
                    {t.asset === 'native' ? (
                      'native'
                    ) : (
                      <AddressLink chain={t.chain} address={t.asset} />
                    )}
                  </td>
                  <td>{t.kind}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The decoded events (swaps, wraps, bridges with their memos, freezes). */
function EventsSection(props: { tx: TransactionDetail }) {
  const { tx } = props;
  return (
    <section className="panel" aria-labelledby="tx-events-heading">
      <h2 id="tx-events-heading">Decoded events</h2>
      {tx.events.length === 0 ? (
        <Empty>No swap, wrap, bridge or freeze event was decoded in this transaction.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-label="Decoded events" className="data-table">
            <thead>
              <tr>
                <th scope="col">Position</th>
                <th scope="col">Event</th>
                <th scope="col">What happened</th>
                <th scope="col">Contract</th>
              </tr>
            </thead>
            <tbody>
              {tx.events.map((e) => (
                <tr key={e.position}>
                  <td className="mono">{e.position}</td>
                  <td className="nowrap">{EVENT_NAMES[e.type] ?? e.type}</td>
                  <td className="wrap">{describe(e)}</td>
                  <td>
                    <Who chain={e.chain} address={e.contract} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * A transaction: its transfers (from, to, asset, amount, kind), or on a UTXO chain its inputs,
 * outputs and fee, and its decoded events.
 */
export default function TransactionPage() {
  const params = useParams<{ chain: string; hash: string }>();
  const chain = params.chain!;
  const hash = params.hash!;
  const { api } = useSession();
  const loaded = useLoad(
    () =>
      api.get<TransactionDetail>(
        `/v1/transactions/${encodeURIComponent(chain)}/${encodeURIComponent(hash)}`,
      ),
    [api, chain, hash],
  );
  const notFound = loaded.error instanceof ApiError && loaded.error.status === 404;
  return (
    <div className="tx-page ct-pages">
      <section className="panel" aria-labelledby="tx-heading">
        <p className="eyebrow">
          Transaction on <span className="badge chain-badge">{chain}</span>
        </p>
        <div className="head-row">
          <h1 id="tx-heading" className="mono">
            {hash}
          </h1>
          <CopyButton text={hash} label="Copy the transaction hash" />
        </div>
        {loaded.data ? (
          <OpenCaseButton
            address={loaded.data.txHash}
            what="transaction"
            label="Trace in a new case"
          />
        ) : null}
        {loaded.data ? <TransactionFacts tx={loaded.data} /> : null}
      </section>
      {notFound ? (
        <div className="panel">
          <Empty>
            No transaction {hash} is stored on {chain}.{' '}
            <Link to={`/search?q=${encodeURIComponent(hash)}`}>Look for it on other chains</Link>.
          </Empty>
        </div>
      ) : (
        <Async loaded={loaded} what="the transaction">
          {(tx) => <TransactionBody tx={tx} />}
        </Async>
      )}
    </div>
  );
}
