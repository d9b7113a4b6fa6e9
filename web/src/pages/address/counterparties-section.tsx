import { useState } from 'react';
import { useLoad, useSession } from '../../api/session.tsx';
import { AddressLink } from '../../components/address-link.tsx';
import { Amount } from '../../components/amount.tsx';
import { Async, Empty } from '../../components/states.tsx';
import { formatShare } from '../../lib/format.ts';
import type { CounterpartyFlows, LabelRef } from './api-types.ts';
import { CategoryBadge, isForbidden, PreciseAmount } from './shared.tsx';

const LIMIT = 100;
/** Rows shown per asset before "Show all": long tails bury the other assets. */
const COLLAPSED = 10;

/** `part / whole` of two raw integer strings, precise enough for a percentage. */
function ratio(part: string, whole: string): number {
  const w = BigInt(whole);
  if (w === 0n) return 0;
  return Number((BigInt(part) * 1_000_000n) / w) / 1_000_000;
}

/**
 * Who received from (out) or sent to (in) the address, per asset, largest first, with totals. The
 * flows endpoint gives no labels; labels shown are those the risk screening found on direct
 * counterparties (`knownLabels`), so a counterparty without one may still be labelled.
 */
export function CounterpartiesSection(props: {
  chain: string;
  address: string;
  knownLabels: Map<string, LabelRef[]>;
}) {
  const { api, me, asset: assetInfo } = useSession();
  const [direction, setDirection] = useState<'out' | 'in'>('out');
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const loaded = useLoad(
    () =>
      api.get<CounterpartyFlows>(
        `/v1/addresses/${encodeURIComponent(props.chain)}/${encodeURIComponent(props.address)}/counterparties`,
        { direction, limit: LIMIT },
      ),
    [api, props.chain, props.address, direction],
  );
  return (
    <section className="panel" aria-labelledby="counterparties-heading">
      <div className="row">
        <h2 id="counterparties-heading">Counterparties</h2>
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="Counterparty direction">
          {(['out', 'in'] as const).map((d) => (
            <button
              key={d}
              type="button"
              className={direction === d ? '' : 'ghost'}
              aria-pressed={direction === d}
              onClick={() => setDirection(d)}
            >
              {d === 'out' ? 'Sent to' : 'Received from'}
            </button>
          ))}
        </div>
      </div>
      <p className="muted small">
        Totals per asset (fees and transfers to itself left out), largest first (up to {LIMIT} per
        asset). Labels are those the risk screening found among direct counterparties.
      </p>
      {isForbidden(loaded.error) ? (
        <div className="state">Counterparties are not open to this key (role {me.role}).</div>
      ) : (
        <Async loaded={loaded} what="the counterparties">
          {(flows) =>
            flows.assets.length === 0 ? (
              <Empty>
                {direction === 'out'
                  ? 'This address sent nothing to anyone.'
                  : 'This address received nothing from anyone.'}
              </Empty>
            ) : (
              <div className="table-wrap" aria-busy={loaded.loading}>
                <table aria-label="Counterparties" className="data-table">
                  <thead>
                    <tr>
                      <th scope="col">Counterparty</th>
                      <th scope="col" className="num">
                        {direction === 'out' ? 'Sent' : 'Received'}
                      </th>
                      <th scope="col" className="num">
                        Share
                      </th>
                      <th scope="col" className="num">
                        Transfers
                      </th>
                      <th scope="col">Label</th>
                    </tr>
                  </thead>
                  {[...flows.assets]
                    .sort((a, b) => (a.asset === 'native' ? -1 : b.asset === 'native' ? 1 : 0))
                    .map((a) => {
                      const symbol = assetInfo(flows.chain, a.asset).symbol ?? a.asset;
                      return (
                        <tbody key={a.asset}>
                          <tr className="group-row">
                            <th scope="rowgroup" colSpan={5}>
                              {symbol}: <Amount chain={flows.chain} asset={a.asset} raw={a.total} />{' '}
                              in all, {a.counterparties} counterpart
                              {a.counterparties === 1 ? 'y' : 'ies'}
                              {a.flows.length < a.counterparties
                                ? ` (largest ${a.flows.length} shown)`
                                : ''}
                            </th>
                          </tr>
                          {(expanded.has(a.asset) ? a.flows : a.flows.slice(0, COLLAPSED)).map(
                            (f) => {
                              const labels = props.knownLabels.get(f.counterparty.toLowerCase());
                              return (
                                <tr key={f.counterparty}>
                                  <td>
                                    <AddressLink chain={flows.chain} address={f.counterparty} />
                                  </td>
                                  <td className="num">
                                    <PreciseAmount
                                      chain={flows.chain}
                                      asset={a.asset}
                                      raw={f.amount}
                                    />
                                  </td>
                                  <td className="num">
                                    {formatShare(ratio(f.amount, a.total), 1)}
                                  </td>
                                  <td className="num">{f.transfers}</td>
                                  <td>
                                    {labels?.length
                                      ? [
                                          ...new Set(
                                            labels.map((l) => `${l.category}|${l.entity ?? ''}`),
                                          ),
                                        ].map((key) => {
                                          const [category, entity] = key.split('|');
                                          return (
                                            <span key={key} className="label-chip">
                                              <CategoryBadge category={category!} /> {entity}
                                            </span>
                                          );
                                        })
                                      : null}
                                  </td>
                                </tr>
                              );
                            },
                          )}
                          {a.flows.length > COLLAPSED ? (
                            <tr>
                              <td colSpan={5}>
                                <button
                                  type="button"
                                  className="link-button"
                                  aria-expanded={expanded.has(a.asset)}
                                  onClick={() =>
                                    setExpanded((e) => {
                                      const next = new Set(e);
                                      if (next.has(a.asset)) next.delete(a.asset);
                                      else next.add(a.asset);
                                      return next;
                                    })
                                  }
                                >
                                  {expanded.has(a.asset)
                                    ? `Show the largest ${COLLAPSED} ${symbol} counterparties only`
                                    : `Show all ${a.flows.length} ${symbol} counterparties`}
                                </button>
                              </td>
                            </tr>
                          ) : null}
                        </tbody>
                      );
                    })}
                </table>
              </div>
            )
          }
        </Async>
      )}
    </section>
  );
}
