import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets of HTTP requests, in seconds: screening answers in well under 10 ms. */
const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** The API's Prometheus metrics, in a registry of its own (no global state). */
export type Metrics = {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  latency: Histogram<'method' | 'route'>;
  traceJobs: Gauge<'state'>;
  alertsFired: Counter<'kind'>;
  webhookDeliveries: Counter<'outcome'>;
};

/**
 * Creates the API's metrics, with Node's process metrics (memory, event-loop lag) in the same registry.
 *
 * @example
 * const metrics = createMetrics();
 * await metrics.registry.metrics(); // Prometheus text
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'chaintrail_' });
  return {
    registry,
    requests: new Counter({
      name: 'chaintrail_http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'chaintrail_http_request_duration_seconds',
      help: 'Time to answer HTTP requests',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS_S,
      registers: [registry],
    }),
    traceJobs: new Gauge({
      name: 'chaintrail_trace_jobs',
      help: 'Trace jobs by state',
      labelNames: ['state'],
      registers: [registry],
    }),
    alertsFired: new Counter({
      name: 'chaintrail_alerts_fired_total',
      help: 'Alerts fired, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'chaintrail_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
