import { describe, expect, it } from 'vitest';
import { useApi } from '../../test/helpers/api.ts';

/** The value of one sample line of a Prometheus exposition, or null when it is absent. */
function sample(text: string, name: string, labels: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
}

describe('HTTP metrics', () => {
  const api = useApi();

  it('count answers per route and status, unmatched and refused requests included, with latency', async () => {
    const screen = { method: 'POST' as const, url: '/v1/screen' };
    const address = '0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae';
    for (let i = 0; i < 3; i++)
      await api.app.inject({
        ...screen,
        payload: { addresses: [address] },
        headers: api.as('screener'),
      });
    await api.app.inject({ ...screen, payload: { addresses: [address] } }); // no key: 401
    await api.app.inject({
      ...screen,
      payload: { addresses: [address] },
      headers: api.as('viewer'),
    }); // 403
    await api.app.inject({ url: '/v1/nothing-here', headers: api.as('viewer') }); // 404
    await api.app.inject({ url: '/healthz' });
    await api.app.inject({ method: 'HEAD', url: '/healthz' }); // Fastify's HEAD route of a GET
    const text = (await api.app.inject({ url: '/metrics', headers: api.as('viewer') })).body;
    const requests = 'chaintrail_http_requests_total';
    expect(sample(text, requests, 'method="POST",route="/v1/screen",status="200"')).toBe(3);
    expect(sample(text, requests, 'method="POST",route="/v1/screen",status="401"')).toBe(1);
    expect(sample(text, requests, 'method="POST",route="/v1/screen",status="403"')).toBe(1);
    expect(sample(text, requests, 'method="GET",route="unmatched",status="404"')).toBe(1);
    expect(sample(text, requests, 'method="GET",route="/healthz",status="200"')).toBe(1);
    expect(sample(text, requests, 'method="HEAD",route="/healthz",status="200"')).toBe(1);
    // A route never called has no series.
    expect(text).not.toContain('route="/v1/cases/:id"');
    const count = sample(
      text,
      'chaintrail_http_request_duration_seconds_count',
      'method="POST",route="/v1/screen"',
    );
    expect(count).toBe(5);
    const inf = sample(
      text,
      'chaintrail_http_request_duration_seconds_bucket',
      'method="POST",route="/v1/screen",le="+Inf"',
    );
    expect(inf).toBe(5);
  });
});
