/**
 * `npm start`: brings the local stack up, migrates, loads demo data into an empty database, then
 * supervises every service (GATEWAY_INSTANCES gateways behind HAProxy on LB_PORT, the media API and
 * worker, the reporter, its daily scheduler and the statistics replica follower) and the monitoring
 * (Prometheus, Alertmanager, the exporters): a process that exits on its own is restarted
 * (tools/supervisor). The stack's Galera nodes and statistics replica are watched too: one that
 * crashes is restarted (a Galera node only while the cluster keeps quorum; after a quorum loss that
 * is a person's call). Alerts are printed
 * here and appended to <STACK_DIR>/run/alerts.log. Ctrl-C or SIGTERM, at any moment, stops every
 * process npm start started and returns once they are gone; the stack's servers keep running
 * (`npm run stack:down` stops them).
 */
import path from 'node:path';
import { Registry } from 'prom-client';
import { clusterDatabaseEnv, ConfigError, createDatabase, primaryDatabaseEnv, readEnv } from '@chucar/platform';
import type { Database as Schema } from '@chucar/domain';
import { repoRoot } from './stack/config.ts';
import { connectionHelp, stackUp } from './stack/stack.ts';
import { httpAnswers, portAnswers, waitUntil } from './stack/processes.ts';
import { writeTargetSettings } from './db/cluster-writer-node.ts';
import { applyPendingMigrations } from './db/migrations.ts';
import { isMarketplaceEmpty, seedDemoData } from './db/seed/seed-demo-data.ts';
import { readTransactionLimits } from './db/seed/write-set-limits.ts';
import { haproxyCommand, localBalancerChecks, writeHaproxyConfig } from './lb/haproxy.ts';
import { startAlertReceiver, type AlertReceiver } from './monitoring/alert-receiver.ts';
import { monitoringPackages, monitoringProcesses } from './monitoring/local-monitoring.ts';
import { installPackages, missingPackages } from './supervisor/packages.ts';
import { gatewayPorts, loadStartConfig, servicesEnv, statisticsFollowerEnv, type StartConfig } from './supervisor/start-config.ts';
import { StackServerWatch, stackServerWatchIntervalMs } from './supervisor/stack-server-watch.ts';
import { stopLeftovers, Supervisor, type ProcessSpec } from './supervisor/supervisor.ts';

interface ServiceSpec extends ProcessSpec {
  /** Its readiness URL; null for a process without one. */
  readyUrl: string | null;
  /** Where a person reaches it, for the summary. */
  url: string | null;
  isGateway: boolean;
}

function log(line: string): void {
  console.log(`[start] ${line}`);
}

function loadConfig(): StartConfig {
  try {
    return loadStartConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[start] ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

function nodeService(name: string, entry: string, env: Record<string, string>, port: number | null, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  const url = port === null ? null : `http://127.0.0.1:${port}`;
  const { args: nodeFlags = [], ...rest } = extra;
  return {
    name,
    command: process.execPath,
    args: [...nodeFlags, entry],
    env,
    cwd: repoRoot,
    // A gateway drains for SHUTDOWN_DRAIN_MS (3 s), then gives requests in flight up to 10 s.
    stopGraceMs: 20_000,
    readyUrl: url === null ? null : `${url}/health/ready`,
    url,
    isGateway: false,
    ...rest,
  };
}

function serviceSpecs(config: StartConfig): ServiceSpec[] {
  const shared = servicesEnv(config);
  const gateways = gatewayPorts(config).map((port, index) =>
    nodeService(`api-gateway-${index + 1}`, 'apps/api-gateway/src/main.ts', { ...shared, GATEWAY_PORT: String(port), TRUST_PROXY: 'true' }, port, {
      // The compose file's memory flags (why: there).
      args: ['--max-semi-space-size=16', '--max-old-space-size=256'],
      isGateway: true,
    }),
  );
  return [
    ...gateways,
    nodeService('media-api', 'apps/media-service/src/main-api.ts', shared, config.MEDIA_PORT),
    nodeService('media-worker', 'apps/media-service/src/main-worker.ts', shared, config.MEDIA_WORKER_PORT),
    nodeService('reporter', 'apps/replica-reporter/src/main.ts', shared, config.REPORTER_PORT),
    nodeService('reporter-schedule', 'apps/replica-reporter/src/main-schedule.ts', shared, config.REPORTER_SCHEDULE_PORT),
    // Keeps the statistics replica on a live Galera node (repointed by GTID when its node is gone).
    nodeService('reporter-follow', 'apps/replica-reporter/src/main-follow.ts', { ...shared, ...statisticsFollowerEnv(config) }, config.STATISTICS_FOLLOW_PORT),
  ];
}

/** Migrates and seeds on the cluster's writer (the services' DB_CLUSTER_NODES), or on the primary without a cluster. */
async function prepareDatabase(env: Record<string, string | undefined>): Promise<void> {
  const settings = readEnv({ ...primaryDatabaseEnv, ...clusterDatabaseEnv }, env);
  const { settings: target, writer } = await writeTargetSettings(settings, { poolSize: 4, queryTimeoutMs: 10 * 60_000 });
  if (writer) log(`database on the Galera cluster: migrating on its writer ${writer.node.host}:${writer.node.port}`);
  const database = createDatabase<Schema>(target);
  try {
    const applied = await applyPendingMigrations(database.db);
    log(`${settings.DB_NAME}: ${applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
    if (await isMarketplaceEmpty(database.db)) {
      log('empty database: loading a small demo data set (npm run db:seed -- --reset replaces it with a larger one, on the same cluster)');
      await seedDemoData(database.db, { requests: 500, customers: 300, dealers: 60, seed: 1, transactionLimits: await readTransactionLimits(database.db) });
    }
  } finally {
    await database.close();
  }
}

async function waitReady(url: string | null, timeoutMs: number): Promise<boolean> {
  if (url === null) return true;
  return waitUntil(url, () => httpAnswers(url, (status) => status < 300), timeoutMs).then(() => true, () => false);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const registry = new Registry();
  const supervisor = new Supervisor({
    pidDir: path.join(config.runDir, 'pids'),
    log,
    output: (name, line) => console.log(`[${name}] ${line}`),
    registry,
  });
  let receiver: AlertReceiver | null = null;
  let stackServerWatch: StackServerWatch | null = null;
  /** The phase in progress that a stop must let finish first (a package install). */
  let mustFinish: Promise<unknown> = Promise.resolve();
  let stopping: Promise<void> | null = null;
  const stop = (code: number, why: string) => {
    stopping ??= (async () => {
      log(`${why}: stopping every process npm start started (the stack keeps running; npm run stack:down stops it)`);
      await mustFinish.catch(() => {});
      stackServerWatch?.stop();
      await supervisor.stopAll();
      await receiver?.close();
      log('stopped');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop(0, 'SIGINT'));
  process.on('SIGTERM', () => void stop(0, 'SIGTERM'));
  // Whatever ends this process, no child may outlive it.
  process.on('exit', () => supervisor.killAllNow());
  // npm start's life is npm's: killed with it (npm itself got SIGKILL, a closed terminal), it stops too.
  const parentPid = process.ppid;
  setInterval(() => {
    if (process.ppid !== parentPid) void stop(1, `its parent (pid ${parentPid}) is gone`);
  }, 1000).unref();
  /** After each phase: a stop asked for meanwhile wins over going on. */
  const goOn = () => stopping === null;
  try {
    await startEverything(config, supervisor, registry, goOn, {
      receiverStarted: (started) => (receiver = started),
      stackServerWatchStarted: (started) => (stackServerWatch = started),
      mustFinish: (phase) => (mustFinish = phase),
    });
  } catch (error) {
    console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
    await stop(1, 'start-up failed');
  }
}

/** What main needs to know of a start-up in progress, to stop it at any moment. */
interface StartHooks {
  receiverStarted: (receiver: AlertReceiver) => void;
  stackServerWatchStarted: (watch: StackServerWatch) => void;
  mustFinish: (phase: Promise<unknown>) => void;
}

async function startEverything(
  config: StartConfig,
  supervisor: Supervisor,
  registry: Registry,
  goOn: () => boolean,
  { receiverStarted, stackServerWatchStarted, mustFinish }: StartHooks,
): Promise<void> {
  await stopLeftovers(path.join(config.runDir, 'pids'), log);
  const needed = [{ command: 'haproxy', debianPackage: 'haproxy' }, ...(config.MONITORING ? monitoringPackages : [])];
  const install = installPackages(missingPackages(needed), log);
  mustFinish(install);
  await install;
  if (!goOn()) return;

  log('bringing the local stack up…');
  await stackUp(config.stack, (line) => log(line));
  if (!goOn()) return;
  // The stack's servers are not npm start's children; a Galera node or the statistics replica that crashes is restarted by this watch.
  stackServerWatchStarted(new StackServerWatch({ config: config.stack, log, metricsOf: (name) => supervisor.watchedProcess(name) }));
  await prepareDatabase({ ...process.env, ...servicesEnv(config) });
  if (!goOn()) return;

  const receiver = await startAlertReceiver({ host: '127.0.0.1', port: config.SUPERVISOR_PORT, logFile: config.alertLogFile, registry, print: (line) => console.log(`[alert] ${line}`) });
  receiverStarted(receiver);
  const services = serviceSpecs(config);
  log(`starting ${services.map((service) => service.name).join(', ')}…`);
  for (const service of services) supervisor.add(service);
  const readiness = new Map(await Promise.all(services.map(async (service) => [service.name, await waitReady(service.readyUrl, 30_000)] as const)));
  if (!goOn()) return;

  // The balancer starts once the gateways answered (or their wait ran out), so its first checks find them up.
  const gateways = services.filter((service) => service.isGateway);
  const haproxyConfigPath = path.join(config.runDir, 'haproxy.cfg');
  writeHaproxyConfig(
    { port: config.stack.LB_PORT, metricsPort: config.HAPROXY_METRICS_PORT, servers: gateways.map((gateway, index) => ({ name: `gateway-${index + 1}`, port: Number(gateway.env?.['GATEWAY_PORT']) })), ...localBalancerChecks },
    haproxyConfigPath,
  );
  log(`starting the load balancer${config.MONITORING ? ', Prometheus, Alertmanager and the exporters' : ''}…`);
  supervisor.add({ name: 'haproxy', ...haproxyCommand(haproxyConfigPath), stopGraceMs: 5000 });
  if (config.MONITORING) {
    const monitoring = monitoringProcesses(config);
    for (const exporter of monitoring.exporters) supervisor.add(exporter);
    supervisor.add(monitoring.alertmanager);
    await waitReady(`http://127.0.0.1:${config.ALERTMANAGER_PORT}/-/ready`, 20_000);
    supervisor.add(monitoring.prometheus);
  }
  const balancerUp = await waitUntil('HAProxy', () => portAnswers(config.stack.LB_PORT), 10_000).then(() => true, () => false);
  const prometheusUp = config.MONITORING && (await waitReady(`http://127.0.0.1:${config.PROMETHEUS_PORT}/-/ready`, 20_000));
  if (!goOn()) return;

  const lb = `http://127.0.0.1:${config.stack.LB_PORT}`;
  console.log('');
  console.log(connectionHelp(config.stack));
  console.log(`\nAPI for clients (load balancer, HAProxy): ${lb}${balancerUp ? '' : ' (NOT answering yet)'}  (web client /, API /v1, docs /docs)`);
  console.log(`  ${gateways.length} gateways behind it, checked on /health/ready every ${localBalancerChecks.checkIntervalMs} ms; config ${haproxyConfigPath}`);
  console.log('\nServices (restarted when they exit on their own):');
  for (const service of services) {
    const where = service.url ? `${service.url}${service.isGateway ? '  (one instance, direct; metrics /metrics)' : ''}` : '';
    console.log(`  ${service.name.padEnd(18)} ${readiness.get(service.name) ? 'ready    ' : 'NOT READY'}  ${where}`);
  }
  const { stack } = config;
  console.log(`\nDatabases: the gateways and the media service on the Galera cluster (nodes :${stack.DB_GALERA_PORTS.join(', :')}), the reporter on the statistics replica :${stack.DB_STATISTICS_PORT} (reporter-follow keeps it on a live node)`);
  console.log(`  both restarted when they crash (checked every ${stackServerWatchIntervalMs / 1000} s; a Galera node by IST, and never after a quorum loss: npm run db:bootstrap)`);
  console.log(`  the stack's primary :${stack.DB_PRIMARY_PORT} and replica :${stack.DB_REPLICA_PORT} are the integration tests' single-primary pair: no service here uses them, and they are not monitored`);
  if (config.MONITORING) {
    console.log(`\nMonitoring: Prometheus http://127.0.0.1:${config.PROMETHEUS_PORT}${prometheusUp ? '' : ' (NOT ready yet)'} (alerts /alerts), Alertmanager http://127.0.0.1:${config.ALERTMANAGER_PORT}`);
    console.log(`  alerts are printed here as [alert] lines and appended to ${config.alertLogFile}; supervisor metrics ${receiver.url}/metrics`);
  } else {
    console.log('\nMonitoring off (MONITORING=false): no Prometheus, Alertmanager or alerts.');
  }
  console.log('\nDemo logins (password chucar-demo-1234): customer@demo.chucar.kr, dealer@demo.chucar.kr, analyst@demo.chucar.kr, admin@demo.chucar.kr');
  console.log('Ctrl-C stops the services.');
  log('started');
}

await main();
