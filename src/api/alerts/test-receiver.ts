import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from './webhook.ts';

/** One request a {@link TestReceiver} got. */
export type ReceivedDelivery = {
  /** The raw body, as signed. */
  body: string;
  headers: IncomingHttpHeaders;
  /** Whether the signature checked out against the receiver's secret. */
  verified: boolean;
  /** `Date.now()` when the whole body had arrived. */
  receivedAt: number;
  /** The status the receiver answered. */
  status: number;
};

/** A local webhook receiver for tests: verifies signatures and answers as told. */
export type TestReceiver = {
  /** e.g. `http://127.0.0.1:40123/hook`. */
  url: string;
  readonly deliveries: readonly ReceivedDelivery[];
  /** Resolves with the first delivery (past or future) for which `match` holds; rejects after `timeoutMs`. */
  waitFor(match: (d: ReceivedDelivery) => boolean, timeoutMs: number): Promise<ReceivedDelivery>;
  close(): Promise<void>;
};

/**
 * Starts a webhook receiver on 127.0.0.1 (a free port) that checks each delivery's
 * `X-Chaintrail-Signature` as a real receiver would, and answers `respond(n)` to the n-th request
 * (1-based; default 204). A reference for writing receivers, and what the tests deliver to.
 *
 * @example
 * const receiver = await startTestReceiver({ secret, respond: (n) => (n < 3 ? 503 : 204) });
 * const delivery = await receiver.waitFor((d) => d.verified, 5000);
 */
export async function startTestReceiver(parameters: {
  secret: string;
  respond?: (n: number) => number | { status: number; headers?: Record<string, string> };
}): Promise<TestReceiver> {
  const deliveries: ReceivedDelivery[] = [];
  const waiters = new Set<(d: ReceivedDelivery) => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = req.headers[WEBHOOK_SIGNATURE_HEADER];
      const verified = verifyWebhookSignature({
        secret: parameters.secret,
        body,
        header: typeof header === 'string' ? header : undefined,
      });
      const answer = parameters.respond?.(deliveries.length + 1) ?? 204;
      const { status, headers } =
        typeof answer === 'number' ? { status: answer, headers: {} } : answer;
      const delivery = { body, headers: req.headers, verified, receivedAt: Date.now(), status };
      deliveries.push(delivery);
      res.writeHead(status, headers).end();
      for (const w of waiters) w(delivery);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    waitFor(match, timeoutMs) {
      const past = deliveries.find(match);
      if (past) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching webhook delivery within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = (d: ReceivedDelivery) => {
          if (!match(d)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(d);
        };
        waiters.add(check);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
