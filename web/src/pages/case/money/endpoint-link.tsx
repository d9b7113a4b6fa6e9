import { AddressLink } from '../../../components/address-link.tsx';
import { TxLink } from '../../address/shared.tsx';
import type { MeasuredEndpoint } from './endpoint-lists.ts';

/**
 * Where an endpoint is, linked to its page: an address's, or, for a UTXO transaction the trace
 * stopped at (a CoinJoin), the transaction's: it has no address page.
 */
export function EndpointLink(props: {
  endpoint: Pick<MeasuredEndpoint, 'chain' | 'address' | 'transaction'>;
}) {
  const e = props.endpoint;
  return e.transaction ? (
    <>
      <TxLink chain={e.chain} hash={e.address} /> <span className="muted">transaction</span>
    </>
  ) : (
    <AddressLink chain={e.chain} address={e.address} />
  );
}
