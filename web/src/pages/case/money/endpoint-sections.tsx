import { useState, type ReactNode } from 'react';
import { AddressLink } from '../../../components/address-link.tsx';
import { Amount } from '../../../components/amount.tsx';
import { categoryLabel } from './buckets.ts';
import { bridgedByChain, type MeasuredEndpoint } from './endpoint-lists.ts';
import { EndpointLink } from './endpoint-link.tsx';
import { heldAmounts } from './held-amounts.ts';
import { ValueAndShare } from './measure.tsx';
import type { Valuation } from './valuation.ts';
import { shareText } from './text.ts';

const SHOWN = 8;

/** Columns an endpoint table may show beside its address, amount and share. */
type Column = 'entity' | 'category' | 'finding' | 'destination';

/** A compact table of endpoints, the largest first, with the rest behind a button. */
function EndpointTable(props: {
  label: string;
  endpoints: MeasuredEndpoint[];
  /** What to show beside address and amount. */
  columns: readonly Column[];
}) {
  const [all, setAll] = useState(false);
  const rows = all ? props.endpoints : props.endpoints.slice(0, SHOWN);
  const has = (c: (typeof props.columns)[number]) => props.columns.includes(c);
  return (
    <>
      <div className="table-wrap">
        <table aria-label={props.label} className="endpoint-table">
          <thead>
            <tr>
              {has('entity') ? <th scope="col">Entity</th> : null}
              {has('category') ? <th scope="col">Category</th> : null}
              {has('finding') ? <th scope="col">Finding</th> : null}
              <th scope="col">Address</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col" className="num">
                Share
              </th>
              {has('destination') ? <th scope="col">Destination</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((e, i) => (
              <tr key={`${e.chain}|${e.address}|${e.asset}|${e.destination?.address ?? ''}|${i}`}>
                {has('entity') ? <td data-label="Entity">{e.entity ?? '—'}</td> : null}
                {has('category') ? (
                  <td data-label="Category">{categoryLabel(e.category)}</td>
                ) : null}
                {has('finding') ? <td data-label="Finding">{e.finding}</td> : null}
                <td data-label="Address">
                  <EndpointLink endpoint={e} />
                </td>
                <td className="num" data-label="Amount">
                  <Amount chain={e.chain} asset={e.asset} raw={e.amount} maxFraction={2} />
                </td>
                <td className="num" data-label="Share">
                  {shareText(e.share)}
                </td>
                {has('destination') ? (
                  <td data-label="Destination">
                    {e.destination ? (
                      <>
                        <span className="badge">{e.destination.chain}</span>{' '}
                        <AddressLink
                          chain={e.destination.chain}
                          address={e.destination.address}
                          full
                        />
                      </>
                    ) : (
                      <span className="muted">not given</span>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.endpoints.length > SHOWN ? (
        <button type="button" className="ghost show-more" onClick={() => setAll((a) => !a)}>
          {all ? `Show the largest ${SHOWN}` : `Show all ${props.endpoints.length}`}
        </button>
      ) : null}
    </>
  );
}

function total(endpoints: readonly MeasuredEndpoint[]) {
  return {
    share: endpoints.reduce((s, e) => s + e.share, 0),
    measure: endpoints.reduce((s, e) => s + e.measure, 0),
    held: heldAmounts(endpoints),
  };
}

/** One group of endpoints: heading, one line of totals, its table or why it is empty. */
function EndpointGroup(props: {
  id: string;
  title: string;
  lead?: ReactNode;
  empty: string;
  endpoints: MeasuredEndpoint[];
  columns: readonly Column[];
  valuation: Valuation;
  /** What the investigator can do with these endpoints (a button). */
  action?: ReactNode;
}) {
  const t = total(props.endpoints);
  return (
    <section className="panel" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.endpoints.length === 0 ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <>
          <p className="muted">
            <ValueAndShare
              valuation={props.valuation}
              measure={t.measure}
              share={t.share}
              held={t.held}
            />{' '}
            at {props.endpoints.length} endpoint
            {props.endpoints.length === 1 ? '' : 's'}.{props.lead ? <> {props.lead}</> : null}
          </p>
          {props.action}
          <EndpointTable label={props.title} endpoints={props.endpoints} columns={props.columns} />
        </>
      )}
    </section>
  );
}

/**
 * The endpoints an exchange cannot freeze: bridged (with where they went, to follow on the other
 * chain), mixers, value still held, and any other category.
 */
export function EndpointSections(props: {
  bridged: MeasuredEndpoint[];
  mixed: MeasuredEndpoint[];
  held: MeasuredEndpoint[];
  other: MeasuredEndpoint[];
  valuation: Valuation;
  /** What to do with the still-held addresses (watch them). */
  heldAction?: ReactNode;
}) {
  const chains = bridgedByChain(props.bridged);
  return (
    <>
      <EndpointGroup
        id="money-bridged"
        title="Bridged"
        empty="None of the traced value left through a bridge."
        endpoints={props.bridged}
        columns={['entity', 'destination']}
        valuation={props.valuation}
        lead={
          chains.length > 0 ? (
            <>
              Follow them on:{' '}
              {chains.map((c, i) => (
                <span key={c.chain ?? ''}>
                  {i > 0 ? ', ' : null}
                  <strong>{c.chain ?? 'destination unknown'}</strong> ({c.count} endpoint
                  {c.count === 1 ? '' : 's'}, {shareText(c.share)})
                </span>
              ))}
              .
            </>
          ) : null
        }
      />
      <div className="grid-2">
        <EndpointGroup
          id="money-mixers"
          title="Mixers"
          empty="None of the traced value entered a mixer."
          endpoints={props.mixed}
          columns={['entity', 'finding']}
          valuation={props.valuation}
        />
        <EndpointGroup
          id="money-held"
          title="Still held"
          empty="No traced value is still held: all of it moved on to the endpoints above."
          endpoints={props.held}
          columns={[]}
          valuation={props.valuation}
          lead="The value can still move: watch these addresses."
          action={props.heldAction}
        />
      </div>
      {props.other.length > 0 ? (
        <EndpointGroup
          id="money-other"
          title="Other endpoints"
          empty=""
          endpoints={props.other}
          columns={['category', 'entity', 'finding']}
          valuation={props.valuation}
        />
      ) : null}
    </>
  );
}
