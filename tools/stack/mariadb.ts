import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import mysql from 'mysql2/promise';
import { readHeartbeatLagSeconds, readReplicaStatus, runSqlOnConnection, type ReplicaStatus } from '@chucar/platform';
import { configureReplication, startReplication, waitForReplicaToReachPrimary } from '@chucar/platform/testing';
import { appDatabasePattern, type StackConfig } from './config.ts';
import { ensureCommand, ownServerAnswers, portAnswers, readPid, spawnDetached, stopProcess, waitUntil } from './processes.ts';

/** The statistics replica follows Galera node 1 (the cluster's async replica), the replica follows the primary. */
export type MariadbRole = 'primary' | 'replica' | 'statistics';

interface ServerPaths {
  home: string;
  dataDir: string;
  socket: string;
  pidFile: string;
  logFile: string;
  initializedMarker: string;
}

/** `<home>/mariadbd.sock`, or a short temp path when that is too long for a Unix socket. */
export function socketPathFor(home: string, name: string): string {
  const socket = path.join(home, 'mariadbd.sock');
  // Unix socket paths are limited to ~107 bytes; deep checkouts fall back to a short temp path.
  if (socket.length <= 100) return socket;
  const digest = crypto.createHash('sha1').update(home).digest('hex').slice(0, 10);
  return path.join(os.tmpdir(), `chucar-${digest}-${name}.sock`);
}

export function serverPaths(config: StackConfig, role: MariadbRole): ServerPaths {
  const home = path.join(config.stateDir, role);
  return {
    home,
    dataDir: path.join(home, 'data'),
    socket: socketPathFor(home, role),
    pidFile: path.join(home, 'mariadbd.pid'),
    logFile: path.join(home, 'mariadbd.log'),
    initializedMarker: path.join(home, 'initialized'),
  };
}

const portVariables = { primary: 'DB_PRIMARY_PORT', replica: 'DB_REPLICA_PORT', statistics: 'DB_STATISTICS_PORT' } as const;

/** The SQL port of one of the stack's plain MariaDB servers. */
export function mariadbPort(config: StackConfig, role: MariadbRole): number {
  return config[portVariables[role]];
}

export function initializeDataDir(paths: Pick<ServerPaths, 'dataDir' | 'initializedMarker'>): void {
  if (fs.existsSync(paths.initializedMarker)) return;
  // A data dir without the marker is a half-finished earlier attempt: start it over.
  fs.rmSync(paths.dataDir, { recursive: true, force: true });
  fs.mkdirSync(paths.dataDir, { recursive: true });
  const result = spawnSync(
    'mariadb-install-db',
    ['--no-defaults', '--user=root', `--datadir=${paths.dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db'],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`mariadb-install-db failed for ${paths.dataDir}:\n${result.stderr || result.stdout}`);
  }
  fs.writeFileSync(paths.initializedMarker, new Date().toISOString());
}

function serverArguments(config: StackConfig, role: MariadbRole, paths: ServerPaths): string[] {
  const common = [
    '--no-defaults',
    '--user=root',
    `--datadir=${paths.dataDir}`,
    `--port=${mariadbPort(config, role)}`,
    '--bind-address=127.0.0.1',
    `--socket=${paths.socket}`,
    `--pid-file=${paths.pidFile}`,
    `--log-error=${paths.logFile}`,
    `--log-basename=${role}`,
    `--log-bin=${path.join(paths.home, 'binlog', role)}`,
    // Sort and temporary-table files under the server's own home, not the machine's shared /tmp,
    // where a 1M-row report's sort file vanished mid-query in a bench run.
    `--tmpdir=${path.join(paths.home, 'tmp')}`,
    '--binlog-format=ROW',
    '--gtid-strict-mode=ON',
    '--skip-name-resolve',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--default-time-zone=+00:00',
    '--max-connections=500',
    '--innodb-buffer-pool-size=256M',
    // A development stack: an OS crash may lose the last second of commits, a process crash loses nothing.
    '--innodb-flush-log-at-trx-commit=2',
    '--sync-binlog=0',
    '--log-output=TABLE',
  ];
  if (role === 'primary') return [...common, '--server-id=1', '--event-scheduler=ON'];
  // Server ids 10 (every Galera node) and 1 are sources; a replica skips events carrying its own id.
  return [...common, `--server-id=${role === 'replica' ? 2 : 20}`, '--read-only=ON', '--log-slave-updates=ON', `--relay-log=${path.join(paths.home, 'binlog', 'relay')}`];
}

export async function rootConnection(paths: Pick<ServerPaths, 'socket'>): Promise<mysql.Connection> {
  return mysql.createConnection({ socketPath: paths.socket, user: 'root', connectTimeout: 5000, multipleStatements: false });
}

export async function startMariadb(config: StackConfig, role: MariadbRole): Promise<'started' | 'already running'> {
  const paths = serverPaths(config, role);
  const port = mariadbPort(config, role);
  if (await ownServerAnswers(paths.pidFile, 'mariadbd', port, () => portAnswers(port))) return 'already running';
  if (await portAnswers(port)) {
    throw new Error(`port ${port} is taken by another process; set ${portVariables[role]} to a free port`);
  }
  ensureCommand('mariadbd', 'mariadb-server');
  fs.mkdirSync(path.join(paths.home, 'binlog'), { recursive: true });
  fs.mkdirSync(path.join(paths.home, 'tmp'), { recursive: true });
  initializeDataDir(paths);
  fs.rmSync(paths.pidFile, { force: true });
  spawnDetached('mariadbd', serverArguments(config, role, paths), path.join(paths.home, 'stdout.log'));
  await waitUntil(`MariaDB ${role} on port ${port}`, async () => {
    const connection = await rootConnection(paths);
    await connection.end();
    return true;
  }, 60_000, paths.logFile);
  return 'started';
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Accounts and the app database; idempotent, run on the primary (the replica gets them by replication). */
export async function bootstrapPrimary(config: StackConfig): Promise<void> {
  await bootstrapAccounts(config, serverPaths(config, 'primary'));
}

/** The stack's accounts and the app database on the server listening on `paths.socket`; idempotent. */
export async function bootstrapAccounts(config: StackConfig, paths: Pick<ServerPaths, 'socket'>): Promise<void> {
  const connection = await rootConnection(paths);
  try {
    const run = runSqlOnConnection(connection);
    const account = (user: string, password: string) => `${quote(user)}@'%' IDENTIFIED BY ${quote(password)}`;
    const statements = [
      `CREATE DATABASE IF NOT EXISTS \`${config.DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      `CREATE USER IF NOT EXISTS ${account(config.DB_USER, config.DB_PASSWORD)}`,
      `GRANT ALL PRIVILEGES ON \`${appDatabasePattern}\`.* TO ${quote(config.DB_USER)}@'%'`,
      `GRANT SLAVE MONITOR, BINLOG MONITOR ON *.* TO ${quote(config.DB_USER)}@'%'`,
      `CREATE USER IF NOT EXISTS ${account(config.DB_REPORTER_USER, config.DB_REPORTER_PASSWORD)}`,
      `GRANT SELECT ON \`${appDatabasePattern}\`.* TO ${quote(config.DB_REPORTER_USER)}@'%'`,
      `CREATE USER IF NOT EXISTS ${account(config.DB_REPLICATION_USER, config.DB_REPLICATION_PASSWORD)}`,
      `GRANT REPLICATION SLAVE ON *.* TO ${quote(config.DB_REPLICATION_USER)}@'%'`,
      `CREATE USER IF NOT EXISTS ${account(config.DB_ADMIN_USER, config.DB_ADMIN_PASSWORD)}`,
      `GRANT ALL PRIVILEGES ON *.* TO ${quote(config.DB_ADMIN_USER)}@'%' WITH GRANT OPTION`,
    ];
    for (const statement of statements) await run(statement);
  } finally {
    await connection.end();
  }
}

/** Points the replica at the primary (GTID, slave_pos) once, starts it, and waits until it caught up. */
export async function ensureReplication(config: StackConfig): Promise<void> {
  await ensureReplicaFollows(config, 'replica', { port: config.DB_PRIMARY_PORT, socket: serverPaths(config, 'primary').socket });
}

/**
 * Points `replicaRole` at the source (GTID, slave_pos) unless it already replicates from somewhere
 * (it may have been moved to another source on purpose), starts it, and waits until it caught up
 * with what the source had committed. `source.socket` is the source's root socket.
 */
export async function ensureReplicaFollows(config: StackConfig, replicaRole: MariadbRole, source: { port: number; socket: string }): Promise<void> {
  const replica = await rootConnection(serverPaths(config, replicaRole));
  const primary = await rootConnection(source);
  try {
    const onReplica = runSqlOnConnection(replica);
    let status = await readReplicaStatus(onReplica);
    if (!status.configured) {
      await configureReplication(onReplica, {
        host: '127.0.0.1',
        port: source.port,
        user: config.DB_REPLICATION_USER,
        password: config.DB_REPLICATION_PASSWORD,
      });
    }
    status = await readReplicaStatus(onReplica);
    if (!status.ioRunning || !status.sqlRunning) await startReplication(onReplica);
    const { position, outcome } = await waitForReplicaToReachPrimary(runSqlOnConnection(primary), runSqlOnConnection(replica, 70_000), 60_000);
    if (outcome !== 'reached') {
      const after = await readReplicaStatus(onReplica);
      throw new Error(`the ${replicaRole} replica did not catch up with its source on port ${source.port} (${position}): ${after.lastError ?? 'no error reported'}`);
    }
  } finally {
    await replica.end();
    await primary.end();
  }
}

export async function stopMariadb(config: StackConfig, role: MariadbRole): Promise<void> {
  const paths = serverPaths(config, role);
  await stopProcess(readPid(paths.pidFile), 60_000);
}

export interface ReplicationReport extends ReplicaStatus {
  running: boolean;
  heartbeatLagSeconds: number | null;
}

/** Replica status as the admin account sees it over TCP; null when the replica does not answer. */
export async function readReplication(config: StackConfig, role: MariadbRole = 'replica'): Promise<ReplicationReport | null> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: mariadbPort(config, role),
      user: config.DB_ADMIN_USER,
      password: config.DB_ADMIN_PASSWORD,
      connectTimeout: 2000,
    });
  } catch {
    return null;
  }
  try {
    const run = runSqlOnConnection(connection);
    const status = await readReplicaStatus(run);
    let heartbeatLagSeconds: number | null = null;
    try {
      await run(`USE \`${config.DB_NAME}\``);
      heartbeatLagSeconds = await readHeartbeatLagSeconds(run);
    } catch {
      heartbeatLagSeconds = null; // not migrated yet: no heartbeat table
    }
    return { ...status, running: status.ioRunning && status.sqlRunning, heartbeatLagSeconds };
  } finally {
    await connection.end();
  }
}
