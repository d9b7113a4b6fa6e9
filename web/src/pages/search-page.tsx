import { useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { CATEGORIES as TAXONOMY } from '../../../src/labels/taxonomy.ts';
import { ApiError } from '../api/client.ts';
import { chainChoices } from '../lib/chains.ts';
import { useLoad, useSession } from '../api/session.tsx';
import { AddressLink } from '../components/address-link.tsx';
import { Async, Empty, ErrorView } from '../components/states.tsx';
import { classifyQuery } from '../lib/format.ts';
import type { AddressSummary, EntityProfile, LabelPage } from './address/api-types.ts';
import { CategoryBadge, isForbidden, Pager, SourceText } from './address/shared.tsx';
import './address/pages.css';

/** Chains whose addresses are not EVM addresses: an `0x…` search skips them. */
const NON_EVM = new Set([
  'bitcoin',
  'bitcoin-testnet',
  'tron',
  'litecoin',
  'bitcoin-cash',
  'bitcoin-sv',
  'bitcoin-gold',
  'dash',
  'zcash',
  'verge',
  'monero',
  'xrp',
  'solana',
  'bnb-beacon',
]);

/** The label taxonomy, whose keys `GET /v1/labels` takes as its `category` parameter. */
const CATEGORIES = Object.keys(TAXONOMY);

const PAGE = 50;

/** What one chain holds of an EVM address or transaction. */
type ChainHit = { chain: string; found: boolean; detail: string; error: Error | null };

/**
 * Looks an EVM address or transaction hash up on every candidate chain: the store may hold several
 * EVM chains, and the same 0x form is valid on all of them. Exactly one chain with data opens it.
 */
function EvmLookup(props: { kind: 'evm-address' | 'evm-tx'; value: string }) {
  const { api, chains, me } = useSession();
  const navigate = useNavigate();
  const candidates = [...new Set([...chains.filter((c) => !NON_EVM.has(c)), 'ethereum', 'anvil'])];
  const isTx = props.kind === 'evm-tx';
  const target = (chain: string) =>
    isTx
      ? `/tx/${encodeURIComponent(chain)}/${encodeURIComponent(props.value)}`
      : `/address/${encodeURIComponent(chain)}/${encodeURIComponent(props.value)}`;

  const loaded = useLoad(
    () =>
      Promise.all(
        candidates.map(async (chain): Promise<ChainHit> => {
          const path = `/${isTx ? 'v1/transactions' : 'v1/addresses'}/${encodeURIComponent(chain)}/${encodeURIComponent(props.value)}`;
          try {
            if (isTx) {
              const tx = await api.get<{ transfers: unknown[]; events: unknown[] }>(path);
              return {
                chain,
                found: true,
                detail: `${tx.transfers.length} transfer${tx.transfers.length === 1 ? '' : 's'}, ${tx.events.length} decoded event${tx.events.length === 1 ? '' : 's'}`,
                error: null,
              };
            }
            const s = await api.get<AddressSummary>(path);
            return {
              chain,
              found: s.transfers > 0 || s.labels.length > 0,
              detail: `${s.transfers.toLocaleString('en-US')} transfer${s.transfers === 1 ? '' : 's'}, ${s.labels.length} label${s.labels.length === 1 ? '' : 's'}`,
              error: null,
            };
          } catch (error) {
            // Not stored there is an answer, not a failure.
            if (error instanceof ApiError && error.status === 404)
              return { chain, found: false, detail: 'not stored', error: null };
            return { chain, found: false, detail: '', error: error as Error };
          }
        }),
      ),
    [api, props.value, props.kind, candidates.join()],
  );

  const hits = loaded.data;
  const found = hits?.filter((h) => h.found) ?? [];
  const failed = hits?.filter((h) => h.error) ?? [];
  const only = found.length === 1 && failed.length === 0 ? found[0]! : null;
  useEffect(() => {
    if (only) navigate(target(only.chain), { replace: true });
    // `target` only depends on props that already key this component.
  }, [only?.chain]);

  const what = isTx ? 'transaction' : 'address';
  return (
    <Async loaded={loaded} what={`the ${what} on ${candidates.join(', ')}`}>
      {(all) => {
        if (failed.length === all.length && all.every((h) => isForbidden(h.error)))
          return (
            <div className="state state-error" role="alert">
              <strong>
                This key (role {me.role}) cannot read {what}es.
              </strong>
              {isTx ? null : (
                <span>
                  It may still screen the address: <Link to="/screen">Screening</Link> or{' '}
                  {candidates.map((c, i) => (
                    <span key={c}>
                      {i ? ', ' : ''}
                      <Link to={target(c)}>its risk on {c}</Link>
                    </span>
                  ))}
                  .
                </span>
              )}
            </div>
          );
        if (only)
          return (
            <p className="state">
              Opening the {what} on {only.chain}…
            </p>
          );
        return (
          <>
            {found.length === 0 ? (
              <Empty>
                Nothing found for <code>{props.value}</code>: no{' '}
                {isTx ? 'stored transaction' : 'stored transfer or label'} on{' '}
                {all
                  .filter((h) => !h.error)
                  .map((h) => h.chain)
                  .join(', ') || 'any chain'}
                .
              </Empty>
            ) : (
              <p className="first">
                The {what} has data on {found.length} chains; pick one:
              </p>
            )}
            <ul className="chain-results" aria-label="Chains">
              {all
                .filter((h) => h.found || h.error || !isTx)
                .map((h) => (
                  <li key={h.chain}>
                    <Link to={target(h.chain)}>
                      {h.found ? '' : isTx ? '' : 'Open anyway on '}
                      <strong>{h.chain}</strong>
                    </Link>{' '}
                    {h.error ? (
                      <ErrorView error={h.error} onRetry={loaded.reload} />
                    ) : (
                      <span className="muted">{h.detail}</span>
                    )}
                  </li>
                ))}
            </ul>
          </>
        );
      }}
    </Async>
  );
}

/** Entity profiles shown before "Show more": the table of labels follows them. */
const PROFILES_SHOWN = 5;

/**
 * The entities among a search's matches, each once: who (actors, countries), what (categories,
 * sanctions lists), where (chains), and its addresses under it.
 */
function EntityProfiles(props: { entities: EntityProfile[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? props.entities : props.entities.slice(0, PROFILES_SHOWN);
  return (
    <section aria-labelledby="entity-profiles-heading" className="entity-profiles">
      <h3 id="entity-profiles-heading">Entities</h3>
      <ul>
        {shown.map((e) => (
          <li key={e.entity} className="entity-profile">
            <details>
              <summary>
                <strong>{e.entity}</strong>
                {e.sanctionLists.length > 0 ? (
                  <span className="badge high"> {e.sanctionLists.join(', ')}</span>
                ) : null}
                {e.private ? <span className="badge"> your label</span> : null}
                <span className="muted">
                  {' '}
                  · {e.addressCount.toLocaleString('en-US')} address
                  {e.addressCount === 1 ? '' : 'es'} on {e.chains.join(', ')} ·{' '}
                  {e.categories.map((c) => c.replace(/_/g, ' ')).join(', ')}
                  {e.actors.length > 0 ? ` · actor ${e.actors.join(', ')}` : ''}
                  {e.countries.length > 0 ? ` · ${e.countries.join(', ')}` : ''}
                </span>
              </summary>
              <ul className="entity-addresses">
                {e.addresses.map((a) => (
                  <li key={`${a.chain}|${a.address}`}>
                    <span className="badge chain-badge">{a.chain}</span>{' '}
                    <AddressLink chain={a.chain} address={a.address} full />{' '}
                    <span className="muted">{a.category.replace(/_/g, ' ')}</span>
                  </li>
                ))}
              </ul>
              {e.addressCount > e.addresses.length ? (
                <p className="muted">
                  The first {e.addresses.length} of {e.addressCount.toLocaleString('en-US')}; the
                  table below lists every label.
                </p>
              ) : null}
            </details>
          </li>
        ))}
      </ul>
      {shown.length < props.entities.length ? (
        <button type="button" className="ghost" onClick={() => setAll(true)}>
          Show {props.entities.length - shown.length} more entities
        </button>
      ) : null}
    </section>
  );
}

/** Labels whose entity, actor, category or list matches the text, paged, narrowed by chain and category. */
function LabelSearch(props: { q: string }) {
  const { api, chains } = useSession();
  const [params, setParams] = useSearchParams();
  const chain = params.get('chain') ?? '';
  const category = params.get('category') ?? '';
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const loaded = useLoad(
    () =>
      api.get<LabelPage>('/v1/labels', {
        q: props.q,
        chain: chain || undefined,
        category: category || undefined,
        limit: PAGE,
        offset,
      }),
    [api, props.q, chain, category, offset],
  );
  const set = (changes: Record<string, string>) =>
    setParams((p) => {
      for (const [k, v] of Object.entries(changes))
        if (v) p.set(k, v);
        else p.delete(k);
      return p;
    });
  return (
    <section className="panel" aria-labelledby="labels-result-heading">
      <h2 id="labels-result-heading">Labels matching “{props.q}”</h2>
      <form
        className="filters"
        onSubmit={(e) => e.preventDefault()}
        aria-label="Label filters"
        hidden={isForbidden(loaded.error)}
      >
        <div className="field">
          <label htmlFor="label-chain">Chain</label>
          <select
            id="label-chain"
            value={chain}
            onChange={(e) => set({ chain: e.target.value, offset: '' })}
          >
            <option value="">All chains</option>
            {chainChoices(chains).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="label-category">Category</label>
          <select
            id="label-category"
            value={category}
            onChange={(e) => set({ category: e.target.value, offset: '' })}
          >
            <option value="">All categories</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </div>
      </form>
      {isForbidden(loaded.error) ? (
        <div className="state">
          This key cannot search labels (a viewer or investigator key can).
        </div>
      ) : (
        <Async loaded={loaded} what="matching labels">
          {(page) =>
            page.labels.length === 0 ? (
              <Empty>
                Nothing found for “{props.q}”{chain || category ? ' with these filters' : ''}: no
                label names it as an entity, actor, category or sanctions list.
              </Empty>
            ) : (
              <div aria-busy={loaded.loading}>
                {page.entities && page.entities.length > 0 && offset === 0 ? (
                  <EntityProfiles entities={page.entities} />
                ) : null}
                <p className="muted small" aria-live="polite">
                  {page.total.toLocaleString('en-US')} label{page.total === 1 ? '' : 's'} match.
                </p>
                <div className="table-wrap">
                  <table aria-label="Matching labels" className="data-table">
                    <thead>
                      <tr>
                        <th scope="col">Address</th>
                        <th scope="col">Chain</th>
                        <th scope="col">Entity</th>
                        <th scope="col">Category</th>
                        <th scope="col">Source</th>
                        <th scope="col" className="num">
                          Confidence
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {page.labels.map((l, i) => (
                        <tr key={`${l.chain}|${l.address}|${i}`}>
                          <td>
                            <AddressLink chain={l.chain} address={l.address} />
                          </td>
                          <td>{l.chain}</td>
                          <td>
                            {l.entity ?? '—'}
                            {l.visibility === 'private' ? (
                              <span className="badge private-badge">private</span>
                            ) : null}
                          </td>
                          <td>
                            <CategoryBadge category={l.category} />
                            {l.sanctionList ? <div className="small">{l.sanctionList}</div> : null}
                          </td>
                          <td className="source-cell small">
                            <SourceText source={l.source} />
                          </td>
                          <td className="num">
                            {l.confidence === null ? '—' : `${l.confidence} / 100`}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager
                  label="Label result pages"
                  offset={offset}
                  shown={page.labels.length}
                  total={page.total}
                  pageSize={PAGE}
                  hasNext={offset + page.labels.length < page.total}
                  busy={loaded.loading}
                  onPage={(o) => set({ offset: o ? String(o) : '' })}
                />
              </div>
            )
          }
        </Async>
      )}
    </section>
  );
}

/**
 * Search results: an EVM address or transaction is looked up on every EVM chain the store may hold,
 * a Bitcoin or Tron address opens on its chain, and any other text searches labels and entities.
 */
export default function SearchPage() {
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const query = classifyQuery(q);
  if (query.kind === 'address')
    return (
      <Navigate
        replace
        to={`/address/${encodeURIComponent(query.chain)}/${encodeURIComponent(query.value)}`}
      />
    );
  const kindText =
    query.kind === 'evm-address'
      ? 'an EVM address'
      : query.kind === 'evm-tx'
        ? 'a transaction hash'
        : 'a label or entity name';
  return (
    <div className="search-page ct-pages">
      <h1>{q ? `Search results for “${q}”` : 'Search'}</h1>
      {!q ? (
        <Empty>
          Type an address (of any chain), a transaction hash, or a label or entity name in the
          search box above.
        </Empty>
      ) : (
        <>
          <p className="muted">
            <code>{q}</code> looks like {kindText}.
          </p>
          {query.kind === 'text' ? (
            <LabelSearch key={q} q={q} />
          ) : (
            <section className="panel" aria-label="Chains searched">
              <EvmLookup key={`${query.kind}|${q}`} kind={query.kind} value={query.value} />
            </section>
          )}
        </>
      )}
    </div>
  );
}
