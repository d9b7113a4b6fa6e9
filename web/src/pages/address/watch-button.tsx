import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../api/session.tsx';
import type { Watchlist } from '../../api/types.ts';
import { ErrorView } from '../../components/states.tsx';
import { shortAddress } from '../../lib/format.ts';

/**
 * "Watch": alerts when the address moves funds. Adds it to one of the organisation's watchlists
 * (`POST /v1/watchlists/{id}/addresses`) or starts a new one (`POST /v1/watchlists`). Investigators
 * only; for others it is not shown.
 */
export function WatchAddressButton(props: { chain: string; address: string }) {
  const { api, me } = useSession();
  const ids = useId();
  const [open, setOpen] = useState(false);
  const [lists, setLists] = useState<Watchlist[] | null>(null);
  const [choice, setChoice] = useState('');
  const [name, setName] = useState(`Watch ${shortAddress(props.address)}`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (me.role !== 'investigator' && me.role !== 'admin') return null;

  const toggle = () => {
    setOpen((o) => !o);
    setError(null);
    if (lists === null)
      api.get<{ watchlists: Watchlist[] }>('/v1/watchlists', { limit: 1000 }).then(
        (r) => setLists(r.watchlists),
        (e: Error) => setError(e),
      );
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const address = { chain: props.chain, address: props.address };
    try {
      if (choice) {
        const r = await api.post<{ watchlist: Watchlist; added: unknown[] }>(
          `/v1/watchlists/${encodeURIComponent(choice)}/addresses`,
          { addresses: [address] },
        );
        setDone(
          r.added.length
            ? `Watching it in “${r.watchlist.name}”.`
            : `Already watched in “${r.watchlist.name}”.`,
        );
      } else {
        const w = await api.post<Watchlist>('/v1/watchlists', {
          name: name.trim() || `Watch ${shortAddress(props.address)}`,
          addresses: [address],
        });
        setDone(`Watching it in the new watchlist “${w.name}”.`);
        setLists((l) => (l ? [w, ...l] : l));
      }
      setOpen(false);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="watch-address">
      <button
        type="button"
        className="ghost"
        aria-expanded={open}
        aria-controls={`${ids}-form`}
        onClick={toggle}
      >
        Watch
      </button>
      <span role="status" className="muted small">
        {done ? (
          <>
            {done} <Link to="/alerts">Alerts</Link>
          </>
        ) : null}
      </span>
      {open ? (
        <form id={`${ids}-form`} className="watch-address-form" onSubmit={(e) => void submit(e)}>
          <label htmlFor={`${ids}-list`}>Watchlist</label>
          <select id={`${ids}-list`} value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">A new watchlist</option>
            {(lists ?? []).map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
          {choice ? null : (
            <>
              <label htmlFor={`${ids}-name`}>Name</label>
              <input
                id={`${ids}-name`}
                maxLength={200}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            </>
          )}
          <button type="submit" disabled={busy}>
            {busy ? 'Watching…' : 'Start watching'}
          </button>
        </form>
      ) : null}
      {error ? <ErrorView error={error} /> : null}
    </div>
  );
}
