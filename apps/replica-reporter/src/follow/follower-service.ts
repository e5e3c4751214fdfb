/**
 * The statistics replica follower's process, as main-follow.ts runs it: the follow loop and an HTTP
 * side from the service kit (/metrics, /health) that main-follow.ts listens on unless it runs once.
 */
import type { FastifyInstance } from 'fastify';
import { createHttpService, createLogger, createStatisticsReplicaFollower, describeDecision, type HealthCheck, type Logger, type StatisticsReplicaFollower } from '@chucar/platform';
import type { StatisticsFollowerConfig } from '../config.ts';
import { registerFollowerMetrics } from './follower-metrics.ts';

export interface FollowerService {
  /** /metrics and /health; closing it stops the loop. */
  app: FastifyInstance;
  follower: StatisticsReplicaFollower;
}

/** Degraded (never not ready: the process itself works) while the replica is not following a serving node. */
function followHealthCheck(follower: StatisticsReplicaFollower): HealthCheck {
  return {
    name: 'statistics_replica',
    critical: false,
    probe: async () => {
      const { decision, replica, observationError } = follower.state();
      if (observationError !== null) throw new Error(`the statistics replica does not answer: ${observationError}`);
      if (decision === null) return { status: 'degraded', detail: 'not looked at yet' };
      const line = describeDecision(decision);
      if (decision.action !== 'stay' && decision.action !== 'repoint') return { status: 'degraded', detail: line };
      if (!replica || replica.ioState !== 'running' || !replica.sqlRunning) {
        return { status: 'degraded', detail: `${line}; replica threads: IO ${replica?.ioState ?? 'unknown'}, SQL ${replica?.sqlRunning ? 'running' : 'stopped'}` };
      }
      return { status: 'up', detail: line };
    },
  };
}

export async function createFollowerService(config: StatisticsFollowerConfig, deps: { logger?: Logger } = {}): Promise<FollowerService> {
  const log = deps.logger ?? createLogger(config, 'replica-reporter-follow');
  const app = await createHttpService({ service: 'replica-reporter-follow', logging: config, logger: log });
  // Read at scrape time only, once the follower below exists.
  const metrics = registerFollowerMetrics(app.metricsRegistry, () => follower.state(), config.sourceNodes);
  const follower = createStatisticsReplicaFollower({
    replica: { host: config.STATISTICS_REPLICA_HOST, port: config.STATISTICS_REPLICA_PORT },
    nodes: config.sourceNodes,
    admin: { user: config.STATISTICS_ADMIN_USER, password: config.STATISTICS_ADMIN_PASSWORD },
    replication: { user: config.STATISTICS_REPLICATION_USER, password: config.STATISTICS_REPLICATION_PASSWORD },
    intervalMs: config.STATISTICS_FOLLOW_INTERVAL_MS,
    graceMs: config.STATISTICS_SOURCE_GRACE_MS,
    probeTimeoutMs: config.STATISTICS_PROBE_TIMEOUT_MS,
    controlTimeoutMs: config.STATISTICS_CONTROL_TIMEOUT_MS,
    logger: log,
    registry: app.metricsRegistry,
    onRepoint: () => metrics.countRepoint(),
  });
  app.addHealthCheck(followHealthCheck(follower));
  app.addHook('onClose', () => follower.stop());
  return { app, follower };
}
