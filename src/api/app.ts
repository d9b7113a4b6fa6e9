import cors from '@fastify/cors';
import { LimitedError, RefusedError, UnauthenticatedError } from '../errors/base.ts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyInstance,
  type FastifyRequest,
  type FastifyReply,
  type HookHandlerDoneFunction,
  type onRequestHookHandler,
} from 'fastify';
import type { Logger } from 'pino';
import { createScreener } from '../screen/create-screener.ts';
import type { Store } from '../store/store.ts';
import { type AlertHub, createAlertHub } from './alerts/alert-hub.ts';
import { createFollowStatus, type FollowStatus } from './alerts/follow-status.ts';
import { createAuditLog } from './audit.ts';
import { type ApiKeyRecord, createKeyRing } from './auth/api-keys.ts';
import { startSharedStateUpkeep } from './shared/upkeep.ts';
import { createRateLimiter } from './auth/rate-limiter.ts';
import { createStreamCounts } from './sse.ts';
import { type Role, roleAllows } from './auth/roles.ts';
import type { ApiContext } from './context.ts';
import { createErrorHandler } from './errors.ts';
import { SCREEN_WORK_PER_MINUTE } from './limits.ts';
import { createMetrics } from './metrics.ts';
import { registerAddressRoutes } from './routes/addresses.ts';
import { registerAlertRoutes } from './routes/alerts.ts';
import { registerSessionRoutes } from './routes/session.ts';
import { registerUi } from './ui.ts';
import { UI_PREFIX } from './server.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerCaseFindingRoutes } from './routes/case-findings.ts';
import { registerClusterRoutes } from './routes/clusters.ts';
import { registerCaseRoutes } from './routes/cases.ts';
import { registerCaseReportRoutes } from './routes/case-report.ts';
import { registerCaseWatchRoutes } from './routes/case-watch.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerKeyRoutes } from './routes/keys.ts';
import { registerLabelRoutes } from './routes/labels.ts';
import { registerScreenRoutes } from './routes/screen.ts';
import { registerTraceRoutes } from './routes/traces.ts';
import { registerTransactionRoutes } from './routes/transactions.ts';
import { registerWatchlistRoutes } from './routes/watchlists.ts';
import { ErrorResponse } from './schemas.ts';
import { createTraceJobs, type RunTrace } from './traces/trace-jobs.ts';

/** Largest request body accepted by default (a 10,000-address screening batch fits). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** Rate-limit window of every key's per-minute limit. */
const RATE_WINDOW_MS = 60_000;
/** Requests per minute from one IP without a valid key (they get 401 anyway; this stops floods). */
const ANONYMOUS_RATE_LIMIT_PER_MINUTE = 600;

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified key of the request; null on public routes and before authentication. */
    apiKey: ApiKeyRecord | null;
  }
  interface FastifyContextConfig {
    /**
     * The least role a key needs; `public` for routes open to all (health, docs, the UI's files);
     * `any` for routes any valid key may use (who am I).
     */
    role?: Role | 'public' | 'any';
  }
}

/** Input of {@link buildApp}. */
export type BuildAppParameters = {
  store: Store;
  logger: Logger;
  /** Origins allowed by CORS; none (CORS off) by default. */
  corsOrigins?: readonly string[] | undefined;
  bodyLimitBytes?: number | undefined;
  /** Day whose labels screening counts (default today). */
  asOf?: string | undefined;
  /** Alert hub to use (default: a new one on the store). */
  alerts?: AlertHub | undefined;
  /** Let webhooks reach this machine and private networks (default false). */
  allowPrivateWebhooks?: boolean | undefined;
  /** The built web UI (`dist/web`) to serve under `/ui/`; none by default. */
  uiDir?: string | undefined;
  /** Addresses x hops one key may screen with `hops` per minute (default {@link SCREEN_WORK_PER_MINUTE}). */
  screenWorkPerMinute?: number | undefined;
  /** How often the API keys are read again, for changes by other processes (default 5 s). */
  keyReloadIntervalMs?: number | undefined;
  /** Trace jobs one key may have queued or running (default `TRACE_JOBS_PER_KEY`, 20). */
  traceJobsPerKey?: number | undefined;
  /** Trace jobs one organisation may have queued or running (default `TRACE_JOBS_PER_ORG`, 50). */
  traceJobsPerOrg?: number | undefined;
  /** What runs a trace job (default the trace engine; tests wrap it to hold a job). */
  runTrace?: RunTrace | undefined;
  /** The chains the server follows for alerts (default: none; `serve --follow` starts one). */
  follow?: FollowStatus | undefined;
};

export { SCREEN_WORK_PER_MINUTE };

/** A route of the API and the role it declares. */
export type ApiRoute = { method: string; url: string; role: Role | 'public' | 'any' };

export type ApiApp = FastifyInstance & {
  chaintrail: ApiContext;
  /** Every route but the documentation's, as registered. */
  apiRoutes: readonly ApiRoute[];
};

/** The UI's pages and files (and `/`, which redirects there): public, and not API routes. */
function isUiPath(url: string): boolean {
  return url === '/' || url.startsWith(UI_PREFIX);
}

/** The key presented by a request: `X-API-Key` (as Chainalysis's API) or `Authorization: Bearer`. */
function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return null;
}

/**
 * Builds the API (routes, schemas, OpenAPI at `/docs`, auth, rate limits, metrics) without listening,
 * so tests drive it with `inject` and {@link startServer} serves it.
 *
 * @example
 * const app = await buildApp({ store, logger });
 * const res = await app.inject({ url: '/healthz' });
 */
export async function buildApp(parameters: BuildAppParameters): Promise<ApiApp> {
  const { store, logger } = parameters;
  const metrics = createMetrics();
  const keys = await createKeyRing(store);
  const screener = await createScreener({ store, asOf: parameters.asOf });
  const ctx: ApiContext = {
    store,
    logger,
    keys,
    screener,
    metrics,
    traces: createTraceJobs({
      store,
      logger,
      metrics,
      limits: { perKey: parameters.traceJobsPerKey, perOrg: parameters.traceJobsPerOrg },
      runTrace: parameters.runTrace,
    }),
    alerts:
      parameters.alerts ??
      createAlertHub({
        store,
        logger,
        metrics,
        allowPrivateWebhooks: parameters.allowPrivateWebhooks,
      }),
    audit: createAuditLog({ store, logger }),
    streams: createStreamCounts(),
    screenWork: {
      limiter: createRateLimiter({ windowMs: RATE_WINDOW_MS }),
      perMinute: parameters.screenWorkPerMinute ?? SCREEN_WORK_PER_MINUTE,
    },
    follow: parameters.follow ?? createFollowStatus(),
  };
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: parameters.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    // Request logs (level info) carry method, URL and IP only: keys travel in headers, never logged.
    // Below info nothing per request is logged, and a pino child per request cost a fifth of the
    // throughput: requests share the app's logger then (errors name their request id themselves).
    childLoggerFactory: (parent, bindings, options) =>
      logger.isLevelEnabled('info') ? parent.child(bindings, options) : parent,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('apiKey', null);
  app.decorate('chaintrail', ctx);

  app.addSchema(ErrorResponse);
  app.setErrorHandler(createErrorHandler(logger));
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
        requestId: String(request.id),
      },
    }),
  );

  // Authentication, roles and rate limits: per key, and per IP for requests without a valid key.
  // Callback style, not async: one promise less per request on the hot path.
  const limiter = createRateLimiter({ windowMs: RATE_WINDOW_MS });
  const limited = (client: string, max: number) => {
    const decision = limiter.hit(client, max);
    if (decision.allowed) return null;
    return new LimitedError(`Rate limit exceeded: retry in ${decision.retryAfterSeconds} s`, {
      code: 'RATE_LIMITED',
      retryAfterMs: decision.retryAfterSeconds * 1000,
    });
  };
  const authenticate =
    (role: Role | 'any'): onRequestHookHandler =>
    (request, _reply, done) => {
      const key = presentedKey(request);
      const record = key ? keys.verify(key) : null;
      if (!record) {
        const flood = limited(`ip:${request.ip}`, ANONYMOUS_RATE_LIMIT_PER_MINUTE);
        if (flood) return done(flood);
        if (!key)
          return done(
            new UnauthenticatedError('Missing API key', {
              code: 'MISSING_API_KEY',
              details: 'Send it in the X-API-Key header (or Authorization: Bearer).',
            }),
          );
        return done(
          new UnauthenticatedError('Invalid or revoked API key', { code: 'INVALID_API_KEY' }),
        );
      }
      // Counted before the role check: refused requests cost the server too, and a key probing
      // routes it may not use is held to its rate like any other.
      const over = limited(`key:${record.id}`, record.rateLimitPerMinute);
      if (over) return done(over);
      if (role !== 'any' && !roleAllows(record.role, role))
        return done(
          new RefusedError(`A ${record.role} key may not use this route (it needs ${role})`, {
            code: 'FORBIDDEN',
          }),
        );
      request.apiKey = record;
      done();
    };
  const countResponses = (
    route: string,
  ): ((request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void) => {
    const recorders = new Map<string, ReturnType<typeof metrics.http.recorder>>();
    return (request, reply, done) => {
      let record = recorders.get(request.method);
      if (!record)
        recorders.set(request.method, (record = metrics.http.recorder(request.method, route)));
      record(reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
  };

  // Every route must say who may call it: a route without a role would be open by mistake. Its role
  // and URL go into hooks of its own, so a request never reads `request.routeOptions`, which Fastify
  // builds anew on every read.
  const routes: ApiRoute[] = [];
  app.decorate('apiRoutes', routes);
  const hooksOf = <T>(hooks: T | T[] | undefined): T[] =>
    hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
  app.addHook('onRoute', (route) => {
    route.onResponse = [...hooksOf(route.onResponse), countResponses(route.url)];
    // The documentation, the UI's files and CORS preflights (the route @fastify/cors adds when
    // `corsOrigins` is set) are open to all.
    const preflight = route.method === 'OPTIONS' && route.url === '*';
    if (route.url.startsWith('/docs') || isUiPath(route.url) || preflight) {
      route.config = { ...(route.config ?? {}), role: 'public' };
      return;
    }
    const role = route.config?.role;
    if (!role) throw new Error(`Route ${String(route.method)} ${route.url} declares no role`);
    if (role !== 'public') route.onRequest = [authenticate(role), ...hooksOf(route.onRequest)];
    // Strict input: a query parameter no route knows is an error, not silently ignored.
    if (route.schema && !route.schema.querystring)
      route.schema.querystring = { type: 'object', properties: {}, additionalProperties: false };
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url, role });
  });
  // Requests no route matched: counted under one route label (their URLs are the caller's to choose).
  const countUnmatched = countResponses('unmatched');
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) return countUnmatched(request, reply, done);
    done();
  });

  if (parameters.corsOrigins?.length)
    await app.register(cors, {
      origin: [...parameters.corsOrigins],
      // The API's methods: the plugin's default leaves out PUT and DELETE (saving, deleting cases).
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'chaintrail API',
        description:
          'Screening, tracing, cases, watchlists and alerts. Every route but /healthz and /docs needs an API key in `X-API-Key`.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { apiKey: { type: 'apiKey', name: 'X-API-Key', in: 'header' } },
      },
      security: [{ apiKey: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const api = app as unknown as ApiApp;
  registerHealthRoutes(api, ctx);
  registerScreenRoutes(api, ctx);
  registerAddressRoutes(api, ctx);
  registerClusterRoutes(api, ctx);
  registerTransactionRoutes(api, ctx);
  registerTraceRoutes(api, ctx);
  registerLabelRoutes(api, ctx);
  registerCaseRoutes(api, ctx);
  registerCaseFindingRoutes(api, ctx);
  registerCaseWatchRoutes(api, ctx);
  registerCaseReportRoutes(api, ctx);
  registerWatchlistRoutes(api, ctx);
  registerAlertRoutes(api, ctx);
  registerKeyRoutes(api, ctx);
  registerAuditRoutes(api, ctx);
  registerSessionRoutes(api, ctx);
  if (parameters.uiDir) await registerUi(api, { dir: parameters.uiDir });

  const stopUpkeep = startSharedStateUpkeep({
    store,
    keys,
    logger,
    keyReloadIntervalMs: parameters.keyReloadIntervalMs,
  });
  app.addHook('onClose', async () => {
    stopUpkeep();
    ctx.traces.close();
    await ctx.alerts.close();
    await ctx.audit.close();
  });
  return api;
}
