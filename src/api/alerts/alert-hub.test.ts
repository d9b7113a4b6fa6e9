import { once } from 'node:events';
import { createServer } from 'node:http';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ETH,
  labelSimulatedDeposit,
  SIM,
  simTransfers,
} from '../../../test/helpers/simulated-theft.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { simAccount } from '../../simulate/accounts.ts';
import type { Store } from '../../store/store.ts';
import { createMetrics, type Metrics } from '../metrics.ts';
import { type AlertHub, createAlertHub } from './alert-hub.ts';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';
import type { Alert } from './types.ts';

// The simulator's own actors (seed 1).
const { thief, mule1: mule, deposit, bystander } = SIM;
const SECRET = 'alert-hub-test-secret-0123';
const move = simTransfers('alert-hub-test', { secondsPerBlock: 12 });
const txHash = move.txHash;
const labelDeposit = labelSimulatedDeposit;

async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const counter = async (metrics: Metrics, name: string, labels: Record<string, string>) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = (metric?.values ?? []).find((v) =>
    Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  );
  return value?.value ?? 0;
};

describe('alert hub', () => {
  const ctx = useTempStore();
  const hubs: AlertHub[] = [];
  const receivers: TestReceiver[] = [];
  afterEach(async () => {
    for (const h of hubs.splice(0)) await h.close();
    for (const r of receivers.splice(0)) await r.close();
  });
  const makeHub = (
    options: {
      store?: Store;
      metrics?: Metrics;
      retry?: Parameters<typeof createAlertHub>[0]['webhookRetry'];
      concurrency?: number;
    } = {},
  ) => {
    const hub = createAlertHub({
      store: options.store ?? ctx.store,
      logger: pino({ level: 'silent' }),
      metrics: options.metrics ?? createMetrics(),
      webhookRetry: options.retry,
      webhookConcurrency: options.concurrency,
      // The test receivers run on this machine.
      allowPrivateWebhooks: true,
    });
    hubs.push(hub);
    return hub;
  };
  const receiver = async (respond?: Parameters<typeof startTestReceiver>[0]['respond']) => {
    const r = await startTestReceiver({ secret: SECRET, respond });
    receivers.push(r);
    return r;
  };
  const watchThief = (
    hub: AlertHub,
    extra: Partial<Parameters<AlertHub['createWatchlist']>[0]> = {},
  ) =>
    hub.createWatchlist({
      org: 'acme',
      createdBy: 'key1',
      name: 'Exploiter',
      addresses: [{ chain: 'anvil', address: thief }],
      ...extra,
    });

  it('fires funds_moved when a watched address sends, service_reached when it pays an exchange deposit; not on fees, zero amounts or incoming value', async () => {
    await labelDeposit(ctx.store);
    const metrics = createMetrics();
    const hub = makeHub({ metrics });
    // Checksummed input is normalised to the stored (lowercase) form.
    const watchlist = await hub.createWatchlist({
      org: 'acme',
      createdBy: 'key1',
      name: 'Exploiter',
      addresses: [{ chain: 'anvil', address: simAccount(1, 'exploiter').signer.address }],
    });
    expect(watchlist.addresses).toEqual([{ chain: 'anvil', address: thief }]);
    const fired = await hub.evaluate([
      move(1, bystander, thief, 5n * ETH),
      move(2, thief, mule, 2n * ETH),
      move(3, thief, deposit, ETH),
      move(4, thief, null, 21_000n, { kind: 'fee' }),
      move(5, thief, mule, 0n),
    ]);
    expect(fired.map((a) => [a.kind, a.txHash, a.to, a.amount])).toEqual([
      ['funds_moved', txHash(2), mule, String(2n * ETH)],
      ['service_reached', txHash(3), deposit, String(ETH)],
    ]);
    expect(fired[1]!.service).toEqual({ category: 'deposit_wallet', entity: 'Simulated Exchange' });
    expect(fired[0]!).toMatchObject({
      org: 'acme',
      watchlistId: watchlist.id,
      watchlistName: 'Exploiter',
      from: thief,
      acknowledgedAt: null,
      delivery: { state: 'none', attempts: 0 },
    });
    expect(await hub.listAlerts('acme')).toHaveLength(2);
    expect(
      await counter(metrics, 'chaintrail_alerts_fired_total', { kind: 'service_reached' }),
    ).toBe(1);
    expect(await counter(metrics, 'chaintrail_alerts_fired_total', { kind: 'funds_moved' })).toBe(
      1,
    );
  });

  it('alerts once per transfer and watchlist: a transfer evaluated again (a re-synced block) does not fire twice', async () => {
    const hub = makeHub();
    await watchThief(hub);
    await watchThief(hub, { name: 'Second list' });
    const transfer = move(1, thief, mule, ETH);
    const first = await hub.evaluate([transfer]);
    expect(first.map((a) => a.watchlistName).sort()).toEqual(['Exploiter', 'Second list']);
    expect(await hub.evaluate([transfer])).toEqual([]);
    expect(await hub.listAlerts('acme')).toHaveLength(2);
  });

  it("costs one store call (the watchlists' generation) for transfers nobody watches, however many", async () => {
    let calls = 0;
    const counting = new Proxy(ctx.store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const hub = makeHub({ store: counting });
    await watchThief(hub);
    const template = move(1, mule, bystander, 1n);
    const unwatched = Array.from({ length: 100_000 }, (_, i) => ({
      ...template,
      position: `log:${i}`,
    }));
    // The first evaluation reads the watchlists again (this hub changed them); later ones only
    // check that no process sharing the store changed them since.
    await hub.evaluate(unwatched.slice(0, 1));
    calls = 0;
    expect(await hub.evaluate(unwatched)).toEqual([]);
    expect(calls).toBe(1);
    expect(await hub.watches('anvil')).toBe(true);
    expect(await hub.watches('ethereum')).toBe(false);
  });

  it("shares watchlists and alerts between two hubs on one store (two serve processes): each sees the other's watchlist at its next evaluation; an alert fires and is delivered once, and both hubs' streams hear of it", async () => {
    const [a, b] = [makeHub(), makeHub()];
    // Both read their (empty) index before the watchlist exists, as running servers would have.
    expect(await a.watches('anvil')).toBe(false);
    expect(await b.watches('anvil')).toBe(false);
    const r = await receiver();
    await watchThief(a, { webhook: { url: r.url, secret: SECRET } });
    expect(await b.watches('anvil')).toBe(true);
    const heard: string[] = [];
    a.subscribe('acme', (alert) => heard.push(`a:${alert.id}`));
    b.subscribe('acme', (alert) => heard.push(`b:${alert.id}`));
    // Both follow the chain, so both evaluate the same transfers, at the same time.
    const transfers = [move(1, thief, mule, ETH), move(2, thief, mule, 2n * ETH)];
    const [firedA, firedB] = await Promise.all([a.evaluate(transfers), b.evaluate(transfers)]);
    expect(firedA.length + firedB.length).toBe(2);
    const ids = [...firedA, ...firedB].map((x) => x.id).sort();
    // The hub that fired tells its streams at once, the other when it next reads the store.
    await vi.waitFor(
      () =>
        expect([...heard].sort()).toEqual(
          [...ids.map((id) => `a:${id}`), ...ids.map((id) => `b:${id}`)].sort(),
        ),
      { timeout: 5000, interval: 100 },
    );
    await a.idle();
    await b.idle();
    expect(r.deliveries.map((d) => d.headers['x-chaintrail-delivery']).sort()).toEqual(ids);
    expect((await b.listAlerts('acme')).map((x) => x.id).sort()).toEqual(ids);
    // Deleted on b: a stops watching at its next evaluation.
    const [list] = await a.listWatchlists('acme');
    await b.deleteWatchlist(list!.id, 'acme');
    expect(await a.evaluate([move(3, thief, mule, ETH)])).toEqual([]);
  });

  it('posts a dead letter retried on two hubs at once (two servers) once: the other is told it is under way', async () => {
    const [a, b] = [makeHub(), makeHub()];
    const r = await receiver((n) => (n === 1 ? 400 : 204));
    await watchThief(a, { webhook: { url: r.url, secret: SECRET } });
    await a.evaluate([move(1, thief, mule, ETH)]);
    await a.idle();
    const [dead] = await a.listDeadLetters('acme');
    expect(dead).toBeDefined();
    const outcomes = await Promise.allSettled([
      a.retryDeadLetter(dead!.id, 'acme'),
      b.retryDeadLetter(dead!.id, 'acme'),
    ]);
    const delivered = outcomes.filter((o) => o.status === 'fulfilled' && o.value?.delivered);
    const busy = outcomes.filter(
      (o) => o.status === 'rejected' && (o.reason as { code?: string }).code === 'DEAD_LETTER_BUSY',
    );
    expect([delivered.length, busy.length]).toEqual([1, 1]);
    expect(r.deliveries.map((d) => d.status)).toEqual([400, 204]);
  });

  it('keeps both of two address changes made to one watchlist on two hubs at once (two servers); a deletion on one is not undone by the other', async () => {
    const [a, b] = [makeHub(), makeHub()];
    const made = await watchThief(a);
    const [x, y] = [simAccount(1, 'sender/x').address, simAccount(1, 'sender/y').address];
    const [fromA, fromB] = await Promise.all([
      a.addAddresses(made.id, 'acme', [{ chain: 'anvil', address: x }]),
      b.addAddresses(made.id, 'acme', [{ chain: 'anvil', address: y }]),
    ]);
    expect([fromA!.added.length, fromB!.added.length]).toEqual([1, 1]);
    const stored = await b.getWatchlist(made.id, 'acme');
    expect(stored!.addresses.map((w) => w.address).sort()).toEqual([thief, x, y].sort());
    expect(stored).not.toHaveProperty('revision');
    // Deleted on a while b adds: either the add lands first and the deletion removes it, or the
    // deletion does and the add finds nothing; the watchlist never comes back.
    const z = simAccount(1, 'sender/z').address;
    await Promise.all([
      a.deleteWatchlist(made.id, 'acme'),
      b.addAddresses(made.id, 'acme', [{ chain: 'anvil', address: z }]),
    ]);
    expect(await a.getWatchlist(made.id, 'acme')).toBeNull();
  });

  it('loses no watchlist created concurrently', async () => {
    const hub = makeHub();
    const senders = Array.from({ length: 5 }, (_, i) => simAccount(1, `sender/${i}`).address);
    await Promise.all(
      senders.map((address, i) =>
        hub.createWatchlist({
          org: 'acme',
          createdBy: 'key1',
          name: `w${i}`,
          addresses: [{ chain: 'anvil', address }],
        }),
      ),
    );
    const fired = await hub.evaluate(senders.map((from, i) => move(i, from, bystander, ETH)));
    expect(fired.map((a) => a.from).sort()).toEqual([...senders].sort());
  });

  it('keeps watching across restarts and stops when the watchlist is deleted', async () => {
    const hub = makeHub();
    const watchlist = await watchThief(hub);
    await hub.close();
    const restarted = makeHub();
    expect(await restarted.evaluate([move(1, thief, mule, ETH)])).toHaveLength(1);
    expect((await restarted.deleteWatchlist(watchlist.id, 'acme'))?.id).toBe(watchlist.id);
    expect(await restarted.evaluate([move(2, thief, mule, ETH)])).toEqual([]);
    expect(await restarted.watches('anvil')).toBe(false);
  });

  it("watches a trace's unlabelled and illicit nodes, not the services it reached", async () => {
    const hub = makeHub();
    const watchlist = await hub.createWatchlist({
      org: 'acme',
      createdBy: 'key1',
      name: 'From trace',
      trace: {
        id: '00000000-0000-4000-8000-000000000001',
        nodes: [
          { chain: 'anvil', address: thief, category: 'theft' },
          { chain: 'anvil', address: mule, category: null },
          { chain: 'anvil', address: deposit, category: 'deposit_wallet' },
        ],
      },
    });
    expect(watchlist.traceAddressCount).toBe(2);
    const full = await hub.getWatchlist(watchlist.id, 'acme', { withTraceAddresses: true });
    expect(full?.traceAddresses?.map((a) => a.address)).toEqual([thief, mule]);
    const fired = await hub.evaluate([
      move(1, mule, bystander, ETH),
      move(2, deposit, bystander, ETH),
    ]);
    expect(fired.map((a) => a.from)).toEqual([mule]);
  });

  it('refuses an empty watchlist, a bad address, a short secret and a non-http webhook', async () => {
    const hub = makeHub();
    const base = { org: 'acme', createdBy: 'key1', name: 'x' };
    await expect(hub.createWatchlist({ ...base, addresses: [] })).rejects.toMatchObject({
      code: 'WATCHLIST_EMPTY',
    });
    await expect(
      hub.createWatchlist({ ...base, addresses: [{ chain: 'anvil', address: '0x1234' }] }),
    ).rejects.toMatchObject({ code: 'INVALID_ADDRESS' });
    const addresses = [{ chain: 'anvil', address: thief }];
    await expect(
      hub.createWatchlist({
        ...base,
        addresses,
        webhook: { url: 'http://127.0.0.1/', secret: 'short' },
      }),
    ).rejects.toMatchObject({ code: 'WEBHOOK_SECRET_TOO_SHORT' });
    await expect(
      hub.createWatchlist({
        ...base,
        addresses,
        webhook: { url: 'ftp://127.0.0.1/', secret: SECRET },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_WEBHOOK_URL' });
  });

  it('delivers a signed alert to the webhook and records the delivery', async () => {
    const metrics = createMetrics();
    const hub = makeHub({ metrics });
    const r = await receiver();
    await watchThief(hub, { webhook: { url: r.url, secret: SECRET } });
    const [alert] = await hub.evaluate([move(1, thief, mule, ETH)]);
    const delivery = await r.waitFor((d) => d.verified, 5000);
    const payload = JSON.parse(delivery.body) as { type: string; alert: Alert };
    expect(payload.type).toBe('alert.fired');
    expect(payload.alert).toMatchObject({
      id: alert!.id,
      txHash: txHash(1),
      from: thief,
      to: mule,
    });
    expect(delivery.headers['x-chaintrail-delivery']).toBe(alert!.id);
    await hub.idle();
    expect((await hub.getAlert(alert!.id, 'acme'))?.delivery).toMatchObject({
      state: 'delivered',
      attempts: 1,
      lastError: null,
    });
    expect(
      await counter(metrics, 'chaintrail_webhook_deliveries_total', { outcome: 'delivered' }),
    ).toBe(1);
  });

  it('retries 5xx with exponential backoff, then dead-letters; a manual retry after the receiver recovers delivers', async () => {
    const metrics = createMetrics();
    const retry = { maxAttempts: 3, firstRetryDelayMs: 40, backoffFactor: 2 };
    const hub = makeHub({ metrics, retry });
    let status = 500;
    const r = await receiver(() => status);
    await watchThief(hub, { webhook: { url: r.url, secret: SECRET } });
    const [alert] = await hub.evaluate([move(1, thief, mule, ETH)]);
    await hub.idle();
    // Three signed attempts of the same body, with waits of at least 40 ms then 80 ms between them.
    expect(r.deliveries.map((d) => [d.status, d.verified])).toEqual([
      [500, true],
      [500, true],
      [500, true],
    ]);
    expect(new Set(r.deliveries.map((d) => d.body)).size).toBe(1);
    const [t1, t2, t3] = r.deliveries.map((d) => d.receivedAt);
    expect(t2! - t1!).toBeGreaterThanOrEqual(40 - 2);
    expect(t3! - t2!).toBeGreaterThanOrEqual(80 - 2);

    const [dead] = await hub.listDeadLetters('acme');
    expect(dead).toMatchObject({
      id: alert!.id,
      alertId: alert!.id,
      attempts: 3,
      lastStatus: 500,
      lastError: 'HTTP 500',
    });
    expect((await hub.getAlert(alert!.id, 'acme'))?.delivery).toMatchObject({
      state: 'dead',
      attempts: 3,
    });
    expect(
      await counter(metrics, 'chaintrail_webhook_deliveries_total', { outcome: 'dead_letter' }),
    ).toBe(1);

    const stillDown = await hub.retryDeadLetter(dead!.id, 'acme');
    expect(stillDown).toMatchObject({ delivered: false, status: 500, deadLetter: { attempts: 4 } });
    status = 200;
    const retried = await hub.retryDeadLetter(dead!.id, 'acme');
    expect(retried).toEqual({ delivered: true, status: 200, error: null, deadLetter: null });
    expect(await hub.listDeadLetters('acme')).toEqual([]);
    expect((await hub.getAlert(alert!.id, 'acme'))?.delivery).toMatchObject({
      state: 'delivered',
      attempts: 5,
    });
    expect(r.deliveries.at(-1)!.verified).toBe(true);
  });

  it('retries 429 and network errors, but not a 4xx: that goes to the dead-letter list at once', async () => {
    const retry = { maxAttempts: 4, firstRetryDelayMs: 10, backoffFactor: 2 };
    const hub = makeHub({ retry });
    const answers = [429, 503, 204];
    const flaky = await receiver((n) => answers[n - 1] ?? 204);
    const gone = await receiver(() => 410);
    await watchThief(hub, { name: 'flaky', webhook: { url: flaky.url, secret: SECRET } });
    await watchThief(hub, { name: 'gone', webhook: { url: gone.url, secret: SECRET } });
    const port = await closedPort();
    await watchThief(hub, {
      name: 'down',
      webhook: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET },
    });
    const fired = await hub.evaluate([move(1, thief, mule, ETH)]);
    await hub.idle();
    const byName = new Map(fired.map((a) => [a.watchlistName, a.id]));
    expect(flaky.deliveries.map((d) => d.status)).toEqual([429, 503, 204]);
    expect(gone.deliveries.map((d) => d.status)).toEqual([410]);
    const dead = await hub.listDeadLetters('acme');
    expect(dead.map((d) => [d.alertId, d.attempts, d.lastStatus]).sort()).toEqual(
      [
        [byName.get('gone'), 1, 410],
        [byName.get('down'), 4, null],
      ].sort(),
    );
    expect(dead.find((d) => d.alertId === byName.get('down'))?.lastError).toMatch(/network error/);
    expect((await hub.getAlert(byName.get('flaky')!, 'acme'))?.delivery.state).toBe('delivered');
  });

  it('lets no receiver waiting for a retry hold up deliveries to others', async () => {
    const hub = makeHub({ concurrency: 1, retry: { firstRetryDelayMs: 60_000 } });
    const down = await receiver(() => 503);
    const up = await receiver();
    await watchThief(hub, { name: 'down', webhook: { url: down.url, secret: SECRET } });
    await hub.evaluate([move(1, thief, mule, ETH)]);
    await down.waitFor(() => true, 5000);
    await hub.createWatchlist({
      org: 'acme',
      createdBy: 'key1',
      name: 'up',
      addresses: [{ chain: 'anvil', address: mule }],
      webhook: { url: up.url, secret: SECRET },
    });
    await hub.evaluate([move(2, mule, bystander, ETH)]);
    // The only delivery slot is free while the first receiver's retry waits a minute.
    expect((await up.waitFor((d) => d.verified, 5000)).status).toBe(204);
  });

  it('on close, puts deliveries still waiting for a retry on the dead-letter list', async () => {
    const hub = makeHub({ retry: { maxAttempts: 5, firstRetryDelayMs: 60_000 } });
    const r = await receiver(() => 503);
    await watchThief(hub, { webhook: { url: r.url, secret: SECRET } });
    const [alert] = await hub.evaluate([move(1, thief, mule, ETH)]);
    await r.waitFor(() => true, 5000);
    await hub.close();
    const reader = makeHub();
    const [dead] = await reader.listDeadLetters('acme');
    expect(dead).toMatchObject({ alertId: alert!.id, attempts: 1, lastStatus: 503 });
    expect(dead!.lastError).toMatch(/not retried before shutdown/);
  });

  it('keeps organisations apart: watchlists, alerts, acknowledgements, dead letters and streams', async () => {
    const hub = makeHub({ retry: { maxAttempts: 1 } });
    const r = await receiver(() => 500);
    const watchlist = await watchThief(hub, { webhook: { url: r.url, secret: SECRET } });
    const seen: Record<string, Alert[]> = { acme: [], other: [] };
    hub.subscribe('acme', (a) => seen.acme!.push(a));
    hub.subscribe('other', (a) => seen.other!.push(a));
    const [alert] = await hub.evaluate([move(1, thief, mule, ETH)]);
    await hub.idle();
    expect(seen.acme!.map((a) => a.id)).toEqual([alert!.id]);
    expect(seen.other).toEqual([]);
    expect(await hub.getWatchlist(watchlist.id, 'other')).toBeNull();
    expect(await hub.listWatchlists('other')).toEqual([]);
    expect(await hub.deleteWatchlist(watchlist.id, 'other')).toBeNull();
    expect(await hub.listAlerts('other')).toEqual([]);
    expect(await hub.getAlert(alert!.id, 'other')).toBeNull();
    expect(await hub.acknowledge(alert!.id, 'other', 'intruder')).toBeNull();
    expect(await hub.listDeadLetters('other')).toEqual([]);
    expect(await hub.retryDeadLetter(alert!.id, 'other')).toBeNull();
    // Nothing of acme's changed.
    expect((await hub.getAlert(alert!.id, 'acme'))?.acknowledgedAt).toBeNull();
    expect(await hub.listDeadLetters('acme')).toHaveLength(1);
    expect(await hub.listWatchlists('acme')).toHaveLength(1);
  });

  it('acknowledges once, recording who; lists by acknowledgement and watchlist', async () => {
    const hub = makeHub();
    const a = await watchThief(hub, { name: 'A' });
    const b = await hub.createWatchlist({
      org: 'acme',
      createdBy: 'key1',
      name: 'B',
      addresses: [{ chain: 'anvil', address: mule }],
    });
    const fired = await hub.evaluate([move(1, thief, mule, ETH), move(2, mule, bystander, ETH)]);
    const ofA = fired.find((x) => x.watchlistId === a.id)!;
    const acked = await hub.acknowledge(ofA.id, 'acme', 'key2');
    expect(acked).toMatchObject({ acknowledgedBy: 'key2' });
    const again = await hub.acknowledge(ofA.id, 'acme', 'key3');
    expect(again).toMatchObject({ acknowledgedBy: 'key2', acknowledgedAt: acked!.acknowledgedAt });
    expect((await hub.listAlerts('acme', { acknowledged: true })).map((x) => x.id)).toEqual([
      ofA.id,
    ]);
    expect(
      (await hub.listAlerts('acme', { acknowledged: false })).map((x) => x.watchlistId),
    ).toEqual([b.id]);
    expect((await hub.listAlerts('acme', { watchlistId: b.id })).map((x) => x.from)).toEqual([
      mule,
    ]);
    expect(await hub.listAlerts('acme', { limit: 1, offset: 1 })).toHaveLength(1);
    expect(await hub.listAlerts('acme', { limit: 1, offset: 2 })).toHaveLength(0);
  });
});
