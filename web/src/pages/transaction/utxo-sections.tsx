import type { ReactNode } from 'react';
import { useSession } from '../../api/session.tsx';
import { Amount } from '../../components/amount.tsx';
import type { ChainEvent, UtxoTransactionDetail } from '../address/api-types.ts';
import { Who } from './who.tsx';

type Leg = UtxoTransactionDetail['inputs'][number] & { nonstandard?: boolean };

/** The plain words for an output whose script has no address (the API marks it `nonstandard`). */
export const NO_ADDRESS_NOTE = 'no address: OP_RETURN or non-standard script';

const PROTOCOL_NAMES: Record<string, string> = { thorchain: 'THORChain' };

/** A value in the chain's coin to the last satoshi (`50 BTC`, `0.0001 BTC`), raw units on hover. */
export function ExactAmount(props: { chain: string; raw: string }) {
  const { decimals } = useSession().asset(props.chain, 'native');
  return <Amount chain={props.chain} asset="native" raw={props.raw} maxFraction={decimals ?? 0} />;
}

const sum = (legs: readonly Leg[]) => legs.reduce((s, l) => s + BigInt(l.value), 0n).toString();

/**
 * What a bridge event says of the output at its position: THORChain's vault (a deposit pays it) or
 * the address a payout pays.
 */
function bridgeNote(e: ChainEvent): string | null {
  if (e.type !== 'bridge_deposit' && e.type !== 'bridge_withdrawal') return null;
  const name = PROTOCOL_NAMES[e.protocol] ?? e.protocol;
  return e.type === 'bridge_deposit' ? `${name} vault (deposit)` : `paid out by ${name}`;
}

/** One table of inputs or outputs: index, address with who is behind it, exact value, total. */
function LegTable(props: {
  chain: string;
  id: string;
  caption: ReactNode;
  legs: Leg[];
  /** Notes on outputs by index (what a bridge event says of it). */
  notes?: ReadonlyMap<number, string>;
  footer?: ReactNode;
}) {
  const { chain, legs } = props;
  return (
    <div className="table-wrap">
      <table className="data-table utxo-table" aria-labelledby={`${props.id}-caption`}>
        <caption id={`${props.id}-caption`}>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Address</th>
            <th scope="col" className="num">
              Value
            </th>
          </tr>
        </thead>
        <tbody>
          {legs.map((l) => {
            const note = props.notes?.get(l.index);
            return (
              <tr key={l.index}>
                <td className="num">{l.index}</td>
                <td className="wrap">
                  {l.nonstandard ? (
                    <>
                      <span className="mono">{l.address}</span>{' '}
                      <span className="muted small">{NO_ADDRESS_NOTE}</span>
                    </>
                  ) : (
                    <Who chain={chain} address={l.address} full />
                  )}
                  {note ? <span className="badge utxo-note">{note}</span> : null}
                </td>
                <td className="num">
                  <ExactAmount chain={chain} raw={l.value} />
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td className="num">
              <ExactAmount chain={chain} raw={sum(legs)} />
            </td>
          </tr>
          {props.footer}
        </tfoot>
      </table>
    </div>
  );
}

/**
 * A UTXO transaction's inputs (the outputs it spends: address and value) and outputs, each in a
 * table with its total, and the fee (inputs minus outputs) under the outputs. A coinbase has no
 * inputs: new coins enter there. An output without an address shows its pseudo-address and says so.
 */
export function UtxoSections(props: { tx: UtxoTransactionDetail }) {
  const { tx } = props;
  const chain = tx.chain;
  const notes = new Map<number, string>();
  for (const e of tx.events) {
    const note = bridgeNote(e);
    const at = /^out:(\d+)$/.exec(e.position);
    if (note && at) notes.set(Number(at[1]), note);
  }
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return (
    <>
      <section className="panel" aria-labelledby="tx-inputs-heading">
        <h2 id="tx-inputs-heading">Inputs</h2>
        {tx.coinbase ? (
          <p className="muted">None: a coinbase. The block's reward and fees enter here.</p>
        ) : (
          <LegTable
            chain={chain}
            id="tx-inputs"
            caption={`${count(tx.inputs.length, 'input')}: the outputs this transaction spends`}
            legs={tx.inputs}
          />
        )}
      </section>
      <section className="panel" aria-labelledby="tx-outputs-heading">
        <h2 id="tx-outputs-heading">Outputs</h2>
        <LegTable
          chain={chain}
          id="tx-outputs"
          caption={`${count(tx.outputs.length, 'output')}: the new outputs it creates`}
          legs={tx.outputs}
          notes={notes}
          footer={
            <tr>
              <th scope="row" colSpan={2}>
                Fee (inputs − outputs)
              </th>
              <td className="num">
                {tx.fee === null ? (
                  <span className="muted">none (coinbase)</span>
                ) : (
                  <ExactAmount chain={chain} raw={tx.fee} />
                )}
              </td>
            </tr>
          }
        />
      </section>
    </>
  );
}
