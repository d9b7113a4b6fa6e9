import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useLoad, useSession } from '../api/session.tsx';
import { Empty, ErrorView, Loading } from '../components/states.tsx';
import { formatUnits } from '../lib/format.ts';
import { AlertItem, alertSummary } from './alerts/alert-item.tsx';
import type { Following } from '../api/types.ts';
import type { Alert, Watchlist } from './alerts/types.ts';
import { useAlertStream, type StreamStatus } from './alerts/use-alert-stream.ts';
import { WatchlistsPanel } from './alerts/watchlists-panel.tsx';
import './alerts/alerts.css';

const PAGE_SIZE = 50;

/** Newest first by firedAt (ISO 8601 in UTC sorts as text), one per id; `incoming` wins. */
function merge(current: Alert[], incoming: Alert[]): Alert[] {
  const byId = new Map(current.map((a) => [a.id, a]));
  for (const a of incoming) byId.set(a.id, a);
  return [...byId.values()].sort((a, b) =>
    a.firedAt < b.firedAt ? 1 : a.firedAt > b.firedAt ? -1 : 0,
  );
}

/** Seconds left until `at`, ticking. */
function useCountdown(at: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * "Live", "Connecting…" or "Reconnecting…" with the next try, and a button to try at once; "Not
 * following any chain" when the stream is open but the server syncs no chain, so no alert can come.
 */
function LiveStatus(props: { status: StreamStatus; retryNow: () => void; following: boolean }) {
  const { status } = props;
  const seconds = useCountdown(status.state === 'reconnecting' ? status.retryAt : null);
  const idle = status.state === 'live' && !props.following;
  const label =
    status.state === 'live'
      ? idle
        ? 'Not following any chain'
        : 'Live'
      : status.state === 'connecting'
        ? 'Connecting…'
        : status.state === 'reconnecting'
          ? 'Reconnecting…'
          : 'Not live';
  return (
    <div className={`live-status ${idle ? 'idle' : status.state}`} data-testid="live-status">
      <span className="live-dot" aria-hidden="true" />
      <span>{label}</span>
      {status.state === 'reconnecting' ? (
        <span className="muted">{seconds > 0 ? `next try in ${seconds} s` : 'trying…'}</span>
      ) : null}
      {status.state === 'failed' ? <span className="muted">{status.error.message}</span> : null}
      {status.state === 'reconnecting' || status.state === 'failed' ? (
        <button type="button" className="ghost small" onClick={props.retryNow}>
          Reconnect now
        </button>
      ) : null}
    </div>
  );
}

/**
 * The alerts feed: the organisation's alerts newest first (paged, filterable), new ones arriving
 * live over Server-Sent Events and announced politely, each acknowledgeable; beside it the
 * watchlists and a form to watch an address.
 */
export default function AlertsPage() {
  const { api, me, asset } = useSession();
  const [unackedOnly, setUnackedOnly] = useState(false);
  const [watchlist, setWatchlist] = useState('');
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [tick, setTick] = useState(0);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [announcement, setAnnouncement] = useState('');
  const newest = useRef<string | undefined>(undefined);
  const filter = useRef({ unackedOnly, watchlist });
  filter.current = { unackedOnly, watchlist };
  const screener = me.role === 'screener';
  const canAck = me.role === 'investigator' || me.role === 'admin';
  const watchlists = useLoad(
    () =>
      screener
        ? Promise.resolve({ watchlists: [] as Watchlist[] })
        : api.get<{ watchlists: Watchlist[] }>('/v1/watchlists', { limit: 1000 }),
    [api, screener],
  );

  const shown = useRef<Alert[]>(alerts);
  shown.current = alerts;
  const announced = useRef(new Set<string>());
  const matches = (a: Alert) =>
    (!filter.current.unackedOnly || a.acknowledgedAt === null) &&
    (!filter.current.watchlist || a.watchlistId === filter.current.watchlist);

  const seen = (list: Alert[]) => {
    for (const a of list)
      if (!newest.current || a.firedAt > newest.current) newest.current = a.firedAt;
  };

  useEffect(() => {
    if (screener) return;
    let current = true;
    setLoading(true);
    setError(null);
    api
      .get<{ alerts: Alert[] }>('/v1/alerts', {
        limit: PAGE_SIZE,
        offset: 0,
        acknowledged: unackedOnly ? false : undefined,
        watchlist: watchlist || undefined,
      })
      .then(
        ({ alerts: page }) => {
          if (!current) return;
          seen(page);
          // Alerts the stream brought while this page loaded stay (the filter still applies).
          setAlerts((list) =>
            merge(
              list.filter((a) => announced.current.has(a.id) && matches(a)),
              page,
            ),
          );
          setHasMore(page.length === PAGE_SIZE);
          setLoading(false);
        },
        (err: Error) => {
          if (!current) return;
          setError(err);
          setLoading(false);
        },
      );
    return () => {
      current = false;
    };
  }, [api, unackedOnly, watchlist, tick, screener]);

  const loadOlder = async () => {
    setLoadingMore(true);
    setError(null);
    try {
      // Alerts acknowledged here left the unacknowledged set: the offset counts only those still in it.
      const offset = alerts.filter(matches).length;
      const { alerts: page } = await api.get<{ alerts: Alert[] }>('/v1/alerts', {
        limit: PAGE_SIZE,
        offset,
        acknowledged: unackedOnly ? false : undefined,
        watchlist: watchlist || undefined,
      });
      seen(page);
      setAlerts((list) => merge(list, page));
      setHasMore(page.length === PAGE_SIZE);
    } catch (err) {
      setError(err as Error);
    } finally {
      setLoadingMore(false);
    }
  };

  // Reads the filter and the alerts shown through refs, so the stream is not reopened on a change.
  const onAlert = useCallback(
    (a: Alert) => {
      seen([a]);
      if (!matches(a)) return;
      // A replayed alert already on the page is not news.
      const isNew = !announced.current.has(a.id) && !shown.current.some((x) => x.id === a.id);
      setAlerts((list) => merge(list, [a]));
      if (!isNew) return;
      announced.current.add(a.id);
      setFresh((s) => new Set(s).add(a.id));
      const info = asset(a.chain, a.asset);
      setAnnouncement(
        `New alert. ${alertSummary(a, `${formatUnits(a.amount, info.decimals)} ${info.symbol ?? a.asset}`)}`,
      );
    },
    [asset],
  );
  const stream = useAlertStream(onAlert, () => newest.current, !screener);
  // Alerts fire only for blocks the server syncs: say so when it follows no chain.
  const following = useLoad(
    () =>
      screener
        ? Promise.resolve({ following: true, chains: [] } as Following)
        : api.get<Following>('/v1/alerts/following'),
    [api, screener],
  );
  const notFollowing = following.data?.following === false;

  if (screener)
    return (
      <div>
        <h1>Alerts</h1>
        <Empty>
          This key is a screening key: it can screen addresses and nothing more.{' '}
          <Link to="/screen">Go to screening</Link>.
        </Empty>
      </div>
    );

  const wlist = watchlists.data?.watchlists ?? [];
  return (
    <div className="alerts-page">
      <div className="row alerts-head">
        <h1>Alerts</h1>
        <span className="spacer" />
        <LiveStatus status={stream.status} retryNow={stream.retryNow} following={!notFollowing} />
      </div>
      {notFollowing ? (
        <p className="alerts-not-following" role="note">
          <strong>Not following any chain:</strong> alerts fire only when the server follows a chain
          (<code>chaintrail serve --follow --rpc &lt;node URL&gt;</code>). Watchlists are kept, and
          are checked once it does.
        </p>
      ) : null}
      <div className="a11y-hidden" aria-live="polite" role="status">
        {announcement}
      </div>
      <div className="alerts-layout">
        <section className="panel" aria-label="Alert feed">
          <div className="row alerts-filters">
            <label className="alerts-check">
              <input
                type="checkbox"
                checked={unackedOnly}
                onChange={(e) => setUnackedOnly(e.target.checked)}
              />{' '}
              Unacknowledged only
            </label>
            <label htmlFor="alerts-watchlist">Watchlist</label>
            <select
              id="alerts-watchlist"
              value={watchlist}
              onChange={(e) => setWatchlist(e.target.value)}
            >
              <option value="">All watchlists</option>
              {wlist.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
            {fresh.size ? (
              <button type="button" className="ghost small" onClick={() => setFresh(new Set())}>
                Mark {fresh.size} new as seen
              </button>
            ) : null}
          </div>
          {error ? <ErrorView error={error} onRetry={() => setTick((t) => t + 1)} /> : null}
          {loading && !alerts.length ? <Loading what="the alerts" /> : null}
          {!loading && !error && !alerts.length ? (
            unackedOnly || watchlist ? (
              <Empty>No alert matches these filters.</Empty>
            ) : (
              <div className="state state-empty alerts-empty">
                <p>
                  <strong>No alerts yet.</strong>
                </p>
                <p>
                  An alert fires when a watched address sends funds in a new block: a watchlist
                  names the addresses, and the API must be following the chain, started as{' '}
                  <code>chaintrail serve --follow --rpc &lt;node URL&gt;</code>.
                </p>
                <p>
                  {wlist.length
                    ? `${wlist.length} watchlist${wlist.length === 1 ? ' is' : 's are'} set up. `
                    : 'Set up one under Watchlists with “Watch an address”. '}
                  New alerts appear here at once while the feed is live.
                </p>
              </div>
            )
          ) : null}
          {alerts.length ? (
            <ol className="alerts-list" aria-label="Alerts, newest first">
              {alerts.map((a) => (
                <AlertItem
                  key={a.id}
                  alert={a}
                  fresh={fresh.has(a.id)}
                  canAck={canAck}
                  onChange={(next) => setAlerts((list) => merge(list, [next]))}
                />
              ))}
            </ol>
          ) : null}
          {hasMore ? (
            <div className="row alerts-more">
              <button
                type="button"
                className="ghost"
                disabled={loadingMore}
                onClick={() => void loadOlder()}
              >
                {loadingMore ? 'Loading…' : 'Load older alerts'}
              </button>
            </div>
          ) : null}
        </section>
        <WatchlistsPanel watchlists={watchlists} />
      </div>
    </div>
  );
}
