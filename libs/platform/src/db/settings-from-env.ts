import type { EnvValues } from '../config/env.ts';
import type { clusterDatabaseEnv, primaryDatabaseEnv, replicaDatabaseEnv } from '../config/specs.ts';
import type { DatabaseSettings } from './database.ts';

export type PrimaryDatabaseEnv = EnvValues<typeof primaryDatabaseEnv>;

/** Pool settings for the primary from its env variables; scripts override pool size and timeouts. */
export function primaryDatabaseSettings(env: PrimaryDatabaseEnv, overrides: Partial<DatabaseSettings> = {}): DatabaseSettings {
  return {
    host: env.DB_PRIMARY_HOST,
    port: env.DB_PRIMARY_PORT,
    user: env.DB_USER,
    password: env.DB_PASSWORD,
    database: env.DB_NAME,
    poolSize: env.DB_POOL_SIZE,
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: env.DB_QUERY_TIMEOUT_MS,
    ...overrides,
  };
}

export type ReplicaDatabaseEnv = EnvValues<typeof replicaDatabaseEnv>;

/** Pool settings for the replica: its own address, the app account and the pool settings the primary uses. */
export function replicaDatabaseSettings(env: PrimaryDatabaseEnv & ReplicaDatabaseEnv, overrides: Partial<DatabaseSettings> = {}): DatabaseSettings {
  return primaryDatabaseSettings(env, { host: env.DB_REPLICA_HOST, port: env.DB_REPLICA_PORT, ...overrides });
}

export type ClusterDatabaseEnv = EnvValues<typeof clusterDatabaseEnv>;

/** Pool settings for each node of DB_CLUSTER_NODES, in its order: the node's address, the primary's account and pool settings. */
export function clusterNodeSettings(env: PrimaryDatabaseEnv & ClusterDatabaseEnv, overrides: Partial<DatabaseSettings> = {}): DatabaseSettings[] {
  return env.DB_CLUSTER_NODES.map(({ host, port }) => primaryDatabaseSettings(env, { host, port, ...overrides }));
}
