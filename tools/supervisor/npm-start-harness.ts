/**
 * `npm start` exactly as a user runs it, on a stack and ports of its own (a second stack in its own
 * folder, every port moved by an offset), so its tests and the alert bench can stop that stack's
 * S3 server or statistics replica without touching the shared one, and run while a developer's `npm start`
 * holds the usual ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import mysql from 'mysql2/promise';
import { readAlertLog, type DeliveredAlert } from '../monitoring/alert-receiver.ts';
import { loadStackConfig, repoRoot } from '../stack/config.ts';
import { mariadbPort, type MariadbRole } from '../stack/mariadb.ts';
import { portAnswers } from '../stack/processes.ts';
import { stackDown } from '../stack/stack.ts';
import { galeraExporterPorts, gatewayPorts, loadStartConfig, type StartConfig } from './start-config.ts';

/** What npm start's tests move every port by; the benchmarks use another offset (bench/isolation.ts). */
const TEST_PORT_OFFSET = 20_000;

/**
 * Every port npm start and its stack use, moved by `portOffset`, and a stack folder of its own, so
 * a second stack (the tests', a bench's) runs beside the user's and beside each other.
 */
export function isolatedStartEnv(stackDir = path.join(os.tmpdir(), 'chucar-npm-start-test'), portOffset = TEST_PORT_OFFSET): Record<string, string> {
  const defaults = loadStartConfig({}, []);
  const moved = (port: number) => String(port + portOffset);
  const stack = defaults.stack;
  return {
    STACK_DIR: stackDir,
    DB_PRIMARY_PORT: moved(stack.DB_PRIMARY_PORT),
    DB_REPLICA_PORT: moved(stack.DB_REPLICA_PORT),
    DB_GALERA_PORTS: stack.DB_GALERA_PORTS.map(moved).join(','),
    DB_GALERA_GROUP_BASE_PORT: moved(stack.DB_GALERA_GROUP_BASE_PORT),
    DB_STATISTICS_PORT: moved(stack.DB_STATISTICS_PORT),
    REDIS_PORT: moved(stack.REDIS_PORT),
    S3_PORT: moved(stack.S3_PORT),
    S3_MIRROR_PORT: moved(stack.S3_MIRROR_PORT),
    LB_PORT: moved(stack.LB_PORT),
    GATEWAY_PORT: moved(defaults.GATEWAY_PORT),
    MEDIA_PORT: moved(defaults.MEDIA_PORT),
    REPORTER_PORT: moved(defaults.REPORTER_PORT),
    MEDIA_WORKER_PORT: moved(defaults.MEDIA_WORKER_PORT),
    REPORTER_SCHEDULE_PORT: moved(defaults.REPORTER_SCHEDULE_PORT),
    STATISTICS_FOLLOW_PORT: moved(defaults.STATISTICS_FOLLOW_PORT),
    HAPROXY_METRICS_PORT: moved(defaults.HAPROXY_METRICS_PORT),
    PROMETHEUS_PORT: moved(defaults.PROMETHEUS_PORT),
    ALERTMANAGER_PORT: moved(defaults.ALERTMANAGER_PORT),
    SUPERVISOR_PORT: moved(defaults.SUPERVISOR_PORT),
    MYSQLD_EXPORTER_GALERA_PORT: moved(defaults.MYSQLD_EXPORTER_GALERA_PORT),
    MYSQLD_EXPORTER_STATISTICS_PORT: moved(defaults.MYSQLD_EXPORTER_STATISTICS_PORT),
    REDIS_EXPORTER_PORT: moved(defaults.REDIS_EXPORTER_PORT),
  };
}

/** The ports npm start's own processes listen on (not the stack's servers, which outlive it by design). */
export function ownPorts(config: StartConfig): number[] {
  return [
    ...gatewayPorts(config),
    config.MEDIA_PORT,
    config.REPORTER_PORT,
    config.MEDIA_WORKER_PORT,
    config.REPORTER_SCHEDULE_PORT,
    config.STATISTICS_FOLLOW_PORT,
    config.stack.LB_PORT,
    config.HAPROXY_METRICS_PORT,
    config.PROMETHEUS_PORT,
    config.ALERTMANAGER_PORT,
    config.SUPERVISOR_PORT,
    ...galeraExporterPorts(config),
    config.MYSQLD_EXPORTER_STATISTICS_PORT,
    config.REDIS_EXPORTER_PORT,
  ];
}

export async function listeningPorts(ports: number[]): Promise<number[]> {
  const answers = await Promise.all(ports.map(async (port) => [port, await portAnswers(port)] as const));
  return answers.filter(([, answering]) => answering).map(([port]) => port);
}

export interface NpmStart {
  env: Record<string, string>;
  config: StartConfig;
  npm: ChildProcess;
  /** Everything it printed so far. */
  lines: string[];
  /** Resolves with the first line matching, or rejects when npm start ends or the time runs out. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves with npm's exit code once it has exited. */
  exited: Promise<number | null>;
  /** The pid of one of its supervised processes now, from the supervisor's pid file. */
  pidOf(name: string): number | null;
}

/** Spawns `npm start` (prestart included) with the isolated environment. */
export function spawnNpmStart(env: Record<string, string> = isolatedStartEnv()): NpmStart {
  const config = loadStartConfig(env, []);
  const npm = spawn('npm', ['start'], { cwd: repoRoot, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  for (const stream of [npm.stdout, npm.stderr]) {
    readline.createInterface({ input: stream! }).on('line', (line) => {
      lines.push(line);
      if (process.env['NPM_START_ECHO']) console.log(line);
      for (const waiter of waiters) if (waiter.pattern.test(line)) waiter.resolve(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const waitForLine = (pattern: RegExp, timeoutMs: number) => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const waiter = { pattern, resolve: (line: string) => finish(() => resolve(line)) };
      const timer = setTimeout(() => finish(() => reject(new Error(`npm start printed no line matching ${pattern} within ${timeoutMs / 1000} s; last lines:\n${lines.slice(-40).join('\n')}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        settle();
      };
      waiters.add(waiter);
      void exited.then((code) => finish(() => reject(new Error(`npm start exited (${code}) before printing ${pattern}; last lines:\n${lines.slice(-40).join('\n')}`))));
    });
  };
  const pidOf = (name: string) => {
    try {
      return Number(fs.readFileSync(path.join(config.runDir, 'pids', `${name}.pid`), 'utf8').split(' ')[0]);
    } catch {
      return null;
    }
  };
  return { env, config, npm, lines, waitForLine, exited, pidOf };
}

/** SIGTERM to npm, as a service manager sends it; resolves with npm's exit code. */
export async function stopNpmStart(running: NpmStart, timeoutMs = 60_000): Promise<number | null> {
  if (running.npm.exitCode === null && running.npm.signalCode === null) running.npm.kill('SIGTERM');
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`npm start did not exit within ${timeoutMs / 1000} s of SIGTERM`)), timeoutMs).unref());
  return Promise.race([running.exited, timeout]);
}

/** The isolated stack's servers outlive npm start by design; a test or bench stops them at its end. */
export async function stopIsolatedStack(env: Record<string, string>): Promise<void> {
  await stackDown(loadStackConfig(env));
}

/** An admin connection to one of the isolated stack's servers. */
export function connectIsolated(env: Record<string, string>, role: MariadbRole): Promise<mysql.Connection> {
  const stack = loadStackConfig(env);
  return mysql.createConnection({ host: '127.0.0.1', port: mariadbPort(stack, role), user: stack.DB_ADMIN_USER, password: stack.DB_ADMIN_PASSWORD, connectTimeout: 5000 });
}

/** The first alert delivered to npm start's webhook after `sinceMs` that matches. */
export async function waitForDeliveredAlert(config: StartConfig, match: (alert: DeliveredAlert) => boolean, sinceMs: number, timeoutMs: number): Promise<DeliveredAlert> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = readAlertLog(config.alertLogFile).find((alert) => Date.parse(alert.receivedAt) >= sinceMs && match(alert));
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = readAlertLog(config.alertLogFile).map((alert) => `${alert.receivedAt} ${alert.status} ${alert.alertname} ${JSON.stringify(alert.labels)}`);
      throw new Error(`no matching alert within ${timeoutMs / 1000} s; delivered so far:\n${seen.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
