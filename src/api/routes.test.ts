import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { useApi } from '../../test/helpers/api.ts';
import { etlBitcoinTransfers } from '../../test/helpers/bitcoin-etl-transfers.ts';
import { ETL_TOKEN_TRANSFERS } from '../../test/helpers/etl-transfers.ts';
import { buildClusters } from '../cluster/build-clusters.ts';
import { createApiKey } from './auth/api-keys.ts';
import { ROLES, roleDenied } from './auth/roles.ts';

// A real mainnet token transfer (ethereum-etl's test resources, block 483920).
const TRANSFERS = ETL_TOKEN_TRANSFERS.slice(0, 1);
const TX = TRANSFERS[0]!.txHash;
const FROM = TRANSFERS[0]!.from!;
// On OFAC's SDN list (Lazarus Group, DPRK3): in the shipped reference labels.
const LAZARUS = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
// An input of bitcoin-etl's 2-input transaction 7940cdde… (block 50001): clustered with the other.
const CLUSTERED = '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9';

type Case = Omit<InjectOptions, 'headers'> & { url: string };

/**
 * For every route: a request that succeeds (and its status) and one that fails validation. The
 * test below fails when a route has no entry, so a new route cannot go untested. `{trace}` and
 * similar placeholders are filled from objects the fixture creates.
 */
const CASES: Record<string, { ok: Case & { status: number }; invalid: Case }> = {
  'GET /healthz': {
    ok: { method: 'GET', url: '/healthz', status: 200 },
    invalid: { method: 'GET', url: '/healthz?unknown=1' },
  },
  'GET /metrics': {
    ok: { method: 'GET', url: '/metrics', status: 200 },
    invalid: { method: 'GET', url: '/metrics?unknown=1' },
  },
  'POST /v1/screen': {
    ok: { method: 'POST', url: '/v1/screen', payload: { addresses: [LAZARUS] }, status: 200 },
    invalid: { method: 'POST', url: '/v1/screen', payload: { addresses: [] } },
  },
  'GET /v1/address/:address': {
    ok: { method: 'GET', url: `/v1/address/${LAZARUS}`, status: 200 },
    invalid: { method: 'GET', url: '/v1/address/0xnothex' },
  },
  'GET /api/v1/address/:address': {
    ok: { method: 'GET', url: `/api/v1/address/${LAZARUS}`, status: 200 },
    invalid: { method: 'GET', url: '/api/v1/address/0xnothex' },
  },
  'GET /v1/addresses/:chain/:address': {
    ok: { method: 'GET', url: `/v1/addresses/ethereum/${FROM}`, status: 200 },
    invalid: { method: 'GET', url: '/v1/addresses/ethereum/0x12' },
  },
  'GET /v1/clusters/:chain/:address': {
    ok: { method: 'GET', url: `/v1/clusters/bitcoin/${CLUSTERED}?limit=10`, status: 200 },
    invalid: { method: 'GET', url: `/v1/clusters/bitcoin/${CLUSTERED}?limit=0` },
  },
  'GET /v1/addresses/:chain/:address/labels': {
    ok: { method: 'GET', url: `/v1/addresses/ethereum/${LAZARUS}/labels`, status: 200 },
    invalid: { method: 'GET', url: `/v1/addresses/no-such-chain/${LAZARUS}/labels` },
  },
  'GET /v1/addresses/:chain/:address/risk': {
    ok: { method: 'GET', url: `/v1/addresses/ethereum/${FROM}/risk?hops=1`, status: 200 },
    invalid: { method: 'GET', url: `/v1/addresses/ethereum/${FROM}/risk?hops=99` },
  },
  'GET /v1/addresses/:chain/:address/counterparties': {
    ok: { method: 'GET', url: `/v1/addresses/ethereum/${FROM}/counterparties`, status: 200 },
    invalid: { method: 'GET', url: `/v1/addresses/ethereum/${FROM}/counterparties?direction=up` },
  },
  'GET /v1/addresses/:chain/:address/transfers': {
    ok: { method: 'GET', url: `/v1/addresses/ethereum/${FROM}/transfers?limit=5`, status: 200 },
    invalid: { method: 'GET', url: `/v1/addresses/ethereum/${FROM}/transfers?limit=0` },
  },
  'GET /v1/transactions/:chain/:hash': {
    ok: { method: 'GET', url: `/v1/transactions/ethereum/${TX}`, status: 200 },
    invalid: { method: 'GET', url: '/v1/transactions/ethereum/0x1234' },
  },
  'POST /v1/traces': {
    ok: { method: 'POST', url: '/v1/traces', payload: { seeds: [TX] }, status: 202 },
    invalid: { method: 'POST', url: '/v1/traces', payload: { seeds: [TX], policy: 'magic' } },
  },
  'GET /v1/traces': {
    ok: { method: 'GET', url: '/v1/traces', status: 200 },
    invalid: { method: 'GET', url: '/v1/traces?unknown=1' },
  },
  'GET /v1/traces/:id': {
    ok: { method: 'GET', url: '/v1/traces/{trace}', status: 200 },
    invalid: { method: 'GET', url: '/v1/traces/not-a-uuid' },
  },
  'GET /v1/traces/:id/result': {
    ok: { method: 'GET', url: '/v1/traces/{trace}/result?format=csv', status: 200 },
    invalid: { method: 'GET', url: '/v1/traces/{trace}/result?format=pdf' },
  },
  'GET /v1/traces/:id/valuation': {
    ok: { method: 'GET', url: '/v1/traces/{trace}/valuation', status: 200 },
    invalid: { method: 'GET', url: '/v1/traces/not-a-uuid/valuation' },
  },
  'GET /v1/traces/:id/events': {
    ok: { method: 'GET', url: '/v1/traces/{trace}/events', status: 200 },
    invalid: { method: 'GET', url: '/v1/traces/12/events' },
  },
  'DELETE /v1/traces/:id': {
    ok: { method: 'DELETE', url: '/v1/traces/{trace}', status: 200 },
    invalid: { method: 'DELETE', url: '/v1/traces/..%2F..%2Fetc%2Fpasswd' },
  },
  'POST /v1/keys': {
    ok: { method: 'POST', url: '/v1/keys', payload: { role: 'viewer', org: 'acme' }, status: 201 },
    invalid: { method: 'POST', url: '/v1/keys', payload: { role: 'root' } },
  },
  'GET /v1/keys': {
    ok: { method: 'GET', url: '/v1/keys', status: 200 },
    invalid: { method: 'GET', url: '/v1/keys?unknown=1' },
  },
  'DELETE /v1/keys/:id': {
    ok: { method: 'DELETE', url: '/v1/keys/{viewerKeyId}', status: 200 },
    invalid: { method: 'DELETE', url: '/v1/keys/DROP%20TABLE' },
  },
  'GET /v1/me': {
    ok: { method: 'GET', url: '/v1/me', status: 200 },
    invalid: { method: 'GET', url: '/v1/me?key=1' },
  },
  'GET /v1/assets': {
    ok: { method: 'GET', url: '/v1/assets?chain=ethereum', status: 200 },
    invalid: { method: 'GET', url: '/v1/assets?chain=no%20such' },
  },
  'GET /v1/audit': {
    ok: { method: 'GET', url: '/v1/audit?limit=5', status: 200 },
    invalid: { method: 'GET', url: '/v1/audit?limit=-1' },
  },
  // --- labels and cases ---
  'GET /v1/labels': {
    ok: { method: 'GET', url: '/v1/labels?q=lazarus&chain=ethereum&limit=5', status: 200 },
    invalid: { method: 'GET', url: '/v1/labels?limit=0' },
  },
  'POST /v1/labels/private': {
    ok: {
      method: 'POST',
      url: '/v1/labels/private',
      payload: { chain: 'ethereum', address: FROM, category: 'other', entity: 'routes test' },
      status: 201,
    },
    invalid: {
      method: 'POST',
      url: '/v1/labels/private',
      payload: { chain: 'ethereum', address: FROM, category: 'villain' },
    },
  },
  'GET /v1/labels/private': {
    ok: { method: 'GET', url: '/v1/labels/private?limit=10', status: 200 },
    invalid: { method: 'GET', url: '/v1/labels/private?offset=-1' },
  },
  'DELETE /v1/labels/private/:id': {
    ok: { method: 'DELETE', url: '/v1/labels/private/{privateLabel}', status: 200 },
    invalid: { method: 'DELETE', url: '/v1/labels/private/not-a-uuid' },
  },
  'POST /v1/labels/tagpacks': {
    // JSON-wrapped (the table sends no content type): the header and first two tags of GraphSense's
    // Ronin bridge pack (test/fixtures/tagpacks/packs/ronin_bridge.yaml).
    ok: {
      method: 'POST',
      url: '/v1/labels/tagpacks',
      payload: {
        name: 'ronin_bridge.yaml',
        yaml: [
          'title: Ronin bridge hack',
          'lastmod: 2022-04-05',
          'source: https://roninblockchain.substack.com/p/community-alert-ronin-validators',
          'abuse: service_hack',
          'confidence: service_data',
          'currency: ETH',
          'tags:',
          `- address: '${LAZARUS}'`,
          '  label: Ronin bridge exploiter',
          "- address: '0x29fC9B71492ec63696Cf9cd56e9832A42B0dCED0'",
          '  label: Ronin bridge exploiter 4',
          '',
        ].join('\n'),
      },
      status: 201,
    },
    invalid: {
      method: 'POST',
      url: '/v1/labels/tagpacks',
      payload: { yaml: 'title: Broken\ntags: [\n' },
    },
  },
  'GET /v1/labels/tagpacks': {
    ok: { method: 'GET', url: '/v1/labels/tagpacks?limit=10', status: 200 },
    invalid: { method: 'GET', url: '/v1/labels/tagpacks?limit=0' },
  },
  'DELETE /v1/labels/tagpacks/:id': {
    ok: { method: 'DELETE', url: '/v1/labels/tagpacks/{tagpackUpload}', status: 200 },
    invalid: { method: 'DELETE', url: '/v1/labels/tagpacks/..%2Fimports%2F1' },
  },
  'POST /v1/cases': {
    ok: {
      method: 'POST',
      url: '/v1/cases',
      payload: {
        name: 'Token sender',
        seeds: [FROM],
        graph: { nodes: [{ id: FROM, x: 0, y: 0 }] },
        annotations: { [FROM]: 'seed' },
        notes: [{ text: 'opened' }],
      },
      status: 201,
    },
    invalid: { method: 'POST', url: '/v1/cases', payload: { name: '' } },
  },
  'GET /v1/cases': {
    ok: { method: 'GET', url: '/v1/cases?limit=10', status: 200 },
    invalid: { method: 'GET', url: '/v1/cases?limit=0' },
  },
  'GET /v1/cases/:id': {
    ok: { method: 'GET', url: '/v1/cases/{case}', status: 200 },
    invalid: { method: 'GET', url: '/v1/cases/not-a-uuid' },
  },
  'PUT /v1/cases/:id': {
    // Runs before the notes route, while the case is at version 1.
    ok: {
      method: 'PUT',
      url: '/v1/cases/{case}',
      payload: { version: 1, name: 'Lazarus, renamed', seeds: [LAZARUS] },
      status: 200,
    },
    invalid: { method: 'PUT', url: '/v1/cases/{case}', payload: { name: 'no version' } },
  },
  'POST /v1/cases/:id/notes': {
    ok: {
      method: 'POST',
      url: '/v1/cases/{case}/notes',
      payload: { text: 'Checked' },
      status: 201,
    },
    invalid: { method: 'POST', url: '/v1/cases/{case}/notes', payload: { text: '' } },
  },
  'GET /v1/cases/:id/audit': {
    ok: { method: 'GET', url: '/v1/cases/{case}/audit?limit=10', status: 200 },
    invalid: { method: 'GET', url: '/v1/cases/{case}/audit?limit=0' },
  },
  'DELETE /v1/cases/:id': {
    ok: { method: 'DELETE', url: '/v1/cases/{case}', status: 200 },
    invalid: { method: 'DELETE', url: '/v1/cases/12' },
  },
  // A case of its own with the fixture's trace: the case above is deleted before these run.
  'POST /v1/cases/:id/findings': {
    ok: {
      method: 'POST',
      url: '/v1/cases/{tracedCase}/findings',
      payload: { mark: 'seeds' },
      status: 200,
    },
    invalid: {
      method: 'POST',
      url: '/v1/cases/{tracedCase}/findings',
      payload: { mark: 'everything' },
    },
  },
  'GET /v1/cases/:id/findings': {
    ok: { method: 'GET', url: '/v1/cases/{tracedCase}/findings', status: 200 },
    invalid: { method: 'GET', url: '/v1/cases/{tracedCase}/findings?mark=seeds' },
  },
  'DELETE /v1/cases/:id/findings': {
    ok: { method: 'DELETE', url: '/v1/cases/{tracedCase}/findings?mark=seeds', status: 200 },
    invalid: { method: 'DELETE', url: '/v1/cases/{tracedCase}/findings?address=no-chain' },
  },
  'POST /v1/cases/:id/watchlist': {
    ok: {
      method: 'POST',
      url: '/v1/cases/{tracedCase}/watchlist',
      payload: { what: 'still-held' },
      status: 200,
    },
    invalid: {
      method: 'POST',
      url: '/v1/cases/{tracedCase}/watchlist',
      payload: { what: 'everything' },
    },
  },
  'GET /v1/cases/:id/report': {
    ok: { method: 'GET', url: '/v1/cases/{tracedCase}/report?format=html', status: 200 },
    invalid: { method: 'GET', url: '/v1/cases/{tracedCase}/report?format=docx' },
  },
  // --- end of labels and cases ---
  // --- watchlists and alerts ---
  'POST /v1/watchlists': {
    ok: {
      method: 'POST',
      url: '/v1/watchlists',
      payload: { name: 'Lazarus', addresses: [{ chain: 'ethereum', address: LAZARUS }] },
      status: 201,
    },
    invalid: {
      method: 'POST',
      url: '/v1/watchlists',
      payload: {
        name: 'Lazarus',
        addresses: [{ chain: 'ethereum', address: LAZARUS }],
        webhook: { url: 'ftp://127.0.0.1/hook', secret: 'a-long-enough-secret' },
      },
    },
  },
  'GET /v1/watchlists': {
    ok: { method: 'GET', url: '/v1/watchlists?limit=10', status: 200 },
    invalid: { method: 'GET', url: '/v1/watchlists?limit=0' },
  },
  'GET /v1/watchlists/:id': {
    ok: { method: 'GET', url: '/v1/watchlists/{watchlist}', status: 200 },
    invalid: { method: 'GET', url: '/v1/watchlists/not-a-uuid' },
  },
  'POST /v1/watchlists/:id/addresses': {
    ok: {
      method: 'POST',
      url: '/v1/watchlists/{watchlist}/addresses',
      payload: { addresses: [{ chain: 'ethereum', address: LAZARUS }] },
      status: 200,
    },
    invalid: { method: 'POST', url: '/v1/watchlists/{watchlist}/addresses', payload: {} },
  },
  'DELETE /v1/watchlists/:id': {
    ok: { method: 'DELETE', url: '/v1/watchlists/{watchlistToDelete}', status: 200 },
    invalid: { method: 'DELETE', url: '/v1/watchlists/12' },
  },
  'GET /v1/alerts': {
    ok: { method: 'GET', url: '/v1/alerts?acknowledged=false&limit=10', status: 200 },
    invalid: { method: 'GET', url: '/v1/alerts?acknowledged=maybe' },
  },
  'POST /v1/alerts/:id/ack': {
    ok: { method: 'POST', url: '/v1/alerts/{alert}/ack', status: 200 },
    invalid: { method: 'POST', url: '/v1/alerts/not-an-alert-id/ack' },
  },
  'GET /v1/alerts/stream': {
    // Replays the fixture's alert and closes; a key of an org without alerts closes after 1 s.
    ok: {
      method: 'GET',
      url: '/v1/alerts/stream?since=2000-01-01T00:00:00Z&maxEvents=1&maxSeconds=1',
      status: 200,
    },
    invalid: { method: 'GET', url: '/v1/alerts/stream?maxEvents=0' },
  },
  'GET /v1/alerts/following': {
    ok: { method: 'GET', url: '/v1/alerts/following', status: 200 },
    invalid: { method: 'GET', url: '/v1/alerts/following?chain=ethereum' },
  },
  'GET /v1/alerts/dead-letters': {
    ok: { method: 'GET', url: '/v1/alerts/dead-letters?limit=10', status: 200 },
    invalid: { method: 'GET', url: '/v1/alerts/dead-letters?offset=-1' },
  },
  'POST /v1/alerts/dead-letters/:id/retry': {
    ok: { method: 'POST', url: '/v1/alerts/dead-letters/{deadLetter}/retry', status: 200 },
    invalid: { method: 'POST', url: '/v1/alerts/dead-letters/..%2Fetc/retry' },
  },
  // --- end of watchlists and alerts ---
};

describe('every API route', () => {
  const api = useApi({
    referenceLabels: true,
    // A watchlist's webhook receiver runs on this machine.
    app: { allowPrivateWebhooks: true },
    seed: async (store) => {
      await store.write(async (w) => {
        await w.appendTransfers(TRANSFERS);
        await w.appendTransfers(etlBitcoinTransfers());
      });
      await buildClusters({ store, chain: 'bitcoin' });
    },
  });
  const fill: Record<string, string> = {};
  const resolve = (c: Case): InjectOptions => ({
    ...c,
    url: c.url.replace(/\{(\w+)\}/g, (_m, name: string) => fill[name] ?? `{${name}}`),
  });
  const prepare = async () => {
    if (fill.trace) return;
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: { seeds: [TX] },
      headers: api.as('investigator'),
    });
    fill.trace = res.json<{ id: string }>().id;
    await api.app.chaintrail.traces.idle();
    const { record } = await createApiKey({ store: api.store, role: 'viewer', org: 'acme' });
    await api.app.chaintrail.keys.reload();
    fill.viewerKeyId = record.id;
    // Watchlists and alerts: a watchlist of FROM whose webhook answers 410 (a permanent refusal, so
    // the delivery goes to the dead-letter list at once), its alert, and a watchlist to delete.
    const { createServer } = await import('node:http');
    const refuser = createServer((_req, res) => res.writeHead(410).end());
    await new Promise<void>((r) => refuser.listen(0, '127.0.0.1', r));
    const { port } = refuser.address() as { port: number };
    const watch = async (payload: object) => {
      const res = await api.app.inject({
        method: 'POST',
        url: '/v1/watchlists',
        payload,
        headers: api.as('investigator'),
      });
      return res.json<{ id: string }>().id;
    };
    fill.watchlist = await watch({
      name: 'Token sender',
      addresses: [{ chain: 'ethereum', address: FROM }],
      webhook: { url: `http://127.0.0.1:${port}/hook`, secret: 'routes-test-secret-0123' },
    });
    fill.watchlistToDelete = await watch({
      name: 'To delete',
      addresses: [{ chain: 'ethereum', address: LAZARUS }],
    });
    const [alert] = await api.app.chaintrail.alerts.evaluate(TRANSFERS);
    await api.app.chaintrail.alerts.idle();
    refuser.closeAllConnections();
    await new Promise((r) => refuser.close(r));
    fill.alert = alert!.id;
    fill.deadLetter = alert!.id;
    // Labels and cases: a private label to delete, and a case (version 1) to read, replace and delete.
    {
      const label = await api.app.inject({
        method: 'POST',
        url: '/v1/labels/private',
        payload: {
          chain: 'ethereum',
          address: LAZARUS,
          category: 'theft',
          entity: 'Ronin exploiter',
        },
        headers: api.as('investigator'),
      });
      fill.privateLabel = label.json<{ id: string }>().id;
      // A private upload to delete: the Ronin bridge pack's header and first tag (the POST case
      // above sends two tags, so other bytes).
      const upload = await api.app.inject({
        method: 'POST',
        url: '/v1/labels/tagpacks',
        payload: {
          yaml: [
            'title: Ronin bridge hack',
            'source: https://roninblockchain.substack.com/p/community-alert-ronin-validators',
            'abuse: service_hack',
            'currency: ETH',
            'tags:',
            `- address: '${LAZARUS}'`,
            '  label: Ronin bridge exploiter',
            '',
          ].join('\n'),
        },
        headers: api.as('investigator'),
      });
      fill.tagpackUpload = upload.json<{ id: string }>().id;
      const investigation = await api.app.inject({
        method: 'POST',
        url: '/v1/cases',
        payload: { name: 'Lazarus', seeds: [LAZARUS] },
        headers: api.as('investigator'),
      });
      fill.case = investigation.json<{ id: string }>().id;
      const traced = await api.app.inject({
        method: 'POST',
        url: '/v1/cases',
        payload: { name: 'Token sender, traced', seeds: [FROM], traceIds: [fill.trace] },
        headers: api.as('investigator'),
      });
      fill.tracedCase = traced.json<{ id: string }>().id;
    }
  };

  it('documents every route in the OpenAPI at /docs/json, with its success and error responses', async () => {
    const res = await api.app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    for (const route of api.app.apiRoutes) {
      // The Chainalysis path under /api is an alias, kept out of the documentation.
      if (route.url.startsWith('/api/')) continue;
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      const name = `${route.method} ${route.url}`;
      expect(op, name).toBeDefined();
      const statuses = Object.keys(op!.responses);
      expect(
        statuses.some((s) => /^2\d\d$/.test(s)),
        name,
      ).toBe(true);
      if (route.role !== 'public')
        for (const status of ['400', '401', '403', '429', '500'])
          expect(statuses, `${name} ${status}`).toContain(status);
    }
  });

  it('has a success and a validation case for each route, and no stale one', () => {
    const routes = api.app.apiRoutes.map((r) => `${r.method} ${r.url}`).sort();
    expect(Object.keys(CASES).sort()).toEqual(routes);
  });

  it('answers each route with success to an allowed key, 400 to invalid input', async () => {
    await prepare();
    for (const route of api.app.apiRoutes) {
      const c = CASES[`${route.method} ${route.url}`]!;
      const headers = route.role === 'public' ? {} : api.as('admin');
      const ok = await api.app.inject({ ...resolve(c.ok), headers });
      expect(ok.statusCode, `${route.method} ${route.url}: ${ok.body.slice(0, 300)}`).toBe(
        c.ok.status,
      );
      const bad = await api.app.inject({ ...resolve(c.invalid), headers });
      expect(bad.statusCode, `${route.method} ${route.url} invalid: ${bad.body}`).toBe(400);
      expect(bad.json().error.code).toMatch(/^[A-Z_]+$/);
    }
  });

  it('refuses each non-public route without a key (401), with a revoked key (401) and to a role it does not allow (403)', async () => {
    await prepare();
    const { record, key: revoked } = await createApiKey({
      store: api.store,
      role: 'admin',
      org: 'acme',
    });
    await api.app.inject({
      method: 'DELETE',
      url: `/v1/keys/${record.id}`,
      headers: api.as('admin'),
    });
    for (const route of api.app.apiRoutes) {
      const c = resolve(CASES[`${route.method} ${route.url}`]!.ok);
      const name = `${route.method} ${route.url}`;
      if (route.role === 'public') {
        expect((await api.app.inject(c)).statusCode, name).toBe(200);
        continue;
      }
      const none = await api.app.inject(c);
      expect(none.statusCode, name).toBe(401);
      expect(none.json().error.code, name).toBe('MISSING_API_KEY');
      const gone = await api.app.inject({ ...c, headers: { 'x-api-key': revoked } });
      expect(gone.json().error.code, name).toBe('INVALID_API_KEY');
      if (route.role === 'any') {
        // Open to every valid key: each role gets through.
        for (const role of ROLES)
          expect((await api.app.inject({ ...c, headers: api.as(role) })).statusCode, name).toBe(
            200,
          );
        continue;
      }
      const denied = roleDenied(route.role)!;
      const wrong = await api.app.inject({ ...c, headers: api.as(denied) });
      expect(wrong.statusCode, `${name} as ${denied}`).toBe(403);
      expect(wrong.json().error.code).toBe('FORBIDDEN');
    }
  });

  it('rate-limits each non-public route per key (429 with Retry-After)', async () => {
    await prepare();
    for (const route of api.app.apiRoutes) {
      if (route.role === 'public') continue;
      const { key } = await createApiKey({
        store: api.store,
        role: 'admin',
        rateLimitPerMinute: 1,
      });
      await api.app.chaintrail.keys.reload();
      const c = resolve(CASES[`${route.method} ${route.url}`]!.ok);
      await api.app.inject({ ...c, headers: { 'x-api-key': key } });
      const second = await api.app.inject({ ...c, headers: { 'x-api-key': key } });
      const name = `${route.method} ${route.url}`;
      expect(second.statusCode, name).toBe(429);
      expect(second.json().error.code, name).toBe('RATE_LIMITED');
      expect(Number(second.headers['retry-after']), name).toBeGreaterThan(0);
    }
  });

  it('counts refused requests (403) toward the rate limit too', async () => {
    await prepare();
    const { key } = await createApiKey({ store: api.store, role: 'viewer', rateLimitPerMinute: 2 });
    await api.app.chaintrail.keys.reload();
    // An admin route a viewer may not use, probed again and again.
    const probe = () => api.app.inject({ url: '/v1/keys', headers: { 'x-api-key': key } });
    expect((await probe()).statusCode).toBe(403);
    expect((await probe()).statusCode).toBe(403);
    const third = await probe();
    expect(third.statusCode).toBe(429);
    expect(third.json().error.code).toBe('RATE_LIMITED');
  });

  it('keeps an admin to its own organisation: keys and audit log', async () => {
    await prepare();
    const other = await createApiKey({ store: api.store, role: 'admin', org: 'globex' });
    const globexViewer = await createApiKey({ store: api.store, role: 'viewer', org: 'globex' });
    await api.app.chaintrail.keys.reload();
    const asOther = { 'x-api-key': other.key };
    // The attack seen: an admin of one organisation makes a key for another, then reads its cases.
    const made = await api.app.inject({
      method: 'POST',
      url: '/v1/keys',
      payload: { role: 'investigator', org: 'acme' },
      headers: asOther,
    });
    expect(made.statusCode).toBe(403);
    expect(made.json().error.code).toBe('OTHER_ORGANISATION');
    const listed = await api.app.inject({ url: '/v1/keys', headers: asOther });
    expect(listed.json().keys.map((k: { org: string }) => k.org)).toEqual(['globex', 'globex']);
    const acmeKey = api.app.chaintrail.keys.verify(api.keys.viewer)!.id;
    const revoke = await api.app.inject({
      method: 'DELETE',
      url: `/v1/keys/${acmeKey}`,
      headers: asOther,
    });
    expect(revoke.statusCode).toBe(404);
    expect((await api.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await api.app.inject({ url: '/v1/cases', headers: api.as('viewer') })).statusCode).toBe(
      200,
    );
    // A key made without an org is the admin's organisation's.
    const own = await api.app.inject({
      method: 'POST',
      url: '/v1/keys',
      payload: { role: 'viewer' },
      headers: asOther,
    });
    expect(own.json().record.org).toBe('globex');
    const audit = await api.app.inject({ url: '/v1/audit?limit=1000', headers: asOther });
    const orgs = new Set(audit.json().entries.map((e: { org: string | null }) => e.org));
    expect([...orgs]).toEqual(['globex']);
    expect(globexViewer.record.org).toBe('globex');
  });
});
