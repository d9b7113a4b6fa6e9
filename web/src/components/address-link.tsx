import { Link } from 'react-router';
import { shortAddress } from '../lib/format.ts';

/** An address, linked to its page; shortened unless `full`. */
export function AddressLink(props: { chain: string; address: string; full?: boolean }) {
  return (
    <Link
      className="mono"
      to={`/address/${encodeURIComponent(props.chain)}/${encodeURIComponent(props.address)}`}
      title={props.address}
    >
      {props.full ? props.address : shortAddress(props.address)}
    </Link>
  );
}
