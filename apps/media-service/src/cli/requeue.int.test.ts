/**
 * Failed work and the operator's way back, against the real worker, its own s3rver, Redis (own
 * prefix) and the test database: a store that fails for a permanent reason (the spool copy gone)
 * or spends its last attempt becomes `failed` with its reason and shows in media_failed; it stays
 * failed until media:requeue, which removes a stale failed BullMQ job holding the id; then the
 * worker stores it with the accepted SHA-256. Failed previews go back to the variants job alone.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '@chucar/domain';
import { createRedis } from '@chucar/platform';
import { MEDIA_QUEUE_NAME } from '@chucar/contracts';
import { mediaJobProcessors } from '../worker/jobs/processors.ts';
import { jobIdFor } from '../queue/index.ts';
import { cameraPhoto } from '../testing/camera-photo.ts';
import { ownS3Server, type OwnServer } from '../testing/own-servers.ts';
import { createWorkerHarness, sha256Of, silentLogger, testBucket, type WorkerHarness } from '../testing/worker-harness.ts';
import { createMediaWorker, type MediaWorker } from '../worker/media-worker.ts';
import { runRequeueCli } from './requeue-cli.ts';

const pdf = (label: string) => Buffer.from(`%PDF-1.4\n% ${label} ${randomUUID()}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
const cli = new URL('./requeue-cli.ts', import.meta.url).pathname;

describe('failed media and media:requeue (own s3rver, Redis with its own prefix, test database)', () => {
  let s3server: OwnServer & { endpoint: string };
  let harness: WorkerHarness;

  beforeAll(async () => {
    s3server = await ownS3Server(testBucket);
    harness = await createWorkerHarness({ s3Endpoint: s3server.endpoint });
  });
  afterAll(async () => {
    await harness?.dispose();
    await s3server?.dispose();
  });

  const requeue = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await runRequeueCli(argv, { ...process.env, ...harness.env }, (line) => lines.push(line));
    return { code, lines };
  };

  it('a store failed for a permanent reason, or on its last attempt, stays failed until requeued, then is stored', async () => {
    // 1. Permanent: the spool copy is gone when the store job runs.
    const missing = pdf('missing spool copy');
    const permanent = await harness.spoolUpload(missing, 'application/pdf');
    const spoolCopy = path.join(harness.spoolDir, 'objects', permanent.id);
    fs.renameSync(spoolCopy, `${spoolCopy}.aside`);
    // 2. Exhausted: every attempt throws (a bug, say); two quick attempts instead of the usual five.
    const exhaustedBytes = pdf('exhausted');
    const exhausted = await harness.spoolUpload(exhaustedBytes, 'application/pdf');
    const failing = await createMediaWorker(harness.config, {
      logger: silentLogger,
      processors: { ...mediaJobProcessors, store: async (job, context) => (job.data.mediaId === exhausted.id ? Promise.reject(new TypeError('a bug in the store job')) : mediaJobProcessors.store(job, context)) },
    });
    await failing.start();
    await harness.enqueueStore(permanent.id);
    await harness.queue.add('store', { mediaId: exhausted.id }, { jobId: jobIdFor('store', exhausted.id), attempts: 2, backoff: { type: 'fixed', delay: 100 } });
    const [failedPermanent, failedExhausted] = await harness.waitForMedia([permanent.id, exhausted.id], (media) => media.status === 'failed', 20_000);
    expect(failedPermanent!.failureReason).toBe('the spool copy is missing');
    expect(failedExhausted!.failureReason).toBe('gave up after 2 attempts: TypeError: a bug in the store job');
    const metrics = (await failing.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(Number(/^media_failed\{job="store"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/^media_failed\{job="variants"\} \d+$/m);
    await failing.close();

    // Failed is final: the reconciler does not pick it up, and nothing else moves it.
    expect(await harness.queue.getJob(jobIdFor('store', permanent.id))).toBeUndefined();
    expect((await harness.findMedia(permanent.id)).status).toBe('failed');

    // A failed BullMQ job kept under the same id would swallow a plain add: the command removes it.
    const leftover = createRedis(harness.config, 'worker', silentLogger);
    const staleMaker = new Worker(MEDIA_QUEUE_NAME, async () => Promise.reject(new UnrecoverableError('stale')), { connection: leftover, prefix: harness.config.MEDIA_QUEUE_PREFIX, autorun: true });
    await harness.queue.add('store', { mediaId: permanent.id }, { jobId: jobIdFor('store', permanent.id), removeOnFail: false, attempts: 1 });
    for (let tries = 0; (await harness.queue.getJob(jobIdFor('store', permanent.id)))?.failedReason !== 'stale' && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    await staleMaker.close();
    leftover.disconnect();
    expect(await (await harness.queue.getJob(jobIdFor('store', permanent.id)))!.getState()).toBe('failed');

    // 3. Previews that failed: the original stays stored; only the previews go back to work.
    const photo = await cameraPhoto(1600, 1200, { seed: 77 });
    const previews = await harness.spoolUpload(photo, 'image/jpeg');
    const repositories = createRepositories(harness.database.db);
    await repositories.media.markStored(previews.id, new Date());
    await repositories.media.markVariantsFailed(previews.id, 'previews: the decoder crashed', new Date());

    // The operator puts the spool copy back, then requeues one by id and the rest with --all-failed.
    fs.renameSync(`${spoolCopy}.aside`, spoolCopy);
    const byId = await requeue('--id', permanent.id);
    expect(byId).toEqual({ code: 0, lines: [`requeued ${permanent.id} store (had failed: the spool copy is missing); removed a stale failed job first`] });
    expect(await harness.findMedia(permanent.id)).toMatchObject({ status: 'spooled', failureReason: null });
    const listed = await requeue('--list');
    expect(listed.lines).toContain(`failed ${exhausted.id} store: gave up after 2 attempts: TypeError: a bug in the store job`);
    const all = await requeue('--all-failed');
    expect(all.lines).toContain(`requeued ${previews.id} variants (had failed: previews: the decoder crashed)`);
    expect(await harness.findMedia(previews.id)).toMatchObject({ status: 'stored', variantsStatus: 'pending', failureReason: null });
    expect(all.lines).toContain(`requeued ${exhausted.id} store (had failed: gave up after 2 attempts: TypeError: a bug in the store job)`);
    expect(all.lines.at(-1)).toMatch(/^[1-9]\d* requeued, 0 skipped$/);

    const worker: MediaWorker = await createMediaWorker(harness.config, { logger: silentLogger });
    await worker.start();
    try {
      const stored = await harness.waitForMedia([permanent.id, exhausted.id], (media) => media.status === 'stored', 20_000);
      expect(stored.map((media) => media.failureReason)).toEqual([null, null]);
      expect(sha256Of((await harness.readObject(`originals/${permanent.id}`)).bytes)).toBe(sha256Of(missing));
      expect(sha256Of((await harness.readObject(`originals/${exhausted.id}`)).bytes)).toBe(sha256Of(exhaustedBytes));
      await harness.waitForMedia([previews.id], (media) => media.variantsStatus === 'ready', 20_000);
      expect((await harness.listKeys(`variants/${previews.id}/`)).sort()).toEqual([`variants/${previews.id}/w1280.webp`, `variants/${previews.id}/w320.webp`]);
    } finally {
      await worker.close();
    }

    // Stored media is not failed work: skipped with the reason, exit 1, nothing changed.
    expect(await requeue('--id', permanent.id)).toEqual({ code: 1, lines: [`skipped ${permanent.id}: it is stored and its previews are none, nothing failed`] });
  }, 60_000);

  it('refuses unknown ids and bad flags with one line and exit 2, changing nothing', () => {
    // One unknown id among known ones, and a bad flag (the rest of the flag rules are unit-tested).
    for (const args of [['--id', randomUUID()], ['--everything']]) {
      const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...harness.env } });
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^media:requeue: /);
      expect(run.stdout).toBe('');
    }
  }, 60_000);
});
