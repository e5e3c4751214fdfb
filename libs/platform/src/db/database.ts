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
  /**
   * A statement Kysely compiled, run on a pooled connection, answering its rows: the hot reads'
   * path. It has the same connections, per-query timeout and value check as `db`, but no Kysely
   * plugins or query log.
   */
  queryRows<R>(query: CompiledQuery<R>): Promise<R[]>;
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

/** The rows of a statement run through Kysely's executor (where no pool of our own is at hand). */
export function queryRowsOn<DB>(db: Kysely<DB>): <R>(query: CompiledQuery<R>) => Promise<R[]> {
  return async (query) => (await db.executeQuery(query)).rows;
}

/**
 * Runs compiled statements with mysql2's callback API, as a bare mysql2 server does: one promise
 * per statement, where Kysely's executor makes about a dozen (the connection's acquire, the query,
 * the release, the result plugins), which cost a read by id tens of microseconds of CPU.
 * `pool.query` takes a connection, runs the statement through the timeout and value check every
 * pooled connection has (enforceQueryTimeout) and releases it, as Kysely's driver does.
 */
function queryRowsOnPool(pool: Pool, timeoutMs: number): <R>(query: CompiledQuery<R>) => Promise<R[]> {
  return <R>(query: CompiledQuery<R>) =>
    new Promise<R[]>((resolve, reject) => {
      pool.query({ sql: query.sql, values: [...query.parameters], timeout: timeoutMs }, (error: Error | null, rows: unknown) => {
        if (error) reject(error);
        else resolve(Array.isArray(rows) ? (rows as R[]) : []);
      });
    });
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
    queryRows: queryRowsOnPool(pool, settings.queryTimeoutMs),
    poolUsage: () => ({
      open: internals._allConnections?.length ?? 0,
      idle: internals._freeConnections?.length ?? 0,
      waiting: internals._connectionQueue?.length ?? 0,
    }),
    close: () => db.destroy(),
  };
}
