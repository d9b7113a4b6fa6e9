import { createContext, useContext } from 'react';
import { AddressLink } from '../../components/address-link.tsx';
import type { TransactionDetail } from '../address/api-types.ts';

/** Who is behind the transaction's addresses (`names` of the API's answer). */
export const NamesContext = createContext<NonNullable<TransactionDetail['names']>>({});

/**
 * An address with the entity or category behind it when a label names it (the organisation's own
 * label marked as such), or, when the event does not name one, a dash. `full` spells the address
 * out (a Bitcoin transaction's few inputs and outputs have room for it).
 */
export function Who(props: { chain: string; address: string | null | undefined; full?: boolean }) {
  const names = useContext(NamesContext);
  if (!props.address) return <>—</>;
  const name = names[props.address];
  return (
    <span className="tx-who">
      {name ? (
        <span className="tx-name">
          {name.entity ?? name.category.replace(/_/g, ' ')}
          {name.entity ? (
            <span className="muted"> · {name.category.replace(/_/g, ' ')}</span>
          ) : null}
          {name.private ? <span className="muted"> · your label</span> : null}{' '}
        </span>
      ) : null}
      <AddressLink chain={props.chain} address={props.address} full={props.full} />
    </span>
  );
}
