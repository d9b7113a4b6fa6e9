import { beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import {
  ETH,
  seedSimulatedTheft,
  SIM,
  simTransfers,
} from '../../../test/helpers/simulated-theft.ts';
import type { Store } from '../../store/store.ts';
import { createApiKey } from '../auth/api-keys.ts';

const { thief, mule2, deposit, bystander } = SIM;
const move = simTransfers('api-case-watch-test');
const THEFT_TX = move.txHash(1);
const CASE_NAME = 'Simulated theft, watched';

/** The simulator's theft (seedSimulatedTheft), with this file's transaction hashes. */
const seed = (store: Store) => seedSimulatedTheft(store, move);

describe("watching what a case's trace found", () => {
  const api = useApi({ seed });
  let caseId = '';
  const watch = (payload: object, headers = api.as('investigator')) =>
    api.app.inject({ method: 'POST', url: `/v1/cases/${caseId}/watchlist`, payload, headers });

  beforeAll(async () => {
    const trace = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: api.as('investigator'),
      payload: { seeds: [THEFT_TX], chain: 'anvil', maxHops: 5 },
    });
    await api.app.chaintrail.traces.idle();
    const created = await api.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: api.as('investigator'),
      payload: { name: CASE_NAME, seeds: [thief], traceIds: [trace.json().id] },
    });
    caseId = created.json().id;
  });

  it('watches the still-held addresses in one call, in a watchlist of the case that a second call adds to', async () => {
    const first = await watch({ what: 'still-held' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      created: true,
      addresses: [{ chain: 'anvil', address: mule2 }],
      added: [{ chain: 'anvil', address: mule2 }],
      watchlist: {
        org: 'acme',
        name: `${CASE_NAME}: still-held addresses`,
        addresses: [{ chain: 'anvil', address: mule2 }],
        case: { id: caseId, name: CASE_NAME, what: 'still-held' },
      },
    });
    const second = (await watch({ what: 'still-held' })).json();
    expect(second).toMatchObject({ created: false, added: [] });
    expect(second.watchlist.id).toBe(first.json().watchlist.id);
    const deposits = (await watch({ what: 'freeze-deposits' })).json();
    expect(deposits).toMatchObject({
      created: true,
      added: [{ chain: 'anvil', address: deposit }],
      watchlist: { case: { what: 'freeze-deposits' } },
    });
    const list = await api.app.inject({ url: '/v1/watchlists', headers: api.as('viewer') });
    expect(list.json().watchlists).toHaveLength(2);
    // The still-held address moving its funds alerts the organisation.
    const fired = await api.app.chaintrail.alerts.evaluate([move(5, mule2, bystander, 40n * ETH)]);
    expect(fired).toMatchObject([
      { org: 'acme', watchlistId: first.json().watchlist.id, from: mule2 },
    ]);
    const audit = await api.app.inject({
      url: `/v1/cases/${caseId}/audit`,
      headers: api.as('viewer'),
    });
    expect(
      audit.json().entries.filter((e: { action: string }) => e.action === 'case.watch'),
    ).toHaveLength(3);
  });

  it('adds addresses to a watchlist once each; refuses other organisations and roles', async () => {
    const [w] = (await api.app.inject({ url: '/v1/watchlists', headers: api.as('viewer') })).json()
      .watchlists;
    const add = (payload: object, headers = api.as('investigator')) =>
      api.app.inject({
        method: 'POST',
        url: `/v1/watchlists/${w.id}/addresses`,
        payload,
        headers,
      });
    const res = await add({
      addresses: [
        { chain: 'anvil', address: bystander },
        { chain: 'anvil', address: bystander.toUpperCase().replace('0X', '0x') },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().added).toEqual([{ chain: 'anvil', address: bystander }]);
    expect(
      (await add({ addresses: [{ chain: 'anvil', address: bystander }] })).json().added,
    ).toEqual([]);
    expect(
      (await add({ addresses: [{ chain: 'anvil', address: '0x12' }] })).json().error.code,
    ).toBe('INVALID_ADDRESS');
    expect((await add({ addresses: [] })).statusCode).toBe(400);
    expect(
      (await add({ addresses: [{ chain: 'anvil', address: bystander }] }, api.as('viewer')))
        .statusCode,
    ).toBe(403);
    const { key } = await createApiKey({ store: api.store, role: 'investigator', org: 'globex' });
    await api.app.chaintrail.keys.reload();
    const other = { 'x-api-key': key };
    expect(
      (await add({ addresses: [{ chain: 'anvil', address: bystander }] }, other)).statusCode,
    ).toBe(404);
    expect((await watch({ what: 'still-held' }, other)).statusCode).toBe(404);
    expect((await watch({ what: 'still-held' }, api.as('viewer'))).statusCode).toBe(403);
  });

  it('says when a case has nothing of the kind to watch, or no trace', async () => {
    const bare = await api.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: api.as('investigator'),
      payload: { name: 'No trace', seeds: [thief] },
    });
    const res = await api.app.inject({
      method: 'POST',
      url: `/v1/cases/${bare.json().id}/watchlist`,
      headers: api.as('investigator'),
      payload: { what: 'still-held' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CASE_NO_TRACE');
  });
});
