import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { VARIANT_CONTENT_TYPE, createRepositories } from '@chucar/domain';
import { cameraPhoto } from '../testing/camera-photo.ts';
import { ownS3Server, type OwnServer } from '../testing/own-servers.ts';
import { createWorkerHarness, sha256Of, silentLogger, testBucket, type WorkerHarness } from '../testing/worker-harness.ts';
import { createMediaWorker, type MediaWorker } from './media-worker.ts';

const minimalPdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describe('media worker: store and previews (own s3rver, shared Redis with its own prefix, test database)', () => {
  let s3server: OwnServer & { endpoint: string };
  let harness: WorkerHarness;
  let worker: MediaWorker;

  beforeAll(async () => {
    s3server = await ownS3Server(testBucket);
    harness = await createWorkerHarness({ s3Endpoint: s3server.endpoint });
    worker = await createMediaWorker(harness.config, { logger: silentLogger });
    await worker.start();
  });
  afterAll(async () => {
    await worker?.close();
    await harness?.dispose();
    await s3server?.dispose();
  });

  const metricLine = async (pattern: RegExp) => {
    const text = (await worker.app.inject({ method: 'GET', url: '/metrics' })).body;
    return text.split('\n').find((line) => pattern.test(line));
  };

  it('stores a photo verified in S3, then makes metadata-free previews recorded as variant rows', async () => {
    const photo = await cameraPhoto(2400, 1600);
    const media = await harness.spoolUpload(photo, 'image/jpeg');
    await harness.enqueueStore(media.id);
    const [done] = await harness.waitForMedia([media.id], (row) => row.variantsStatus === 'ready', 30_000);
    expect(done).toMatchObject({ status: 'stored', storeAttempts: 1, failureReason: null });
    expect(done!.storedAt).toBeInstanceOf(Date);
    expect(done!.verifiedAt).toBeInstanceOf(Date);

    const original = await harness.readObject(`originals/${media.id}`);
    expect(sha256Of(original.bytes)).toBe(sha256Of(photo));
    expect(original.metadata).toEqual({ sha256: sha256Of(photo), 'media-id': media.id });

    const variants = await harness.database.db.selectFrom('media_variants').selectAll().where('media_id', '=', media.id).orderBy('width').execute();
    expect(variants.map((variant) => [variant.name, variant.width, variant.height, variant.object_key, variant.content_type])).toEqual([
      ['w320', 320, 213, `variants/${media.id}/w320.webp`, VARIANT_CONTENT_TYPE],
      ['w1280', 1280, 853, `variants/${media.id}/w1280.webp`, VARIANT_CONTENT_TYPE],
    ]);
    for (const variant of variants) {
      const stored = await harness.readObject(variant.object_key);
      expect(sha256Of(stored.bytes)).toBe(variant.sha256);
      expect(stored.bytes.length).toBe(Number(variant.size_bytes));
      expect(stored.metadata).toEqual({ sha256: variant.sha256, 'media-id': media.id });
      const metadata = await sharp(stored.bytes).metadata();
      expect(metadata.exif ?? metadata.xmp ?? metadata.icc ?? metadata.iptc).toBeUndefined();
      expect(stored.bytes.toString('latin1')).not.toMatch(/GPS|TestCam/);
    }
    expect(await metricLine(/^media_job_duration_seconds_count\{job="variants",outcome="ready"\}/)).toMatch(/ 1$/);
  });

  it('stores a document and makes no previews for it', async () => {
    const media = await harness.spoolUpload(minimalPdf, 'application/pdf');
    await harness.enqueueStore(media.id);
    const [done] = await harness.waitForMedia([media.id], (row) => row.status === 'stored', 20_000);
    expect(done!.variantsStatus).toBe('none');
    expect(sha256Of((await harness.readObject(`originals/${media.id}`)).bytes)).toBe(sha256Of(minimalPdf));
    expect(await harness.listKeys(`variants/${media.id}/`)).toEqual([]);
  });

  it('a retry after a crash between the put and the row update only verifies the object again', async () => {
    const photo = await cameraPhoto(640, 480, { seed: 7 });
    const media = await harness.spoolUpload(photo, 'image/jpeg');
    // What a worker killed right after its verified put leaves behind: an attempt counted, the object, a row still spooled.
    await createRepositories(harness.database.db).media.incrementStoreAttempts(media.id, new Date());
    await harness.s3.send(new PutObjectCommand({ Bucket: testBucket, Key: `originals/${media.id}`, Body: photo, Metadata: { sha256: sha256Of(photo), 'media-id': media.id } }));
    await harness.enqueueStore(media.id);
    await harness.waitForMedia([media.id], (row) => row.status === 'stored', 20_000);
    expect(await metricLine(/^media_job_duration_seconds_count\{job="store",outcome="verified-existing"\}/)).toMatch(/ 1$/);
    expect(sha256Of((await harness.readObject(`originals/${media.id}`)).bytes)).toBe(sha256Of(photo));
  });

  it('sends the original again when the object under its key is not the accepted one', async () => {
    const photo = await cameraPhoto(640, 480, { seed: 9 });
    const media = await harness.spoolUpload(photo, 'image/jpeg');
    // An earlier attempt was cut short in the middle of its put.
    await createRepositories(harness.database.db).media.incrementStoreAttempts(media.id, new Date());
    await harness.s3.send(new PutObjectCommand({ Bucket: testBucket, Key: `originals/${media.id}`, Body: photo.subarray(0, 1000), Metadata: { sha256: sha256Of(photo) } }));
    await harness.enqueueStore(media.id);
    await harness.waitForMedia([media.id], (row) => row.status === 'stored', 20_000);
    expect(sha256Of((await harness.readObject(`originals/${media.id}`)).bytes)).toBe(sha256Of(photo));
  });

  it('a corrupt image is stored as it came, and its previews are failed with the reason', async () => {
    const corrupt = Buffer.concat([(await cameraPhoto(64, 48)).subarray(0, 20), Buffer.alloc(5000, 0x5a)]);
    const media = await harness.spoolUpload(corrupt, 'image/jpeg');
    await harness.enqueueStore(media.id);
    const [done] = await harness.waitForMedia([media.id], (row) => row.variantsStatus === 'failed', 20_000);
    expect(done).toMatchObject({ status: 'stored', failureReason: expect.stringMatching(/^previews: cannot make previews of this image\/jpeg/) });
    expect(sha256Of((await harness.readObject(`originals/${media.id}`)).bytes)).toBe(sha256Of(corrupt));
    expect(await harness.listKeys(`variants/${media.id}/`)).toEqual([]);
  });

  it('fails fast, with the reason in the row, when the spool copy is gone or damaged', async () => {
    const gone = await harness.spoolUpload(await cameraPhoto(64, 48, { seed: 1 }), 'image/jpeg');
    fs.rmSync(path.join(harness.spoolDir, 'objects', gone.id));
    const damaged = await harness.spoolUpload(await cameraPhoto(64, 48, { seed: 2 }), 'image/jpeg');
    fs.appendFileSync(path.join(harness.spoolDir, 'objects', damaged.id), 'x');
    await harness.enqueueStore(gone.id);
    await harness.enqueueStore(damaged.id);
    const [goneRow, damagedRow] = await harness.waitForMedia([gone.id, damaged.id], (row) => row.status === 'failed', 20_000);
    expect(goneRow).toMatchObject({ storeAttempts: 1, failureReason: 'the spool copy is missing' });
    expect(damagedRow).toMatchObject({ storeAttempts: 1, failureReason: expect.stringMatching(/^the spool copy is damaged: /) });
    expect(await harness.listKeys(`originals/${gone.id}`)).toEqual([]);
    expect(await harness.listKeys(`originals/${damaged.id}`)).toEqual([]);
  });

  it('answers readiness and metrics on its own HTTP service', async () => {
    const ready = await worker.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json()).toMatchObject({ service: 'media-worker', status: 'ready', checks: { redis: { status: 'up' }, primary: { status: 'up' }, storage: { status: 'up' } } });
    expect(await metricLine(/^media_storage_up\{store="primary"\} /)).toBe('media_storage_up{store="primary"} 1');
    expect(await metricLine(/^media_queue_jobs\{state="failed"\}/)).toBe('media_queue_jobs{state="failed"} 0');
    expect(await metricLine(/^media_spool_objects /)).toMatch(/^media_spool_objects \d+$/);
    expect(await metricLine(/^media_spool_disk_bytes\{kind="free"\}/)).toMatch(/ \d+$/);
  });
});

describe('media worker: originals before previews', () => {
  let s3server: OwnServer & { endpoint: string };
  let harness: WorkerHarness;
  let worker: MediaWorker | undefined;

  beforeAll(async () => {
    s3server = await ownS3Server(testBucket);
    harness = await createWorkerHarness({ s3Endpoint: s3server.endpoint, env: { MEDIA_WORKER_CONCURRENCY: '1', MEDIA_RECONCILE_INTERVAL_MS: '1000' } });
  });
  afterAll(async () => {
    await worker?.close();
    await harness?.dispose();
    await s3server?.dispose();
  });

  it('stores every waiting original before it makes previews queued earlier', async () => {
    // A backlog the reconciler finds: previews of one stored photo waiting, and four originals waiting.
    const previewsFirstInLine = await harness.spoolUpload(await cameraPhoto(1600, 1200, { seed: 40 }), 'image/jpeg');
    await harness.database.db.updateTable('media').set({ status: 'stored', stored_at: new Date(), verified_at: new Date() }).where('id', '=', previewsFirstInLine.id).execute();
    const originals = [];
    for (let seed = 41; seed < 45; seed++) originals.push(await harness.spoolUpload(await cameraPhoto(1600, 1200, { seed }), 'image/jpeg'));
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the reconciler's grace period

    worker = await createMediaWorker(harness.config, { logger: silentLogger });
    await worker.start();
    const [previewed] = await harness.waitForMedia([previewsFirstInLine.id], (media) => media.variantsStatus === 'ready', 30_000);
    const stored = await harness.waitForMedia(originals.map((media) => media.id), (media) => media.status === 'stored', 30_000);
    for (const media of stored) expect(media.storedAt!.getTime()).toBeLessThanOrEqual(previewed!.updatedAt.getTime());
    await harness.waitForMedia(originals.map((media) => media.id), (media) => media.variantsStatus === 'ready', 30_000);
  });
});
