import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one incoming request. */
export type Fault =
  | { kind: 'forward' }
  | { kind: 'truncate' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'hang'; ms: number };

export type FaultProxy = {
  url: string;
  /**
   * HTTP requests and JSON-RPC calls seen (each of a batch counts), the calls per method, and each
   * fault injected.
   */
  readonly counts: {
    requests: number;
    calls: number;
    methods: Record<string, number>;
    injected: Record<string, number>;
  };
  /** Each HTTP request as it arrived: `performance.now()` at arrival and its JSON-RPC calls. */
  readonly arrivals: readonly { atMs: number; calls: number }[];
  close(): Promise<void>;
};

/** The methods of the JSON-RPC calls in a request body: one per call of a batch. */
function callMethods(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString()) as unknown;
    const calls = (Array.isArray(parsed) ? parsed : [parsed]) as { method?: unknown }[];
    return calls.map((c) => (typeof c?.method === 'string' ? c.method : '(none)'));
  } catch {
    return ['(unparsed)'];
  }
}

/**
 * An HTTP proxy on 127.0.0.1 in front of a real JSON-RPC node that injects faults chosen per request
 * by `plan(n)` (n = 1 for the first request): error statuses (with Retry-After), or a stall past the
 * client's timeout. Everything else is forwarded unchanged.
 *
 * @example
 * const proxy = await startFaultProxy(anvil.url, (n) => (n === 1 ? { kind: 'status', status: 429 } : { kind: 'forward' }));
 */
export async function startFaultProxy(
  target: string,
  plan: (n: number) => Fault,
  options: { unsupportedMethods?: readonly string[] } = {},
): Promise<FaultProxy> {
  const unsupported = new Set(options.unsupportedMethods ?? []);
  const counts = {
    requests: 0,
    calls: 0,
    methods: {} as Record<string, number>,
    injected: {} as Record<string, number>,
  };
  const arrivals: { atMs: number; calls: number }[] = [];
  type RpcCall = { id: unknown; method: string };
  /**
   * Forwards a request, answering "method not found" itself for the unsupported methods. The
   * client's Authorization header goes along (a Bitcoin node's user:pass from the URL).
   */
  const forward = async (
    raw: Buffer,
    authorization: string | undefined,
  ): Promise<{ status: number; body: string }> => {
    const parsed = JSON.parse(raw.toString()) as RpcCall | RpcCall[];
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const passed = calls.filter((c) => !unsupported.has(c.method));
    let answers: unknown[] = [];
    let status = 200;
    if (passed.length) {
      const up = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify(Array.isArray(parsed) ? passed : passed[0]),
      });
      status = up.status;
      const json = (await up.json()) as unknown;
      answers = Array.isArray(json) ? json : [json];
    }
    for (const c of calls.filter((c) => unsupported.has(c.method))) {
      answers.push({
        jsonrpc: '2.0',
        id: c.id,
        error: { code: -32601, message: `the method ${c.method} does not exist/is not available` },
      });
    }
    return { status, body: JSON.stringify(Array.isArray(parsed) ? answers : answers[0]) };
  };
  const hanging = new Set<NodeJS.Timeout>();
  const server = http.createServer(async (req, res) => {
    const atMs = performance.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const methods = callMethods(Buffer.concat(chunks));
    const calls = methods.length;
    counts.calls += calls;
    for (const m of methods) counts.methods[m] = (counts.methods[m] ?? 0) + 1;
    arrivals.push({ atMs, calls });
    const fault = plan(++counts.requests);
    if (fault.kind !== 'forward') {
      const key = fault.kind === 'status' ? `status ${fault.status}` : fault.kind;
      counts.injected[key] = (counts.injected[key] ?? 0) + 1;
    }
    if (fault.kind === 'status') {
      res.writeHead(fault.status, {
        'content-type': 'text/plain',
        ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
      });
      res.end('injected fault');
      return;
    }
    if (fault.kind === 'hang') {
      // Answer nothing until the client has given up; then close the socket.
      const t = setTimeout(() => {
        hanging.delete(t);
        res.destroy();
      }, fault.ms);
      hanging.add(t);
      return;
    }
    const upstream = await forward(Buffer.concat(chunks), req.headers.authorization);
    const body = Buffer.from(upstream.body);
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    // A truncated answer: the real response cut in half, as a dropped connection or a broken proxy leaves it.
    res.end(fault.kind === 'truncate' ? body.subarray(0, Math.floor(body.length / 2)) : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    arrivals,
    async close() {
      for (const t of hanging) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
