import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { Loaded } from '../../api/session.tsx';
import { useSession } from '../../api/session.tsx';
import { ConfirmDelete, useDeletion } from '../../components/confirm-delete.tsx';
import { AddressLink } from '../../components/address-link.tsx';
import { Async, Empty, ErrorView } from '../../components/states.tsx';
import { chainChoices } from '../../lib/chains.ts';
import type { NewWatchlist, Watchlist } from './types.ts';

const MIN_SECRET = 16;
/** Addresses of a watchlist shown before "Show all". */
const SHOWN_ADDRESSES = 3;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function WatchlistItem(props: { w: Watchlist; canWrite: boolean; onDeleted: () => void }) {
  const { w } = props;
  const { confirming, setConfirming, busy, error, remove } = useDeletion(
    `/v1/watchlists/${encodeURIComponent(w.id)}`,
    props.onDeleted,
  );
  const [all, setAll] = useState(false);
  const shown = all ? w.addresses : w.addresses.slice(0, SHOWN_ADDRESSES);
  return (
    <li className="watchlist">
      <div className="row">
        <strong>{w.name}</strong>
        <span className="spacer" />
        {props.canWrite && !confirming ? (
          <button
            type="button"
            className="ghost small"
            aria-label={`Stop watching ${w.name}`}
            onClick={() => setConfirming(true)}
          >
            Stop watching
          </button>
        ) : null}
      </div>
      <div className="muted watchlist-meta">
        {w.addresses.length} address{w.addresses.length === 1 ? '' : 'es'}
        {w.traceId ? ` + ${w.traceAddressCount} from trace ${w.traceId.slice(0, 8)}…` : ''}
        {w.webhook ? ` · webhook to ${hostOf(w.webhook.url)}` : ''} · since{' '}
        {new Date(w.createdAt).toLocaleDateString()}
        {w.case ? (
          <>
            {' '}
            · from case <Link to={`/cases/${encodeURIComponent(w.case.id)}`}>{w.case.name}</Link>
          </>
        ) : null}
      </div>
      {shown.length ? (
        <ul className="watchlist-addresses" aria-label={`Addresses watched by ${w.name}`}>
          {shown.map((a) => (
            <li key={`${a.chain}:${a.address}`}>
              <AddressLink chain={a.chain} address={a.address} />{' '}
              <span className="muted">{a.chain}</span>
            </li>
          ))}
          {w.addresses.length > SHOWN_ADDRESSES ? (
            <li>
              <button
                type="button"
                className="ghost small"
                aria-expanded={all}
                onClick={() => setAll((a) => !a)}
              >
                {all
                  ? 'Show fewer'
                  : `Show all ${w.addresses.length.toLocaleString('en-US')} addresses`}
              </button>
            </li>
          ) : null}
        </ul>
      ) : null}
      {confirming ? (
        <ConfirmDelete
          className="watchlist-confirm"
          label={`Confirm: stop watching ${w.name}`}
          question="Stop watching? Its alerts stay."
          action="Delete watchlist"
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
      {error ? <ErrorView error={error} /> : null}
    </li>
  );
}

/** The "Watch an address" form: `POST /v1/watchlists` with addresses and an optional webhook. */
function WatchForm(props: { onCreated: (w: Watchlist) => void }) {
  const { api, chains } = useSession();
  const ids = useId();
  const chainOptions = chainChoices(chains);
  const [name, setName] = useState('');
  const [chain, setChain] = useState(chainOptions[0] ?? 'ethereum');
  const [addresses, setAddresses] = useState('');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setInvalid(null);
    setError(null);
    setCreated(null);
    const list = [...new Set(addresses.split(/[\s,;]+/).filter(Boolean))];
    if (!name.trim()) return setInvalid('Name the watchlist.');
    if (!list.length) return setInvalid('Give at least one address to watch.');
    if (url.trim() && secret.length < MIN_SECRET)
      return setInvalid(`A webhook needs a secret of at least ${MIN_SECRET} characters.`);
    const body: NewWatchlist = {
      name: name.trim(),
      addresses: list.map((address) => ({ chain, address })),
    };
    if (url.trim()) body.webhook = { url: url.trim(), secret };
    setBusy(true);
    try {
      const w = await api.post<Watchlist>('/v1/watchlists', body);
      setName('');
      setAddresses('');
      setUrl('');
      setSecret('');
      setCreated(
        `Watching ${w.addresses.length} address${w.addresses.length === 1 ? '' : 'es'} as “${w.name}”.`,
      );
      props.onCreated(w);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="watch-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby={`${ids}-title`}
    >
      <h3 id={`${ids}-title`}>Watch an address</h3>
      <label htmlFor={`${ids}-name`}>Watchlist name</label>
      <input
        id={`${ids}-name`}
        maxLength={200}
        value={name}
        placeholder="e.g. Bybit exploiter"
        onChange={(e) => setName(e.target.value)}
      />
      <label htmlFor={`${ids}-chain`}>Chain</label>
      <select id={`${ids}-chain`} value={chain} onChange={(e) => setChain(e.target.value)}>
        {chainOptions.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      <label htmlFor={`${ids}-addresses`}>Addresses to watch</label>
      <textarea
        id={`${ids}-addresses`}
        rows={3}
        className="mono"
        spellCheck={false}
        placeholder="One per line"
        value={addresses}
        onChange={(e) => setAddresses(e.target.value)}
      />
      <details>
        <summary>Webhook (optional)</summary>
        <div className="watch-webhook">
          <label htmlFor={`${ids}-url`}>Webhook URL</label>
          <input
            id={`${ids}-url`}
            type="url"
            inputMode="url"
            placeholder="https://…"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <label htmlFor={`${ids}-secret`}>Signing secret</label>
          <input
            id={`${ids}-secret`}
            type="password"
            autoComplete="new-password"
            aria-describedby={`${ids}-secret-help`}
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
          <div id={`${ids}-secret-help`} className="muted">
            At least {MIN_SECRET} characters; each delivery is signed with it (HMAC-SHA256). Stored,
            never shown again.
          </div>
        </div>
      </details>
      {invalid ? (
        <p className="error-text" role="alert">
          {invalid}
        </p>
      ) : null}
      {error ? <ErrorView error={error} /> : null}
      <div className="row">
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Start watching'}
        </button>
        <span className="muted" role="status">
          {created}
        </span>
      </div>
    </form>
  );
}

/** The organisation's watchlists, compact, and a form to watch addresses. */
export function WatchlistsPanel(props: { watchlists: Loaded<{ watchlists: Watchlist[] }> }) {
  const { me } = useSession();
  const canWrite = me.role === 'investigator' || me.role === 'admin';
  const { watchlists } = props;
  return (
    <section className="panel" aria-labelledby="watchlists-title">
      <h2 id="watchlists-title">Watchlists</h2>
      <Async loaded={watchlists} what="the watchlists">
        {({ watchlists: list }) =>
          list.length ? (
            <ul className="watchlists">
              {list.map((w) => (
                <WatchlistItem key={w.id} w={w} canWrite={canWrite} onDeleted={watchlists.reload} />
              ))}
            </ul>
          ) : (
            <Empty>No watchlists: nothing is watched yet.</Empty>
          )
        }
      </Async>
      {canWrite ? (
        <WatchForm onCreated={watchlists.reload} />
      ) : (
        <p className="muted">An investigator key can set up watchlists.</p>
      )}
    </section>
  );
}
