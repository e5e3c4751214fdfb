import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Database as Schema } from '@chucar/domain';
import {
  clusterNodeSettings,
  createDatabase,
  createDatabaseCluster,
  createReadRouter,
  createUnitOfWork,
  HttpProblem,
  isClusterUnavailable,
  isConnectionFailure,
  primaryDatabaseSettings,
  registerAvailabilityMetrics,
  registerDatabaseClusterMetrics,
  registerPoolMetrics,
  registerReadRoutingMetrics,
  replicaDatabaseSettings,
  watchServerAvailability,
  type Database,
  type DatabaseCluster,
  type ReadFreshness,
  type ReadRouter,
  type RoutedDatabase,
  type UnitOfWork,
} from '@chucar/platform';
import type { GatewayConfig } from '../config.ts';

/** `primary`: the server writes go to (the primary, or the cluster's writer node); `replica`: one that only reads. */
export type ReadTarget = 'primary' | 'replica';

/** The server a read runs on: Kysely for any statement, and the pool's own path for the hot reads' compiled ones. */
export type ReadDatabase = Pick<Database<Schema>, 'db' | 'queryRows'>;

/** One request's reads, in either mode: the server is chosen on the first read and kept (fallbacks aside). */
export interface GatewayReadSession {
  run<T>(read: (database: ReadDatabase, target: ReadTarget) => Promise<T>): Promise<T>;
  /** Where this session's reads went and how stale they may be (the x-read-* headers); null before the first read. */
  freshness(): ReadFreshness | null;
}

export interface GatewayDatabases {
  /** `primary-replica`: DB_PRIMARY_* and DB_REPLICA_*; `cluster`: the Galera nodes of DB_CLUSTER_NODES. */
  mode: 'primary-replica' | 'cluster';
  /** Where writes go: the primary, or in cluster mode a Database whose connections come from the current writer node. */
  writer: RoutedDatabase<Schema>;
  unitOfWork: UnitOfWork<Schema>;
  openReadSession(consistencyToken: string | null): GatewayReadSession;
  /** Whether writes are taken now: the primary answers, or the cluster has a writer. */
  writesAvailable(): boolean;
  /** The replica's read router (primary-replica mode only). */
  router: ReadRouter<Schema> | null;
  /** The Galera cluster (cluster mode only). */
  cluster: DatabaseCluster<Schema> | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    databases: GatewayDatabases;
    /** Throws the 503 a write (or a read pinned to the writer) gets while no server takes writes; a no-op otherwise. */
    refuseWhileWritesUnavailable(): void;
    /** A caller's statement on the writer failed: if the server is gone (or refused it, on the cluster), it is checked again at once. */
    noteWriteFailure(error: unknown): void;
  }
}

/** The answer to a write, or a read pinned to the primary, while the primary is unreachable. */
export function primaryUnavailable(): HttpProblem {
  return new HttpProblem(503, 'database_unavailable', 'the primary database is unreachable: writes are refused until it is back; reads still work', { 'retry-after': '5' });
}

/** The same answer in cluster mode, while no node takes writes (quorum lost, or no node reachable). */
export function clusterWriterUnavailable(): HttpProblem {
  return new HttpProblem(503, 'database_unavailable', 'no database cluster node takes writes now: writes are refused until one does; reads still work where a node can serve them', {
    'retry-after': '5',
  });
}

/**
 * The gateway's connections, in one of two modes chosen by DB_CLUSTER_NODES: the primary and its
 * replica (pools, the primary's availability probe, the read router), or a Galera cluster (a pool
 * per node, the writer chosen by list order, read sessions over the other nodes). Either way the
 * rest of the gateway sees one writer Database, a unit of work on it, read sessions with the same
 * freshness headers, and one 503 while nothing takes writes. How a request's services use them is
 * plugins/domain-services.ts.
 */
export const databasesPlugin = fp<{ config: GatewayConfig }>(
  async (app, { config }) => {
    if (config.DB_CLUSTER_NODES.length > 0) registerClusterDatabases(app, config);
    else registerPrimaryAndReplica(app, config);
  },
  { name: 'databases', dependencies: ['health', 'metrics'] },
);

function registerPrimaryAndReplica(app: FastifyInstance, config: GatewayConfig): void {
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
  app.decorate('databases', {
    mode: 'primary-replica',
    writer: primary,
    unitOfWork: createUnitOfWork(primary),
    openReadSession(consistencyToken: string | null): GatewayReadSession {
      const session = readRouter.openSession(consistencyToken);
      // The router chose by target; its Kysely is that server's (read-router.ts).
      return { run: (read) => session.run((_db, choice) => read(choice.target === 'primary' ? primary : replica, choice.target)), freshness: () => session.freshness() };
    },
    writesAvailable: () => primaryAvailability.isUp(),
    router: readRouter,
    cluster: null,
  } satisfies GatewayDatabases);

  app.decorate('refuseWhileWritesUnavailable', () => {
    if (!primaryAvailability.isUp()) throw primaryUnavailable();
  });
  app.decorate('noteWriteFailure', (error: unknown) => {
    if (isConnectionFailure(error)) primaryAvailability.reportFailure(error);
  });

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
}

function registerClusterDatabases(app: FastifyInstance, config: GatewayConfig): void {
  // The counter exists before the cluster that feeds it; the gauges read the cluster at scrape time.
  const readDecisions = registerDatabaseClusterMetrics(app.metricsRegistry, () => cluster.nodeHealth());
  const cluster = createDatabaseCluster<Schema>({
    nodes: clusterNodeSettings(config),
    checkIntervalMs: config.DB_CLUSTER_CHECK_INTERVAL_MS,
    probeTimeoutMs: Math.min(1000, config.DB_CONNECT_TIMEOUT_MS),
    writeTimeoutMs: config.DB_CLUSTER_WRITE_TIMEOUT_MS,
    gtidWaitTimeoutMs: config.GTID_WAIT_TIMEOUT_MS,
    onWriterChange: (from, to, nodes) => {
      const states = nodes.map((node) => ({ node: node.name, role: node.role, error: node.lastError }));
      if (to === null) app.log.error({ from, nodes: states }, 'no cluster node takes writes: writes answer 503');
      else app.log.warn({ from, to, nodes: states }, 'cluster writer changed');
    },
    onReadDecision: (reason) => readDecisions.inc({ reason }),
  });
  registerPoolMetrics(app.metricsRegistry, cluster.nodeDatabases);
  app.decorate('databases', {
    mode: 'cluster',
    writer: cluster.writerDatabase,
    unitOfWork: createUnitOfWork(cluster.writerDatabase),
    openReadSession(consistencyToken: string | null): GatewayReadSession {
      const session = cluster.openReadSession(consistencyToken);
      return { run: (read) => session.run((_db, choice) => read(choice.database, choice.target === 'writer' ? 'primary' : 'replica')), freshness: () => session.freshness() };
    },
    writesAvailable: () => cluster.writer() !== null,
    router: null,
    cluster,
  } satisfies GatewayDatabases);

  app.decorate('refuseWhileWritesUnavailable', () => {
    if (cluster.writer() === null) throw clusterWriterUnavailable();
  });
  app.decorate('noteWriteFailure', (error: unknown) => {
    // A 1047 reaches only the caller; lost connections the cluster notes itself, a second note only coalesces.
    if (isClusterUnavailable(error)) cluster.noteFailure(error);
  });

  // Each node and the writer only degrade readiness: they are shared by every gateway, so a node
  // gone, or no writer at all, is no reason for the balancer to drop this instance.
  for (const { name } of cluster.nodeHealth()) {
    app.addHealthCheck({
      name: `cluster_node ${name}`,
      critical: false,
      probe: async () => {
        const node = cluster.nodeHealth().find((health) => health.name === name);
        if (!node || node.checkedAt === null) return { status: 'degraded', detail: 'not probed yet' };
        if (node.role !== 'unavailable') return { status: 'up', detail: `${node.role}, ${node.state?.localStateComment ?? 'state unknown'}` };
        const why = node.lastError ?? (node.state ? `${node.state.localStateComment}, ${node.state.clusterStatus}` : 'no answer');
        return { status: 'degraded', detail: `serves nothing: ${why}` };
      },
    });
  }
  app.addHealthCheck({
    name: 'cluster_writer',
    critical: false,
    probe: async () => {
      const writer = cluster.writer();
      if (writer) return { status: 'up', detail: `writes go to ${writer.name}` };
      return { status: 'degraded', detail: 'no node is synced in a primary component: writes answer 503' };
    },
  });

  app.addHook('onReady', () => cluster.start());
  app.addHook('onClose', () => cluster.close());
}
