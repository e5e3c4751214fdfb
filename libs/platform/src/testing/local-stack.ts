/**
 * What integration tests share across apps, libs and tools: the local stack's accounts and a
 * database of their own (`chucar_test`, recreated and migrated by the test global setup).
 */
import net from 'node:net';
import mysql from 'mysql2/promise';
import { readEnv, type EnvValues } from '../config/env.ts';
import { localDevelopmentSecrets } from '../config/local-development-secrets.ts';
import { localStackEnv } from '../config/local-stack.ts';
import { createDatabase, runSqlOnConnection, type Database, type DatabaseSettings } from '../db/database.ts';
import { waitForReplicaToReachPrimary, type RunSql } from '../db/mariadb-dialect.ts';

/**
 * Tests never touch the development database. CHUCAR_TEST_DB lets two test runs on one machine
 * keep apart (each run's global setup recreates its database).
 */
export const testDatabaseName = process.env['CHUCAR_TEST_DB'] || 'chucar_test';
if (!/^chucar_test\w*$/.test(testDatabaseName)) throw new Error(`CHUCAR_TEST_DB must start with chucar_test, got ${JSON.stringify(testDatabaseName)}`);

/** The key pair of the stack's s3rver servers, for the S3 clients tests build themselves. */
export const localS3Credentials = { accessKeyId: localDevelopmentSecrets.s3AccessKeyId, secretAccessKey: localDevelopmentSecrets.s3SecretAccessKey } as const;

export type LocalStackSettings = EnvValues<typeof localStackEnv>;
export type ServerRole = 'primary' | 'replica';
export type StackAccount = 'admin' | 'app' | 'reporter';

export function localStackSettings(): LocalStackSettings {
  return { ...readEnv(localStackEnv), DB_NAME: testDatabaseName };
}

function portOf(settings: LocalStackSettings, role: ServerRole): number {
  return role === 'primary' ? settings.DB_PRIMARY_PORT : settings.DB_REPLICA_PORT;
}

export function appDatabaseSettings(role: ServerRole, overrides: Partial<DatabaseSettings> = {}): DatabaseSettings {
  const settings = localStackSettings();
  return {
    host: '127.0.0.1',
    port: portOf(settings, role),
    user: settings.DB_USER,
    password: settings.DB_PASSWORD,
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

/** A plain mysql2 connection as one of the stack's accounts to `database`, for checks below the app's layers. */
export function connectAs(account: StackAccount, role: ServerRole, database: string = testDatabaseName): Promise<mysql.Connection> {
  return openConnection(account, role, { database });
}

/**
 * A connection that selects no database: to create or drop one, or for server-wide statements
 * (GTID positions, replication), which must work before any test or bench database exists.
 */
export function connectWithoutDatabase(account: StackAccount, role: ServerRole): Promise<mysql.Connection> {
  return openConnection(account, role, {});
}

function openConnection(account: StackAccount, role: ServerRole, target: { database?: string }): Promise<mysql.Connection> {
  const settings = localStackSettings();
  return mysql.createConnection({ host: '127.0.0.1', port: portOf(settings, role), ...credentialsOf(settings, account), ...target, connectTimeout: 5000 });
}

function credentialsOf(settings: LocalStackSettings, account: StackAccount): { user: string; password: string } {
  switch (account) {
    case 'admin':
      return { user: settings.DB_ADMIN_USER, password: settings.DB_ADMIN_PASSWORD };
    case 'app':
      return { user: settings.DB_USER, password: settings.DB_PASSWORD };
    case 'reporter':
      return { user: settings.DB_REPORTER_USER, password: settings.DB_REPORTER_PASSWORD };
  }
}

/** Pool settings for each node of the stack's Galera cluster in order (galera-1 first), as the app account, on the test database. */
export function galeraNodeSettings(overrides: Partial<DatabaseSettings> = {}): Array<DatabaseSettings & { name: string }> {
  const settings = localStackSettings();
  return settings.DB_GALERA_PORTS.map((port, index) => ({ ...appDatabaseSettings('primary', overrides), port, name: `galera-${index + 1}` }));
}

/** A plain mysql2 connection to Galera node `nodeNumber` (1 to 3) as one of the stack's accounts, on the test database. */
export function connectToGaleraNode(account: StackAccount, nodeNumber: number): Promise<mysql.Connection> {
  const settings = localStackSettings();
  const port = settings.DB_GALERA_PORTS[nodeNumber - 1];
  if (port === undefined) throw new RangeError(`there is no Galera node ${nodeNumber}`);
  return mysql.createConnection({ host: '127.0.0.1', port, ...credentialsOf(settings, account), database: testDatabaseName, connectTimeout: 5000 });
}

/** Waits (bounded) until the replica applied everything the primary has committed so far. */
export async function waitForReplicaToCatchUp(timeoutMs = 30_000): Promise<void> {
  const primary = await connectWithoutDatabase('admin', 'primary');
  const replica = await connectWithoutDatabase('admin', 'replica');
  try {
    const { position, outcome } = await waitForReplicaToReachPrimary(runSqlOnConnection(primary), runSqlOnConnection(replica, timeoutMs + 5000), timeoutMs);
    if (outcome !== 'reached') throw new Error(`the replica did not reach ${position} within ${timeoutMs} ms`);
  } finally {
    await primary.end();
    await replica.end();
  }
}

/** Runs a dialect statement on the replica as admin: the fault tests stop its SQL thread or shut it down. */
export async function onReplicaAsAdmin(statement: (run: RunSql) => Promise<void>): Promise<void> {
  const replica = await connectWithoutDatabase('admin', 'replica');
  try {
    await statement(runSqlOnConnection(replica));
  } finally {
    await replica.end();
  }
}

/** A loopback port nothing listens on right now: connections to it are refused at once. */
export async function unusedLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
