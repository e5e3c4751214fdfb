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

export type MariadbRole = 'primary' | 'replica';

interface ServerPaths {
  home: string;
  dataDir: string;
  socket: string;
  pidFile: string;
  logFile: string;
  initializedMarker: string;
}

export function serverPaths(config: StackConfig, role: MariadbRole): ServerPaths {
  const home = path.join(config.stateDir, role);
  let socket = path.join(home, 'mariadbd.sock');
  // Unix socket paths are limited to ~107 bytes; deep checkouts fall back to a short temp path.
  if (socket.length > 100) {
    const digest = crypto.createHash('sha1').update(home).digest('hex').slice(0, 10);
    socket = path.join(os.tmpdir(), `chucar-${digest}-${role}.sock`);
  }
  return {
    home,
    dataDir: path.join(home, 'data'),
    socket,
    pidFile: path.join(home, 'mariadbd.pid'),
    logFile: path.join(home, 'mariadbd.log'),
    initializedMarker: path.join(home, 'initialized'),
  };
}

function portOf(config: StackConfig, role: MariadbRole): number {
  return role === 'primary' ? config.DB_PRIMARY_PORT : config.DB_REPLICA_PORT;
}

function initializeDataDir(paths: ServerPaths): void {
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
    `--port=${portOf(config, role)}`,
    '--bind-address=127.0.0.1',
    `--socket=${paths.socket}`,
    `--pid-file=${paths.pidFile}`,
    `--log-error=${paths.logFile}`,
    `--log-basename=${role}`,
    `--log-bin=${path.join(paths.home, 'binlog', role)}`,
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
  return [...common, '--server-id=2', '--read-only=ON', '--log-slave-updates=ON', `--relay-log=${path.join(paths.home, 'binlog', 'relay')}`];
}

async function rootConnection(paths: ServerPaths): Promise<mysql.Connection> {
  return mysql.createConnection({ socketPath: paths.socket, user: 'root', connectTimeout: 5000, multipleStatements: false });
}

export async function startMariadb(config: StackConfig, role: MariadbRole): Promise<'started' | 'already running'> {
  const paths = serverPaths(config, role);
  const port = portOf(config, role);
  if (await ownServerAnswers(paths.pidFile, 'mariadbd', port, () => portAnswers(port))) return 'already running';
  if (await portAnswers(port)) {
    throw new Error(`port ${port} is taken by another process; set ${role === 'primary' ? 'DB_PRIMARY_PORT' : 'DB_REPLICA_PORT'} to a free port`);
  }
  ensureCommand('mariadbd', 'mariadb-server');
  fs.mkdirSync(path.join(paths.home, 'binlog'), { recursive: true });
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
  const connection = await rootConnection(serverPaths(config, 'primary'));
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
  const replica = await rootConnection(serverPaths(config, 'replica'));
  const primary = await rootConnection(serverPaths(config, 'primary'));
  try {
    const onReplica = runSqlOnConnection(replica);
    let status = await readReplicaStatus(onReplica);
    if (!status.configured) {
      await configureReplication(onReplica, {
        host: '127.0.0.1',
        port: config.DB_PRIMARY_PORT,
        user: config.DB_REPLICATION_USER,
        password: config.DB_REPLICATION_PASSWORD,
      });
    }
    status = await readReplicaStatus(onReplica);
    if (!status.ioRunning || !status.sqlRunning) await startReplication(onReplica);
    const { position, outcome } = await waitForReplicaToReachPrimary(runSqlOnConnection(primary), runSqlOnConnection(replica, 70_000), 60_000);
    if (outcome !== 'reached') {
      const after = await readReplicaStatus(onReplica);
      throw new Error(`the replica did not catch up with the primary (${position}): ${after.lastError ?? 'no error reported'}`);
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
export async function readReplication(config: StackConfig): Promise<ReplicationReport | null> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: config.DB_REPLICA_PORT,
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
