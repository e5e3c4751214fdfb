import { Kysely, MysqlDialect } from 'kysely';
import { createDatabase, queryRowsOn, runSqlOn, type Database, type DatabaseSettings } from './database.ts';
import { createClusterMonitor, type ClusterNodeAddress, type ClusterNodeHealth } from './cluster-monitor.ts';
import { createClusterReadSessions, type ClusterReadDecisionReason, type ClusterReadSession, type ReadOnClusterNode } from './cluster-read-session.ts';
import { isClusterUnavailable } from './cluster-errors.ts';
import { createWriterPool, type NodePool } from './cluster-writer-pool.ts';
import { readGaleraGtidIdentity, readGaleraNodeState } from './galera-dialect.ts';

export interface ClusterNodeSettings extends DatabaseSettings {
  /** Names the node in health and metrics; `host:port` when left out. */
  name?: string;
}

export interface DatabaseClusterOptions {
  /** Every node, in order of preference for the writer (all gateways must list them in the same order). */
  nodes: readonly ClusterNodeSettings[];
  checkIntervalMs: number;
  /** Connect and query timeout of each node's probe, so a dead node delays a check by at most this (default 1000). */
  probeTimeoutMs?: number;
  /**
   * Caps the per-query timeout of the node pools. A write on a node that has just lost its peers
   * blocks about 6 s (Galera's suspect timeout of 5 s, then the view change) before it fails with
   * 1047: a cap below that answers the request sooner, and the writer pool then drops the
   * connection (its ROLLBACK would wait behind the blocked statement) and probes the cluster
   * again. Such a write's outcome is unknown (it may have committed), as after any timeout.
   */
  writeTimeoutMs?: number;
  /** How long a node silent in a round in which no node answered keeps its last state (see ClusterMonitorOptions; default 5000). */
  silentRoundGraceMs?: number;
  /** How long a read waits on a reader for the client's last write before it goes to the writer. */
  gtidWaitTimeoutMs: number;
  /** The lag bound reported for a reader's data when no token was waited for (default 1000). */
  readerLagBoundMs?: number;
  onWriterChange?(from: string | null, to: string | null, nodes: readonly ClusterNodeHealth[]): void;
  onReadDecision?(reason: ClusterReadDecisionReason): void;
}

/** A Database with no pool of its own: each connection comes from the node that takes writes now. */
export type RoutedDatabase<DB> = Omit<Database<DB>, 'pool'>;

export interface DatabaseCluster<DB> {
  /** Probes every node once (so the writer is known before traffic), then every check interval. */
  start(): Promise<void>;
  /** Stops probing and closes every pool. */
  close(): Promise<void>;
  writer(): ClusterNodeAddress | null;
  readers(): ClusterNodeAddress[];
  /**
   * One stable Database for writes (the unit of work, repositories): each connection is lent by
   * the current writer's pool, so after a writer change the next transaction runs on the new one.
   * Without a writer, asking for a connection fails at once with NoWritableNodeError.
   */
  readonly writerDatabase: RoutedDatabase<DB>;
  /** Each node's own pool by node name (pool metrics, reads pinned to a node). */
  readonly nodeDatabases: Readonly<Record<string, Database<DB>>>;
  nodeHealth(): ClusterNodeHealth[];
  recheckNow(): Promise<void>;
  /**
   * A caller's statement failed: when the failure says a node is gone or outside the primary
   * component (isClusterUnavailable), every node is probed at once instead of at the next tick.
   * Lost connections of the cluster's pools and failed connection requests are noted already;
   * a node's refusal (1047) reaches only the caller, who passes it here.
   */
  noteFailure(error: unknown): void;
  openReadSession(consistencyToken: string | null): ClusterReadSession<DB>;
  read<T>(consistencyToken: string | null, read: ReadOnClusterNode<DB, T>): Promise<T>;
}

/**
 * The database layer for a Galera cluster: a pool per node, a probe of every node on a
 * connection of its own, the writer chosen by list order, a routed Database for writes and read
 * sessions over the other synced nodes.
 *
 * Errors: a deadlock (1213) is also how Galera reports a transaction that lost certification to a
 * conflicting write on another node; it is not retried here, the problem handler answers it with
 * 503 and Retry-After and the client repeats it, as for an InnoDB deadlock. A node outside the
 * primary component answers 1047 without running the statement: reads are repeated on the writer
 * (read sessions), writes fail with it and the cluster is probed again (noteFailure).
 */
export function createDatabaseCluster<DB>(options: DatabaseClusterOptions): DatabaseCluster<DB> {
  const probeTimeoutMs = options.probeTimeoutMs ?? 1000;
  const nodes = options.nodes.map((settings) => ({ name: settings.name ?? `${settings.host}:${settings.port}`, host: settings.host, port: settings.port, settings }));
  const poolSettings = (settings: DatabaseSettings): DatabaseSettings => ({
    ...settings,
    queryTimeoutMs: Math.min(settings.queryTimeoutMs, options.writeTimeoutMs ?? Number.POSITIVE_INFINITY),
  });
  for (const node of nodes) {
    // The server waits whole seconds for a GTID; the client must not give up on that statement first.
    if (options.gtidWaitTimeoutMs >= poolSettings(node.settings).queryTimeoutMs) {
      throw new RangeError(`gtidWaitTimeoutMs (${options.gtidWaitTimeoutMs}) must be below the query timeout of node ${node.name}`);
    }
  }
  const nodeDatabases: Record<string, Database<DB>> = Object.fromEntries(nodes.map((node) => [node.name, createDatabase<DB>(poolSettings(node.settings))]));
  // Probes have a connection of their own per node: pools full of requests cannot delay them.
  const probeDatabases = new Map(
    nodes.map((node) => [node.name, createDatabase<DB>({ ...node.settings, poolSize: 1, connectTimeoutMs: probeTimeoutMs, queryTimeoutMs: probeTimeoutMs })]),
  );
  const databaseOf = (node: ClusterNodeAddress): Database<DB> => nodeDatabases[node.name]!;

  const monitor = createClusterMonitor({
    nodes: nodes.map(({ name, host, port }) => ({ name, host, port })),
    checkIntervalMs: options.checkIntervalMs,
    probeTimeoutMs,
    ...(options.silentRoundGraceMs === undefined ? {} : { silentRoundGraceMs: options.silentRoundGraceMs }),
    async probe(node) {
      const run = probeDatabases.get(node.name)!.runSql;
      const state = await readGaleraNodeState(run);
      return { state, gtidIdentity: await readGaleraGtidIdentity(run) };
    },
    ...(options.onWriterChange ? { onWriterChange: options.onWriterChange } : {}),
  });

  function noteFailure(error: unknown): void {
    if (isClusterUnavailable(error)) void monitor.recheckNow();
  }
  // mysql2 emits 'error' on a pooled connection that dies, idle or not (a node gone, a reset): probe at once.
  for (const database of Object.values(nodeDatabases)) database.pool.on('connection', (connection) => connection.on('error', noteFailure));

  const writerPool = createWriterPool({
    currentWriterPool(): NodePool | null {
      const writer = monitor.writer();
      return writer ? databaseOf(writer).pool : null;
    },
    onUnavailable: noteFailure,
  });
  const writerDb = new Kysely<DB>({ dialect: new MysqlDialect({ pool: writerPool }) });
  const writerDatabase: RoutedDatabase<DB> = {
    db: writerDb,
    runSql: runSqlOn(writerDb),
    // The writer's connections come through Kysely's dialect from whichever node writes now.
    queryRows: queryRowsOn(writerDb),
    poolUsage() {
      const writer = monitor.writer();
      return writer ? databaseOf(writer).poolUsage() : { open: 0, idle: 0, waiting: 0 };
    },
    // The node pools belong to the cluster: destroying this Kysely leaves them open.
    close: () => writerDb.destroy(),
  };

  const sessions = createClusterReadSessions<DB>({
    monitor,
    databaseOf,
    gtidWaitTimeoutMs: options.gtidWaitTimeoutMs,
    readerLagBoundMs: options.readerLagBoundMs ?? 1000,
    ...(options.onReadDecision ? { onDecision: options.onReadDecision } : {}),
  });

  return {
    start: () => monitor.start(),
    async close() {
      await monitor.stop();
      await writerDatabase.close();
      await Promise.all([...Object.values(nodeDatabases), ...probeDatabases.values()].map((database) => database.close()));
    },
    writer: () => monitor.writer(),
    readers: () => monitor.readers(),
    writerDatabase,
    nodeDatabases,
    nodeHealth: () => monitor.nodeHealth(),
    recheckNow: () => monitor.recheckNow(),
    noteFailure,
    openReadSession: (consistencyToken) => sessions.openSession(consistencyToken),
    read: (consistencyToken, read) => sessions.openSession(consistencyToken).run(read),
  };
}
