/** An error answer of the API (4xx/5xx), with its stable code and request id. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: string | undefined;
  readonly requestId: string | undefined;
  constructor(
    status: number,
    body: { code?: string; message?: string; details?: string; requestId?: string },
  ) {
    super(body.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body.code ?? `HTTP_${status}`;
    this.details = body.details;
    this.requestId = body.requestId;
  }
}

/** The API could not be reached at all (server down, network). */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

export type Query = Record<string, string | number | boolean | undefined | null>;

/** A Server-Sent Event as the API sends it. */
export type ServerEvent = { event: string; data: string; id: string | null };

/**
 * The API as the UI uses it: JSON in and out, the key in `X-API-Key` on every request. The UI is a
 * client like any other, with the same routes, roles and limits.
 *
 * @example
 * const api = createApiClient({ key });
 * const me = await api.get<Me>('/v1/me');
 */
export type ApiClient = {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
  /** A non-JSON answer (CSV, GraphML), as text. */
  text(path: string, query?: Query): Promise<string>;
  /** A file to download (a report's PDF or HTML), as a blob of its type. */
  blob(path: string, query?: Query): Promise<Blob>;
  /**
   * Reads a Server-Sent Events stream (EventSource cannot send the key header, so this reads the
   * stream with fetch) until it ends or `signal` aborts.
   */
  stream(path: string, onEvent: (event: ServerEvent) => void, signal: AbortSignal): Promise<void>;
};

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function failure(res: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; details?: string; requestId?: string } } =
    {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return new ApiError(res.status, body.error ?? {});
}

/** Parses Server-Sent Events from text chunks; returns the part not yet complete. */
export function parseEvents(buffer: string, onEvent: (event: ServerEvent) => void): string {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length) onEvent({ event, data: data.join('\n'), id });
  }
  return rest;
}

export function createApiClient(options: { key: string; baseUrl?: string }): ApiClient {
  const base = options.baseUrl ?? '';
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    accept = 'application/json',
  ) => {
    const headers: Record<string, string> = { 'x-api-key': options.key, accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch (cause) {
      throw new NetworkError(`The chaintrail API did not answer (${(cause as Error).message})`);
    }
    if (!res.ok) throw await failure(res);
    return res;
  };
  return {
    get: async (path, query) => (await call('GET', withQuery(path, query))).json(),
    post: async (path, body) => (await call('POST', path, body ?? {})).json(),
    put: async (path, body) => (await call('PUT', path, body ?? {})).json(),
    del: async (path) => (await call('DELETE', path)).json(),
    text: async (path, query) =>
      (await call('GET', withQuery(path, query), undefined, '*/*')).text(),
    blob: async (path, query) =>
      (await call('GET', withQuery(path, query), undefined, '*/*')).blob(),
    async stream(path, onEvent, signal) {
      let res: Response;
      try {
        res = await fetch(base + path, {
          headers: { 'x-api-key': options.key, accept: 'text/event-stream' },
          signal,
        });
      } catch (cause) {
        if (signal.aborted) return;
        throw new NetworkError(`The chaintrail API did not answer (${(cause as Error).message})`);
      }
      if (!res.ok) throw await failure(res);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer = parseEvents(buffer + value, onEvent);
        }
      } catch (cause) {
        if (!signal.aborted) throw cause;
      }
    },
  };
}
