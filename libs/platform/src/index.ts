/**
 * The service kit every app is assembled from. Helpers that only tests and tools use (the local
 * stack's accounts, replication control) live in `@chucar/platform/testing`.
 */

// Configuration and logging
export * from './config/env.ts';
export * from './config/specs.ts';
export * from './config/local-development-secrets.ts';
export * from './logging/logger.ts';

// Timeouts and periodic background tasks
export * from './timeout/with-timeout.ts';
export * from './periodic-task/periodic-task.ts';

// Databases: pools, the unit of work, read routing, the engine's statements
export * from './db/database.ts';
export * from './db/unit-of-work.ts';
export * from './db/server-availability.ts';
export * from './db/read-router.ts';
export * from './db/database-metrics.ts';
export * from './db/settings-from-env.ts';
export * from './db/heartbeat-migration.ts';
export { heartbeatTable, isGtidList, readAppliedGtids, readHeartbeatLagSeconds, readLastGtid, readReplicaStatus, waitForGtid } from './db/mariadb-dialect.ts';
export type { GtidWaitResult, ReplicaStatus, Row, RunSql } from './db/mariadb-dialect.ts';
export { findWritePrivileges, isStatementTimeout, readHeartbeatTimes, readOwnGrants, readReplicaRole, stopStatementSql, withStatementTimeLimit } from './db/mariadb-dialect.ts';
export type { ReplicaRole } from './db/mariadb-dialect.ts';

// A Galera cluster: node probes, the writer by list order, a routed writer Database, read sessions
export * from './db/database-cluster.ts';
export * from './db/database-cluster-metrics.ts';
export * from './db/writable-database.ts';
export * from './db/cluster-monitor.ts';
export * from './db/cluster-read-session.ts';
export * from './db/cluster-writer-pool.ts';
export * from './db/cluster-errors.ts';
export { causalReadsOn, clusterGtidOf, galeraSyncedState, isCommitOutsidePrimaryComponent, isNodeNotPrepared, isServingNode, isSyncedNode, readGaleraGtidIdentity, readGaleraNodeState, waitForGaleraGtid } from './db/galera-dialect.ts';
export type { GaleraClusterStatus, GaleraGtidIdentity, GaleraGtidWaitResult, GaleraNodeState } from './db/galera-dialect.ts';
export { bootstrapPrimaryComponent } from './db/galera-dialect.ts';

// The statistics replica following the Galera cluster: the decision, binlog coverage, the loop
export * from './db/statistics-replica-follower.ts';
export * from './db/statistics-replica-follow-loop.ts';
export * from './db/binlog-coverage.ts';
export { formatGtid, parseGtidList } from './db/mariadb-dialect.ts';
export type { BinlogReach, Gtid, ReplicaIoState, ReplicaSourceStatus } from './db/mariadb-dialect.ts';

// Idempotency keys: the header's rules and their table
export * from './idempotency/idempotency-key.ts';
export * from './idempotency/idempotency-store.ts';

// Redis
export * from './redis/redis.ts';

// S3-compatible object stores: '@chucar/platform/s3', apart, so a process that stores nothing
// (the gateway) does not load the AWS SDK (about 34 MiB of RSS).

// Authentication: bearer headers, users' access tokens, the gateway's service tokens
export * from './auth/bearer-token.ts';
export * from './auth/access-token.ts';
export * from './auth/service-token.ts';
export { MIN_HS256_SECRET_LENGTH } from './auth/hs256-jwt.ts';

// HTTP services
export * from './http/http-service.ts';
export * from './http/problem-details.ts';
export * from './http/request-id.ts';
export * from './http/health.ts';
export * from './http/docs.ts';
export * from './http/metrics.ts';
export * from './http/redis-plugin.ts';
export * from './http/graceful-close.ts';
export * from './http/serve.ts';
