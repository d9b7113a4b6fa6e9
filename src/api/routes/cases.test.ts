import { beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import type { Transfer } from '../../model/transfer.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { createCaseStore } from '../cases/case-store.ts';

// Real mainnet token transfer from ethereum-etl's test resources (block 483920).
const TX = '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8';
const FROM = '0x1b63142628311395ceafeea5667e7c9026c862ca';
const TO = '0xac4df82fe37ea2187bc8c011a23d743b4f39019a';
const TRANSFERS: Transfer[] = [
  {
    chain: 'ethereum',
    blockNumber: 483920n,
    blockTime: 1447144575,
    txHash: TX,
    position: 'log:0',
    from: FROM,
    to: TO,
    asset: '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd',
    amount: 100000n,
    kind: 'token',
  },
];

type Note = { id: string; text: string; author: string; time: string; editedBy: string | null };
type Case = {
  id: string;
  org: string;
  name: string;
  description: string | null;
  seeds: string[];
  graph: unknown;
  annotations: Record<string, string>;
  notes: Note[];
  traceIds: string[];
  version: number;
  createdBy: string;
  updatedBy: string;
};

const GRAPH = {
  nodes: [
    { id: FROM, x: 10.5, y: -3, expanded: true },
    { id: TO, x: 120, y: 40, expanded: false },
  ],
  filters: { minValue: '1000', assets: ['0xf4eced2f682ce333f96f2d8966c613ded8fc95dd'] },
};

describe('cases', () => {
  const api = useApi({
    seed: (store) => store.write(async (w) => w.appendTransfers(TRANSFERS)).then(() => {}),
  });
  const globex: Record<'viewer' | 'investigator', string> = { viewer: '', investigator: '' };
  const keyIds: Record<string, string> = {};
  beforeAll(async () => {
    for (const role of ['viewer', 'investigator'] as const)
      globex[role] = (await createApiKey({ store: api.store, role, org: 'globex' })).key;
    await api.app.chaintrail.keys.reload();
    for (const role of ['investigator', 'admin'] as const)
      keyIds[role] = api.app.chaintrail.keys.verify(api.keys[role])!.id;
  });
  const asGlobex = (role: 'viewer' | 'investigator') => ({ 'x-api-key': globex[role] });

  const create = (payload: object, headers = api.as('investigator')) =>
    api.app.inject({ method: 'POST', url: '/v1/cases', payload, headers });
  const get = (id: string, headers = api.as('viewer')) =>
    api.app.inject({ url: `/v1/cases/${id}`, headers });
  const put = (id: string, payload: object, headers = api.as('investigator')) =>
    api.app.inject({ method: 'PUT', url: `/v1/cases/${id}`, payload, headers });
  const note = (id: string, text: string, headers = api.as('investigator')) =>
    api.app.inject({ method: 'POST', url: `/v1/cases/${id}/notes`, payload: { text }, headers });

  it('refuses a graph state nested thousands of levels deep with a 400, not a 500', async () => {
    let graph = '1';
    for (let i = 0; i < 4_500; i++) graph = `{"a":${graph}}`;
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/cases',
      payload: `{"name":"deep","graph":${graph}}`,
      headers: { ...api.as('investigator'), 'content-type': 'application/json' },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'CASE_GRAPH_TOO_DEEP',
      message: 'graph: nested deeper than 64 levels',
    });
    expect((await api.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('saves an investigation and loads it back whole', async () => {
    const res = await create({
      name: 'Token sender, Nov 2015',
      description: 'Where did the tokens go?',
      seeds: [FROM, TX],
      graph: GRAPH,
      annotations: { [FROM]: 'the seed', [TO]: 'receiver; exchange?' },
      notes: [{ text: 'Opened from a deposit alert' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<Case>();
    expect(res.headers.location).toBe(`/v1/cases/${created.id}`);
    expect(created).toMatchObject({
      org: 'acme',
      version: 1,
      createdBy: keyIds.investigator,
      notes: [{ text: 'Opened from a deposit alert', author: keyIds.investigator }],
    });

    const loaded = await get(created.id);
    expect(loaded.statusCode).toBe(200);
    const back = loaded.json<Case>();
    expect(back.graph).toEqual(GRAPH);
    expect(back.annotations).toEqual({ [FROM]: 'the seed', [TO]: 'receiver; exchange?' });
    expect(back.seeds).toEqual([FROM, TX]);
    expect(back).toEqual(created);

    const list = await api.app.inject({ url: '/v1/cases', headers: api.as('viewer') });
    const summary = list.json().cases.find((c: { id: string }) => c.id === created.id);
    expect(summary).toMatchObject({ name: 'Token sender, Nov 2015', notes: 1, annotations: 2 });
    expect(summary).not.toHaveProperty('graph');
  });

  it('lists the newest case first and pages the list', async () => {
    const first = (await create({ name: 'Older' })).json<Case>();
    const second = (await create({ name: 'Newer' })).json<Case>();
    const res = await api.app.inject({ url: '/v1/cases?limit=2', headers: api.as('viewer') });
    expect(res.json().cases.map((c: Case) => c.id)).toEqual([second.id, first.id]);
    const next = await api.app.inject({
      url: '/v1/cases?limit=1&offset=1',
      headers: api.as('viewer'),
    });
    expect(next.json().cases.map((c: Case) => c.id)).toEqual([first.id]);
  });

  it('replaces a case based on its version, and refuses a stale version with CASE_CONFLICT', async () => {
    const c = (
      await create({ name: 'Replace me', graph: GRAPH, notes: [{ text: 'first' }] })
    ).json<Case>();
    const replaced = await put(c.id, {
      version: 1,
      name: 'Replaced',
      seeds: [FROM],
      graph: { nodes: [] },
      notes: [{ id: c.notes[0]!.id, text: 'first, reworded' }, { text: 'second' }],
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    const v2 = replaced.json<Case>();
    expect(v2).toMatchObject({
      version: 2,
      name: 'Replaced',
      graph: { nodes: [] },
      annotations: {},
    });
    expect(v2.notes.map((n) => n.text)).toEqual(['first, reworded', 'second']);
    expect(v2.notes[0]).toMatchObject({ id: c.notes[0]!.id, time: c.notes[0]!.time });
    expect(v2.notes[0]!.editedBy).toBe(keyIds.investigator);

    // A second client still holding version 1 loses, and the case is unchanged.
    const stale = await put(c.id, { version: 1, name: 'Stale edit' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CASE_CONFLICT');
    expect(stale.json().error.message).toMatch(/at version 2; .* based on version 1/);
    expect((await get(c.id)).json().name).toBe('Replaced');

    // Of two replaces based on the same version at once, exactly one wins.
    const racing = await Promise.all([
      put(c.id, { version: 2, name: 'A' }),
      put(c.id, { version: 2, name: 'B' }),
    ]);
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409]);

    // Notes left out stay; an unknown note id is refused.
    expect((await get(c.id)).json<Case>().notes).toHaveLength(2);
    const unknownNote = await put(c.id, {
      version: 3,
      name: 'x',
      notes: [{ id: c.id, text: 'not a note of the case' }],
    });
    expect(unknownNote.json().error.code).toBe('CASE_UNKNOWN_NOTE');
  });

  it('appends notes with their author and time, and a note makes an older version stale', async () => {
    const c = (await create({ name: 'Notes' })).json<Case>();
    const res = await note(c.id, 'Funds moved to a second wallet');
    expect(res.statusCode, res.body).toBe(201);
    const { note: added, version } = res.json<{ note: Note; version: number }>();
    expect(version).toBe(2);
    expect(added).toMatchObject({
      text: 'Funds moved to a second wallet',
      author: keyIds.investigator,
    });
    expect(Date.parse(added.time)).not.toBeNaN();
    const byAdmin = await note(c.id, 'Escalated', api.as('admin'));
    expect(byAdmin.json().note.author).toBe(keyIds.admin);

    const loaded = (await get(c.id)).json<Case>();
    expect(loaded.notes.map((n) => [n.text, n.author])).toEqual([
      ['Funds moved to a second wallet', keyIds.investigator],
      ['Escalated', keyIds.admin],
    ]);
    const stale = await put(c.id, { version: 1, name: 'Would drop the notes' });
    expect(stale.json().error.code).toBe('CASE_CONFLICT');
    expect((await note(c.id, '   ')).statusCode).toBe(400);
  });

  it("keeps the case's audit trail: created, read, changed, notes, trace exports, and who did each", async () => {
    const trace = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: { seeds: [TX] },
      headers: api.as('investigator'),
    });
    const traceId = trace.json<{ id: string }>().id;
    await api.app.chaintrail.traces.idle();
    const c = (await create({ name: 'Audited', seeds: [TX], traceIds: [traceId] })).json<Case>();
    await get(c.id);
    await put(c.id, { version: 1, name: 'Audited, renamed', seeds: [TX], traceIds: [traceId] });
    await note(c.id, 'Checked the receiver', api.as('admin'));
    const exported = await api.app.inject({
      url: `/v1/traces/${traceId}/result?format=csv`,
      headers: api.as('viewer'),
    });
    expect(exported.statusCode).toBe(200);

    const res = await api.app.inject({ url: `/v1/cases/${c.id}/audit`, headers: api.as('viewer') });
    expect(res.statusCode, res.body).toBe(200);
    const entries = res.json<{ entries: { action: string; actor: string; time: string }[] }>()
      .entries;
    expect(entries.map((e) => e.action)).toEqual([
      'trace.export',
      'case.note',
      'case.update',
      'case.read',
      'case.create',
      'trace.create',
    ]);
    const viewerId = api.app.chaintrail.keys.verify(api.keys.viewer)!.id;
    expect(entries.map((e) => e.actor)).toEqual([
      viewerId,
      keyIds.admin,
      keyIds.investigator,
      viewerId,
      keyIds.investigator,
      keyIds.investigator,
    ]);
    expect(entries.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);

    const limited = await api.app.inject({
      url: `/v1/cases/${c.id}/audit?limit=2`,
      headers: api.as('viewer'),
    });
    expect(limited.json().entries.map((e: { action: string }) => e.action)).toEqual([
      'trace.export',
      'case.note',
    ]);
  });

  it("records actions in the case's trail with the key's name and role: a trace run for the case, saved or not; reads once, not per load", async () => {
    const c = (await create({ name: 'Opened often', seeds: [TX] })).json<Case>();
    const started = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: { seeds: [TX], direction: 'backward', caseId: c.id },
      headers: api.as('investigator'),
    });
    expect(started.statusCode, started.body).toBe(202);
    const traceId = started.json<{ id: string }>().id;
    await api.app.chaintrail.traces.idle();
    // The case page loads the case and its trace's result on every view: ten times here.
    for (let i = 0; i < 10; i++) {
      expect((await get(c.id)).statusCode).toBe(200);
      const viewed = await api.app.inject({
        url: `/v1/traces/${traceId}/result`,
        headers: api.as('viewer'),
      });
      expect(viewed.statusCode).toBe(200);
    }
    // Another organisation's key cannot put a trace into this case's trail.
    const foreign = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: { seeds: [TX], caseId: c.id },
      headers: asGlobex('investigator'),
    });
    expect(foreign.statusCode, foreign.body).toBe(404);

    type Entry = {
      action: string;
      actorName: string | null;
      actorRole: string | null;
      target: string;
      detail: Record<string, unknown>;
    };
    const entries = (
      await api.app.inject({ url: `/v1/cases/${c.id}/audit`, headers: api.as('viewer') })
    ).json<{ entries: Entry[] }>().entries;
    // The trace was never saved with the case, and still is in its trail, once.
    expect(entries.map((e) => [e.action, e.actorName, e.actorRole])).toEqual([
      ['case.read', 'test viewer', 'viewer'],
      ['case.trace', 'test investigator', 'investigator'],
      ['case.create', 'test investigator', 'investigator'],
    ]);
    expect(entries[1]!.detail).toMatchObject({ traceId, direction: 'backward', seeds: [TX] });
    // The results viewed ten times are one read in the whole log; a CSV is an export each time.
    await api.app.chaintrail.audit.flush();
    const reads = await api.store.listAudit({ target: traceId });
    expect(reads.map((e) => e.action)).toEqual(['trace.read', 'trace.create']);
    expect(reads[1]!.detail).toMatchObject({ caseId: c.id });
  });

  it("hides a case from other organisations (404), and refuses another organisation's trace", async () => {
    const c = (await create({ name: 'Acme only' })).json<Case>();
    for (const res of [
      await get(c.id, asGlobex('viewer')),
      await put(c.id, { version: 1, name: 'Taken over' }, asGlobex('investigator')),
      await note(c.id, 'hello', asGlobex('investigator')),
      await api.app.inject({ url: `/v1/cases/${c.id}/audit`, headers: asGlobex('viewer') }),
      await api.app.inject({
        method: 'DELETE',
        url: `/v1/cases/${c.id}`,
        headers: asGlobex('investigator'),
      }),
    ]) {
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const theirs = await api.app.inject({ url: '/v1/cases', headers: asGlobex('viewer') });
    expect(theirs.json().cases).toEqual([]);
    expect((await get(c.id)).json().name).toBe('Acme only');

    const trace = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: { seeds: [TX] },
      headers: api.as('investigator'),
    });
    const foreignTrace = await create(
      { name: 'Borrowed trace', traceIds: [trace.json().id] },
      asGlobex('investigator'),
    );
    expect(foreignTrace.statusCode).toBe(400);
    expect(foreignTrace.json().error.code).toBe('CASE_UNKNOWN_TRACE');
    await api.app.chaintrail.traces.idle();
  });

  it('deletes a case', async () => {
    const c = (await create({ name: 'Short-lived' })).json<Case>();
    const res = await api.app.inject({
      method: 'DELETE',
      url: `/v1/cases/${c.id}`,
      headers: api.as('investigator'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: c.id, name: 'Short-lived' });
    expect((await get(c.id)).statusCode).toBe(404);
    expect((await put(c.id, { version: 1, name: 'Back' })).statusCode).toBe(404);
    const viewerDelete = await api.app.inject({
      method: 'DELETE',
      url: `/v1/cases/${c.id}`,
      headers: api.as('viewer'),
    });
    expect(viewerDelete.statusCode).toBe(403);
  });

  it('limits sizes with clear 400 and 413 errors', async () => {
    const noName = await create({ name: '' });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(noName.json().error.message).toMatch(/name/);
    expect((await create({ name: '   ' })).statusCode).toBe(400);
    expect((await create({ name: 'x'.repeat(201) })).statusCode).toBe(400);
    const unknownField = await create({ name: 'ok', owner: 'me' });
    expect(unknownField.json().error.message).toMatch(/additional properties/);

    const big = await create({ name: 'Huge graph', graph: { blob: 'x'.repeat(5 * 1024 * 1024) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatchObject({
      code: 'BODY_TOO_LARGE',
      message: 'A case is at most 5 MB',
    });
  });

  it('keeps notes appended one by one from growing a case past the stored limit', async () => {
    // A small limit: a 5 MB case would need a hundred 10,000-character notes to reach 6 MB.
    const cases = createCaseStore({
      store: api.store,
      traceExists: async () => false,
      maxStoredBytes: 20_000,
    });
    const c = await cases.create('acme', keyIds.investigator!, {
      name: 'Nearly full',
      graph: { blob: 'x'.repeat(15_000) },
    });
    const filler = 'y'.repeat(2000);
    await cases.addNote('acme', c.id, keyIds.investigator!, filler);
    await cases.addNote('acme', c.id, keyIds.investigator!, filler);
    const third = cases.addNote('acme', c.id, keyIds.investigator!, filler);
    await expect(third).rejects.toMatchObject({ name: 'TooLargeError', code: 'CASE_TOO_LARGE' });
    expect((await cases.get('acme', c.id))!.notes).toHaveLength(2);
  });
});
