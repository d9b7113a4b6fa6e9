import { describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import {
  ETH,
  seedSimulatedTheft,
  SIM,
  simTransfers,
} from '../../../test/helpers/simulated-theft.ts';
import { simAccount } from '../../simulate/accounts.ts';
import type { Store } from '../../store/store.ts';
import { createApiKey } from '../auth/api-keys.ts';

const { victim, thief, mule1, mule2, deposit } = SIM;
const SECRET = 'watchlist-route-secret-0123';
const move = simTransfers('api-watchlist-test');

/** The simulator's theft (seedSimulatedTheft), with this file's transaction hashes. */
const seed = (store: Store) => seedSimulatedTheft(store, move);

describe('watchlist routes', () => {
  // The test receivers run on this machine.
  const api = useApi({ seed, app: { allowPrivateWebhooks: true } });
  const create = (payload: object, role: 'investigator' | 'viewer' = 'investigator') =>
    api.app.inject({ method: 'POST', url: '/v1/watchlists', payload, headers: api.as(role) });
  const otherOrg = async () => {
    const { key } = await createApiKey({ store: api.store, role: 'investigator', org: 'other' });
    await api.app.chaintrail.keys.reload();
    return { 'x-api-key': key };
  };

  it('creates a watchlist with a webhook and never shows its secret', async () => {
    const res = await create({
      name: 'Exploiter',
      addresses: [{ chain: 'anvil', address: simAccount(1, 'exploiter').signer.address }],
      webhook: { url: 'https://127.0.0.1:9443/hooks/chaintrail', secret: SECRET },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(res.headers.location).toBe(`/v1/watchlists/${created.id}`);
    expect(created).toMatchObject({
      org: 'acme',
      name: 'Exploiter',
      addresses: [{ chain: 'anvil', address: thief }],
      traceId: null,
      traceAddressCount: 0,
      webhook: { url: 'https://127.0.0.1:9443/hooks/chaintrail' },
    });
    const one = await api.app.inject({
      url: `/v1/watchlists/${created.id}`,
      headers: api.as('viewer'),
    });
    const list = await api.app.inject({ url: '/v1/watchlists', headers: api.as('viewer') });
    expect(one.statusCode).toBe(200);
    expect(list.json().watchlists.map((w: { id: string }) => w.id)).toContain(created.id);
    for (const body of [res.body, one.body, list.body]) expect(body).not.toContain(SECRET);
  });

  it("watches a done trace's tainted addresses, not the exchange it reached, and alerts on them", async () => {
    const trace = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: { seeds: [thief], chain: 'anvil', maxHops: 5 },
      headers: api.as('investigator'),
    });
    await api.app.chaintrail.traces.idle();
    const res = await create({ name: 'Theft proceeds', traceId: trace.json().id });
    expect(res.statusCode, res.body).toBe(201);
    const one = await api.app.inject({
      url: `/v1/watchlists/${res.json().id}`,
      headers: api.as('viewer'),
    });
    const watched = one.json().traceAddresses.map((a: { address: string }) => a.address);
    expect(watched).toEqual(expect.arrayContaining([thief, mule1, mule2]));
    expect(watched).not.toContain(deposit);
    expect(one.json().traceAddressCount).toBe(watched.length);

    // mule2 still holds its 40 ETH; when it moves them, the watchlist fires.
    const [alert] = await api.app.chaintrail.alerts.evaluate([move(5, mule2, deposit, 40n * ETH)]);
    expect(alert).toMatchObject({
      watchlistId: res.json().id,
      kind: 'service_reached',
      from: mule2,
      service: { category: 'deposit_wallet', entity: 'Simulated Exchange' },
    });
  });

  it('refuses traces it cannot use: unknown, or of another organisation', async () => {
    const trace = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: { seeds: [thief], chain: 'anvil' },
      headers: await otherOrg(),
    });
    await api.app.chaintrail.traces.idle();
    const foreign = await create({ name: 'x', traceId: trace.json().id });
    expect(foreign.statusCode).toBe(404);
    const unknown = await create({ name: 'x', traceId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(404);
  });

  it('validates input: webhook scheme, credentials and secret length, addresses, emptiness', async () => {
    const addresses = [{ chain: 'anvil', address: thief }];
    const cases: [object, string][] = [
      [
        { name: 'x', addresses, webhook: { url: 'ftp://127.0.0.1/h', secret: SECRET } },
        'INVALID_WEBHOOK_URL',
      ],
      [
        { name: 'x', addresses, webhook: { url: 'https://u:p@127.0.0.1/h', secret: SECRET } },
        'INVALID_WEBHOOK_URL',
      ],
      [
        { name: 'x', addresses, webhook: { url: 'not a url', secret: SECRET } },
        'INVALID_WEBHOOK_URL',
      ],
      [
        { name: 'x', addresses, webhook: { url: 'https://127.0.0.1/h', secret: 'short' } },
        'VALIDATION_FAILED',
      ],
      [{ name: 'x', addresses: [{ chain: 'anvil', address: '0x12' }] }, 'INVALID_ADDRESS'],
      [{ name: 'x', addresses: [{ chain: 'no-such-chain', address: thief }] }, 'UNKNOWN_CHAIN'],
      [{ name: 'x', addresses: [] }, 'WATCHLIST_EMPTY'],
      [{ name: 'x' }, 'WATCHLIST_EMPTY'],
      [{ name: '', addresses }, 'VALIDATION_FAILED'],
      [{ name: 'x', addresses, extra: 1 }, 'VALIDATION_FAILED'],
    ];
    for (const [payload, code] of cases) {
      const res = await create(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code, JSON.stringify(payload)).toBe(code);
    }
  });

  it('lets viewers read but not write', async () => {
    const res = await create(
      { name: 'x', addresses: [{ chain: 'anvil', address: thief }] },
      'viewer',
    );
    expect(res.statusCode).toBe(403);
    const ok = await create({ name: 'x', addresses: [{ chain: 'anvil', address: thief }] });
    const del = await api.app.inject({
      method: 'DELETE',
      url: `/v1/watchlists/${ok.json().id}`,
      headers: api.as('viewer'),
    });
    expect(del.statusCode).toBe(403);
  });

  it('keeps watchlists to their organisation and stops alerting once deleted', async () => {
    const res = await create({ name: 'Mule 1', addresses: [{ chain: 'anvil', address: mule1 }] });
    const id = res.json().id as string;
    const other = await otherOrg();
    expect((await api.app.inject({ url: `/v1/watchlists/${id}`, headers: other })).statusCode).toBe(
      404,
    );
    const theirs = await api.app.inject({ url: '/v1/watchlists', headers: other });
    expect(theirs.json().watchlists).toEqual([]);
    const theirDelete = await api.app.inject({
      method: 'DELETE',
      url: `/v1/watchlists/${id}`,
      headers: other,
    });
    expect(theirDelete.statusCode).toBe(404);

    const del = await api.app.inject({
      method: 'DELETE',
      url: `/v1/watchlists/${id}`,
      headers: api.as('investigator'),
    });
    expect(del.statusCode).toBe(200);
    expect(del.json().id).toBe(id);
    const again = await api.app.inject({
      method: 'DELETE',
      url: `/v1/watchlists/${id}`,
      headers: api.as('investigator'),
    });
    expect(again.statusCode).toBe(404);
    const fired = await api.app.chaintrail.alerts.evaluate([move(6, mule1, victim, ETH)]);
    expect(fired.map((a) => a.watchlistId)).not.toContain(id);
  });
});
