/**
 * `npm start`: brings the local stack up, migrates, loads demo data into an empty database,
 * starts every service that exists and prints where each one answers. Ctrl-C stops the
 * services; the stack keeps running (`npm run stack:down` stops it).
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

interface Service {
  name: string;
  entry: string;
  /** Where it answers health checks; null for a worker without HTTP. */
  url: string | null;
}

const ports = { gateway: Number(process.env['GATEWAY_PORT'] ?? 3000), media: Number(process.env['MEDIA_PORT'] ?? 3001), reporter: Number(process.env['REPORTER_PORT'] ?? 3002) };
const knownServices: Service[] = [
  { name: 'api-gateway', entry: 'apps/api-gateway/src/main.ts', url: `http://127.0.0.1:${ports.gateway}` },
  { name: 'media-api', entry: 'apps/media-service/src/main-api.ts', url: `http://127.0.0.1:${ports.media}` },
  { name: 'media-worker', entry: 'apps/media-service/src/main-worker.ts', url: null },
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
  const child = spawn(process.execPath, [service.entry], { cwd: repoRoot, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping services (the stack keeps running; npm run stack:down stops it)');
    for (const child of children.values()) child.kill('SIGTERM');
    setTimeout(() => process.exit(code), 12_000).unref();
    Promise.all([...children.values()].map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))))).then(() => process.exit(code));
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
  console.log('');
  console.log(connectionHelp(stackConfig));
  console.log('\nServices:');
  for (const [service, ready] of readiness) {
    const where = service.url ? `${service.url}${service.name === 'api-gateway' ? '  (API /v1, docs /docs, metrics /metrics)' : ''}` : '(queue worker)';
    console.log(`  ${service.name.padEnd(13)} ${ready ? 'ready' : 'NOT READY'}  ${where}`);
  }
  const missing = knownServices.filter((service) => !services.includes(service));
  if (missing.length > 0) console.log(`  not built yet: ${missing.map((service) => service.name).join(', ')}`);
  console.log('\nDemo logins (password chucar-demo-1234): customer@demo.chucar.kr, dealer@demo.chucar.kr, analyst@demo.chucar.kr, admin@demo.chucar.kr');
  console.log('Ctrl-C stops the services.');
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
