/** What integration tests share: the local stack's settings and a database of their own. */
import mysql from 'mysql2/promise';
import { createDatabase, type Database, type DatabaseSettings } from '@chucar/platform';
import { loadStackConfig, type StackConfig } from '../stack/config.ts';

/** Tests never touch the development database: they get `chucar_test`, recreated per run. */
export const testDatabaseName = 'chucar_test';

export function testStackConfig(): StackConfig {
  return { ...loadStackConfig(), DB_NAME: testDatabaseName };
}

export type ServerRole = 'primary' | 'replica';

function portOf(config: StackConfig, role: ServerRole): number {
  return role === 'primary' ? config.DB_PRIMARY_PORT : config.DB_REPLICA_PORT;
}

export function appDatabaseSettings(role: ServerRole, overrides: Partial<DatabaseSettings> = {}): DatabaseSettings {
  const config = testStackConfig();
  return {
    host: '127.0.0.1',
    port: portOf(config, role),
    user: config.DB_USER,
    password: config.DB_PASSWORD,
    database: testDatabaseName,
    poolSize: 5,
    connectTimeoutMs: 2000,
    queryTimeoutMs: 10_000,
    ...overrides,
  };
}

export function openAppDatabase<DB>(role: ServerRole, overrides: Partial<DatabaseSettings> = {}): Database<DB> {
  return createDatabase<DB>(appDatabaseSettings(role, overrides));
}

type Account = 'admin' | 'app' | 'reporter';

/** A plain mysql2 connection as one of the stack's accounts, for checks below the app's layers. */
export async function connectAs(account: Account, role: ServerRole, database: string | undefined = testDatabaseName): Promise<mysql.Connection> {
  const config = testStackConfig();
  const credentials = {
    admin: [config.DB_ADMIN_USER, config.DB_ADMIN_PASSWORD],
    app: [config.DB_USER, config.DB_PASSWORD],
    reporter: [config.DB_REPORTER_USER, config.DB_REPORTER_PASSWORD],
  }[account];
  return mysql.createConnection({
    host: '127.0.0.1',
    port: portOf(config, role),
    user: credentials[0],
    password: credentials[1],
    ...(database ? { database } : {}),
    connectTimeout: 5000,
  });
}

/** Waits (bounded) until the replica applied everything the primary has committed so far. */
export async function waitForReplicaToCatchUp(timeoutMs = 30_000): Promise<void> {
  const primary = await connectAs('admin', 'primary', undefined);
  const replica = await connectAs('admin', 'replica', undefined);
  try {
    const [[position]] = (await primary.query('SELECT @@gtid_current_pos AS pos')) as unknown as [[{ pos: string }]];
    const [[wait]] = (await replica.query('SELECT MASTER_GTID_WAIT(?, ?) AS result', [position.pos, timeoutMs / 1000])) as unknown as [[{ result: number }]];
    if (Number(wait.result) !== 0) throw new Error(`the replica did not reach ${position.pos} within ${timeoutMs} ms`);
  } finally {
    await primary.end();
    await replica.end();
  }
}
