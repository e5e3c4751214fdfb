/**
 * The media bench's scrub phase beside a media worker started as npm start starts it (the stack's
 * service environment, the default queue prefix): the bench's passes must be taken by the bench's
 * own worker, never by the stack's, and both workers finish. The two share a Redis of the test's
 * own, so the stack worker cannot take a real npm start's jobs on the shared one; the bench runs
 * under names of this run (a real bench may be running meanwhile), which are bench names all the
 * same: neither the stack's database nor its default queue. About 30 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectWithoutDatabase, startServiceProcess, testDatabaseName, unusedLoopbackPort, type ServiceProcess } from '@chucar/platform/testing';
import { repoRoot } from '../tools/stack/config.ts';
import { redisPings } from '../tools/stack/redis.ts';
import { loadStartConfig, servicesEnv } from '../tools/supervisor/start-config.ts';
import { measureScrub } from './media-scrub-phase.ts';
import { prepareMediaDatabase, type MediaBenchNames } from './media-setup.ts';

const run = randomUUID().slice(0, 8);
const names: MediaBenchNames = { database: `chucar_bench_media_t${run}`, queuePrefix: `bench-media-t${run}` };
const STACK_QUEUE_PREFIX = 'bull';
const MEDIA_QUEUE = 'media';

/** Job ids a queue's event stream named (added, waiting, taken by a worker), and those completed or failed. */
function watchQueue(port: number, prefix: string) {
  const connection = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null });
  const events = new QueueEvents(MEDIA_QUEUE, { connection, prefix });
  const seen = { named: new Set<string>(), completed: [] as string[], failed: [] as string[] };
  for (const event of ['added', 'waiting', 'active'] as const) events.on(event, ({ jobId }: { jobId: string }) => seen.named.add(jobId));
  events.on('completed', ({ jobId }) => seen.completed.push(jobId));
  events.on('failed', ({ jobId, failedReason }) => seen.failed.push(`${jobId}: ${failedReason}`));
  return {
    events,
    seen,
    async close() {
      await events.close();
      connection.disconnect();
    },
  };
}

describe('the media bench beside a running stack', () => {
  let redisPort: number;
  let redis: ChildProcess;
  let stackWorker: ServiceProcess;
  let stackWorkerUrl: string;
  const dirs = { redis: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-isolation-redis-')), spool: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-isolation-spool-')) };

  beforeAll(async () => {
    redisPort = await unusedLoopbackPort();
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dirs.redis], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await redisPings(redisPort))) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${redisPort} did not answer within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The bench's own processes and queue read REDIS_PORT from the environment, as the stack's do.
    vi.stubEnv('REDIS_PORT', String(redisPort));

    const workerPort = await unusedLoopbackPort();
    stackWorkerUrl = `http://127.0.0.1:${workerPort}`;
    stackWorker = await startServiceProcess({
      name: 'stack media worker',
      entry: path.join(repoRoot, 'apps/media-service/src/main-worker.ts'),
      cwd: repoRoot,
      env: {
        // What npm start gives its media worker, with MEDIA_QUEUE_PREFIX left at its default…
        ...servicesEnv(loadStartConfig({}, []), {}),
        // …on the test's Redis, database and spool rather than the shared stack's data.
        REDIS_PORT: String(redisPort),
        DB_NAME: testDatabaseName,
        DB_CLUSTER_NODES: '',
        MEDIA_SPOOL_DIR: dirs.spool,
        MEDIA_MIRROR_BUCKET: '',
        MEDIA_WORKER_PORT: String(workerPort),
      },
      readyUrl: `${stackWorkerUrl}/health/ready`,
    });
  });

  afterAll(async () => {
    await stackWorker?.stop();
    redis?.kill('SIGTERM');
    vi.unstubAllEnvs();
    const admin: mysql.Connection = await connectWithoutDatabase('admin', 'primary');
    await admin.query(`DROP DATABASE IF EXISTS \`${names.database}\``).finally(() => admin.end());
    for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs its scrub passes on its own worker while the stack's worker runs on the default queue", async () => {
    const stackQueue = watchQueue(redisPort, STACK_QUEUE_PREFIX);
    const benchQueue = watchQueue(redisPort, names.queuePrefix);
    await Promise.all([stackQueue.events.waitUntilReady(), benchQueue.events.waitUntilReady()]);
    const { database } = await prepareMediaDatabase(names);
    try {
      const rows = await measureScrub(database, 1, { names, smallObjects: 20, largeObjects: 2, passTimeoutMs: 60_000 });
      // Each figure measured: each pass finished on the bench's worker (its own /metrics) within the timeout.
      expect(rows.map((row) => row.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^scrub HEAD pass/), expect.stringMatching(/^scrub full pass/)]));
      for (const row of rows) expect(Number.isFinite(row.value) && row.value > 0).toBe(true);
    } finally {
      await database.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last events reach the streams' readers
    await Promise.all([stackQueue.close(), benchQueue.close()]);

    // The phase's own jobs: bench-scrub-<pass>-<n>.
    const benchJobs = [...benchQueue.seen.named].filter((jobId) => jobId.startsWith('bench-scrub-'));
    expect(benchJobs).toEqual(expect.arrayContaining([expect.stringMatching(/^bench-scrub-head-/), expect.stringMatching(/^bench-scrub-full-/)]));
    expect(benchQueue.seen.completed.filter((jobId) => jobId.startsWith('bench-scrub-')).length).toBeGreaterThanOrEqual(1);
    expect(benchQueue.seen.failed).toEqual([]);
    const benchJobsOnStackQueue = [...stackQueue.seen.named, ...stackQueue.seen.completed].filter((jobId) => jobId.startsWith('bench-'));
    expect(benchJobsOnStackQueue).toEqual([]);

    // The stack's worker is still up, and stops cleanly.
    expect((await fetch(`${stackWorkerUrl}/health/live`, { signal: AbortSignal.timeout(5000) })).ok).toBe(true);
    await stackWorker.stop();
    expect(stackWorker.child.exitCode).toBe(0);
  }, 180_000);
});
