import { abortableDelay } from '../../ingest/sync/abortable-delay.ts';
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ConflictError, UserError } from '../../errors/base.ts';
import { normalizeAddress } from '../../model/address.ts';
import { getChain } from '../../model/chains.ts';
import type { Transfer } from '../../model/transfer.ts';
import type { Store } from '../../store/store.ts';
import { redactUrl } from '../../chains/evm/redact-url.ts';
import { effectiveLabels } from '../labels/org-labels.ts';
import type { Metrics } from '../metrics.ts';
import { claimNextVersion, claimToken } from '../../store/claim-version.ts';
import { movesOut } from './moves-out.ts';
import { checkWebhookTarget, type ResolveHost } from './webhook-target.ts';
import {
  ALERT_KIND,
  ALERT_SERVICE_CATEGORIES,
  type Alert,
  type AlertDelivery,
  type ChainAddress,
  DEAD_LETTER_KIND,
  type DeadLetter,
  isWatchableTraceNode,
  WATCHLIST_KIND,
  type WatchlistCase,
  type WatchlistRecord,
  type WatchlistView,
} from './types.ts';
import {
  DEFAULT_WEBHOOK_RETRY_POLICY,
  parseWebhookUrl,
  postWebhook,
  retryDelayMs,
  type WebhookAttempt,
  type WebhookRetryPolicy,
} from './webhook.ts';

/** Explicit addresses one watchlist may hold. */
export const MAX_WATCHLIST_ADDRESSES = 10_000;
/** Tainted addresses taken from one trace (a larger trace is mostly noise to watch). */
export const MAX_TRACE_WATCH_ADDRESSES = 100_000;
/** Shortest webhook secret accepted: 16 characters of a random secret is 80 bits or more. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
/** Webhook deliveries in flight at once (one slow receiver must not hold a thousand sockets). */
export const DEFAULT_WEBHOOK_CONCURRENCY = 8;
/** Documents read per store call when filtering alerts in memory. */
const DOCUMENT_PAGE = 1000;
/** Past alerts a stream replays at most (`since`). */
export const MAX_ALERT_REPLAY = 1000;
/**
 * A document whose body changes (a random id) whenever a watchlist is made, changed or removed, so
 * every process sharing the store knows when its watched-address index is out of date.
 */
const WATCHLISTS_GENERATION = { kind: 'generation', id: 'watchlists' } as const;
/** How often a hub with streams reads alerts other processes stored (streams hear of them that late). */
export const ALERT_POLL_INTERVAL_MS = 1000;
/**
 * How far back each read looks: an alert is stored with its writer's clock, so servers whose clocks
 * differ by more than this may miss each other's alerts in their streams (never in the list).
 */
export const ALERT_POLL_LOOKBACK_MS = 10_000;
/** Tries of a watchlist change while other servers change it, and the wait before the next (times the try). */
const WATCHLIST_CHANGE_ATTEMPTS = 10;
const WATCHLIST_RETRY_DELAY_MS = 20;
/** Alert ids a hub remembers having told its streams of. */
const NOTIFIED_IDS_KEPT = 10_000;
/** The event type of alert deliveries (webhook `X-Chaintrail-Event`). */
export const ALERT_EVENT = 'alert.fired';

/** Input of {@link AlertHub.createWatchlist}. */
export type CreateWatchlistInput = {
  org: string;
  /** The API key creating it. */
  createdBy: string;
  name: string;
  /** Addresses as given; each is checked and normalised for its chain. */
  addresses?: readonly { chain: string; address: string }[] | undefined;
  /** A done trace of the same organisation: its tainted nodes are watched. */
  trace?:
    { id: string; nodes: readonly (ChainAddress & { category: string | null })[] } | undefined;
  webhook?: { url: string; secret: string } | undefined;
  /** The case it is made from, and what of it it watches. */
  case?: WatchlistCase | undefined;
};

/** Filters of {@link AlertHub.listAlerts}. */
export type AlertFilter = {
  acknowledged?: boolean | undefined;
  watchlistId?: string | undefined;
  /** Only alerts fired at or after this Unix time (seconds). */
  since?: number | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
};

/** What a manual retry of a dead letter did. */
export type DeadLetterRetry = {
  delivered: boolean;
  /** The receiver's HTTP status, null on a network error. */
  status: number | null;
  error: string | null;
  /** The dead letter as it stands now; null once delivered (it is removed). */
  deadLetter: DeadLetter | null;
};

/** A live listener of an organisation's new alerts. */
export type AlertListener = (alert: Alert) => void;

/**
 * Watchlists, alerts and their delivery. Watched addresses live in memory (a set per chain), so
 * {@link AlertHub.evaluate} costs a map lookup per transfer when nothing matches.
 */
export type AlertHub = {
  createWatchlist(input: CreateWatchlistInput): Promise<WatchlistView>;
  /** The watchlist if it belongs to `org`; with the trace's addresses when `withTraceAddresses`. */
  getWatchlist(
    id: string,
    org: string,
    options?: { withTraceAddresses?: boolean },
  ): Promise<WatchlistView | null>;
  /** Watchlists of `org`, newest first. */
  listWatchlists(
    org: string,
    paging?: { limit?: number; offset?: number },
  ): Promise<WatchlistView[]>;
  /** Removes a watchlist of `org` (its alerts stay); null when there is none. */
  deleteWatchlist(id: string, org: string): Promise<WatchlistView | null>;
  /**
   * Adds addresses to a watchlist of `org` (each checked and normalised for its chain; one it
   * watches already is not added again); null when there is none.
   */
  addAddresses(
    id: string,
    org: string,
    addresses: readonly { chain: string; address: string }[],
  ): Promise<{ watchlist: WatchlistView; added: ChainAddress[] } | null>;
  /** The newest watchlist of `org` made from case `caseId` to watch `what`, if any. */
  caseWatchlist(
    org: string,
    caseId: string,
    what: WatchlistCase['what'],
  ): Promise<WatchlistView | null>;
  /** True when some watchlist watches an address on `chain` (a follower skips reading batches otherwise). */
  watches(chain: string): Promise<boolean>;
  /**
   * Checks new transfers (e.g. a sync batch) against every watchlist: stores an alert per transfer
   * out of a watched address and watchlist (a Bitcoin transaction spending a watched address's
   * output: one per output it pays to others, {@link movesOut}), notifies streams and starts
   * webhook deliveries. A transfer seen again (a re-synced block) does not alert twice. Fees and
   * zero amounts never alert.
   */
  evaluate(transfers: readonly Transfer[]): Promise<Alert[]>;
  /** Alerts of `org`, newest first. */
  listAlerts(org: string, filter?: AlertFilter): Promise<Alert[]>;
  getAlert(id: string, org: string): Promise<Alert | null>;
  /** Marks an alert of `org` acknowledged (again: unchanged); null when there is none. */
  acknowledge(id: string, org: string, by: string): Promise<Alert | null>;
  /** Calls `listener` with each new alert of `org`; `onEnd` when the hub closes. Returns the unsubscribe. */
  subscribe(org: string, listener: AlertListener, onEnd?: () => void): () => void;
  /** Deliveries that failed for good, newest first. */
  listDeadLetters(org: string, paging?: { limit?: number; offset?: number }): Promise<DeadLetter[]>;
  /** One more delivery attempt of a dead letter of `org`, now; null when there is none. */
  retryDeadLetter(id: string, org: string): Promise<DeadLetterRetry | null>;
  /** Resolves when evaluations and webhook deliveries in flight have ended (tests). */
  idle(): Promise<void>;
  /** Stops deliveries (those not done go to the dead-letter list) and ends every stream. */
  close(): Promise<void>;
};

/** Input of {@link createAlertHub}. */
export type CreateAlertHubParameters = {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  /** Overrides of {@link DEFAULT_WEBHOOK_RETRY_POLICY} (tests shorten the waits). */
  webhookRetry?: Partial<WebhookRetryPolicy> | undefined;
  webhookConcurrency?: number | undefined;
  /**
   * Let webhooks reach this machine and private networks (default false: a user of the API must not
   * make the server post into its own network).
   */
  allowPrivateWebhooks?: boolean | undefined;
  /** Resolves webhook host names (default: the system resolver); tests inject one. */
  resolveHost?: ResolveHost | undefined;
};

type Index = {
  records: Map<string, WatchlistRecord>;
  /** chain -> address -> ids of the watchlists watching it. */
  byChain: Map<string, Map<string, string[]>>;
};

/** An address as given, checked and in its chain's canonical form (a 400 naming it otherwise). */
function canonicalAddress(a: { chain: string; address: string }): ChainAddress {
  const chain = getChain(a.chain).key;
  return { chain, address: normalizeAddress(chain, a.address) };
}

/** The alert id of a transfer for a watchlist: the same transfer always maps to the same alert. */
function alertId(watchlistId: string, t: Transfer): string {
  return createHash('sha256')
    .update(`${watchlistId}|${t.chain}|${t.txHash}|${t.position}`)
    .digest('hex')
    .slice(0, 32);
}

function viewOf(record: WatchlistRecord, withTraceAddresses = false): WatchlistView {
  const { webhook, traceAddresses, case: made, revision: _revision, ...rest } = record;
  return {
    ...rest,
    webhook: webhook ? { url: webhook.url } : null,
    case: made ?? null,
    traceAddressCount: traceAddresses.length,
    ...(withTraceAddresses ? { traceAddresses } : {}),
  };
}

/** What a webhook receiver gets: the alert without its (changing) delivery and acknowledgement. */
function payloadOf(alert: Alert): string {
  const { delivery: _d, acknowledgedAt: _a, acknowledgedBy: _b, ...rest } = alert;
  return JSON.stringify({ type: ALERT_EVENT, alert: rest });
}

/**
 * Creates the alert hub over the store: watchlists, alerts and dead letters are documents, so they
 * outlive the process. Webhook deliveries are signed (see ./webhook.ts), retried with exponential
 * backoff on network errors, 5xx and 429, and put on the dead-letter list after the last attempt.
 *
 * @example
 * const alerts = createAlertHub({ store, logger, metrics });
 * await alerts.createWatchlist({ org: 'acme', createdBy: key.id, name: 'Exploiter', addresses: [{ chain: 'ethereum', address }] });
 * const fired = await alerts.evaluate(newTransfers);
 */
export function createAlertHub(parameters: CreateAlertHubParameters): AlertHub {
  const { store, logger, metrics } = parameters;
  const target = {
    allowPrivate: parameters.allowPrivateWebhooks ?? false,
    resolve: parameters.resolveHost,
  };
  const policy: WebhookRetryPolicy = {
    ...DEFAULT_WEBHOOK_RETRY_POLICY,
    ...parameters.webhookRetry,
  };
  const concurrency = Math.max(1, parameters.webhookConcurrency ?? DEFAULT_WEBHOOK_CONCURRENCY);
  const shutdown = new AbortController();
  let closed = false;
  let index: Promise<Index> | null = null;
  /** The watchlists' generation when `index` was read (see {@link WATCHLISTS_GENERATION}). */
  let indexGeneration: string | null = null;
  const readGeneration = async () =>
    ((await store.getDocument(WATCHLISTS_GENERATION.kind, WATCHLISTS_GENERATION.id))?.body as
      string | undefined) ?? null;
  let evaluating: Promise<unknown> = Promise.resolve();
  const inflight = new Set<Promise<void>>();
  const subscribers = new Map<string, Set<{ listener: AlertListener; onEnd?: () => void }>>();
  const locks = new Map<string, Promise<unknown>>();

  // --- watched-address index ---
  const rebuild = (records: Map<string, WatchlistRecord>): Index => {
    const byChain = new Map<string, Map<string, string[]>>();
    for (const r of records.values()) {
      for (const a of [...r.addresses, ...r.traceAddresses]) {
        let chain = byChain.get(a.chain);
        if (!chain) byChain.set(a.chain, (chain = new Map()));
        const ids = chain.get(a.address);
        if (!ids) chain.set(a.address, [r.id]);
        else if (!ids.includes(r.id)) ids.push(r.id);
      }
    }
    return { records, byChain };
  };
  const ensureIndex = (): Promise<Index> => {
    index ??= (async () => {
      // The generation first: a change made while the watchlists are read is seen at the next check.
      const generation = await readGeneration();
      const docs = await store.listDocuments({ kind: WATCHLIST_KIND });
      indexGeneration = generation;
      return rebuild(new Map(docs.map((d) => [d.id, d.body as WatchlistRecord])));
    })().catch((error: unknown) => {
      index = null;
      throw error;
    });
    return index;
  };
  /**
   * The index, read again when any process sharing the store changed a watchlist since it was read
   * (one point read of the generation document per call): a watchlist made on one `serve` process
   * alerts on another's follow loop from its next batch.
   */
  let freshening: Promise<Index> | null = null;
  const freshIndex = (): Promise<Index> => {
    // Callers at the same time share one check (and at most one reload).
    freshening ??= (async () => {
      if (index !== null) {
        await index.catch(() => undefined);
        if ((await readGeneration()) !== indexGeneration) index = null;
      }
      return ensureIndex();
    })().finally(() => (freshening = null));
    return freshening;
  };
  /**
   * Changes the index in memory after the store has the change (readers see old or new, whole), and
   * tells the other processes by a new generation. Callers hold the `index` lock, or two changes at
   * once could each drop the other's.
   */
  const changeIndex = async (fn: (records: Map<string, WatchlistRecord>) => void) => {
    const current = await ensureIndex();
    const records = new Map(current.records);
    fn(records);
    index = Promise.resolve(rebuild(records));
    await store.putDocument({ ...WATCHLISTS_GENERATION, org: null, body: randomUUID() });
    // Unknown, not the one just written: another process's change may have landed in between, so
    // the next fresh read reloads once and sees both.
    indexGeneration = null;
  };

  // --- per-document serialisation: an acknowledgement and a delivery update never overwrite each other ---
  const withLock = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (locks.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return run;
  };
  const updateAlert = (id: string, patch: (alert: Alert) => Alert) =>
    withLock(`alert:${id}`, async () => {
      const doc = await store.getDocument(ALERT_KIND, id);
      if (!doc) return null;
      const next = patch(doc.body as Alert);
      await store.putDocument({ kind: ALERT_KIND, id, org: next.org, body: next });
      return next;
    });
  const setDelivery = (id: string, delivery: Partial<AlertDelivery>) =>
    updateAlert(id, (a) => ({ ...a, delivery: { ...a.delivery, ...delivery } }));

  const putDeadLetter = async (
    alert: Alert,
    attempts: number,
    outcome: Extract<WebhookAttempt, { ok: false }>,
  ) => {
    const deadLetter: DeadLetter = {
      id: alert.id,
      org: alert.org,
      alertId: alert.id,
      watchlistId: alert.watchlistId,
      attempts,
      lastError: outcome.error,
      lastStatus: outcome.status,
      failedAt: new Date().toISOString(),
    };
    await store.putDocument({
      kind: DEAD_LETTER_KIND,
      id: deadLetter.id,
      org: alert.org,
      body: deadLetter,
    });
    await setDelivery(alert.id, { state: 'dead' });
    metrics.webhookDeliveries.inc({ outcome: 'dead_letter' });
    return deadLetter;
  };

  // --- webhook delivery ---
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (running < concurrency) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  /**
   * One attempt; a slot is held only while it runs, so receivers in backoff block no one. Null when
   * `unlessClosed` and the hub closed while it waited for a slot (nothing was sent).
   */
  const attempt = async (
    alert: Alert,
    webhook: { url: string; secret: string },
    body: string,
    unlessClosed: boolean,
  ): Promise<WebhookAttempt | null> => {
    await acquire();
    if (unlessClosed && closed) {
      release();
      return null;
    }
    // Checked again at each delivery: what the host name resolves to may have changed since.
    const refused = await checkWebhookTarget(webhook.url, target).then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    if (refused !== null) {
      release();
      return { ok: false, retryable: false, status: null, error: refused };
    }
    const outcome = await postWebhook({
      url: webhook.url,
      secret: webhook.secret,
      body,
      deliveryId: alert.id,
      event: ALERT_EVENT,
      // No shutdown signal: an attempt in flight finishes (within its timeout), since the receiver
      // may already have acted on it.
      timeoutMs: policy.attemptTimeoutMs,
      publicOnly: !target.allowPrivate,
    }).finally(release);
    metrics.webhookDeliveries.inc({ outcome: outcome.ok ? 'delivered' : 'failed' });
    return outcome;
  };

  const deliver = async (alert: Alert, watchlist: WatchlistRecord) => {
    const webhook = watchlist.webhook!;
    const body = payloadOf(alert);
    const log = { alertId: alert.id, watchlistId: watchlist.id, webhook: redactUrl(webhook.url) };
    for (let n = 1; ; n++) {
      const outcome = await attempt(alert, webhook, body, true);
      if (!outcome) {
        // Queued behind other deliveries when the server stopped: kept for a manual retry.
        await putDeadLetter(alert, n - 1, {
          ok: false,
          retryable: true,
          status: null,
          error: 'not delivered before shutdown',
        });
        return;
      }
      const at = new Date().toISOString();
      if (outcome.ok) {
        await setDelivery(alert.id, {
          state: 'delivered',
          attempts: n,
          lastAttemptAt: at,
          lastError: null,
          deliveredAt: at,
        });
        logger.debug({ ...log, attempts: n, status: outcome.status }, 'webhook delivered');
        return;
      }
      await setDelivery(alert.id, { attempts: n, lastAttemptAt: at, lastError: outcome.error });
      if (!(await freshIndex()).records.has(watchlist.id)) {
        logger.info(log, 'webhook delivery dropped: its watchlist was deleted');
        return;
      }
      if (!outcome.retryable || n >= policy.maxAttempts) {
        await putDeadLetter(alert, n, outcome);
        logger.warn(
          { ...log, attempts: n, status: outcome.status, error: outcome.error },
          'webhook delivery failed; on the dead-letter list',
        );
        return;
      }
      const delayMs = retryDelayMs(policy, n, outcome.retryAfterMs);
      if (!closed) {
        logger.info(
          { ...log, attempt: n, status: outcome.status, error: outcome.error, delayMs },
          'webhook delivery failed; retrying',
        );
        await abortableDelay(delayMs, shutdown.signal);
      }
      if (closed) {
        // Kept for a manual retry rather than lost with the process.
        await putDeadLetter(alert, n, {
          ...outcome,
          error: `${outcome.error}; not retried before shutdown`,
        });
        logger.warn(
          { ...log, attempts: n },
          'webhook delivery stopped by shutdown; on the dead-letter list',
        );
        return;
      }
    }
  };

  const startDelivery = (alert: Alert, watchlist: WatchlistRecord) => {
    const task: Promise<void> = deliver(alert, watchlist)
      .catch((err: unknown) =>
        logger.error({ err, alertId: alert.id }, 'webhook delivery bookkeeping failed'),
      )
      .finally(() => inflight.delete(task));
    inflight.add(task);
  };

  // --- evaluation ---
  /** Alerts this hub's streams were told of, oldest first (a re-synced block tells them nothing new). */
  const notified = new Set<string>();
  const notify = (alert: Alert) => {
    if (notified.has(alert.id)) return;
    notified.add(alert.id);
    if (notified.size > NOTIFIED_IDS_KEPT) notified.delete(notified.values().next().value!);
    for (const s of subscribers.get(alert.org) ?? []) {
      try {
        s.listener(alert);
      } catch (err) {
        logger.error({ err }, 'alert listener failed');
      }
    }
  };

  /** The service `to` is, for `org` (its private labels first): an open label of a service category. */
  const serviceOf = async (org: string, chain: string, to: string | null) => {
    if (to === null) return null;
    const labels = await effectiveLabels(store, org, chain, to);
    const hit = labels.find((l) => l.validTo === null && ALERT_SERVICE_CATEGORIES.has(l.category));
    return hit ? { category: hit.category, entity: hit.entity } : null;
  };

  const fire = async (matches: { transfer: Transfer; ids: readonly string[] }[]) => {
    const { records } = await ensureIndex();
    const fired: Alert[] = [];
    const services = new Map<string, Promise<Alert['service']>>();
    for (const { transfer: t, ids } of matches) {
      for (const watchlistId of ids) {
        const watchlist = records.get(watchlistId);
        if (!watchlist) continue;
        const id = alertId(watchlistId, t);
        if (await store.getDocument(ALERT_KIND, id)) continue;
        const key = `${watchlist.org}|${t.chain}|${t.to}`;
        let service = services.get(key);
        if (!service) services.set(key, (service = serviceOf(watchlist.org, t.chain, t.to)));
        const reached = await service;
        const alert: Alert = {
          id,
          org: watchlist.org,
          watchlistId,
          watchlistName: watchlist.name,
          kind: reached ? 'service_reached' : 'funds_moved',
          chain: t.chain,
          blockNumber: t.blockNumber.toString(),
          blockTime: t.blockTime,
          txHash: t.txHash,
          position: t.position,
          from: t.from!,
          to: t.to,
          asset: t.asset,
          amount: t.amount.toString(),
          transferKind: t.kind,
          service: reached,
          firedAt: new Date().toISOString(),
          acknowledgedAt: null,
          acknowledgedBy: null,
          delivery: {
            state: watchlist.webhook ? 'pending' : 'none',
            attempts: 0,
            lastAttemptAt: null,
            lastError: null,
            deliveredAt: null,
          },
        };
        // Every `serve` process following the chain may evaluate the same transfers: one of them
        // fires the alert (stores it, counts it, tells its streams, delivers its webhook); the
        // others' streams hear of it from the store (pollAlerts).
        if (!(await store.claim(`alert:${id}`, claimToken())).won) continue;
        await store.putDocument({ kind: ALERT_KIND, id, org: alert.org, body: alert });
        metrics.alertsFired.inc({ kind: alert.kind });
        logger.info(
          {
            alertId: id,
            org: alert.org,
            watchlistId,
            kind: alert.kind,
            chain: t.chain,
            txHash: t.txHash,
          },
          'alert fired',
        );
        fired.push(alert);
        notify(alert);
        if (watchlist.webhook && !closed) startDelivery(alert, watchlist);
      }
    }
    return fired;
  };

  // --- streams of alerts fired by other processes sharing the store ---
  /** When each organisation's oldest current stream began (ms): older alerts are not news to it. */
  const streamingSince = new Map<string, number>();
  let polling: NodeJS.Timeout | null = null;
  let pollRunning = false;
  /**
   * Tells this hub's streams of alerts stored by another `serve` process (or by this one's follow
   * loop when it lost the claim): the organisations with a stream read their alerts stored in the
   * last {@link ALERT_POLL_LOOKBACK_MS}, newest first, and those not told yet are.
   */
  const pollAlerts = async () => {
    for (const [org, since] of streamingSince) {
      const from = Math.max(since, Date.now() - ALERT_POLL_LOOKBACK_MS);
      const fresh: Alert[] = [];
      for await (const doc of pageDocuments(ALERT_KIND, org)) {
        // Stored times are whole seconds on some stores: one second of slack.
        if (Date.parse(doc.createdAt) < from - 1000) break;
        const alert = doc.body as Alert;
        if (!notified.has(alert.id) && Date.parse(alert.firedAt) >= since) fresh.push(alert);
      }
      for (const alert of fresh.reverse()) notify(alert);
    }
  };
  const startPolling = () => {
    if (polling) return;
    polling = setInterval(() => {
      if (pollRunning) return;
      pollRunning = true;
      pollAlerts()
        .catch((err: unknown) => logger.warn({ err }, 'reading new alerts for streams failed'))
        .finally(() => (pollRunning = false));
    }, ALERT_POLL_INTERVAL_MS);
    polling.unref();
  };
  const stopPolling = () => {
    if (polling) clearInterval(polling);
    polling = null;
  };

  const pageDocuments = async function* (kind: string, org: string) {
    for (let offset = 0; ; offset += DOCUMENT_PAGE) {
      const docs = await store.listDocuments({ kind, org, limit: DOCUMENT_PAGE, offset });
      yield* docs;
      if (docs.length < DOCUMENT_PAGE) return;
    }
  };

  /**
   * The watchlist of `org` to change, with its next revision claimed across every process sharing
   * the store (null when there is none). `unchanged` says, of the current record, whether the change
   * would leave it as it is (then nothing is claimed); it may throw to refuse the change. Tries again
   * while other processes change it, then refuses with 409.
   */
  const changeWatchlist = async (
    id: string,
    org: string,
    unchanged: (current: WatchlistRecord) => boolean = () => false,
  ): Promise<WatchlistRecord | null> => {
    for (let attempt = 1; ; attempt++) {
      const current = await ownedWatchlist(id, org);
      if (!current || unchanged(current)) return current;
      const from = current.revision ?? 0;
      const claimed = await claimNextVersion(store, `watchlist:${id}`, from, async () => {
        const now = await ownedWatchlist(id, org);
        return now !== null && (now.revision ?? 0) === from;
      });
      if (claimed) return current;
      if (attempt >= WATCHLIST_CHANGE_ATTEMPTS)
        throw new ConflictError(`Watchlist ${id} kept changing on other servers`, {
          code: 'WATCHLIST_BUSY',
          details: 'Send the change again in a moment.',
        });
      await new Promise((resolve) => setTimeout(resolve, WATCHLIST_RETRY_DELAY_MS * attempt));
    }
  };

  const ownedWatchlist = async (id: string, org: string) => {
    const doc = await store.getDocument(WATCHLIST_KIND, id);
    return doc && doc.org === org ? (doc.body as WatchlistRecord) : null;
  };

  return {
    async createWatchlist(input) {
      const name = input.name.trim();
      if (!name) throw new UserError('A watchlist needs a name', { code: 'WATCHLIST_NO_NAME' });
      const seen = new Set<string>();
      const unique = (list: ChainAddress[], a: ChainAddress) => {
        const key = `${a.chain}|${a.address}`;
        if (!seen.has(key)) {
          seen.add(key);
          list.push(a);
        }
        return list;
      };
      const given = input.addresses ?? [];
      if (given.length > MAX_WATCHLIST_ADDRESSES)
        throw new UserError(`A watchlist holds at most ${MAX_WATCHLIST_ADDRESSES} addresses`, {
          code: 'WATCHLIST_TOO_LARGE',
        });
      const addresses = given.map(canonicalAddress).reduce(unique, []);
      const traceAddresses = (input.trace?.nodes ?? [])
        .filter(isWatchableTraceNode)
        .map((n) => ({ chain: n.chain, address: n.address }))
        .reduce(unique, []);
      if (traceAddresses.length > MAX_TRACE_WATCH_ADDRESSES)
        throw new UserError(
          `The trace has ${traceAddresses.length} tainted addresses; a watchlist takes at most ${MAX_TRACE_WATCH_ADDRESSES}`,
          { code: 'WATCHLIST_TOO_LARGE', details: 'Trace with fewer hops or a higher dust limit.' },
        );
      if (addresses.length === 0 && traceAddresses.length === 0)
        throw new UserError('A watchlist needs addresses, or a trace with tainted addresses', {
          code: 'WATCHLIST_EMPTY',
        });
      let webhook: WatchlistRecord['webhook'] = null;
      if (input.webhook) {
        if (input.webhook.secret.length < MIN_WEBHOOK_SECRET_LENGTH)
          throw new UserError(
            `The webhook secret must have at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`,
            { code: 'WEBHOOK_SECRET_TOO_SHORT' },
          );
        const url = parseWebhookUrl(input.webhook.url);
        await checkWebhookTarget(url, target);
        webhook = { url, secret: input.webhook.secret };
      }
      const record: WatchlistRecord = {
        id: randomUUID(),
        org: input.org,
        name,
        addresses,
        traceId: input.trace?.id ?? null,
        traceAddresses,
        webhook,
        ...(input.case ? { case: input.case } : {}),
        createdBy: input.createdBy,
        createdAt: new Date().toISOString(),
      };
      await withLock('index', async () => {
        await store.putDocument({
          kind: WATCHLIST_KIND,
          id: record.id,
          org: record.org,
          body: record,
        });
        await changeIndex((records) => records.set(record.id, record));
      });
      return viewOf(record);
    },

    async getWatchlist(id, org, options) {
      const record = await ownedWatchlist(id, org);
      return record ? viewOf(record, options?.withTraceAddresses ?? false) : null;
    },

    async listWatchlists(org, paging = {}) {
      const docs = await store.listDocuments({
        kind: WATCHLIST_KIND,
        org,
        limit: paging.limit ?? 100,
        offset: paging.offset ?? 0,
      });
      return docs.map((d) => viewOf(d.body as WatchlistRecord));
    },

    async deleteWatchlist(id, org) {
      return withLock('index', async () => {
        const record = await changeWatchlist(id, org);
        if (!record) return null;
        await store.deleteDocument(WATCHLIST_KIND, id);
        await changeIndex((records) => records.delete(id));
        return viewOf(record);
      });
    },

    async addAddresses(id, org, given) {
      const checked = given.map(canonicalAddress);
      return withLock('index', async () => {
        const record = await changeWatchlist(id, org, (current) => {
          const have = new Set(current.addresses.map((a) => `${a.chain}|${a.address}`));
          const fresh = new Set(checked.map((a) => `${a.chain}|${a.address}`));
          const count = current.addresses.length + [...fresh].filter((k) => !have.has(k)).length;
          if (count > MAX_WATCHLIST_ADDRESSES)
            throw new UserError(
              `A watchlist holds at most ${MAX_WATCHLIST_ADDRESSES} addresses; this one has ${current.addresses.length} and would gain ${count - current.addresses.length}`,
              { code: 'WATCHLIST_TOO_LARGE' },
            );
          return [...fresh].every((k) => have.has(k));
        });
        if (!record) return null;
        const seen = new Set(record.addresses.map((a) => `${a.chain}|${a.address}`));
        const added: ChainAddress[] = [];
        for (const a of checked) {
          const key = `${a.chain}|${a.address}`;
          if (seen.has(key)) continue;
          seen.add(key);
          added.push(a);
        }
        if (record.addresses.length + added.length > MAX_WATCHLIST_ADDRESSES)
          throw new UserError(
            `A watchlist holds at most ${MAX_WATCHLIST_ADDRESSES} addresses; this one has ${record.addresses.length} and would gain ${added.length}`,
            { code: 'WATCHLIST_TOO_LARGE' },
          );
        if (added.length === 0) return { watchlist: viewOf(record), added };
        const next: WatchlistRecord = {
          ...record,
          addresses: [...record.addresses, ...added],
          revision: (record.revision ?? 0) + 1,
        };
        await store.putDocument({ kind: WATCHLIST_KIND, id, org, body: next });
        await changeIndex((records) => records.set(id, next));
        return { watchlist: viewOf(next), added };
      });
    },

    async caseWatchlist(org, caseId, what) {
      const { records } = await freshIndex();
      let newest: WatchlistRecord | null = null;
      for (const r of records.values())
        if (r.org === org && r.case?.id === caseId && r.case.what === what)
          if (!newest || r.createdAt > newest.createdAt) newest = r;
      return newest ? viewOf(newest) : null;
    },

    async watches(chain) {
      return ((await freshIndex()).byChain.get(chain)?.size ?? 0) > 0;
    },

    async evaluate(transfers) {
      const { byChain } = await freshIndex();
      // Gas is not funds moving, nor are zero-value transfers; a Bitcoin spend alerts per output.
      const found = movesOut(transfers, (chain, address) => byChain.get(chain)?.get(address));
      if (found.length === 0) return [];
      // One evaluation at a time: "is this alert new?" and storing it must not interleave.
      const run = evaluating.then(() => fire(found));
      evaluating = run.catch(() => undefined);
      return run;
    },

    async listAlerts(org, filter = {}) {
      const limit = filter.limit ?? 100;
      let skip = filter.offset ?? 0;
      const out: Alert[] = [];
      for await (const doc of pageDocuments(ALERT_KIND, org)) {
        const alert = doc.body as Alert;
        if (filter.since !== undefined && Date.parse(alert.firedAt) < filter.since * 1000) break;
        if (filter.watchlistId !== undefined && alert.watchlistId !== filter.watchlistId) continue;
        if (
          filter.acknowledged !== undefined &&
          (alert.acknowledgedAt !== null) !== filter.acknowledged
        )
          continue;
        if (skip > 0) {
          skip--;
          continue;
        }
        out.push(alert);
        if (out.length >= limit) break;
      }
      return out;
    },

    async getAlert(id, org) {
      const doc = await store.getDocument(ALERT_KIND, id);
      return doc && doc.org === org ? (doc.body as Alert) : null;
    },

    async acknowledge(id, org, by) {
      const doc = await store.getDocument(ALERT_KIND, id);
      if (!doc || doc.org !== org) return null;
      return updateAlert(id, (a) =>
        a.acknowledgedAt
          ? a
          : { ...a, acknowledgedAt: new Date().toISOString(), acknowledgedBy: by },
      );
    },

    subscribe(org, listener, onEnd) {
      const entry = { listener, ...(onEnd ? { onEnd } : {}) };
      if (closed) {
        onEnd?.();
        return () => undefined;
      }
      let set = subscribers.get(org);
      if (!set) subscribers.set(org, (set = new Set()));
      set.add(entry);
      if (!streamingSince.has(org)) streamingSince.set(org, Date.now());
      startPolling();
      return () => {
        set.delete(entry);
        if (set.size === 0 && subscribers.get(org) === set) {
          subscribers.delete(org);
          streamingSince.delete(org);
          if (subscribers.size === 0) stopPolling();
        }
      };
    },

    async listDeadLetters(org, paging = {}) {
      const docs = await store.listDocuments({
        kind: DEAD_LETTER_KIND,
        org,
        limit: paging.limit ?? 100,
        offset: paging.offset ?? 0,
      });
      return docs.map((d) => d.body as DeadLetter);
    },

    retryDeadLetter(id, org) {
      return withLock(`dead:${id}`, async (): Promise<DeadLetterRetry | null> => {
        const doc = await store.getDocument(DEAD_LETTER_KIND, id);
        if (!doc || doc.org !== org) return null;
        const deadLetter = doc.body as DeadLetter;
        const alert = await store.getDocument(ALERT_KIND, deadLetter.alertId);
        if (!alert)
          throw new ConflictError(`The alert of dead letter "${id}" no longer exists`, {
            code: 'ALERT_GONE',
          });
        const watchlist = (await freshIndex()).records.get(deadLetter.watchlistId);
        if (!watchlist?.webhook)
          throw new ConflictError(
            `Watchlist "${deadLetter.watchlistId}" was deleted or has no webhook any more`,
            { code: 'WEBHOOK_GONE' },
          );
        // The same retry sent to two servers at once must post once: the attempt is claimed.
        if (!(await store.claim(`dead:${id}:${deadLetter.attempts + 1}`, claimToken())).won)
          throw new ConflictError(`Dead letter "${id}" is being retried already`, {
            code: 'DEAD_LETTER_BUSY',
            details:
              'List the dead letters again in a moment: it is delivered or failed once more.',
          });
        const outcome = (await attempt(
          alert.body as Alert,
          watchlist.webhook,
          payloadOf(alert.body as Alert),
          false,
        ))!;
        const at = new Date().toISOString();
        const attempts = deadLetter.attempts + 1;
        if (outcome.ok) {
          await store.deleteDocument(DEAD_LETTER_KIND, id);
          await setDelivery(deadLetter.alertId, {
            state: 'delivered',
            attempts,
            lastAttemptAt: at,
            lastError: null,
            deliveredAt: at,
          });
          logger.info({ alertId: deadLetter.alertId, attempts }, 'dead letter delivered');
          return { delivered: true, status: outcome.status, error: null, deadLetter: null };
        }
        const updated: DeadLetter = {
          ...deadLetter,
          attempts,
          lastError: outcome.error,
          lastStatus: outcome.status,
          failedAt: at,
        };
        await store.putDocument({ kind: DEAD_LETTER_KIND, id, org, body: updated });
        await setDelivery(deadLetter.alertId, {
          attempts,
          lastAttemptAt: at,
          lastError: outcome.error,
        });
        return {
          delivered: false,
          status: outcome.status,
          error: outcome.error,
          deadLetter: updated,
        };
      });
    },

    async idle() {
      await evaluating;
      while (inflight.size > 0) await Promise.all([...inflight]);
    },

    async close() {
      if (closed) return;
      closed = true;
      stopPolling();
      shutdown.abort();
      for (const set of subscribers.values()) for (const s of set) s.onEnd?.();
      subscribers.clear();
      await evaluating;
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
  };
}
