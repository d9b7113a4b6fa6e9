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

const { victim, thief, mule1, mule2, deposit, bystander } = SIM;
const move = simTransfers('api-case-findings-test');
const THEFT_TX = move.txHash(1);
const CASE_NAME = 'Simulated theft, findings';

/** The simulator's theft (seedSimulatedTheft), with this file's transaction hashes. */
const seed = (store: Store) => seedSimulatedTheft(store, move);

type Headers = { 'x-api-key': string };
type Finding = { id: string; chain: string; address: string; role: string; marks: string[] };

describe("a case's findings as the organisation's private labels", () => {
  const api = useApi({ seed });
  /** Keys of another organisation, which must see none of it. */
  const globex = {} as Record<'viewer' | 'screener' | 'investigator', Headers>;
  let caseId = '';
  let traceId = '';
  /** What each organisation's screening said before anything was marked. */
  const before = new Map<string, string>();

  const send = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    headers: Headers,
    payload?: object,
  ) => api.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const screen = (address: string, headers: Headers, hops = 0) =>
    send('POST', '/v1/screen', headers, { addresses: [{ address, chain: 'anvil' }], hops });
  const mark = (payload: object, headers: Headers = api.as('investigator')) =>
    send('POST', `/v1/cases/${caseId}/findings`, headers, payload);

  beforeAll(async () => {
    for (const role of ['viewer', 'screener', 'investigator'] as const)
      globex[role] = {
        'x-api-key': (await createApiKey({ store: api.store, role, org: 'globex' })).key,
      };
    await api.app.chaintrail.keys.reload();
    const trace = await send('POST', '/v1/traces', api.as('investigator'), {
      seeds: [THEFT_TX],
      chain: 'anvil',
      maxHops: 5,
    });
    expect(trace.statusCode, trace.body).toBe(202);
    traceId = trace.json().id;
    await api.app.chaintrail.traces.idle();
    // As the demo saves its case: the thief's address as typed, and the theft transaction.
    const created = await send('POST', '/v1/cases', api.as('investigator'), {
      name: CASE_NAME,
      seeds: [thief.toUpperCase().replace('0X', '0x'), THEFT_TX],
      traceIds: [traceId],
    });
    expect(created.statusCode, created.body).toBe(201);
    caseId = created.json().id;
    for (const address of [thief, mule1, mule2, deposit])
      for (const [who, headers] of [
        ['acme', api.as('screener')],
        ['globex', globex.screener],
      ] as const) {
        before.set(`${who} ${address}`, (await screen(address, headers)).body);
        before.set(`${who} ${address} hops`, (await screen(address, headers, 2)).body);
      }
  });

  it("marks the case's seed address as the organisation's theft label, with the case and the key as provenance", async () => {
    expect(JSON.parse(before.get(`acme ${thief}`)!).results[0].riskLevel).toBe('low');
    const res = await mark({ mark: 'seeds' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      case: { id: caseId, name: CASE_NAME },
      traceId,
      added: [
        {
          id: `${caseId}.1`,
          chain: 'anvil',
          address: thief,
          role: 'seed',
          marks: ['seeds'],
          category: 'theft',
          traceId,
          author: 'test investigator',
        },
      ],
      already: [],
      total: 1,
    });
    // The theft transaction is a seed too, but no address.
    expect(body.skipped).toEqual([
      { chain: null, address: THEFT_TX, reason: 'transaction', category: null, entity: null },
    ]);

    // Screening (the API's batch route and the address page's risk) counts it for acme...
    const seen = (await screen(thief, api.as('screener'))).json().results[0];
    expect(seen.riskLevel).toBe('severe');
    expect(seen.labels[0]).toMatchObject({
      category: 'theft',
      entity: CASE_NAME,
      source: `case:${caseId}`,
      visibility: 'acme',
    });
    const risk = await send('GET', `/v1/addresses/anvil/${thief}/risk`, api.as('screener'));
    expect(risk.json().riskLevel).toBe('severe');
    const labels = await send('GET', `/v1/addresses/anvil/${thief}/labels`, api.as('viewer'));
    expect(labels.json().labels).toMatchObject([
      {
        category: 'theft',
        visibility: 'acme',
        finding: {
          case: { id: caseId, name: CASE_NAME },
          role: 'seed',
          marks: ['seeds'],
          traceId,
          author: 'test investigator',
        },
      },
    ]);
    // ...and not for globex: its answers are byte for byte what they were.
    expect((await screen(thief, globex.screener)).body).toBe(before.get(`globex ${thief}`));
    const theirs = await send('GET', `/v1/addresses/anvil/${thief}/labels`, globex.viewer);
    expect(theirs.json().labels).toEqual([]);
    const theirRisk = await send('GET', `/v1/addresses/anvil/${thief}/risk`, globex.screener);
    expect(theirRisk.json().riskLevel).toBe('low');
  });

  it('marks the addresses on the path to each endpoint: the mules, not the victim nor the exchange deposit; marking again adds nothing', async () => {
    const res = await mark({ mark: 'paths' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const roles = Object.fromEntries(body.added.map((f: Finding) => [f.address, f.role]));
    // mule2 still holds its 40 ETH: an endpoint; mule1 passed its 60 on.
    expect(roles).toEqual({ [mule1]: 'path', [mule2]: 'endpoint' });
    expect(body.skipped).toEqual([
      // The theft transaction's sender: where the value came from, the victim.
      { chain: 'anvil', address: victim, reason: 'source', category: null, entity: null },
      {
        chain: 'anvil',
        address: deposit,
        reason: 'service',
        category: 'deposit_wallet',
        entity: 'Simulated Exchange',
      },
    ]);
    expect(body.total).toBe(3);

    const again = (await mark({ mark: 'paths' })).json();
    expect(again.added).toEqual([]);
    expect(again.already.map((f: Finding) => f.address).sort()).toEqual([mule1, mule2].sort());
    expect(again.total).toBe(3);
    const seedsAgain = (await mark({ mark: 'seeds' })).json();
    expect(seedsAgain).toMatchObject({ added: [], total: 3 });
    // One label per address: the organisation's private labels list each once.
    const list = await send('GET', '/v1/labels/private', api.as('viewer'));
    const fromCase = list
      .json()
      .labels.filter(
        (l: { finding: { case: { id: string } } | null }) => l.finding?.case.id === caseId,
      );
    expect(fromCase.map((l: { address: string }) => l.address).sort()).toEqual(
      [thief, mule1, mule2].sort(),
    );
    const findings = await send('GET', `/v1/cases/${caseId}/findings`, api.as('viewer'));
    expect(findings.json().findings).toHaveLength(3);
    // The case's audit trail says who marked what.
    const audit = await send('GET', `/v1/cases/${caseId}/audit`, api.as('viewer'));
    const marks = audit
      .json()
      .entries.filter((e: { action: string }) => e.action === 'case.findings.mark');
    expect(marks.map((e: { detail: { mark: string } }) => e.detail.mark).sort()).toEqual(
      ['paths', 'paths', 'seeds', 'seeds'].sort(),
    );
  });

  it('counts the marked addresses in exposure through counterparties, for the organisation only', async () => {
    // The exchange deposit received all of its 60 ETH from mule1, now acme's theft label.
    const acme = (await screen(deposit, api.as('screener'), 2)).json().results[0];
    const theft = acme.exposure.indirect.find(
      (e: { category: string; direction: string }) =>
        e.category === 'theft' && e.direction === 'in',
    );
    expect(theft).toMatchObject({ amount: String(60n * ETH), share: 1 });
    expect(theft.sources[0]).toMatchObject({ address: mule1, hops: 1 });
    expect(acme.riskLevel).toBe('high');
    expect(JSON.parse(before.get(`acme ${deposit} hops`)!).results[0].riskLevel).toBe('low');
    // globex's exposure of every address is what it was.
    for (const address of [thief, mule1, mule2, deposit]) {
      expect((await screen(address, globex.screener, 2)).body).toBe(
        before.get(`globex ${address} hops`),
      );
      expect((await screen(address, globex.screener)).body).toBe(before.get(`globex ${address}`));
    }
  });

  it("marks a selection with each address's role in the trace, and never a service's address", async () => {
    const res = await mark({
      mark: 'selection',
      addresses: [
        { chain: 'anvil', address: deposit },
        { chain: 'anvil', address: bystander.toUpperCase().replace('0X', '0x') },
        { chain: 'anvil', address: mule1 },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.added).toMatchObject([
      { address: bystander, role: 'selected', marks: ['selection'] },
    ]);
    expect(body.already).toMatchObject([
      { address: mule1, role: 'path', marks: ['paths', 'selection'] },
    ]);
    expect(body.skipped).toMatchObject([{ address: deposit, reason: 'service' }]);
  });

  it('refuses bad input with a 4xx naming what and where', async () => {
    const cases: [object, number, string][] = [
      [{ mark: 'selection' }, 400, 'FINDINGS_NO_ADDRESSES'],
      [
        { mark: 'selection', addresses: [{ chain: 'anvil', address: '0x12' }] },
        400,
        'INVALID_ADDRESS',
      ],
      [
        { mark: 'selection', addresses: [{ chain: 'no-such-chain', address: thief }] },
        400,
        'UNKNOWN_CHAIN',
      ],
      [{ mark: 'seeds', category: 'exchange' }, 400, 'FINDINGS_BAD_CATEGORY'],
      [{ mark: 'seeds', category: 'villain' }, 400, 'LABEL_BAD_CATEGORY'],
      [
        { mark: 'paths', traceId: '00000000-0000-4000-8000-000000000000' },
        400,
        'CASE_UNKNOWN_TRACE',
      ],
      [{ mark: 'all' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await mark(payload);
      expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(status);
      expect(res.json().error.code, JSON.stringify(payload)).toBe(code);
    }
    const bad = (
      await mark({ mark: 'selection', addresses: [{ chain: 'anvil', address: '0x12' }] })
    ).json().error.message;
    expect(bad).toContain('addresses/0');
    const unmark = await send(
      'DELETE',
      `/v1/cases/${caseId}/findings?address=no-such-chain:${thief}`,
      api.as('investigator'),
    );
    expect(unmark.statusCode).toBe(400);
    expect(unmark.json().error).toMatchObject({ code: 'UNKNOWN_CHAIN' });
    expect(unmark.json().error.message).toContain('address/0');
    // A case without a trace has no paths to mark.
    const bare = await send('POST', '/v1/cases', api.as('investigator'), {
      name: 'No trace',
      seeds: [thief],
    });
    const noTrace = await send(
      'POST',
      `/v1/cases/${bare.json().id}/findings`,
      api.as('investigator'),
      { mark: 'paths' },
    );
    expect(noTrace.statusCode).toBe(409);
    expect(noTrace.json().error.code).toBe('CASE_NO_TRACE');
    // A finding's label is removed by unmarking it in the case, not as a label.
    const label = await send('DELETE', `/v1/labels/private/${caseId}.1`, api.as('investigator'));
    expect(label.statusCode).toBe(409);
    expect(label.json().error.code).toBe('PRIVATE_LABEL_FROM_CASE');
  });

  it('lets viewers read the findings, investigators mark them, and another organisation nothing', async () => {
    expect((await mark({ mark: 'seeds' }, api.as('viewer'))).statusCode).toBe(403);
    expect((await mark({ mark: 'seeds' }, api.as('screener'))).statusCode).toBe(403);
    expect((await send('GET', `/v1/cases/${caseId}/findings`, api.as('screener'))).statusCode).toBe(
      403,
    );
    expect((await send('GET', `/v1/cases/${caseId}/findings`, api.as('viewer'))).statusCode).toBe(
      200,
    );
    for (const [method, url] of [
      ['POST', `/v1/cases/${caseId}/findings`],
      ['GET', `/v1/cases/${caseId}/findings`],
      ['DELETE', `/v1/cases/${caseId}/findings`],
    ] as const) {
      const res = await send(
        method,
        url,
        globex.investigator,
        method === 'POST' ? { mark: 'seeds' } : undefined,
      );
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(
      (await send('GET', `/v1/cases/${caseId}/findings`, api.as('viewer'))).json().findings,
    ).toHaveLength(4);
  });

  it("unmarks one way of marking, some addresses, or all, and the organisation's screening is what it was", async () => {
    const bySelection = await send(
      'DELETE',
      `/v1/cases/${caseId}/findings?mark=selection`,
      api.as('investigator'),
    );
    expect(bySelection.statusCode, bySelection.body).toBe(200);
    // The bystander was only selected; mule1 stays, marked on the path.
    expect(bySelection.json().removed.map((f: Finding) => f.address)).toEqual([bystander]);
    expect(bySelection.json().total).toBe(3);
    const one = await send(
      'DELETE',
      `/v1/cases/${caseId}/findings?address=anvil:${mule1}`,
      api.as('investigator'),
    );
    expect(one.json().removed.map((f: Finding) => f.address)).toEqual([mule1]);
    const all = await send('DELETE', `/v1/cases/${caseId}/findings`, api.as('investigator'));
    expect(
      all
        .json()
        .removed.map((f: Finding) => f.address)
        .sort(),
    ).toEqual([thief, mule2].sort());
    expect(all.json().total).toBe(0);
    for (const address of [thief, mule1, mule2, deposit]) {
      expect((await screen(address, api.as('screener'))).body).toBe(before.get(`acme ${address}`));
      expect((await screen(address, api.as('screener'), 2)).body).toBe(
        before.get(`acme ${address} hops`),
      );
    }
    const audit = await send('GET', `/v1/cases/${caseId}/audit`, api.as('viewer'));
    expect(
      audit.json().entries.filter((e: { action: string }) => e.action === 'case.findings.unmark'),
    ).toHaveLength(3);
  });

  it('takes a deleted case’s findings out of the organisation’s screening with it', async () => {
    const marked = await mark({ mark: 'seeds' });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(JSON.parse((await screen(thief, api.as('screener'))).body).results[0].riskLevel).toBe(
      'severe',
    );
    const deleted = await send('DELETE', `/v1/cases/${caseId}`, api.as('investigator'));
    expect(deleted.statusCode, deleted.body).toBe(200);
    // No label may outlive its case: it could be neither listed nor unmarked any more.
    expect((await screen(thief, api.as('screener'))).body).toBe(before.get(`acme ${thief}`));
    const own = await send('GET', '/v1/labels/private', api.as('viewer'));
    expect(JSON.stringify(own.json())).not.toContain(caseId);
  });
});
