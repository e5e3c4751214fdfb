/**
 * What the browser tests run against, on the test database and the shared local stack: the web
 * client built fresh by vite into a folder of its own, then every service as a child process from
 * its own entry, as `npm start` runs them: the media service API and worker (one spool, one queue
 * prefix of their own), the replica reporter, and two gateways serving the build behind HAProxy
 * (tools/lb, the balancer `npm start` runs): the browser talks to the balancer only.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeRedisKeys, startServiceProcess, testDatabaseName, unusedLoopbackPort } from '@chucar/platform/testing';
import { localBalancerChecks, startHaproxy } from '../lb/haproxy.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface WebStack {
  /** Where the browser goes: the gateway serving the app and the API on one origin. */
  url: string;
  /** Every gateway behind the balancer, each at its own address (their metrics show who served what). */
  gatewayUrls: string[];
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

/** The media service API (main-api.ts) on the test database. */
async function startMediaApi(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await unusedLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const running = await startEntry('apps/media-service/src/main-api.ts', { DB_NAME: testDatabaseName, MEDIA_HOST: '127.0.0.1', MEDIA_PORT: String(port), ...env }, `${url}/health/ready`);
  return { url, stop: running.stop };
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

/** A gateway (main.ts) on the test database, with limits that one test client signing in often never reaches. */
async function startGateway(env: Record<string, string>): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const port = await unusedLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const running = await startEntry(
    'apps/api-gateway/src/main.ts',
    {
      DB_NAME: testDatabaseName,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      RATE_LIMIT_MAX: '100000',
      SIGN_IN_FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS: '100000',
      SIGN_IN_FREE_FAILURES_PER_ADDRESS: '100000',
      SIGN_IN_FREE_FAILURES_PER_ACCOUNT: '100000',
      ...env,
    },
    `${url}/health/ready`,
  );
  return { url, port, stop: running.stop };
}

const GATEWAYS = 2;

export async function startWebStack(): Promise<WebStack> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chucar-browser-'));
  const distDir = path.join(workDir, 'web');
  const spoolDir = path.join(workDir, 'spool');
  fs.mkdirSync(spoolDir);
  const queuePrefix = `webtest${process.pid}`;
  const mediaEnv = { MEDIA_SPOOL_DIR: spoolDir, MEDIA_QUEUE_PREFIX: queuePrefix };

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    await removeRedisKeys(queuePrefix).catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  try {
    // Started side by side; whatever did start is stopped again if another part failed.
    const parts = await Promise.allSettled([
      startMediaApi(mediaEnv),
      startMediaWorker(mediaEnv),
      startReporter(),
      buildWebClient(distDir),
    ] as const);
    const [media, worker, reporter] = parts;
    if (media.status === 'fulfilled') stops.push(() => media.value.stop());
    if (worker.status === 'fulfilled') stops.push(() => worker.value.stop());
    if (reporter.status === 'fulfilled') stops.push(reporter.value.stop);
    for (const part of parts) if (part.status === 'rejected') throw part.reason;
    const mediaUrl = (media as PromiseFulfilledResult<{ url: string }>).value.url;
    const reporterUrl = (reporter as PromiseFulfilledResult<{ url: string }>).value.url;

    // Several gateways behind HAProxy, as `npm start` runs them: any request may land on any instance.
    const gatewayEnv = { MEDIA_SERVICE_URL: mediaUrl, REPORTER_URL: reporterUrl, WEB_DIST_DIR: distDir };
    const gateways = await Promise.allSettled(Array.from({ length: GATEWAYS }, () => startGateway(gatewayEnv)));
    for (const gateway of gateways) if (gateway.status === 'fulfilled') stops.push(gateway.value.stop);
    for (const gateway of gateways) if (gateway.status === 'rejected') throw gateway.reason;
    const running = gateways.map((gateway) => (gateway as PromiseFulfilledResult<{ url: string; port: number }>).value);
    const servers = running.map((gateway, index) => ({ name: `gateway${index + 1}`, port: gateway.port }));
    const balancer = await startHaproxy({ port: await unusedLoopbackPort(), servers, ...localBalancerChecks }, path.join(workDir, 'haproxy.cfg'));
    stops.push(() => balancer.stop());
    return { url: balancer.url, gatewayUrls: running.map((gateway) => gateway.url), servedThrough: `HAProxy in front of ${GATEWAYS} gateways`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
