import type { EnvValues } from '../config/env.ts';
import type { clusterDatabaseEnv, primaryDatabaseEnv } from '../config/specs.ts';
import { createDatabaseCluster, type DatabaseCluster, type RoutedDatabase } from './database-cluster.ts';
import { createDatabase, type DatabaseSettings } from './database.ts';
import { clusterNodeSettings, primaryDatabaseSettings } from './settings-from-env.ts';

export type WritableDatabaseEnv = EnvValues<typeof primaryDatabaseEnv> & EnvValues<typeof clusterDatabaseEnv>;

/**
 * The database a process writes to, for processes that only write and read their own writes (the
 * media API, worker and commands): the Galera cluster's writer when DB_CLUSTER_NODES is set, so a
 * writer's loss moves the next transaction to the next node; otherwise the primary.
 */
export interface WritableDatabase<DB> {
  readonly database: RoutedDatabase<DB>;
  /** The cluster behind `database`, or null on a single primary. */
  readonly cluster: DatabaseCluster<DB> | null;
  /** Finds the writer before the first statement (a no-op on a single primary). */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Readiness: throws while no server takes writes. */
  probe(): Promise<void>;
}

// These processes never read from a reader, so no read waits for a GTID.
const NO_READ_WAIT_MS = 1000;

export function openWritableDatabase<DB>(env: WritableDatabaseEnv, overrides: Partial<DatabaseSettings> = {}): WritableDatabase<DB> {
  if (env.DB_CLUSTER_NODES.length === 0) {
    const primary = createDatabase<DB>(primaryDatabaseSettings(env, overrides));
    return {
      database: primary,
      cluster: null,
      start: async () => {},
      close: () => primary.close(),
      probe: async () => void (await primary.runSql('SELECT 1')),
    };
  }
  const cluster = createDatabaseCluster<DB>({
    nodes: clusterNodeSettings(env, overrides),
    checkIntervalMs: env.DB_CLUSTER_CHECK_INTERVAL_MS,
    writeTimeoutMs: env.DB_CLUSTER_WRITE_TIMEOUT_MS,
    gtidWaitTimeoutMs: NO_READ_WAIT_MS,
  });
  return {
    database: cluster.writerDatabase,
    cluster,
    start: () => cluster.start(),
    close: () => cluster.close(),
    probe: async () => {
      if (cluster.writer() === null) {
        const nodesSeen = cluster.nodeHealth().map((node) => `${node.name}: ${node.lastError ?? (node.state ? `${node.state.localStateComment}, ${node.state.clusterStatus}` : 'not probed yet')}`);
        throw new Error(`no cluster node takes writes (${nodesSeen.join('; ')})`);
      }
      await cluster.writerDatabase.runSql('SELECT 1');
    },
  };
}
