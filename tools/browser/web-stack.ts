/**
 * What the browser tests run against, started the way the gateway's own integration tests start
 * it, on the test database and the shared local stack: the web client built fresh by vite into a
 * folder of its own, the real media service API and worker and the replica reporter as child
 * processes (one spool, one queue prefix of their own), and two real gateways serving the build,
 * behind HAProxy (tools/lb, the balancer `npm start` runs): the browser talks to the balancer only.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeRedisKeys, startServiceProcess, testDatabaseName, unusedLoopbackPort } from '@chucar/platform/testing';
import type { GatewayApp } from '../../apps/api-gateway/src/app.ts';
import { startMediaService, testMediaServiceSecret, type RunningMediaService } from '../../apps/api-gateway/src/testing/media-service.ts';
import { buildTestApp } from '../../apps/api-gateway/src/testing/test-app.ts';
import { gatewayEnv } from '../../apps/api-gateway/src/config.ts';
import { localBalancerChecks, startHaproxy } from '../lb/haproxy.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface WebStack {
  /** Where the browser goes: the gateway serving the app and the API on one origin. */
  url: string;
  /** A gateway in-process, for API set-up the journeys do not cover (approving a dealer). */
  app: GatewayApp;
  /** Every gateway behind the balancer (their metrics show who served what). */
  apps: GatewayApp[];
  /** What the app is served through, for the report. */
  servedThrough: string;
  stop(): Promise<void>;
}

/**
 * `vite build` of apps/web into a fresh folder (about a second), so the test never serves a stale
 * build. A child process with NODE_ENV=production: the test runner's NODE_ENV=test would give
 * React's development JSX runtime.
 */
export async function buildWebClient(outDir: string): Promise<void> {
  const vite = path.join(repoRoot, 'node_modules/vite/bin/vite.js');
  const child = spawn(process.execPath, [vite, 'build', 'apps/web', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`vite build of apps/web failed (${code}):\n${output}`);
}

/** A service entry as `npm start` runs it, as a child process, once its /health/ready answers 200. */
function startEntry(entry: string, env: Record<string, string>, readyUrl: string): Promise<{ stop(): Promise<void> }> {
  return startServiceProcess({ name: entry, entry: path.join(repoRoot, entry), cwd: repoRoot, env, readyUrl });
}

/** The media worker (main-worker.ts), sharing the media API's spool and queue. */
async function startMediaWorker(env: Record<string, string>) {
  const port = await unusedLoopbackPort();
  return startEntry('apps/media-service/src/main-worker.ts', { DB_NAME: testDatabaseName, MEDIA_HOST: '127.0.0.1', MEDIA_WORKER_PORT: String(port), ...env }, `http://127.0.0.1:${port}/health/ready`);
}

/** The replica reporter's HTTP API (main.ts) on the test database of the real replica. */
async function startReporter(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await unusedLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const running = await startEntry('apps/replica-reporter/src/main.ts', { REPORTER_DB_NAME: testDatabaseName, REPORTER_HOST: '127.0.0.1', REPORTER_PORT: String(port) }, `${url}/health/ready`);
  return { url, stop: running.stop };
}

/** The gateway forwards /v1/reports to a reporter when its configuration knows REPORTER_URL. */
export const gatewayForwardsReports = 'REPORTER_URL' in gatewayEnv;
const GATEWAYS = 2;

export async function startWebStack(): Promise<WebStack> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chucar-browser-'));
  const distDir = path.join(workDir, 'web');
  const spoolDir = path.join(workDir, 'spool');
  fs.mkdirSync(spoolDir);
  const queuePrefix = `webtest${process.pid}`;
  const mediaEnv = { MEDIA_SPOOL_DIR: spoolDir, MEDIA_QUEUE_PREFIX: queuePrefix, MEDIA_SERVICE_SECRET: testMediaServiceSecret };

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    await removeRedisKeys(queuePrefix).catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  try {
    // Started side by side; whatever did start is stopped again if another part failed.
    const parts = await Promise.allSettled([
      startMediaService(mediaEnv),
      startMediaWorker(mediaEnv),
      gatewayForwardsReports ? startReporter() : Promise.resolve(null),
      buildWebClient(distDir),
    ] as const);
    const [media, worker, reporter] = parts;
    if (media.status === 'fulfilled') stops.push(() => media.value.stop());
    if (worker.status === 'fulfilled') stops.push(() => worker.value.stop());
    if (reporter.status === 'fulfilled' && reporter.value) stops.push(reporter.value.stop);
    for (const part of parts) if (part.status === 'rejected') throw part.reason;
    const mediaService = (media as PromiseFulfilledResult<RunningMediaService>).value;
    const reporterUrl = (reporter as PromiseFulfilledResult<{ url: string } | null>).value?.url;

    // Several gateways behind HAProxy, as `npm start` runs them: any request may land on any instance.
    const overrides = { MEDIA_SERVICE_URL: mediaService.url, MEDIA_SERVICE_SECRET: testMediaServiceSecret, WEB_DIST_DIR: distDir, ...(reporterUrl ? { REPORTER_URL: reporterUrl } : {}) };
    const apps = await Promise.all(Array.from({ length: GATEWAYS }, () => buildTestApp(overrides)));
    stops.push(...apps.map((app) => () => app.close()));
    const servers = await Promise.all(apps.map(async (app, index) => ({ name: `gateway${index + 1}`, port: Number(new URL(await app.listen({ host: '127.0.0.1', port: 0 })).port) })));
    const balancer = await startHaproxy({ port: await unusedLoopbackPort(), servers, ...localBalancerChecks }, path.join(workDir, 'haproxy.cfg'));
    stops.push(() => balancer.stop());
    return { url: balancer.url, app: apps[0]!, apps, servedThrough: `HAProxy in front of ${GATEWAYS} gateways`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
