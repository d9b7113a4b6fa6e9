import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { useApi } from '../../test/helpers/api.ts';
import { ETL_TOKEN_TRANSFERS } from '../../test/helpers/etl-transfers.ts';
import { startServer } from './server.ts';

// A real mainnet token transfer (ethereum-etl's test resources, block 483920).
const TRANSFER = ETL_TOKEN_TRANSFERS[0]!;
const A = TRANSFER.from!;
const SQL = "'; DROP TABLE transfers; --";
const SQL_OR = "0x' OR '1'='1";
const TRAVERSAL = [
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '....//....//etc/passwd',
];

describe('bad input', () => {
  const api = useApi({
    referenceLabels: true,
    seed: (store) => store.write(async (w) => w.appendTransfers([TRANSFER])).then(() => {}),
  });

  const expect4xx = async (request: InjectOptions & { url: string }, code?: string | RegExp) => {
    const res = await api.app.inject(request);
    const what = `${request.method ?? 'GET'} ${request.url}`;
    expect(res.statusCode, `${what}: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, what).toBeLessThan(500);
    const body = res.json() as { error: { code: string; message: string; requestId: string } };
    expect(body.error.message.length, what).toBeGreaterThan(0);
    expect(body.error.requestId, what).toBeTruthy();
    if (code) expect(body.error.code, what).toMatch(code);
    return body;
  };

  it('answers malformed JSON, a wrong content type and a wrong shape with 4xx and a code', async () => {
    const headers = { ...api.as('admin'), 'content-type': 'application/json' };
    await expect4xx(
      { method: 'POST', url: '/v1/screen', headers, payload: '{"addresses": [' },
      'INVALID_JSON',
    );
    await expect4xx({ method: 'POST', url: '/v1/screen', headers, payload: '' }, 'INVALID_JSON');
    await expect4xx(
      {
        method: 'POST',
        url: '/v1/screen',
        headers: { ...api.as('admin'), 'content-type': 'text/csv' },
        payload: 'a,b',
      },
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expect4xx(
      { method: 'POST', url: '/v1/screen', headers, payload: '[1,2,3]' },
      'VALIDATION_FAILED',
    );
    await expect4xx(
      { method: 'POST', url: '/v1/screen', headers, payload: { addresses: [A], extra: 1 } },
      'VALIDATION_FAILED',
    );
    await expect4xx(
      {
        method: 'POST',
        url: '/v1/traces',
        headers,
        payload: { seeds: [{ nested: { deep: [1] } }] },
      },
      'VALIDATION_FAILED',
    );
  });

  it('names the invalid address and the unknown chain', async () => {
    const headers = api.as('admin');
    const bad = await expect4xx(
      { url: '/v1/addresses/ethereum/0x1234', headers },
      'INVALID_ADDRESS',
    );
    expect(bad.error.message).toContain('0x1234');
    const chain = await expect4xx({ url: `/v1/addresses/etherium/${A}`, headers }, 'UNKNOWN_CHAIN');
    expect(chain.error.message).toContain('etherium');
    await expect4xx({ url: '/v1/address/bc1qnotanaddress', headers }, 'INVALID_ADDRESS');
    await expect4xx({ url: '/v1/transactions/ethereum/0xnothex', headers }, /INVALID/);
    await expect4xx(
      { url: `/v1/addresses/ethereum/${A}/transfers?asset=0xnope`, headers },
      'INVALID_ADDRESS',
    );
    await expect4xx(
      { url: `/v1/addresses/ethereum/${A}/transfers?since=yesterday-ish`, headers },
      /TIME|INVALID/,
    );
    await expect4xx(
      {
        method: 'POST',
        url: '/v1/traces',
        headers,
        payload: { seeds: ['not-a-seed'], chain: 'nochain' },
      },
      'UNKNOWN_CHAIN',
    );
  });

  it('treats SQL-like strings as data: 4xx, and the tables are intact', async () => {
    const headers = api.as('admin');
    const q = encodeURIComponent;
    await expect4xx({ url: `/v1/addresses/ethereum/${q(SQL)}`, headers });
    await expect4xx({ url: `/v1/addresses/${q(SQL)}/${A}`, headers });
    await expect4xx({ url: `/v1/address/${q(SQL_OR)}`, headers });
    await expect4xx({ url: `/v1/addresses/ethereum/${A}/transfers?asset=${q(SQL)}`, headers });
    await expect4xx({ url: `/v1/audit?target=${q(SQL)}`, headers });
    await expect4xx({ url: `/v1/audit?actor=${q(SQL_OR)}`, headers });
    await expect4xx({ url: `/v1/transactions/ethereum/${q(SQL)}`, headers });
    await expect4xx({
      method: 'POST',
      url: '/v1/screen',
      headers,
      payload: { addresses: [{ address: A, chain: SQL }] },
    });
    const screened = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      headers,
      payload: { addresses: [SQL] },
    });
    // A batch reports each bad address in its row instead of failing the batch.
    expect(screened.json().results[0].error).toBeTruthy();
    expect(await api.store.listTransfers()).toHaveLength(1);
    expect((await api.store.listLabels({ sanctionList: 'OFAC SDN' })).length).toBeGreaterThan(100);
  });

  it('refuses a webhook into this machine or its private network (SSRF), by default', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://10.0.0.5/hook',
      'http://localhost:9/hook',
    ]) {
      const body = await expect4xx(
        {
          method: 'POST',
          url: '/v1/watchlists',
          headers: api.as('investigator'),
          payload: {
            name: 'exploiter',
            addresses: [{ chain: 'ethereum', address: A }],
            webhook: { url, secret: 'a-long-enough-secret' },
          },
        },
        'WEBHOOK_TARGET_NOT_ALLOWED',
      );
      expect(body.error.message, url).toMatch(/private address/);
    }
  });

  it('never serves files or routes outside the API for path-traversal strings', async () => {
    const headers = api.as('admin');
    for (const t of TRAVERSAL) {
      for (const url of [
        `/v1/addresses/ethereum/${t}`,
        `/v1/transactions/ethereum/${t}`,
        `/v1/traces/${t}`,
        `/v1/keys/${t}`,
        `/docs/static/${t}`,
        `/docs/${t}`,
      ]) {
        const res = await api.app.inject({ url, headers });
        expect(res.statusCode, `${url}: ${res.body.slice(0, 100)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, url).toBeLessThan(500);
        expect(res.body).not.toContain('root:');
      }
    }
    expect((await api.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('keeps internals out of 5xx bodies', async () => {
    const closed = api.app.chaintrail.store;
    // A failure inside a handler: the route's database call throws a non-user error.
    const original = closed.getAddressSummary.bind(closed);
    closed.getAddressSummary = () => Promise.reject(new Error('disk /var/secret/db exploded'));
    try {
      const res = await api.app.inject({
        url: `/v1/addresses/ethereum/${A}`,
        headers: api.as('admin'),
      });
      expect(res.statusCode).toBe(500);
      expect(res.json().error).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal error' });
      expect(res.body).not.toContain('secret');
      expect(res.body).not.toContain('at ');
    } finally {
      closed.getAddressSummary = original;
    }
  });

  // Last: closing the server closes the app.
  it('refuses a 10 MB body over a real socket with 413, and keeps serving', async () => {
    const server = await startServer({ app: api.app, port: 0 });
    try {
      const big = JSON.stringify({ addresses: Array.from({ length: 240_000 }, () => A) });
      expect(big.length).toBeGreaterThan(10 * 1000 * 1000);
      const res = await fetch(`${server.url}/v1/screen`, {
        method: 'POST',
        headers: { ...api.as('screener'), 'content-type': 'application/json' },
        body: big,
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
