import { createPool, type Pool, type PoolConnection } from 'mysql2';
import type { Connection } from 'mysql2/promise';
import { CompiledQuery, Kysely, MysqlDialect } from 'kysely';
import type { Row, RunSql } from './mariadb-dialect.ts';
import { refuseUnsafeQueryValues } from './query-values.ts';

export interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  poolSize: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}

export interface Database<DB> {
  readonly db: Kysely<DB>;
  readonly pool: Pool;
  /** Plain SQL on any pooled connection, for the dialect module's statements. */
  readonly runSql: RunSql;
  poolUsage(): { open: number; idle: number; waiting: number };
  close(): Promise<void>;
}

type QueryCallback = (error: Error | null, result?: unknown, fields?: unknown) => void;

/**
 * Gives every query sent on `connection` a client-side timeout, so a hung server cannot hang a request,
 * and refuses values mysql2 would write into the SQL as anything but a literal (see query-values.ts).
 */
function enforceQueryTimeout(connection: PoolConnection, timeoutMs: number): void {
  const send = connection.query.bind(connection) as (options: object, callback: QueryCallback) => unknown;
  const queryWithTimeout = (sql: unknown, values: unknown, callback: QueryCallback) => {
    if (typeof sql !== 'string') {
      const command = sql as { sql?: string; values?: unknown };
      refuseUnsafeQueryValues(String(command.sql), typeof values === 'function' || values === undefined ? command.values : values);
      return send(sql as object, (typeof values === 'function' ? values : callback) as QueryCallback);
    }
    if (typeof values === 'function') return send({ sql, timeout: timeoutMs }, values as QueryCallback);
    refuseUnsafeQueryValues(sql, values);
    return send({ sql, values, timeout: timeoutMs }, callback);
  };
  (connection as unknown as { query: typeof queryWithTimeout }).query = queryWithTimeout;
}

/** The dialect's statements on a plain mysql2 connection (scripts, tests, the stack tool). */
export function runSqlOnConnection(connection: Connection, timeoutMs = 30_000): RunSql {
  return async (sql, params = []) => {
    const [rows] = await connection.query({ sql, values: [...params], timeout: timeoutMs });
    return Array.isArray(rows) ? (rows as Row[]) : [];
  };
}

export function runSqlOn<DB>(db: Kysely<DB>): RunSql {
  return async (sql, params = []) => {
    const result = await db.executeQuery<Row>(CompiledQuery.raw(sql, [...params]));
    return result.rows;
  };
}

export function createDatabase<DB>(settings: DatabaseSettings): Database<DB> {
  const pool = createPool({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    connectionLimit: settings.poolSize,
    maxIdle: settings.poolSize,
    idleTimeout: 60_000,
    connectTimeout: settings.connectTimeoutMs,
    enableKeepAlive: true,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    decimalNumbers: true,
  });
  pool.on('connection', (connection) => enforceQueryTimeout(connection, settings.queryTimeoutMs));
  const db = new Kysely<DB>({ dialect: new MysqlDialect({ pool: async () => pool }) });
  const internals = pool as unknown as { _allConnections?: { length: number }; _freeConnections?: { length: number }; _connectionQueue?: { length: number } };
  return {
    db,
    pool,
    runSql: runSqlOn(db),
    poolUsage: () => ({
      open: internals._allConnections?.length ?? 0,
      idle: internals._freeConnections?.length ?? 0,
      waiting: internals._connectionQueue?.length ?? 0,
    }),
    close: () => db.destroy(),
  };
}
