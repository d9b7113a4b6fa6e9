/**
 * Webhook signing and delivery.
 *
 * Every delivery is a `POST` of a JSON body (`{ "type": "alert.fired", "alert": { … } }`) with:
 * - `Content-Type: application/json`;
 * - `X-Chaintrail-Event: alert.fired`;
 * - `X-Chaintrail-Delivery: <alert id>`: the same on every retry, so a receiver can drop repeats;
 * - `X-Chaintrail-Signature: t=<unix seconds>,v1=<hex>`, where `<hex>` is
 *   HMAC-SHA256(key = the watchlist's webhook secret, message = `<t>.<raw body>`).
 *
 * A receiver recomputes the HMAC over the raw body it received (before any JSON parsing), compares
 * it in constant time, and rejects a `t` more than {@link WEBHOOK_SIGNATURE_TOLERANCE_S} seconds
 * from its clock (a replayed old delivery). {@link verifyWebhookSignature} does all three.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { UserError } from '../../errors/base.ts';
import { isPrivateAddress, publicOnlyLookup } from './webhook-target.ts';

/** Header carrying the signature (`t=<unix seconds>,v1=<hex HMAC-SHA256>`). */
export const WEBHOOK_SIGNATURE_HEADER = 'x-chaintrail-signature';
/** Header carrying the delivery id (the alert id): equal on retries. */
export const WEBHOOK_DELIVERY_HEADER = 'x-chaintrail-delivery';
/** Header naming the event type. */
export const WEBHOOK_EVENT_HEADER = 'x-chaintrail-event';
/** How far a signature's timestamp may be from the receiver's clock before it counts as a replay. */
export const WEBHOOK_SIGNATURE_TOLERANCE_S = 300;
/** Longest webhook URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** How a failed delivery is retried. */
export type WebhookRetryPolicy = {
  /** Attempts in all (the first included) before the delivery goes to the dead-letter list. */
  maxAttempts: number;
  /** Wait before the second attempt; each later wait is `backoffFactor` times the previous. */
  firstRetryDelayMs: number;
  backoffFactor: number;
  /** Longest wait between two attempts (also caps a receiver's `Retry-After`). */
  maxRetryDelayMs: number;
  /** How long one attempt may take, connection to response headers. */
  attemptTimeoutMs: number;
};

/**
 * Defaults: five attempts over about a minute and a half (waits of 1, 4, 16 and 64 s). A receiver
 * that is down longer than that gets its alerts from the dead-letter list once it is back.
 */
export const DEFAULT_WEBHOOK_RETRY_POLICY: WebhookRetryPolicy = {
  maxAttempts: 5,
  firstRetryDelayMs: 1000,
  backoffFactor: 4,
  maxRetryDelayMs: 5 * 60_000,
  attemptTimeoutMs: 10_000,
};

/** The outcome of one delivery attempt. */
export type WebhookAttempt =
  | { ok: true; status: number }
  | {
      ok: false;
      /** Network errors, timeouts, 5xx and 429 are worth another attempt; other answers are not. */
      retryable: boolean;
      status: number | null;
      /** Why, for people (never the URL or the secret). */
      error: string;
      /** The receiver's `Retry-After`, when it sent one. */
      retryAfterMs?: number | undefined;
    };

/**
 * The signature header value of a body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 *
 * @example
 * signWebhook({ secret: 's3cr3t-s3cr3t-s3cr3t', body: '{"type":"alert.fired"}', timestamp: 1700000000 });
 * // 't=1700000000,v1=5d0c…'
 */
export function signWebhook(parameters: {
  secret: string;
  body: string;
  timestamp: number;
}): string {
  const { secret, body, timestamp } = parameters;
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Checks a delivery as a receiver should: the header parses, its timestamp is within the tolerance
 * of `now`, and one of its `v1` signatures matches the HMAC of the raw body (compared in constant
 * time). Several `v1` entries are accepted so a sender may sign with an old and a new secret.
 *
 * @example
 * const ok = verifyWebhookSignature({ secret, body: rawBody, header: req.headers['x-chaintrail-signature'] });
 */
export function verifyWebhookSignature(parameters: {
  secret: string;
  body: string;
  header: string | undefined;
  /** Unix seconds (default: now). */
  now?: number | undefined;
  toleranceSeconds?: number | undefined;
}): boolean {
  const { secret, body, header } = parameters;
  if (!header) return false;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return false;
  const now = parameters.now ?? Math.floor(Date.now() / 1000);
  const tolerance = parameters.toleranceSeconds ?? WEBHOOK_SIGNATURE_TOLERANCE_S;
  if (Math.abs(now - timestamp) > tolerance) return false;
  const expected = Buffer.from(
    createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex'),
  );
  return signatures.some((s) => timingSafeEqual(Buffer.from(s), expected));
}

/**
 * A webhook URL checked and normalised: absolute `http:` or `https:`, no credentials in it (they
 * would be shown to every reader of the watchlist; the secret is what authenticates deliveries).
 *
 * @example
 * parseWebhookUrl('https://hooks.example.org/chaintrail'); // 'https://hooks.example.org/chaintrail'
 */
export function parseWebhookUrl(input: string): string {
  const bad = (why: string) =>
    new UserError(`Invalid webhook URL: ${why}`, { code: 'INVALID_WEBHOOK_URL' });
  if (input.length > MAX_WEBHOOK_URL_LENGTH)
    throw bad(`longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw bad('not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw bad(`only http and https are allowed, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username || url.password)
    throw bad('it must not carry credentials; the webhook secret authenticates deliveries');
  if (!url.hostname) throw bad('no host');
  url.hash = '';
  return url.toString();
}

/** A `Retry-After` header (seconds or an HTTP date) in milliseconds from now, if it parses. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d{1,9}$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed: exponential
 * backoff, or the receiver's `Retry-After` when longer, never above the policy's cap.
 *
 * @example
 * retryDelayMs(DEFAULT_WEBHOOK_RETRY_POLICY, 2); // 4000
 */
export function retryDelayMs(
  policy: WebhookRetryPolicy,
  attempt: number,
  receiverRetryAfterMs?: number,
): number {
  const backoff = policy.firstRetryDelayMs * policy.backoffFactor ** Math.max(0, attempt - 1);
  return Math.min(policy.maxRetryDelayMs, Math.max(backoff, receiverRetryAfterMs ?? 0));
}

/**
 * One signed delivery attempt. Redirects are not followed: a signed alert must reach the URL the
 * watchlist names, not wherever that URL points next. With `publicOnly`, the connection goes only to
 * a public address, whatever the name answers at connect time (see {@link publicOnlyLookup}). Never
 * throws; the outcome says what happened.
 *
 * @example
 * const outcome = await postWebhook({ url, secret, body: JSON.stringify(payload), deliveryId: alert.id, timeoutMs: 10_000 });
 */
export async function postWebhook(parameters: {
  url: string;
  secret: string;
  body: string;
  deliveryId: string;
  event?: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Refuse to connect to a private address (default true: only the operator may allow it). */
  publicOnly?: boolean | undefined;
}): Promise<WebhookAttempt> {
  const { url, secret, body } = parameters;
  const timeout = AbortSignal.timeout(parameters.timeoutMs);
  const signal = parameters.signal ? AbortSignal.any([parameters.signal, timeout]) : timeout;
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const publicOnly = parameters.publicOnly !== false;
  // An address in the URL is connected to without a lookup: checked here instead.
  const literal = target.hostname.replace(/^\[(.*)\]$/, '$1');
  if (publicOnly && isIP(literal) !== 0 && isPrivateAddress(literal))
    return {
      ok: false,
      retryable: false,
      status: null,
      error: 'the webhook host is a private address',
    };
  return new Promise<WebhookAttempt>((resolve) => {
    const request = send(
      target,
      {
        method: 'POST',
        signal,
        ...(publicOnly ? { lookup: publicOnlyLookup } : {}),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'chaintrail-webhook/1',
          [WEBHOOK_EVENT_HEADER]: parameters.event ?? 'alert.fired',
          [WEBHOOK_DELIVERY_HEADER]: parameters.deliveryId,
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook({
            secret,
            body,
            timestamp: Math.floor(Date.now() / 1000),
          }),
        },
      },
      (response) => {
        // The body is not needed; reading it to its end frees the connection.
        response.resume();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve({ ok: true, status });
        const retryable = status === 429 || status >= 500;
        const retryAfter = response.headers['retry-after'];
        resolve({
          ok: false,
          retryable,
          status,
          error: `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`,
          retryAfterMs: retryable
            ? retryAfterMs(typeof retryAfter === 'string' ? retryAfter : null, Date.now())
            : undefined,
        });
      },
    );
    request.on('error', (error) => {
      const reason = timeout.aborted
        ? `no response within ${parameters.timeoutMs} ms`
        : parameters.signal?.aborted
          ? 'delivery stopped (shutdown)'
          : networkReason(error);
      // A host that resolved to a private address at connect time will do so again: not retried.
      const refused = (error as NodeJS.ErrnoException).code === 'EWEBHOOKPRIVATE';
      resolve({ ok: false, retryable: !refused, status: null, error: reason });
    });
    request.end(body);
  });
}

/**
 * A network failure in words: its code only, never the error's message (it can name the address a
 * name resolved to, or the URL, which may hold a token in its path).
 */
function networkReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EWEBHOOKPRIVATE') return 'the webhook host resolved to a private address';
  return typeof code === 'string' ? `network error ${code}` : 'network error';
}
