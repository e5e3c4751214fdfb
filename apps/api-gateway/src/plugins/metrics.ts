import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { readDecisionReasons } from '@chucar/platform';

export interface GatewayMetrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  readDecisions: Counter<'reason'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: GatewayMetrics;
  }
}

/** Prometheus metrics, one registry per app instance (tests build many apps in one process). */
export const metricsPlugin = fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    const readDecisions = new Counter({
      name: 'gateway_read_decisions_total',
      help: 'Where reads went and why (replica, replica after GTID wait, primary because of lag/outage/timeout)',
      labelNames: ['reason'] as const,
      registers: [registry],
    });
    for (const reason of readDecisionReasons) readDecisions.inc({ reason }, 0);
    app.decorate('metrics', { registry, requestDuration, readDecisions });

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      requestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });

    // Gauges read live values when scraped.
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by server and state',
      labelNames: ['server', 'state'] as const,
      registers: [registry],
      collect() {
        for (const server of ['primary', 'replica'] as const) {
          const usage = app.databases[server].poolUsage();
          this.set({ server, state: 'open' }, usage.open);
          this.set({ server, state: 'idle' }, usage.idle);
          this.set({ server, state: 'waiting' }, usage.waiting);
        }
      },
    });
    new Gauge({
      name: 'replica_lag_seconds',
      help: 'Replica lag from the heartbeat row (-1 when unknown)',
      registers: [registry],
      collect() {
        this.set(app.databases.router.health().lagSeconds ?? -1);
      },
    });
    new Gauge({
      name: 'replica_serving_reads',
      help: '1 while the read router sends reads to the replica',
      registers: [registry],
      collect() {
        this.set(app.databases.router.health().state === 'healthy' ? 1 : 0);
      },
    });

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
