/**
 * The worker against broken servers it owns: its s3rver stopped for a while, its redis-server
 * killed and restarted from its append-only file, its Redis flushed. Every upload ends stored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Media } from '@chucar/domain';
import { cameraPhoto } from '../testing/camera-photo.ts';
import { ownRedisServer, ownS3Server, type OwnServer } from '../testing/own-servers.ts';
import { createWorkerHarness, sha256Of, silentLogger, testBucket, type WorkerHarness } from '../testing/worker-harness.ts';
import { createMediaWorker, type MediaWorker } from './media-worker.ts';

const photos = (count: number, firstSeed: number) => Promise.all(Array.from({ length: count }, (_, index) => cameraPhoto(800, 600, { seed: firstSeed + index })));
const storedWithPreviews = (media: Media) => media.status === 'stored' && media.variantsStatus === 'ready';

describe('media worker faults', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const own = <T extends { dispose(): Promise<unknown> } | { close(): Promise<unknown> }>(thing: T): T => {
    cleanups.push(() => ('dispose' in thing ? thing.dispose() : thing.close()));
    return thing;
  };

  /** Every original reads back with its accepted SHA-256, each exactly once under originals/. */
  async function expectStoredOnce(harness: WorkerHarness, rows: Media[], photosById: Map<string, Buffer>): Promise<void> {
    const keys = new Set(await harness.listKeys('originals/'));
    for (const media of rows) {
      expect(keys.has(`originals/${media.id}`)).toBe(true);
      const stored = await harness.readObject(`originals/${media.id}`);
      expect(sha256Of(stored.bytes)).toBe(sha256Of(photosById.get(media.id)!));
      expect(stored.metadata['sha256']).toBe(media.sha256);
    }
    const owned = await harness.database.db.selectFrom('media').select(({ fn }) => fn.countAll<number>().as('count')).where('owner_id', '=', harness.ownerId).executeTakeFirstOrThrow();
    expect(Number(owned.count)).toBe(rows.length);
  }

  it('S3 down: 20 uploads wait with their attempts untouched while the worker holds the queue, then all are stored once it is back', async () => {
    const s3server: OwnServer & { endpoint: string } = own(await ownS3Server(testBucket));
    const harness = own(await createWorkerHarness({ s3Endpoint: s3server.endpoint, env: { S3_TIMEOUT_MS: '2000' } }));
    const worker: MediaWorker = own(await createMediaWorker(harness.config, { logger: silentLogger, storageProbeIntervalMs: 500 }));
    await worker.start();

    await s3server.stop();
    const bytes = await photos(20, 100);
    const photosById = new Map<string, Buffer>();
    for (const photo of bytes) {
      const media = await harness.spoolUpload(photo, 'image/jpeg');
      photosById.set(media.id, photo);
      await harness.enqueueStore(media.id);
    }
    const ids = [...photosById.keys()];

    const deadline = Date.now() + 15_000;
    while (worker.storageState !== 'down' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(worker.storageState).toBe('down');
    await new Promise((resolve) => setTimeout(resolve, 3000)); // several probe intervals of holding
    const held = (await harness.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized'])).filter((job) => job.name === 'store');
    expect(held.length).toBe(20);
    expect(held.map((job) => job.attemptsMade)).toEqual(Array(20).fill(0));
    expect(await harness.queue.getFailedCount()).toBe(0);
    expect((await Promise.all(ids.map(harness.findMedia))).map((media) => media.status)).toEqual(Array(20).fill('spooled'));
    const metrics = (await worker.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('media_storage_up{store="primary"} 0');
    expect(metrics).toMatch(/media_storage_errors_total\{kind="unavailable"\} [1-9]/);
    expect((await worker.app.inject({ method: 'GET', url: '/health/ready' })).json()).toMatchObject({ status: 'degraded', checks: { storage: { status: 'down' } } });

    await s3server.start();
    const rows = await harness.waitForMedia(ids, storedWithPreviews, 90_000);
    expect(worker.storageState).toBe('up');
    await expectStoredOnce(harness, rows, photosById);
    expect(await harness.queue.getFailedCount()).toBe(0);
  });

  it('Redis killed mid-run and restarted from its append-only file: no upload lost', async () => {
    const s3server = own(await ownS3Server(testBucket));
    const redis: OwnServer = own(await ownRedisServer());
    const harness = own(await createWorkerHarness({ s3Endpoint: s3server.endpoint, redisPort: redis.port, env: { MEDIA_RECONCILE_INTERVAL_MS: '2000', MEDIA_WORKER_LOCK_MS: '3000' } }));
    const worker = own(await createMediaWorker(harness.config, { logger: silentLogger, watchdog: { checkEveryMs: 500, reconnectGraceMs: 3000, idleWithWorkMs: 5000 } }));
    await worker.start();

    const photosById = new Map<string, Buffer>();
    const upload = async (seed: number) => {
      const [photo] = await photos(1, seed);
      const media = await harness.spoolUpload(photo!, 'image/jpeg');
      photosById.set(media.id, photo!);
      await harness.enqueueStore(media.id).catch(() => undefined); // while Redis is away the reconciler queues it
    };
    for (let seed = 200; seed < 210; seed++) await upload(seed);
    await redis.stop('SIGKILL');
    for (let seed = 210; seed < 215; seed++) await upload(seed);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await redis.start();
    for (let seed = 215; seed < 220; seed++) await upload(seed);

    const rows = await harness.waitForMedia([...photosById.keys()], storedWithPreviews, 90_000);
    await expectStoredOnce(harness, rows, photosById);
  }, 120_000);

  it('Redis flushed: the reconciler queues again what the database says is waiting, scheduler included', async () => {
    const s3server = own(await ownS3Server(testBucket));
    const redis = own(await ownRedisServer());
    const harness = own(await createWorkerHarness({ s3Endpoint: s3server.endpoint, redisPort: redis.port, env: { MEDIA_RECONCILE_INTERVAL_MS: '1000' } }));
    const admin = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    cleanups.push(async () => admin.disconnect());
    await admin.connect();

    const photosById = new Map<string, Buffer>();
    // Queued before the worker started, then lost with everything else.
    for (const photo of await photos(5, 300)) {
      const media = await harness.spoolUpload(photo, 'image/jpeg');
      photosById.set(media.id, photo);
      await harness.enqueueStore(media.id);
    }
    expect(await harness.queue.getWaitingCount()).toBe(5);
    await admin.flushall();
    const worker = own(await createMediaWorker(harness.config, { logger: silentLogger }));
    await worker.start();
    // Lost again while it runs: the jobs, and the reconcile scheduler itself.
    await admin.flushall();
    for (const photo of await photos(5, 310)) {
      const media = await harness.spoolUpload(photo, 'image/jpeg');
      photosById.set(media.id, photo);
    }
    const rows = await harness.waitForMedia([...photosById.keys()], storedWithPreviews, 60_000);
    await expectStoredOnce(harness, rows, photosById);
  });
});
