import { useSession } from '../api/session.tsx';
import { formatUnits } from '../lib/format.ts';

/** A raw amount of an asset in whole units with its symbol; the raw value in the tooltip. */
export function Amount(props: { chain: string; asset: string; raw: string; maxFraction?: number }) {
  const info = useSession().asset(props.chain, props.asset);
  const symbol =
    info.symbol ?? (props.asset.length > 12 ? `${props.asset.slice(0, 8)}…` : props.asset);
  return (
    <span className="amount" title={`${props.raw} raw units of ${props.asset}`}>
      {formatUnits(props.raw, info.decimals, props.maxFraction)} {symbol}
    </span>
  );
}
