import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';
import {
  DEFAULT_WEBHOOK_RETRY_POLICY,
  parseWebhookUrl,
  postWebhook,
  retryDelayMs,
  signWebhook,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_TOLERANCE_S,
} from './webhook.ts';

const SECRET = 'unit-test-secret-0123456789';
const BODY = JSON.stringify({ type: 'alert.fired', alert: { id: 'a1', amount: '5' } });
const T = 1_700_000_000;

describe('webhook signatures', () => {
  it('signs t.body with HMAC-SHA256 of the secret, as the documented header', () => {
    const header = signWebhook({ secret: SECRET, body: BODY, timestamp: T });
    // Recomputed here independently of the module: this is the contract receivers implement.
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(header).toBe(`t=${T},v1=${expected}`);
  });

  it('verifies a good signature and rejects a changed body, another secret, an old or a malformed header', () => {
    const header = signWebhook({ secret: SECRET, body: BODY, timestamp: T });
    expect(verifyWebhookSignature({ secret: SECRET, body: BODY, header, now: T + 10 })).toBe(true);
    expect(
      verifyWebhookSignature({ secret: SECRET, body: BODY.replace('5', '6'), header, now: T }),
    ).toBe(false);
    expect(verifyWebhookSignature({ secret: `${SECRET}x`, body: BODY, header, now: T })).toBe(
      false,
    );
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        body: BODY,
        header,
        now: T + WEBHOOK_SIGNATURE_TOLERANCE_S + 1,
      }),
    ).toBe(false);
    for (const bad of [undefined, '', 'v1=abc', `t=${T}`, `t=${T},v1=${'0'.repeat(64)}`])
      expect(verifyWebhookSignature({ secret: SECRET, body: BODY, header: bad, now: T })).toBe(
        false,
      );
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const old = signWebhook({ secret: 'the-old-secret-0123456', body: BODY, timestamp: T });
    const current = signWebhook({ secret: SECRET, body: BODY, timestamp: T });
    const header = `${current},v1=${old.split('v1=')[1]}`;
    expect(verifyWebhookSignature({ secret: SECRET, body: BODY, header, now: T })).toBe(true);
    expect(
      verifyWebhookSignature({ secret: 'the-old-secret-0123456', body: BODY, header, now: T }),
    ).toBe(true);
  });
});

describe('webhook URLs', () => {
  it('accepts http and https, rejects other schemes, relative URLs and credentials', () => {
    expect(parseWebhookUrl('https://127.0.0.1:8443/hooks/chaintrail')).toBe(
      'https://127.0.0.1:8443/hooks/chaintrail',
    );
    expect(parseWebhookUrl('http://localhost/a#frag')).toBe('http://localhost/a');
    for (const bad of [
      'ftp://127.0.0.1/hook',
      'file:///etc/passwd',
      'javascript:alert(1)',
      '/relative/hook',
      'http://user:pw@127.0.0.1/hook',
      `http://127.0.0.1/${'a'.repeat(3000)}`,
    ])
      expect(() => parseWebhookUrl(bad), bad).toThrow(/Invalid webhook URL/);
  });
});

describe('retry delays', () => {
  it('grow exponentially from the first delay, honour a longer Retry-After, and stop at the cap', () => {
    const policy = { ...DEFAULT_WEBHOOK_RETRY_POLICY, firstRetryDelayMs: 100, backoffFactor: 3 };
    expect([1, 2, 3].map((n) => retryDelayMs(policy, n))).toEqual([100, 300, 900]);
    expect(retryDelayMs(policy, 1, 5000)).toBe(5000);
    expect(retryDelayMs(policy, 40)).toBe(policy.maxRetryDelayMs);
    expect(retryDelayMs(policy, 1, 10 * policy.maxRetryDelayMs)).toBe(policy.maxRetryDelayMs);
  });
});

describe('postWebhook', () => {
  let receiver: TestReceiver | null = null;
  afterEach(async () => {
    await receiver?.close();
    receiver = null;
  });
  // The receivers run on this machine: private addresses allowed, except where a test says.
  const post = (url: string, timeoutMs = 5000) =>
    postWebhook({
      url,
      secret: SECRET,
      body: BODY,
      deliveryId: 'a1',
      timeoutMs,
      publicOnly: false,
    });

  it('connects only to a public address unless allowed, whatever the name answers then', async () => {
    receiver = await startTestReceiver({ secret: SECRET });
    const { port } = new URL(receiver.url);
    // DNS rebinding: the name answered a public address to the check before the delivery; the
    // connection resolves it again (here "localhost", 127.0.0.1) and must not follow it.
    const rebound = await postWebhook({
      url: `http://localhost:${port}/hook`,
      secret: SECRET,
      body: BODY,
      deliveryId: 'a1',
      timeoutMs: 5000,
    });
    expect(rebound).toEqual({
      ok: false,
      retryable: false,
      status: null,
      error: 'the webhook host resolved to a private address',
    });
    const literal = await postWebhook({
      url: receiver.url,
      secret: SECRET,
      body: BODY,
      deliveryId: 'a1',
      timeoutMs: 5000,
    });
    expect(literal).toMatchObject({ ok: false, error: 'the webhook host is a private address' });
    expect(receiver.deliveries).toHaveLength(0);
    // Allowed by the operator: delivered.
    expect(await post(`http://localhost:${port}/hook`)).toEqual({ ok: true, status: 204 });
  });

  it('delivers a signed body the receiver verifies, with the delivery id', async () => {
    receiver = await startTestReceiver({ secret: SECRET });
    expect(await post(receiver.url)).toEqual({ ok: true, status: 204 });
    const [d] = receiver.deliveries;
    expect(d!.verified).toBe(true);
    expect(d!.body).toBe(BODY);
    expect(d!.headers['x-chaintrail-delivery']).toBe('a1');
    expect(d!.headers['content-type']).toBe('application/json');
  });

  it('classifies answers: 5xx and 429 retryable (with Retry-After), other 4xx and redirects not', async () => {
    const answers: (number | { status: number; headers: Record<string, string> })[] = [
      500,
      { status: 429, headers: { 'retry-after': '7' } },
      404,
      { status: 302, headers: { location: 'http://127.0.0.1:1/' } },
    ];
    receiver = await startTestReceiver({ secret: SECRET, respond: (n) => answers[n - 1]! });
    expect(await post(receiver.url)).toMatchObject({ ok: false, retryable: true, status: 500 });
    expect(await post(receiver.url)).toMatchObject({
      ok: false,
      retryable: true,
      status: 429,
      retryAfterMs: 7000,
    });
    expect(await post(receiver.url)).toMatchObject({ ok: false, retryable: false, status: 404 });
    expect(await post(receiver.url)).toMatchObject({ ok: false, retryable: false, status: 302 });
    // The redirect was not followed: four requests, all to the receiver.
    expect(receiver.deliveries).toHaveLength(4);
  });

  it('treats a refused connection and a timeout as retryable network failures', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as { port: number };
    await new Promise((r) => closed.close(r));
    const refused = await post(`http://127.0.0.1:${port}/hook`);
    expect(refused).toMatchObject({ ok: false, retryable: true, status: null });
    expect(refused.ok ? '' : refused.error).toMatch(/network error/);

    // A receiver that never answers.
    const silent = createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const silentPort = (silent.address() as { port: number }).port;
    try {
      const slow = await post(`http://127.0.0.1:${silentPort}/hook`, 200);
      expect(slow).toMatchObject({ ok: false, retryable: true, status: null });
      expect(slow.ok ? '' : slow.error).toMatch(/no response within 200 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });
});
