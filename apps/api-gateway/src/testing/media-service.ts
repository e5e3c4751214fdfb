/**
 * The real media service API as a child process, for gateway tests: the gateway may not import
 * the media app, so it is started the way a deployment starts it, against the test database.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeRedisKeys, startServiceProcess, testDatabaseName, unusedLoopbackPort } from '@chucar/platform/testing';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export const testMediaServiceSecret = 'gateway-media-test-secret-0123456789abcdef';

export interface RunningMediaService {
  url: string;
  /** The queue prefix it was given, so its jobs stay apart from every other test's. */
  queuePrefix: string;
  stop(): Promise<void>;
}

export async function startMediaService(env: Record<string, string> = {}): Promise<RunningMediaService> {
  const port = await unusedLoopbackPort();
  const spoolDir = await mkdtemp(path.join(os.tmpdir(), 'gateway-media-spool-'));
  const queuePrefix = `gwtest${process.pid}x${port}`;
  const url = `http://127.0.0.1:${port}`;
  const cleanUp = async () => {
    await rm(spoolDir, { recursive: true, force: true });
    await removeRedisKeys(queuePrefix);
  };
  let service;
  try {
    service = await startServiceProcess({
      name: 'the media service',
      entry: path.join(repoRoot, 'apps/media-service/src/main-api.ts'),
      cwd: repoRoot,
      env: {
        MEDIA_HOST: '127.0.0.1',
        MEDIA_PORT: String(port),
        DB_NAME: testDatabaseName,
        MEDIA_SERVICE_SECRET: testMediaServiceSecret,
        MEDIA_SPOOL_DIR: spoolDir,
        MEDIA_QUEUE_PREFIX: queuePrefix,
        ...env,
      },
      readyUrl: `${url}/health/ready`,
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const running = service;
  async function stop(): Promise<void> {
    await running.stop();
    await cleanUp();
  }
  return { url, queuePrefix, stop };
}
