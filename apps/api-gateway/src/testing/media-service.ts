/**
 * The real media service API as a child process, for gateway tests: the gateway may not import
 * the media app, so it is started the way a deployment starts it, against the test database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { readEnv, redisEnv } from '@chucar/platform';
import { testDatabaseName, unusedLoopbackPort } from '@chucar/platform/testing';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const READY_TIMEOUT_MS = 30_000;

export const testMediaServiceSecret = 'gateway-media-test-secret-0123456789abcdef';

export interface RunningMediaService {
  url: string;
  /** The queue prefix it was given, so its jobs stay apart from every other test's. */
  queuePrefix: string;
  stop(): Promise<void>;
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the media service exited with ${child.exitCode}:\n${output()}`);
    const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then((response) => response.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the media service was not ready within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

/** Removes what the service queued under its own prefix from the shared Redis: nothing else. */
async function removeQueuedJobs(prefix: string): Promise<void> {
  const settings = readEnv(redisEnv, process.env);
  const redis = new Redis({ host: settings.REDIS_HOST, port: settings.REDIS_PORT, ...(settings.REDIS_PASSWORD ? { password: settings.REDIS_PASSWORD } : {}), lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

export async function startMediaService(env: Record<string, string> = {}): Promise<RunningMediaService> {
  const port = await unusedLoopbackPort();
  const spoolDir = await mkdtemp(path.join(os.tmpdir(), 'gateway-media-spool-'));
  const queuePrefix = `gwtest${process.pid}x${port}`;
  const child = spawn(process.execPath, [path.join(repoRoot, 'apps/media-service/src/main-api.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      MEDIA_HOST: '127.0.0.1',
      MEDIA_PORT: String(port),
      DB_NAME: testDatabaseName,
      MEDIA_SERVICE_SECRET: testMediaServiceSecret,
      MEDIA_SPOOL_DIR: spoolDir,
      MEDIA_QUEUE_PREFIX: queuePrefix,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;

  async function stop(): Promise<void> {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    }
    await rm(spoolDir, { recursive: true, force: true });
    await removeQueuedJobs(queuePrefix);
  }

  try {
    await waitUntilReady(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, queuePrefix, stop };
}
