import type { ApiApp } from './app.ts';

/** Host the API binds unless told otherwise: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;
/** Where the web UI is served (src/api/ui.ts). */
export const UI_PREFIX = '/ui/';
/** How long a shutdown waits for requests in flight before closing anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Input of {@link startServer}. */
export type StartServerParameters = {
  app: ApiApp;
  host?: string | undefined;
  /** 0 picks a free port. */
  port?: number | undefined;
  /** Stops the server when aborted (e.g. on SIGINT/SIGTERM). */
  signal?: AbortSignal | undefined;
};

/** A listening server. */
export type RunningServer = {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  port: number;
  /** Stops accepting connections, lets requests in flight finish (up to a grace period), closes. */
  close(): Promise<void>;
  /** Resolves once the server has closed. */
  closed: Promise<void>;
};

/**
 * Listens with an app built by {@link buildApp}: the app knows nothing of sockets, so tests use
 * `inject` and this is the only place that binds a port.
 *
 * @example
 * const server = await startServer({ app, port: 8787 });
 * console.log(server.url);
 */
export async function startServer(parameters: StartServerParameters): Promise<RunningServer> {
  const { app } = parameters;
  await app.listen({
    host: parameters.host ?? DEFAULT_HOST,
    port: parameters.port ?? DEFAULT_PORT,
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (parameters.port ?? 0);
  const host = parameters.host ?? DEFAULT_HOST;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // Idle keep-alive connections would hold close() until they time out.
      const force = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      force.unref();
      app.server.closeIdleConnections();
      await app.close();
      clearTimeout(force);
      resolveClosed();
    })();
    return closing;
  };
  parameters.signal?.addEventListener('abort', () => void close(), { once: true });
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shown}:${port}`, port, close, closed };
}
