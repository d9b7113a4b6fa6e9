import type { FastifyReply, FastifyRequest } from 'fastify';
import { LimitedError } from '../errors/base.ts';

/** A comment line sent this often keeps proxies from closing an idle stream. */
const SSE_HEARTBEAT_MS = 15_000;
/**
 * Event streams one API key may hold open at once. The UI holds one per open page that follows a
 * trace or the alerts; a viewer key opened 1,000, each a socket and a subscription kept alive.
 */
export const MAX_STREAMS_PER_KEY = 16;

/** Open event streams per API key (one per app: see {@link createStreamCounts}). */
export type StreamCounts = {
  /** Takes a stream for `keyId`; false when it already holds `max`. */
  take(keyId: string): boolean;
  /** Gives one back. */
  give(keyId: string): void;
  readonly max: number;
};

/**
 * @example
 * const streams = createStreamCounts();
 * streams.take('a1b2'); // true, 15 more to go
 */
export function createStreamCounts(max = MAX_STREAMS_PER_KEY): StreamCounts {
  const open = new Map<string, number>();
  return {
    max,
    take(keyId) {
      const n = open.get(keyId) ?? 0;
      if (n >= max) return false;
      open.set(keyId, n + 1);
      return true;
    },
    give(keyId) {
      const n = (open.get(keyId) ?? 0) - 1;
      if (n > 0) open.set(keyId, n);
      else open.delete(keyId);
    },
  };
}

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
 * Takes over the reply and opens an SSE stream (`text/event-stream`), with heartbeats. Throws a
 * 429 `TOO_MANY_STREAMS` (before anything is sent) when the request's key holds its most streams.
 *
 * @example
 * const sse = openSse(request, reply, ctx.streams);
 * sse.send('progress', job);
 */
export function openSse(
  request: FastifyRequest,
  reply: FastifyReply,
  streams: StreamCounts,
): SseStream {
  const keyId = request.apiKey?.id;
  if (keyId !== undefined && !streams.take(keyId))
    throw new LimitedError(
      `This API key holds ${streams.max} open event streams, the most it may: close one first`,
      { code: 'TOO_MANY_STREAMS' },
    );
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
    if (keyId !== undefined) streams.give(keyId);
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
