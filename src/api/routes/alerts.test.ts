import { get, type IncomingMessage } from 'node:http';
import { keccak256, stringToBytes } from 'viem';
import { afterAll, describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import { parseSseEvents } from '../../../test/helpers/sse.ts';
import type { Transfer } from '../../model/transfer.ts';
import { simAccount } from '../../simulate/accounts.ts';
import { startTestReceiver, type TestReceiver } from '../alerts/test-receiver.ts';
import type { Alert } from '../alerts/types.ts';
import { MAX_STREAMS_PER_KEY } from '../sse.ts';
import { createApiKey } from '../auth/api-keys.ts';

// The simulator's own actors (seed 1).
const thief = simAccount(1, 'exploiter').address;
const mule = simAccount(1, 'mule/1').address;
const launderer = simAccount(1, 'launderer').address;
const ETH = 10n ** 18n;
const SECRET = 'alerts-route-secret-0123';
const txHash = (n: number) => keccak256(stringToBytes(`api-alerts-test-${n}`));
/** How long a test waits for an event that should come at once. */
const EVENT_TIMEOUT_MS = 5000;

const move = (n: number, from: string, to: string, amount: bigint): Transfer => ({
  chain: 'anvil',
  blockNumber: BigInt(n),
  blockTime: 1_700_000_000 + n * 12,
  txHash: txHash(n),
  position: 'call:',
  from,
  to,
  asset: 'native',
  amount,
  kind: 'native',
});

/**
 * Opens an SSE stream with node:http (one socket of its own, closed by `cancel`: a pooled client may
 * keep spare connections that hold the server's shutdown) and reads it as it arrives.
 */
async function openStream(url: string, headers: Record<string, string>) {
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    get(url, { headers, agent: false }, resolve).on('error', reject),
  );
  res.setEncoding('utf8');
  let text = '';
  let ended = false;
  const changed = new Set<() => void>();
  res.on('data', (chunk: string) => {
    text += chunk;
    for (const fn of changed) fn();
  });
  res.on('close', () => {
    ended = true;
    for (const fn of changed) fn();
  });
  const events = () => parseSseEvents<Alert>(text);
  /** Resolves once `done(text)` holds (or, with `toEnd`, the stream has ended); rejects on timeout. */
  const until = (done: (text: string) => boolean, toEnd = false) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (toEnd ? ended : done(text)) finish(null);
        else if (ended) finish(new Error(`stream ended before the expected event:\n${text}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`no expected event within ${EVENT_TIMEOUT_MS} ms:\n${text}`)),
        EVENT_TIMEOUT_MS,
      );
      const finish = (error: Error | null) => {
        clearTimeout(timer);
        changed.delete(check);
        if (error) reject(error);
        else resolve();
      };
      changed.add(check);
      check();
    });
  return {
    status: res.statusCode,
    until: (done: (text: string) => boolean) => until(done),
    toEnd: () => until(() => true, true),
    events,
    cancel: () => res.destroy(),
  };
}

describe('alert routes', () => {
  // The test receivers run on this machine.
  const api = useApi({ app: { allowPrivateWebhooks: true } });
  const receivers: TestReceiver[] = [];
  afterAll(async () => {
    for (const r of receivers) await r.close();
  });
  const watch = async (payload: object) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/watchlists',
      payload,
      headers: api.as('investigator'),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  };
  const otherOrg = async (role: 'viewer' | 'investigator') => {
    const { key } = await createApiKey({ store: api.store, role, org: 'other' });
    await api.app.chaintrail.keys.reload();
    return { 'x-api-key': key };
  };
  let baseUrl: string | null = null;
  const listen = async () => {
    baseUrl ??= await api.app.listen({ host: '127.0.0.1', port: 0 });
    return baseUrl;
  };

  it('lists alerts with filters and acknowledges them (investigators only, once)', async () => {
    const a = await watch({ name: 'A', addresses: [{ chain: 'anvil', address: thief }] });
    const b = await watch({ name: 'B', addresses: [{ chain: 'anvil', address: mule }] });
    await api.app.chaintrail.alerts.evaluate([
      move(1, thief, mule, 10n * ETH),
      move(2, mule, launderer, 9n * ETH),
    ]);
    const list = async (query: string) => {
      const res = await api.app.inject({ url: `/v1/alerts${query}`, headers: api.as('viewer') });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ alerts: Alert[] }>().alerts;
    };
    const ofA = await list(`?watchlist=${a}`);
    expect(ofA.map((x) => [x.from, x.to, x.amount])).toEqual([[thief, mule, String(10n * ETH)]]);
    expect((await list(`?watchlist=${b}`)).map((x) => x.from)).toEqual([mule]);

    const id = ofA[0]!.id;
    const denied = await api.app.inject({
      method: 'POST',
      url: `/v1/alerts/${id}/ack`,
      headers: api.as('viewer'),
    });
    expect(denied.statusCode).toBe(403);
    const ack = await api.app.inject({
      method: 'POST',
      url: `/v1/alerts/${id}/ack`,
      headers: api.as('investigator'),
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json().acknowledgedAt).not.toBeNull();
    const again = await api.app.inject({
      method: 'POST',
      url: `/v1/alerts/${id}/ack`,
      headers: api.as('admin'),
    });
    expect(again.json().acknowledgedAt).toBe(ack.json().acknowledgedAt);
    expect((await list('?acknowledged=true')).map((x) => x.id)).toEqual([id]);
    expect((await list('?acknowledged=false')).map((x) => x.id)).not.toContain(id);
    expect(await list('?limit=1&offset=1')).toHaveLength(1);

    const unknown = await api.app.inject({
      method: 'POST',
      url: `/v1/alerts/${'0'.repeat(32)}/ack`,
      headers: api.as('investigator'),
    });
    expect(unknown.statusCode).toBe(404);
  });

  it("keeps alerts to their organisation: another org's keys neither list nor acknowledge them", async () => {
    await watch({ name: 'Launderer', addresses: [{ chain: 'anvil', address: launderer }] });
    const [alert] = await api.app.chaintrail.alerts.evaluate([move(3, launderer, thief, ETH)]);
    const other = await otherOrg('investigator');
    const list = await api.app.inject({ url: '/v1/alerts', headers: other });
    expect(list.json().alerts).toEqual([]);
    const ack = await api.app.inject({
      method: 'POST',
      url: `/v1/alerts/${alert!.id}/ack`,
      headers: other,
    });
    expect(ack.statusCode).toBe(404);
    const mine = await api.app.inject({ url: '/v1/alerts', headers: api.as('viewer') });
    expect(mine.json().alerts.find((a: Alert) => a.id === alert!.id).acknowledgedAt).toBeNull();
  });

  it('streams new alerts over SSE to the organisation, and only to it', async () => {
    const url = await listen();
    const watchlist = await watch({
      name: 'Streamed',
      addresses: [{ chain: 'anvil', address: simAccount(1, 'streamed').address }],
    });
    const mine = await openStream(
      `${url}/v1/alerts/stream?watchlist=${watchlist}`,
      api.as('viewer'),
    );
    const theirs = await openStream(
      `${url}/v1/alerts/stream?maxSeconds=1`,
      await otherOrg('viewer'),
    );
    expect([mine.status, theirs.status]).toEqual([200, 200]);
    // The opening line is written after the subscription: from here on nothing is missed.
    await mine.until((t) => t.includes(': chaintrail event stream'));
    const [fired] = await api.app.chaintrail.alerts.evaluate([
      move(4, simAccount(1, 'streamed').address, mule, 3n * ETH),
    ]);
    await mine.until((t) => t.includes('event: alert'));
    expect(mine.events()).toEqual([{ event: 'alert', data: fired }]);
    mine.cancel();
    // The other organisation's stream closes after its second with no alert in it.
    await theirs.toEnd();
    expect(theirs.events()).toEqual([]);
  });

  it('replays alerts fired since a time, then closes after maxEvents', async () => {
    const before = Math.floor(Date.now() / 1000);
    const watchlist = await watch({
      name: 'Replayed',
      addresses: [{ chain: 'anvil', address: simAccount(1, 'replayed').address }],
    });
    const fired = await api.app.chaintrail.alerts.evaluate([
      move(5, simAccount(1, 'replayed').address, mule, ETH),
      move(6, simAccount(1, 'replayed').address, thief, ETH),
    ]);
    const res = await api.app.inject({
      url: `/v1/alerts/stream?since=${before}&watchlist=${watchlist}&maxEvents=2`,
      headers: api.as('viewer'),
    });
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const ids = res.body
      .split('\n\n')
      .filter((b) => b.startsWith('event: alert'))
      .map((b) => (JSON.parse(b.split('\n')[1]!.slice('data: '.length)) as Alert).id);
    // Oldest first, as they fired.
    expect(ids).toEqual(fired.map((a) => a.id));
  });

  it('puts a refused delivery on the dead-letter list, lists it, and retries it once the receiver accepts', async () => {
    let status = 410;
    const receiver = await startTestReceiver({ secret: SECRET, respond: () => status });
    receivers.push(receiver);
    await watch({
      name: 'Hooked',
      addresses: [{ chain: 'anvil', address: simAccount(1, 'hooked').address }],
      webhook: { url: receiver.url, secret: SECRET },
    });
    const [alert] = await api.app.chaintrail.alerts.evaluate([
      move(7, simAccount(1, 'hooked').address, mule, ETH),
    ]);
    await api.app.chaintrail.alerts.idle();
    const dead = await api.app.inject({
      url: '/v1/alerts/dead-letters',
      headers: api.as('viewer'),
    });
    expect(dead.json().deadLetters).toEqual([
      expect.objectContaining({ alertId: alert!.id, attempts: 1, lastStatus: 410 }),
    ]);
    const other = await otherOrg('investigator');
    expect(
      (await api.app.inject({ url: '/v1/alerts/dead-letters', headers: other })).json(),
    ).toEqual({
      deadLetters: [],
    });
    const retryUrl = `/v1/alerts/dead-letters/${alert!.id}/retry`;
    const foreign = await api.app.inject({ method: 'POST', url: retryUrl, headers: other });
    expect(foreign.statusCode).toBe(404);
    const viewer = await api.app.inject({
      method: 'POST',
      url: retryUrl,
      headers: api.as('viewer'),
    });
    expect(viewer.statusCode).toBe(403);

    status = 204;
    const retried = await api.app.inject({
      method: 'POST',
      url: retryUrl,
      headers: api.as('investigator'),
    });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toEqual({ delivered: true, status: 204, error: null, deadLetter: null });
    expect(receiver.deliveries.map((d) => [d.status, d.verified])).toEqual([
      [410, true],
      [204, true],
    ]);
    const after = await api.app.inject({
      url: '/v1/alerts/dead-letters',
      headers: api.as('viewer'),
    });
    expect(after.json().deadLetters).toEqual([]);
    const gone = await api.app.inject({
      method: 'POST',
      url: retryUrl,
      headers: api.as('investigator'),
    });
    expect(gone.statusCode).toBe(404);
  });
});

describe('alert stream on shutdown', () => {
  // The test receivers run on this machine.
  const api = useApi({ app: { allowPrivateWebhooks: true } });

  it('ends open streams when the server closes, so shutdown does not wait for clients', async () => {
    const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const stream = await openStream(`${url}/v1/alerts/stream`, api.as('viewer'));
    await stream.until((t) => t.includes(': chaintrail event stream'));
    const closing = api.app.close();
    await stream.toEnd();
    await closing;
  });
});

describe('event streams per key', () => {
  const api = useApi({ app: { allowPrivateWebhooks: true } });

  it('lets one key hold at most 16 streams (429 TOO_MANY_STREAMS), and another key its own', async () => {
    const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const streams = [];
    for (let i = 0; i < MAX_STREAMS_PER_KEY; i++) {
      const s = await openStream(`${url}/v1/alerts/stream`, api.as('viewer'));
      await s.until((t) => t.includes(': chaintrail event stream'));
      streams.push(s);
    }
    const refused = await fetch(`${url}/v1/alerts/stream`, { headers: api.as('viewer') });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'TOO_MANY_STREAMS',
    );
    // The server still answers everyone else while the key holds its 16.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const other = await openStream(`${url}/v1/alerts/stream`, api.as('investigator'));
    await other.until((t) => t.includes(': chaintrail event stream'));
    // One closed, one more may open (once the server has seen the socket close).
    streams.pop()!.cancel();
    const openOne = () =>
      fetch(`${url}/v1/alerts/stream?maxSeconds=1`, { headers: api.as('viewer') });
    let again = await openOne();
    for (let i = 0; again.status === 429 && i < 100; i++) {
      await again.text();
      await new Promise((r) => setTimeout(r, 10));
      again = await openOne();
    }
    expect(again.status).toBe(200);
    await again.text();
    for (const s of [...streams, other]) s.cancel();
  });
});
