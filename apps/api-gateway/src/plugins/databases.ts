import fp from 'fastify-plugin';
import type { Database as Schema } from '@chucar/domain';
import {
  createDatabase,
  createReadRouter,
  createUnitOfWork,
  HttpProblem,
  isConnectionFailure,
  primaryDatabaseSettings,
  registerAvailabilityMetrics,
  registerPoolMetrics,
  registerReadRoutingMetrics,
  replicaDatabaseSettings,
  watchServerAvailability,
  type Database,
  type ReadRouter,
  type ServerAvailability,
  type UnitOfWork,
} from '@chucar/platform';
import type { GatewayConfig } from '../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    databases: {
      primary: Database<Schema>;
      replica: Database<Schema>;
      router: ReadRouter<Schema>;
      unitOfWork: UnitOfWork<Schema>;
      /** Whether the primary answers; while it does not, writes are refused at once (`refuseWhilePrimaryDown`). */
      primaryAvailability: ServerAvailability;
    };
    /** Throws the 503 a write gets while the primary is unreachable; a no-op while it answers. */
    refuseWhilePrimaryDown(): void;
    /** A caller's statement on the primary failed: if the connection did, the primary is marked down at once. */
    notePrimaryFailure(error: unknown): void;
  }
}

/** The answer to a write, or a read pinned to the primary, while the primary is unreachable. */
export function primaryUnavailable(): HttpProblem {
  return new HttpProblem(503, 'database_unavailable', 'the primary database is unreachable: writes are refused until it is back; reads still work', { 'retry-after': '5' });
}

/**
 * The gateway's connections: the primary and replica pools, the primary's availability probe, the
 * read router that picks between them, the unit of work on the primary, their health checks and
 * metrics. How a request's services use them is plugins/domain-services.ts.
 */
export const databasesPlugin = fp<{ config: GatewayConfig }>(
  async (app, { config }) => {
    const primary = createDatabase<Schema>(primaryDatabaseSettings(config));
    const replica = createDatabase<Schema>(replicaDatabaseSettings(config));
    // The gauges read the router's health at scrape time, after it exists.
    const readDecisions = registerReadRoutingMetrics(app.metricsRegistry, () => readRouter.health());
    // The primary's probe has a connection of its own: a pool full of requests cannot delay it.
    const probeTimeoutMs = Math.min(1000, config.DB_CONNECT_TIMEOUT_MS);
    const primaryProbe = createDatabase<Schema>(primaryDatabaseSettings(config, { poolSize: 1, connectTimeoutMs: probeTimeoutMs, queryTimeoutMs: probeTimeoutMs }));
    const primaryAvailability = watchServerAvailability({
      probe: () => primaryProbe.runSql('SELECT 1'),
      intervalMs: config.PRIMARY_CHECK_INTERVAL_MS,
      probeTimeoutMs,
      onChange: (up, lastError) =>
        up ? app.log.info('primary reachable again: writes accepted') : app.log.warn({ error: lastError }, 'primary unreachable: writes refused, reads stay on the replica'),
    });
    registerAvailabilityMetrics(app.metricsRegistry, { primary: primaryAvailability });
    const readRouter = createReadRouter<Schema>({
      primary,
      replica,
      primaryAvailable: () => primaryAvailability.isUp(),
      maxLagSeconds: config.REPLICA_MAX_LAG_S,
      recoverLagSeconds: config.REPLICA_RECOVER_LAG_S,
      checkIntervalMs: config.REPLICA_CHECK_INTERVAL_MS,
      gtidWaitTimeoutMs: config.GTID_WAIT_TIMEOUT_MS,
      onStateChange: (from, to, health) => app.log[to === 'healthy' ? 'info' : 'warn']({ from, to, lagSeconds: health.lagSeconds, error: health.lastError }, 'replica state changed'),
      onDecision: (reason) => readDecisions.inc({ reason }),
    });
    registerPoolMetrics(app.metricsRegistry, { primary, replica });
    const unitOfWork = createUnitOfWork(primary);
    app.decorate('databases', { primary, replica, router: readRouter, unitOfWork, primaryAvailability });

    function refuseWhilePrimaryDown(): void {
      if (!primaryAvailability.isUp()) throw primaryUnavailable();
    }
    function notePrimaryFailure(error: unknown): void {
      if (isConnectionFailure(error)) primaryAvailability.reportFailure(error);
    }
    app.decorate('refuseWhilePrimaryDown', refuseWhilePrimaryDown);
    app.decorate('notePrimaryFailure', notePrimaryFailure);

    // Readiness is about this instance: an unreachable primary is shared by every gateway, so it only
    // degrades (reads are still served from the replica) and the balancer keeps the instance.
    app.addHealthCheck({
      name: 'primary',
      critical: false,
      probe: async () => {
        const state = primaryAvailability.state();
        if (state.up) return;
        throw new Error(`unreachable since ${state.since.toISOString()} (${state.lastError ?? 'no answer'}): writes answer 503, reads go to the replica`);
      },
    });
    // The replica only ever degrades the service: its reads move to the primary.
    app.addHealthCheck({
      name: 'replica',
      critical: false,
      probe: async () => {
        const health = readRouter.health();
        if (health.state === 'healthy') return { status: 'up', detail: `lag ${health.lagSeconds ?? 0} s` };
        const why = health.lastError ?? (health.lagSeconds !== null ? `lag ${health.lagSeconds} s` : 'not measured yet');
        return { status: 'degraded', detail: `${health.state}: ${why}; reads go to the primary` };
      },
    });

    app.addHook('onReady', async () => {
      await Promise.all([readRouter.start(), primaryAvailability.start()]);
    });
    app.addHook('onClose', async () => {
      await Promise.all([readRouter.stop(), primaryAvailability.stop()]);
      await Promise.all([primary.close(), replica.close(), primaryProbe.close()]);
    });
  },
  { name: 'databases', dependencies: ['health', 'metrics'] },
);
