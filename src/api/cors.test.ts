import { describe, expect, it } from 'vitest';
import { useApi } from '../../test/helpers/api.ts';

const ALLOWED = 'https://desk.example.org';

describe('CORS, when configured (chaintrail serve --cors)', () => {
  const api = useApi({ app: { corsOrigins: [ALLOWED] } });

  it('answers a preflight from an allowed origin, without a key', async () => {
    const res = await api.app.inject({
      method: 'OPTIONS',
      url: '/v1/screen',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-api-key',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    // Every method the API uses (a case is saved with PUT and deleted with DELETE).
    const methods = String(res.headers['access-control-allow-methods']).split(/,\s*/);
    for (const route of api.app.apiRoutes) expect(methods).toContain(route.method);
  });

  it('lets an allowed origin read answers, refusals included, and keeps the key check', async () => {
    const screen = {
      method: 'POST' as const,
      url: '/v1/screen',
      payload: { addresses: ['0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae'] },
    };
    const ok = await api.app.inject({
      ...screen,
      headers: { origin: ALLOWED, ...api.as('screener') },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(ALLOWED);
    const refused = await api.app.inject({ ...screen, headers: { origin: ALLOWED } });
    expect(refused.statusCode).toBe(401);
    // A browser app can then show why: the refusal carries the header too.
    expect(refused.headers['access-control-allow-origin']).toBe(ALLOWED);
  });

  it('gives other origins no CORS header', async () => {
    const res = await api.app.inject({
      url: '/healthz',
      headers: { origin: 'https://elsewhere.example.org' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS, by default', () => {
  const api = useApi();

  it('is off: no CORS header, and a preflight is not answered', async () => {
    const get = await api.app.inject({ url: '/healthz', headers: { origin: ALLOWED } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await api.app.inject({
      method: 'OPTIONS',
      url: '/v1/screen',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(404);
  });
});
