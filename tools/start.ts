/**
 * `npm start`: brings the local stack up, migrates, loads demo data into an empty database,
 * starts every service that exists (GATEWAY_INSTANCES gateways, default 2, behind HAProxy on
 * LB_PORT, default 8080) and prints where each one answers; clients use the balancer's URL.
 * Ctrl-C stops the services and the balancer; the stack keeps running (`npm run stack:down`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createDatabase, primaryDatabaseEnv, primaryDatabaseSettings, readEnv } from '@chucar/platform';
import type { Database as Schema } from '@chucar/domain';
import { loadStackConfig, repoRoot } from './stack/config.ts';
import { connectionHelp, stackUp } from './stack/stack.ts';
import { httpAnswers, waitUntil } from './stack/processes.ts';
import { applyPendingMigrations } from './db/migrations.ts';
import { isMarketplaceEmpty, seedDemoData } from './db/seed/seed-demo-data.ts';
import { localBalancerChecks, startHaproxy, type RunningBalancer } from './lb/haproxy.ts';

interface Service {
  name: string;
  entry: string;
  /** Where it answers health checks; null for a worker without HTTP. */
  url: string | null;
  /** Extra environment for this process (a gateway instance's port). */
  env?: Record<string, string>;
  /** Node flags (the gateways run with the compose file's memory flags). */
  nodeFlags?: string[];
}

const ports = { gateway: Number(process.env['GATEWAY_PORT'] ?? 3000), media: Number(process.env['MEDIA_PORT'] ?? 3001), reporter: Number(process.env['REPORTER_PORT'] ?? 3002), balancer: Number(process.env['LB_PORT'] ?? 8080) };

function gatewayInstances(): number {
  const flag = process.argv.indexOf('--gateways');
  const raw = flag >= 0 ? process.argv[flag + 1] : (process.env['GATEWAY_INSTANCES'] ?? '2');
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 16) {
    console.error(`[start] the number of gateways (--gateways or GATEWAY_INSTANCES) must be an integer from 1 to 16, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return count;
}

/** Gateway instance i listens on GATEWAY_PORT + 10 × i (3000, 3010, …), clear of the other services' ports. */
const gateways: Service[] = Array.from({ length: gatewayInstances() }, (_, index) => {
  const port = ports.gateway + 10 * index;
  return {
    name: `api-gateway-${index + 1}`,
    entry: 'apps/api-gateway/src/main.ts',
    url: `http://127.0.0.1:${port}`,
    env: { GATEWAY_PORT: String(port), TRUST_PROXY: 'true', REPORTER_URL: `http://127.0.0.1:${ports.reporter}` },
    nodeFlags: ['--max-semi-space-size=16', '--max-old-space-size=256'],
  };
});
/** The media services write every object to the stack's second S3 server as well, unless told otherwise. */
const stackForServices = loadStackConfig();
const mediaMirror: Record<string, string> = {
  MEDIA_MIRROR_BUCKET: process.env['MEDIA_MIRROR_BUCKET'] ?? stackForServices.S3_MIRROR_BUCKET,
  MEDIA_MIRROR_ENDPOINT: process.env['MEDIA_MIRROR_ENDPOINT'] ?? `http://127.0.0.1:${stackForServices.S3_MIRROR_PORT}`,
};
const knownServices: Service[] = [
  ...gateways,
  { name: 'media-api', entry: 'apps/media-service/src/main-api.ts', url: `http://127.0.0.1:${ports.media}`, env: mediaMirror },
  { name: 'media-worker', entry: 'apps/media-service/src/main-worker.ts', url: null, env: mediaMirror },
  { name: 'reporter', entry: 'apps/replica-reporter/src/main.ts', url: `http://127.0.0.1:${ports.reporter}` },
];

function log(line: string): void {
  console.log(`[start] ${line}`);
}

async function prepareDatabase(): Promise<void> {
  const config = readEnv(primaryDatabaseEnv);
  const database = createDatabase<Schema>(primaryDatabaseSettings(config, { poolSize: 4, queryTimeoutMs: 10 * 60_000 }));
  try {
    const applied = await applyPendingMigrations(database.db);
    log(`${config.DB_NAME}: ${applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
    if (await isMarketplaceEmpty(database.db)) {
      log('empty database: loading a small demo data set (npm run db:seed -- --requests N for more)');
      await seedDemoData(database.db, { requests: 500, customers: 300, dealers: 60, seed: 1 });
    }
  } finally {
    await database.close();
  }
}

function startService(service: Service): ChildProcess {
  const child = spawn(process.execPath, [...(service.nodeFlags ?? []), service.entry], { cwd: repoRoot, env: { ...process.env, ...service.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream! }).on('line', (line) => console.log(`[${service.name}] ${line}`));
  }
  return child;
}

async function waitUntilReady(service: Service): Promise<boolean> {
  if (!service.url) return true;
  const readiness = `${service.url}/health/ready`;
  return waitUntil(service.name, () => httpAnswers(readiness, (status) => status < 300), 30_000).then(() => true, () => false);
}

async function main(): Promise<void> {
  const stackConfig = loadStackConfig();
  log('bringing the local stack up…');
  await stackUp(stackConfig, (line) => log(line));
  await prepareDatabase();

  const services = knownServices.filter((service) => fs.existsSync(path.join(repoRoot, service.entry)));
  const children = new Map<Service, ChildProcess>();
  let balancer: RunningBalancer | null = null;
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping services and the load balancer (the stack keeps running; npm run stack:down stops it)');
    for (const child of children.values()) child.kill('SIGTERM');
    // Gateways drain for SHUTDOWN_DRAIN_MS (3 s) before closing, with up to 10 s for requests in flight.
    setTimeout(() => process.exit(code), 16_000).unref();
    Promise.all([...children.values()].map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))))
      .then(() => balancer?.stop())
      .then(() => process.exit(code));
  };
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));

  for (const service of services) {
    const child = startService(service);
    children.set(service, child);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      log(`${service.name} exited (${signal ?? `code ${code}`}); stopping the others`);
      stopAll(1);
    });
  }

  const readiness = await Promise.all(services.map(async (service) => [service, await waitUntilReady(service)] as const));
  // The balancer starts once the gateways answer, so its first checks find them up.
  const runningGateways = services.filter((service) => gateways.includes(service));
  if (runningGateways.length > 0) {
    const configPath = path.join(stackConfig.stateDir, 'haproxy.cfg');
    balancer = await startHaproxy(
      { port: ports.balancer, servers: runningGateways.map((service, index) => ({ name: `gateway-${index + 1}`, port: Number(service.env?.['GATEWAY_PORT']) })), ...localBalancerChecks },
      configPath,
      (line) => console.log(`[haproxy] ${line}`),
    );
    if (stopping) await balancer.stop(); // Ctrl-C came while it started
    balancer.process.once('exit', (code, signal) => {
      if (stopping) return;
      log(`haproxy exited (${signal ?? `code ${code}`}); stopping the others`);
      stopAll(1);
    });
  }

  console.log('');
  console.log(connectionHelp(stackConfig));
  if (balancer) {
    console.log(`\nAPI for clients (load balancer, HAProxy): ${balancer.url}  (web client /, API /v1, docs /docs)`);
    console.log(`  ${runningGateways.length} gateways behind it, checked on /health/ready every ${localBalancerChecks.checkIntervalMs} ms; config ${path.join(stackConfig.stateDir, 'haproxy.cfg')}`);
  }
  console.log('\nServices:');
  for (const [service, ready] of readiness) {
    const where = service.url ? `${service.url}${gateways.includes(service) ? '  (one instance, direct; metrics /metrics)' : ''}` : '(queue worker)';
    console.log(`  ${service.name.padEnd(15)} ${ready ? 'ready' : 'NOT READY'}  ${where}`);
  }
  const missing = knownServices.filter((service) => !services.includes(service) && !gateways.includes(service));
  if (missing.length > 0) console.log(`  not built yet: ${missing.map((service) => service.name).join(', ')}`);
  console.log('\nDemo logins (password chucar-demo-1234): customer@demo.chucar.kr, dealer@demo.chucar.kr, analyst@demo.chucar.kr, admin@demo.chucar.kr');
  console.log('Ctrl-C stops the services.');
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
