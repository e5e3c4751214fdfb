/**
 * `npm start`'s own settings, read once from the environment (a bad value stops it with a message
 * naming the variable), and the environment each service it starts is given. Every address the
 * services need is derived from the stack's ports, so a second stack on other ports (the end-to-end
 * tests run one) needs only the ports set, and a value the user set always wins.
 */
import path from 'node:path';
import { env, readEnv, type EnvValues } from '@chucar/platform';
import { loadStackConfig, type StackConfig } from '../stack/config.ts';
import { localServiceEnv } from '../stack/service-env.ts';

export const startEnv = {
  GATEWAY_INSTANCES: env.int({ description: 'npm start: how many gateway instances run behind the load balancer (also --gateways N)', default: 2, min: 1, max: 16 }),
  GATEWAY_PORT: env.port({ description: 'npm start: the first gateway instance; instance i listens on GATEWAY_PORT + 10 × i', default: 3000 }),
  MEDIA_PORT: env.port({ description: 'npm start: the media API', default: 3001 }),
  REPORTER_PORT: env.port({ description: 'npm start: the reporter', default: 3002 }),
  MEDIA_WORKER_PORT: env.port({ description: "npm start: the media worker's health, metrics and dashboard", default: 3003 }),
  REPORTER_SCHEDULE_PORT: env.port({ description: "npm start: the daily-report scheduler's health and metrics", default: 3004 }),
  STATISTICS_FOLLOW_PORT: env.port({ description: "npm start: the statistics replica follower's health and metrics", default: 3005 }),
  HAPROXY_METRICS_PORT: env.port({ description: "npm start: HAProxy's Prometheus endpoint (/metrics)", default: 8405 }),
  PROMETHEUS_PORT: env.port({ description: 'npm start: Prometheus', default: 9090 }),
  ALERTMANAGER_PORT: env.port({ description: 'npm start: Alertmanager', default: 9093 }),
  SUPERVISOR_PORT: env.port({ description: "npm start: the supervisor's /metrics and the alert webhook (POST /alerts) Alertmanager delivers to", default: 9400 }),
  MYSQLD_EXPORTER_GALERA_PORT: env.port({ description: 'npm start: the MariaDB exporter of Galera node 1; node i listens on MYSQLD_EXPORTER_GALERA_PORT + i - 1', default: 9106 }),
  MYSQLD_EXPORTER_STATISTICS_PORT: env.port({ description: 'npm start: the MariaDB exporter of the statistics replica', default: 9110 }),
  REDIS_EXPORTER_PORT: env.port({ description: 'npm start: the Redis exporter', default: 9121 }),
  MONITORING: env.bool({ description: 'npm start: run Prometheus, Alertmanager and the exporters (installed with apt-get on first use as root)', default: true }),
};

export type StartSettings = EnvValues<typeof startEnv>;

export interface StartConfig extends StartSettings {
  stack: StackConfig;
  /** Where npm start keeps its pid files, generated configs, Prometheus data and the alert log. */
  runDir: string;
  alertLogFile: string;
}

export function loadStartConfig(source: Record<string, string | undefined> = process.env, argv: string[] = process.argv.slice(2)): StartConfig {
  const flag = argv.indexOf('--gateways');
  const withFlag = flag >= 0 ? { ...source, GATEWAY_INSTANCES: argv[flag + 1] ?? '' } : source;
  const settings = readEnv(startEnv, withFlag);
  const stack = loadStackConfig(source);
  const runDir = path.join(stack.stateDir, 'run');
  return { ...settings, stack, runDir, alertLogFile: path.join(runDir, 'alerts.log') };
}

/** One exporter per Galera node, in the nodes' order. */
export function galeraExporterPorts(config: StartConfig): number[] {
  return config.stack.DB_GALERA_PORTS.map((_, index) => config.MYSQLD_EXPORTER_GALERA_PORT + index);
}

export function gatewayPorts(config: StartConfig): number[] {
  return Array.from({ length: config.GATEWAY_INSTANCES }, (_, index) => config.GATEWAY_PORT + 10 * index);
}

/**
 * What the statistics replica follower alone reads on top of servicesEnv: the replica, the nodes it
 * may follow and the stack's admin and replication accounts (no other service is given those). A
 * variable the user set wins.
 */
export function statisticsFollowerEnv(config: StartConfig, source: Record<string, string | undefined> = process.env): Record<string, string> {
  const { stack } = config;
  const derived: Record<string, string> = {
    STATISTICS_REPLICA_PORT: String(stack.DB_STATISTICS_PORT),
    STATISTICS_SOURCE_NODES: stack.DB_GALERA_PORTS.map((port) => `127.0.0.1:${port}`).join(','),
    STATISTICS_ADMIN_USER: stack.DB_ADMIN_USER,
    STATISTICS_ADMIN_PASSWORD: stack.DB_ADMIN_PASSWORD,
    STATISTICS_REPLICATION_USER: stack.DB_REPLICATION_USER,
    STATISTICS_REPLICATION_PASSWORD: stack.DB_REPLICATION_PASSWORD,
  };
  return Object.fromEntries(Object.entries(derived).map(([name, value]) => [name, source[name] ?? value]));
}

/**
 * What every service started by npm start reads, on top of the user's environment: the stack's
 * addresses (the same the operator commands get) and the sibling services' ports and URLs. A
 * variable the user set wins.
 */
export function servicesEnv(config: StartConfig, source: Record<string, string | undefined> = process.env): Record<string, string> {
  const siblings: Record<string, string> = {
    MEDIA_PORT: String(config.MEDIA_PORT),
    MEDIA_SERVICE_URL: `http://127.0.0.1:${config.MEDIA_PORT}`,
    MEDIA_WORKER_PORT: String(config.MEDIA_WORKER_PORT),
    REPORTER_PORT: String(config.REPORTER_PORT),
    REPORTER_URL: `http://127.0.0.1:${config.REPORTER_PORT}`,
    REPORTER_SCHEDULE_PORT: String(config.REPORTER_SCHEDULE_PORT),
    STATISTICS_FOLLOW_PORT: String(config.STATISTICS_FOLLOW_PORT),
    ALERTMANAGER_URL: `http://127.0.0.1:${config.ALERTMANAGER_PORT}`,
  };
  return { ...localServiceEnv(config.stack, source), ...Object.fromEntries(Object.entries(siblings).map(([name, value]) => [name, source[name] ?? value])) };
}
