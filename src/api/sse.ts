import type { FastifyReply, FastifyRequest } from 'fastify';

/** A comment line sent this often keeps proxies from closing an idle stream. */
const SSE_HEARTBEAT_MS = 15_000;

/** An open Server-Sent Events stream. */
export type SseStream = {
  /** Sends one event; `data` is sent as JSON. */
  send(event: string, data: unknown): void;
  /** Ends the stream. */
  close(): void;
  /** Runs `fn` once when the stream ends, by either side. */
  onClose(fn: () => void): void;
  readonly closed: boolean;
};

/**
 * Takes over the reply and opens an SSE stream (`text/event-stream`), with heartbeats.
 *
 * @example
 * const sse = openSse(request, reply);
 * sse.send('progress', job);
 */
export function openSse(request: FastifyRequest, reply: FastifyReply): SseStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': chaintrail event stream\n\n');
  const closers: (() => void)[] = [];
  let closed = false;
  const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), SSE_HEARTBEAT_MS);
  heartbeat.unref();
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const fn of closers.splice(0)) fn();
  };
  request.raw.on('close', finish);
  raw.on('close', finish);
  return {
    send(event, data) {
      if (closed) return;
      raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      if (closed) return;
      finish();
      raw.end();
    },
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
    get closed() {
      return closed;
    },
  };
}
