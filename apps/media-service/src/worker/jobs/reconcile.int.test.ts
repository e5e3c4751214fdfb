import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, type Media } from '@chucar/domain';
import { createS3Client } from '@chucar/platform/s3';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import { addMediaJob, jobIdFor } from '../../queue/index.ts';
import { createObjectStore } from '../../storage/object-store.ts';
import { primaryS3Settings } from '../../storage/s3-settings.ts';
import { cameraPhoto } from '../../testing/camera-photo.ts';
import { createWorkerHarness, silentLogger, type WorkerHarness } from '../../testing/worker-harness.ts';
import type { JobContext } from './job-context.ts';
import { reconcile } from './reconcile.ts';

const dayMs = 24 * 60 * 60 * 1000;

describe('reconcile (test database, real queue, spool on disk)', () => {
  let harness: WorkerHarness;
  let context: JobContext;
  const now = new Date();

  beforeAll(async () => {
    // No S3 here: reconcile never touches it.
    harness = await createWorkerHarness({ s3Endpoint: `http://127.0.0.1:${await unusedLoopbackPort()}` });
    const media = createRepositories(harness.database.db).media;
    context = {
      log: silentLogger,
      rows: { read: media, write: (work) => harness.database.db.transaction().execute((trx) => work(createRepositories(trx).media)) },
      objects: createObjectStore(createS3Client(primaryS3Settings(harness.config)), { bucket: harness.config.S3_BUCKET, timeoutMs: 500 }),
      spool: { objectsDir: path.join(harness.spoolDir, 'objects'), objectPath: (id) => path.join(harness.spoolDir, 'objects', id) },
      enqueue: (name, data) => addMediaJob(harness.queue, name, data),
      now: () => now,
      settings: { maxPixels: 100_000_000, spoolRetentionDays: 7, reconcileGraceMs: 60_000, reconcileBatchSize: 100 },
    };
  });
  afterAll(() => harness?.dispose());

  /** An upload whose row was last touched `ageMs` ago, in the given state. */
  async function mediaAged(ageMs: number, state: Partial<Pick<Media, 'status' | 'variantsStatus'>> & { storedAgoMs?: number } = {}): Promise<Media> {
    const media = await harness.spoolUpload(await cameraPhoto(32, 24, { seed: Math.floor(Math.random() * 255) }), 'image/jpeg');
    const at = (ago: number) => new Date(now.getTime() - ago);
    await harness.database.db
      .updateTable('media')
      .set({
        updated_at: at(ageMs),
        ...(state.status ? { status: state.status } : {}),
        ...(state.variantsStatus ? { variants_status: state.variantsStatus } : {}),
        ...(state.storedAgoMs !== undefined ? { stored_at: at(state.storedAgoMs), verified_at: at(state.storedAgoMs) } : {}),
        ...(state.status === 'deleted' ? { deleted_at: at(ageMs) } : {}),
      })
      .where('id', '=', media.id)
      .execute();
    return media;
  }

  const ageSpoolFile = (id: string, ageMs: number) => {
    const old = new Date(now.getTime() - ageMs);
    fs.utimesSync(path.join(harness.spoolDir, 'objects', id), old, old);
  };
  const onSpool = (id: string) => fs.existsSync(path.join(harness.spoolDir, 'objects', id));
  const queued = async (name: 'store' | 'variants', id: string) => (await harness.queue.getJob(jobIdFor(name, id))) !== undefined;

  it('queues again what waits past the grace period, by the usual job ids, and leaves fresh and finished rows alone', async () => {
    const stuckSpooled = await mediaAged(5 * 60_000);
    const freshSpooled = await mediaAged(1000);
    const stuckPreviews = await mediaAged(5 * 60_000, { status: 'stored', variantsStatus: 'pending', storedAgoMs: 5 * 60_000 });
    const finished = await mediaAged(5 * 60_000, { status: 'stored', variantsStatus: 'ready', storedAgoMs: 5 * 60_000 });
    const failed = await mediaAged(5 * 60_000, { status: 'failed' });

    await reconcile({ name: 'reconcile', id: 'r1', data: {}, attemptsMade: 0, maxAttempts: 1 }, context);
    expect(await queued('store', stuckSpooled.id)).toBe(true);
    expect(await queued('variants', stuckPreviews.id)).toBe(true);
    for (const untouched of [freshSpooled, finished, failed]) {
      expect(await queued('store', untouched.id)).toBe(false);
      expect(await queued('variants', untouched.id)).toBe(false);
    }
    // A second run finds the same rows still waiting: adding the same ids again changes nothing.
    await reconcile({ name: 'reconcile', id: 'r2', data: {}, attemptsMade: 0, maxAttempts: 1 }, context);
    expect((await harness.queue.getJobs(['waiting'])).filter((job) => job.id === jobIdFor('store', stuckSpooled.id))).toHaveLength(1);
  });

  it('removes spool copies past the retention window of stored and deleted media, and of uploads that never got a row', async () => {
    const eightDays = 8 * dayMs;
    const storedLongAgo = await mediaAged(eightDays, { status: 'stored', variantsStatus: 'ready', storedAgoMs: eightDays });
    const storedLately = await mediaAged(dayMs, { status: 'stored', variantsStatus: 'ready', storedAgoMs: dayMs });
    const deletedLongAgo = await mediaAged(eightDays, { status: 'deleted', storedAgoMs: eightDays });
    const failedLongAgo = await mediaAged(eightDays, { status: 'failed' });
    for (const media of [storedLongAgo, storedLately, deletedLongAgo, failedLongAgo]) ageSpoolFile(media.id, eightDays);
    const orphanOld = '0b8f2f4e-6a1d-4c5e-9f3a-2d7c1e0b9a44';
    const orphanNew = '1b8f2f4e-6a1d-4c5e-9f3a-2d7c1e0b9a44';
    for (const orphan of [orphanOld, orphanNew]) fs.writeFileSync(path.join(harness.spoolDir, 'objects', orphan), 'bytes whose row never committed');
    ageSpoolFile(orphanOld, eightDays);

    await reconcile({ name: 'reconcile', id: 'r3', data: {}, attemptsMade: 0, maxAttempts: 1 }, context);
    expect(onSpool(storedLongAgo.id)).toBe(false);
    expect(onSpool(deletedLongAgo.id)).toBe(false);
    expect(onSpool(orphanOld)).toBe(false);
    // Kept: stored within the window (even if written long ago), failed (the only copy), a young orphan (its row may be committing).
    expect(onSpool(storedLately.id)).toBe(true);
    expect(onSpool(failedLongAgo.id)).toBe(true);
    expect(onSpool(orphanNew)).toBe(true);
  });
});
