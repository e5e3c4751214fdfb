import type { MysqlPool } from 'kysely';
import { isClusterUnavailable, NoWritableNodeError } from './cluster-errors.ts';

export interface WriterPoolOptions {
  /** The pool of the node that takes writes now, or null when none does. */
  currentWriterPool(): MysqlPool | null;
  /** Called when asking the writer's pool for a connection failed as a node does when it is gone. */
  onUnavailable(error: unknown): void;
}

/**
 * A pool for Kysely's MysqlDialect that lends each connection from the current writer's pool. The
 * dialect only calls `getConnection` (the connection's `release` goes back to the node's own pool)
 * and `end` at destroy; the node pools belong to the cluster, which ends them itself.
 */
export function createWriterPool(options: WriterPoolOptions): MysqlPool {
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
        if (error && isClusterUnavailable(error)) options.onUnavailable(error);
        callback(error, connection);
      });
    },
    end(callback) {
      callback(null);
    },
  };
}
