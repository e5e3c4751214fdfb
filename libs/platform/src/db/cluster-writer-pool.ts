import type { MysqlPool, MysqlPoolConnection, MysqlQueryResult, MysqlStream, MysqlStreamOptions } from 'kysely';
import { isClusterUnavailable, NoWritableNodeError } from './cluster-errors.ts';

/** A pooled connection of a node (mysql2's PoolConnection): Kysely's calls, and `destroy`. */
export interface NodeConnection extends MysqlPoolConnection {
  destroy(): void;
}

/** A node's pool (mysql2's Pool), as the writer pool uses it. */
export interface NodePool {
  getConnection(callback: (error: unknown, connection: NodeConnection) => void): void;
}

export interface WriterPoolOptions {
  /** The pool of the node that takes writes now, or null when none does. */
  currentWriterPool(): NodePool | null;
  /** A connection request failed as it does when a node is gone, or a statement outlasted its timeout. */
  onUnavailable(error: unknown): void;
}

type QueryCallback = (error: unknown, result: MysqlQueryResult) => void;

const timedOutCode = 'PROTOCOL_SEQUENCE_TIMEOUT';

/**
 * The connection Kysely is given. When a statement outlasts the client's timeout, mysql2 reports
 * the timeout but keeps the connection, and the server keeps running the statement: the
 * transaction's ROLLBACK would queue behind it until the server answers (a commit on a node that
 * has just lost quorum answers after about 6 s), and Kysely would report the ROLLBACK's outcome
 * instead. So the connection is destroyed at the timeout, and every later statement on it fails
 * at once with the timeout error. Whether a timed-out commit took effect is unknown.
 */
function abandonOnTimeout(connection: NodeConnection, onTimeout: (error: unknown) => void): MysqlPoolConnection {
  let timeout: unknown = null;
  function query(sql: string, parameters: unknown[]): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> };
  function query(sql: string, parameters: unknown[], callback: QueryCallback): void;
  function query(sql: string, parameters: unknown[], callback?: QueryCallback): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> } | void {
    if (!callback) return connection.query(sql, parameters);
    if (timeout !== null) {
      const error = timeout;
      // The types promise a result with every answer; with an error Kysely reads none.
      queueMicrotask(() => callback(error, undefined as never));
      return;
    }
    connection.query(sql, parameters, (error, result) => {
      if ((error as { code?: unknown } | null)?.code === timedOutCode) {
        timeout = error;
        connection.destroy();
        onTimeout(error);
      }
      callback(error, result);
    });
  }
  return { query, release: () => connection.release() };
}

/**
 * A pool for Kysely's MysqlDialect that lends each connection from the current writer's pool. The
 * dialect only calls `getConnection` (the connection's `release` goes back to the node's own pool)
 * and `end` at destroy; the node pools belong to the cluster, which ends them itself.
 */
export function createWriterPool(options: WriterPoolOptions): MysqlPool {
  // Kysely keeps its own wrapper per connection object it is given: give it the same one each time.
  const lent = new WeakMap<NodeConnection, MysqlPoolConnection>();
  return {
    getConnection(callback) {
      const pool = options.currentWriterPool();
      if (!pool) {
        const error = new NoWritableNodeError();
        // The pool types promise a connection with every answer; on an error mysql2 passes none and Kysely reads none.
        queueMicrotask(() => callback(error, undefined as never));
        return;
      }
      pool.getConnection((error, connection) => {
        if (error) {
          if (isClusterUnavailable(error)) options.onUnavailable(error);
          callback(error, undefined as never);
          return;
        }
        let watched = lent.get(connection);
        if (!watched) {
          watched = abandonOnTimeout(connection, options.onUnavailable);
          lent.set(connection, watched);
        }
        callback(null, watched);
      });
    },
    end(callback) {
      callback(null);
    },
  };
}
