/**
 * Knowing fast, against real servers: the worker's own s3rver stopped (readiness detail, metric,
 * error log, and back), a mirror store down beside a healthy primary, a stuck queue (degraded, not
 * not_ready), and the admins' queue dashboard behind the gateway's access tokens.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { randomUUID } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localS3Credentials } from '@chucar/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenSigner, createHttpService, createRedis, localDevelopmentSecrets } from '@chucar/platform';
import { mediaJobProcessors } from '../jobs/processors.ts';
import { ownS3Server, type OwnServer } from '../../testing/own-servers.ts';
import { createWorkerHarness, silentLogger, testBucket, type WorkerHarness } from '../../testing/worker-harness.ts';
import { createMediaWorker, type MediaWorker } from '../media-worker.ts';
import { OPERATIONS_QUEUE_NAME, ORPHAN_SCHEDULER_ID } from './operations-queue.ts';
import { attachWorkerOperations } from './worker-operations.ts';

type LogLine = { level: number; msg: string; store?: string };
const capturingLogger = (lines: LogLine[]) => pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
const errorLevel = 50;

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const pdf = (label: string) => Buffer.from(`%PDF-1.4\n% ${label} ${Math.random()}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`);

describe('media worker operations (own s3rver, Redis with its own prefix, test database)', () => {
  let s3server: OwnServer & { endpoint: string };
  let harness: WorkerHarness;
  let worker: MediaWorker;
  const logs: LogLine[] = [];
  let releaseStores: () => void = () => undefined;
  let holdStores = true;

  beforeAll(async () => {
    s3server = await ownS3Server(testBucket);
    harness = await createWorkerHarness({ s3Endpoint: s3server.endpoint, env: { MEDIA_QUEUE_STUCK_AFTER_MS: '1500', MEDIA_WORKER_CONCURRENCY: '1', S3_TIMEOUT_MS: '2000' } });
    const held = new Promise<void>((resolve) => (releaseStores = resolve));
    worker = await createMediaWorker(harness.config, {
      logger: capturingLogger(logs),
      operations: { storeCheckEveryMs: 200 },
      // Store jobs wait for the test's word while it holds them: the queue behind them is stuck.
      processors: { ...mediaJobProcessors, store: async (job, context) => (holdStores ? held.then(() => mediaJobProcessors.store(job, context)) : mediaJobProcessors.store(job, context)) },
    });
    await worker.start();
  });
  afterAll(async () => {
    releaseStores();
    await worker?.close();
    await harness?.dispose();
    await s3server?.dispose();
  });

  const ready = async () => (await worker.app.inject({ method: 'GET', url: '/health/ready' })).json<{ status: string; checks: Record<string, { status: string; critical: boolean; detail?: string }> }>();
  const metric = async (name: string) => (await worker.app.inject({ method: 'GET', url: '/metrics' })).body.split('\n').find((line) => line.startsWith(name));

  it('the primary store down: readiness detail, media_storage_up 0 and an error log within seconds, all back when it answers', async () => {
    expect(await metric('media_storage_up{store="primary"}')).toBe('media_storage_up{store="primary"} 1');
    await s3server.stop();
    const stoppedAt = Date.now();
    const down = await eventually(ready, (answer) => answer.checks['storage']?.status === 'down', 10_000);
    const detectedMs = Date.now() - stoppedAt;
    expect(down.status).toBe('degraded');
    expect(down.checks['storage']).toMatchObject({ status: 'down', critical: false, detail: expect.stringMatching(/^primary store \(media-worker-test\) unavailable since .+: /) });
    expect(await metric('media_storage_up{store="primary"}')).toBe('media_storage_up{store="primary"} 0');
    expect(logs.some((line) => line.level === errorLevel && line.store === 'primary' && line.msg.startsWith('object store primary is down'))).toBe(true);
    // Two probes 200 ms apart, each refused at once: far inside the 10 s the default 5 s interval takes.
    expect(detectedMs).toBeLessThan(10_000);

    await s3server.start();
    const up = await eventually(ready, (answer) => answer.checks['storage']?.status === 'up', 10_000);
    expect(up.checks['storage']?.status).toBe('up');
    expect(await metric('media_storage_up{store="primary"}')).toBe('media_storage_up{store="primary"} 1');
  }, 30_000);

  it('a stuck queue degrades readiness (never not_ready), sets media_queue_stuck and logs an error; it clears once jobs complete', async () => {
    const media = await Promise.all([1, 2, 3].map((index) => harness.spoolUpload(pdf(`stuck ${index}`), 'application/pdf')));
    for (const { id } of media) await harness.enqueueStore(id);
    const stuck = await eventually(ready, (answer) => answer.checks['queue']?.status === 'degraded', 10_000);
    expect(stuck.status).toBe('degraded');
    expect(stuck.checks['queue']).toMatchObject({ status: 'degraded', critical: false, detail: expect.stringMatching(/^stuck: 2 jobs waiting, none completed since .+ \(threshold 2 s\)$/) });
    expect((await worker.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    expect(await metric('media_queue_stuck ')).toBe('media_queue_stuck 1');
    expect(Number((await metric('media_queue_stalled_seconds '))?.split(' ')[1])).toBeGreaterThanOrEqual(1.5);
    expect(logs.some((line) => line.level === errorLevel && /^media queue stuck: 2 jobs waiting and none completed for 2 s/.test(line.msg))).toBe(true);

    holdStores = false;
    releaseStores();
    await harness.waitForMedia(media.map(({ id }) => id), (row) => row.status === 'stored', 15_000);
    // The completions the watch reads are BullMQ's own counter, shared by every worker process.
    expect((await harness.queue.getMetrics('completed', 0, 0)).meta.count).toBeGreaterThanOrEqual(3);
    const moving = await eventually(ready, (answer) => answer.checks['queue']?.status === 'up', 10_000);
    expect(moving.checks['queue']?.status).toBe('up');
    expect(await metric('media_queue_stuck ')).toBe('media_queue_stuck 0');
    expect(logs.some((line) => line.msg === 'media queue moves again')).toBe(true);
  }, 30_000);

  it('schedules a report-only orphan run on its own queue, whose result shows in media_orphan_objects', async () => {
    const connection = createRedis(harness.config, 'producer', silentLogger);
    const operationsQueue = new Queue(OPERATIONS_QUEUE_NAME, { connection, prefix: harness.config.MEDIA_QUEUE_PREFIX });
    const scheduler = await eventually(() => operationsQueue.getJobScheduler(ORPHAN_SCHEDULER_ID), (found) => found !== undefined, 5000);
    expect(scheduler).toMatchObject({ every: harness.config.MEDIA_ORPHAN_INTERVAL_MS, template: { data: { mode: 'report' } } });
    await harness.s3.send(new PutObjectCommand({ Bucket: testBucket, Key: `originals/${randomUUID()}`, Body: 'no row, just uploaded' }));
    await operationsQueue.add('orphans', { mode: 'report' });
    await operationsQueue.close();
    connection.disconnect();
    // The schedule's first run may have counted before the put: wait for the run that saw it.
    const line = await eventually(() => metric('media_orphan_objects{store="primary",state="in_grace"}'), (found) => found?.endsWith(' 1') === true, 10_000);
    expect(line).toBe('media_orphan_objects{store="primary",state="in_grace"} 1');
    expect(await metric('media_orphan_objects{store="primary",state="orphan"}')).toBe('media_orphan_objects{store="primary",state="orphan"} 0');
  });

  describe('queue dashboard', () => {
    const sign = (role: string, secret: string = localDevelopmentSecrets.accessTokenSecret) => createAccessTokenSigner({ secret, ttlSeconds: 60 })({ accountId: 42, role });
    const get = (url: string, headers: Record<string, string> = {}) => worker.app.inject({ method: 'GET', url, headers });

    it('answers 401 problem+json without a valid token, 403 to other roles, 200 to admins', async () => {
      const refusedHeaders: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-jwt' }, { authorization: `Bearer ${sign('admin', 'another-secret-of-at-least-32-characters!')}` }];
      for (const headers of refusedHeaders) {
        const refused = await get('/admin/queues', headers);
        expect(refused.statusCode).toBe(401);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(refused.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
      }
      for (const role of ['customer', 'dealer', 'analyst']) {
        const forbidden = await get('/admin/queues/api/queues', { authorization: `Bearer ${sign(role)}` });
        expect(forbidden.statusCode).toBe(403);
        expect(forbidden.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(forbidden.json()).toMatchObject({ status: 403, code: 'forbidden' });
      }
      const admin = { authorization: `Bearer ${sign('admin')}` };
      const page = await get('/admin/queues', admin);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      const api = await get('/admin/queues/api/queues', admin);
      expect(api.statusCode).toBe(200);
      const queues = api.json<{ queues: { name: string; readOnlyMode: boolean }[] }>().queues;
      expect(queues.map((queue) => [queue.name, queue.readOnlyMode]).sort()).toEqual([
        ['media', true],
        ['media-ops', true],
      ]);
    });

    it('keeps an admin token in an HttpOnly cookie for the browser, refusing anyone else', async () => {
      const refused = await worker.app.inject({ method: 'POST', url: '/admin/session', payload: { accessToken: sign('customer') } });
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['set-cookie']).toBeUndefined();
      const session = await worker.app.inject({ method: 'POST', url: '/admin/session', payload: { accessToken: sign('admin') } });
      expect(session.statusCode).toBe(204);
      const cookie = String(session.headers['set-cookie']);
      expect(cookie).toMatch(/^media_admin_token=[^;]+; Max-Age=(59|60); Path=\/admin; HttpOnly; SameSite=Strict$/);
      expect((await get('/admin/queues', { cookie: cookie.split(';')[0]! })).statusCode).toBe(200);
      expect((await get('/admin/queues', { cookie: 'media_admin_token=forged' })).statusCode).toBe(401);
      // The sign-in page's plain form: a redirect to the dashboard with the cookie.
      expect((await get('/admin/login')).body).toContain('<form method="post" action="/admin/session">');
      const form = await worker.app.inject({ method: 'POST', url: '/admin/session', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `accessToken=${encodeURIComponent(sign('admin'))}` });
      expect(form.statusCode).toBe(303);
      expect(form.headers['location']).toBe('/admin/queues');
      expect(String(form.headers['set-cookie'])).toMatch(/^media_admin_token=/);
    });
  });
});

describe('every named store is watched (primary up, mirror down)', () => {
  let primaryServer: OwnServer & { endpoint: string };
  let mirrorServer: OwnServer & { endpoint: string };
  let harness: WorkerHarness;
  let connection: Redis;

  beforeAll(async () => {
    [primaryServer, mirrorServer] = await Promise.all([ownS3Server(testBucket), ownS3Server(testBucket)]);
    harness = await createWorkerHarness({ s3Endpoint: primaryServer.endpoint });
    connection = createRedis(harness.config, 'producer', silentLogger);
  });
  afterAll(async () => {
    connection?.disconnect();
    await harness?.dispose();
    await Promise.all([primaryServer?.dispose(), mirrorServer?.dispose()]);
  });

  it('names the store that is down in readiness, metrics and the error log', async () => {
    const logs: LogLine[] = [];
    const app = await createHttpService({ service: 'media-worker', logging: harness.config, logger: false });
    const client = (endpoint: string) => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials });
    const stores = [
      { name: 'primary', client: client(primaryServer.endpoint), bucket: testBucket, timeoutMs: 2000 },
      { name: 'mirror', client: client(mirrorServer.endpoint), bucket: testBucket, timeoutMs: 2000 },
    ];
    const operations = await attachWorkerOperations({
      app,
      config: { ...harness.config, MEDIA_ORPHAN_SCHEDULE: 'off' },
      logger: capturingLogger(logs),
      db: harness.database.db,
      mediaQueue: harness.queue,
      queueConnection: connection,
      createWorkerConnection: () => createRedis(harness.config, 'worker', silentLogger),
      stores,
      redisTimeoutMs: 2000,
      storeCheckEveryMs: 200,
    });
    await operations.start();
    try {
      await mirrorServer.stop();
      const answer = await eventually(
        async () => (await app.inject({ method: 'GET', url: '/health/ready' })).json<{ status: string; checks: Record<string, { status: string; detail?: string }> }>(),
        (ready) => ready.checks['storage-mirror']?.status === 'down',
        10_000,
      );
      expect(answer.status).toBe('degraded');
      expect(answer.checks['storage']?.status).toBe('up');
      expect(answer.checks['storage-mirror']).toMatchObject({ status: 'down', detail: expect.stringMatching(/^mirror store \(media-worker-test\) unavailable since /) });
      // What media_storage_up{store} shows on the worker.
      expect(operations.storageStates()).toEqual({ primary: 'up', mirror: 'down' });
      expect(logs.filter((line) => line.level === errorLevel).map((line) => line.store)).toEqual(['mirror']);
    } finally {
      await operations.close();
      await app.close();
      for (const store of stores) store.client.destroy();
    }
  }, 30_000);
});
