/**
 * Integrity against servers the test owns: a primary s3rver and a mirror s3rver (separate
 * processes and data directories), the real worker writing both, and damage done behind the
 * service's back with a plain S3 client, a wiped data directory, or a stopped server.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localS3Credentials } from '@chucar/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaService, createRepositories, readsFrom, type Media } from '@chucar/domain';
import { createUnitOfWork } from '@chucar/platform';
import { createS3Client } from '@chucar/platform/s3';
import { createMediaStores, type MediaStores } from '../storage/media-stores.ts';
import { createReadSigner } from '../api/signed-reads/read-signer.ts';
import { primaryS3Settings } from '../storage/s3-settings.ts';
import { cameraPhoto } from '../testing/camera-photo.ts';
import { ownS3Server, type OwnServer } from '../testing/own-servers.ts';
import { createWorkerHarness, sha256Of, silentLogger, testBucket, type WorkerHarness } from '../testing/worker-harness.ts';
import { createMediaWorker, type MediaWorker } from '../worker/media-worker.ts';
import { integrityDeps } from './integrity-setup.ts';
import { noIntegrityMetrics } from './integrity-types.ts';
import { createIntegrityWork, type IntegrityWork } from './integrity-work.ts';
import { runScrubCli } from '../cli/scrub-cli.ts';

const mirrorBucket = 'media-mirror-test';
const dayMs = 24 * 60 * 60 * 1000;

describe('media integrity: mirror, scrub, repair, purge (own primary and mirror s3rver)', () => {
  let primary: OwnServer & { endpoint: string };
  let mirror: OwnServer & { endpoint: string };
  let harness: WorkerHarness;
  let worker: MediaWorker;
  let stores: MediaStores;
  let plainPrimary: S3Client;
  let plainMirror: S3Client;
  let clock = new Date();
  let work: IntegrityWork;
  const bytesById = new Map<string, Buffer>();

  beforeAll(async () => {
    primary = await ownS3Server(testBucket);
    mirror = await ownS3Server(mirrorBucket);
    harness = await createWorkerHarness({
      s3Endpoint: primary.endpoint,
      env: {
        // Generous: a loaded machine must not turn a slow answer into an outage here.
        S3_TIMEOUT_MS: '5000',
        MEDIA_MIRROR_BUCKET: mirrorBucket,
        MEDIA_MIRROR_ENDPOINT: mirror.endpoint,
        // The test runs each pass itself; the schedulers stay out of its way.
        MEDIA_SCRUB_HEAD_INTERVAL_MS: '0',
        MEDIA_SCRUB_FULL_INTERVAL_MS: '0',
        MEDIA_MIRROR_CATCHUP_INTERVAL_MS: String(dayMs),
        MEDIA_PURGE_INTERVAL_MS: String(dayMs),
      },
    });
    worker = await createMediaWorker(harness.config, { logger: silentLogger, storageProbeIntervalMs: 300 });
    await worker.start();
    stores = createMediaStores(harness.config);
    const plain = (endpoint: string) => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials });
    plainPrimary = plain(primary.endpoint);
    plainMirror = plain(mirror.endpoint);
    work = createIntegrityWork(
      integrityDeps({
        config: harness.config,
        primary: harness.database,
        stores,
        spool: { objectPath: (id) => path.join(harness.spoolDir, 'objects', id) },
        enqueueVariants: async () => undefined,
        log: silentLogger,
        metrics: noIntegrityMetrics,
        now: () => clock,
        settings: { fullRunMs: null },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    stores?.destroy();
    plainPrimary?.destroy();
    plainMirror?.destroy();
    await harness?.dispose();
    await primary?.dispose();
    await mirror?.dispose();
  });

  const readFrom = async (client: S3Client, bucket: string, key: string) => {
    const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await answer.Body!.transformToByteArray());
  };
  const existsIn = (client: S3Client, bucket: string, key: string) =>
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
      () => true,
      () => false,
    );
  const removeSpoolCopy = (id: string) => fs.rmSync(path.join(harness.spoolDir, 'objects', id), { force: true });

  /** Documents of random bytes (the worker stores any accepted bytes; no previews to wait for). */
  async function uploadDocuments(count: number): Promise<Media[]> {
    const rows: Media[] = [];
    for (let index = 0; index < count; index++) {
      const bytes = randomBytes(20_000 + index * 1000);
      const media = await harness.spoolUpload(bytes, 'application/pdf');
      bytesById.set(media.id, bytes);
      await harness.enqueueStore(media.id);
      rows.push(media);
    }
    return harness.waitForMedia(
      rows.map((media) => media.id),
      (media) => media.status === 'stored',
      30_000,
    );
  }

  const copiesOf = (mediaId: string) => harness.database.db.selectFrom('media_object_copies').selectAll().where('media_id', '=', mediaId).execute();

  it('writes every original and preview to both stores, verified, and records each copy', async () => {
    const photo = await cameraPhoto(640, 480, { seed: 7 });
    const image = await harness.spoolUpload(photo, 'image/jpeg');
    bytesById.set(image.id, photo);
    await harness.enqueueStore(image.id);
    const documents = await uploadDocuments(3);
    const [storedImage] = await harness.waitForMedia([image.id], (media) => media.variantsStatus === 'ready', 30_000);
    for (const media of [storedImage!, ...documents]) {
      expect(sha256Of(await readFrom(plainPrimary, testBucket, media.originalKey))).toBe(media.sha256);
      expect(sha256Of(await readFrom(plainMirror, mirrorBucket, media.originalKey))).toBe(media.sha256);
    }
    const imageCopies = await copiesOf(image.id);
    expect(imageCopies.map((copy) => `${copy.store} ${copy.object_key}`).sort()).toEqual(
      ['primary', 'mirror'].flatMap((store) => [`originals/${image.id}`, `variants/${image.id}/w1280.webp`, `variants/${image.id}/w320.webp`].map((key) => `${store} ${key}`)).sort(),
    );
    for (const key of [`variants/${image.id}/w320.webp`, `variants/${image.id}/w1280.webp`]) {
      expect(await existsIn(plainMirror, mirrorBucket, key)).toBe(true);
    }
  });

  it('one scheduled HEAD pass finds 5 deleted and 5 overwritten objects, restores each with its SHA-256, records the incidents and counts them', async () => {
    const rows = await uploadDocuments(10);
    const deleted = rows.slice(0, 5);
    const overwritten = rows.slice(5);
    for (const media of deleted) await plainPrimary.send(new DeleteObjectCommand({ Bucket: testBucket, Key: media.originalKey }));
    for (const [index, media] of overwritten.entries()) {
      // Same length for some (only the hash tells), another length for the others.
      const body = index % 2 === 0 ? randomBytes(media.sizeBytes) : randomBytes(media.sizeBytes + 7);
      await plainPrimary.send(new PutObjectCommand({ Bucket: testBucket, Key: media.originalKey, Body: body }));
    }
    // Half of them have no spool copy left: those come back from the mirror.
    for (const media of [...deleted.slice(0, 3), ...overwritten.slice(0, 2)]) removeSpoolCopy(media.id);

    await harness.queue.add('scrub', { pass: 'head' });
    const ids = rows.map((media) => media.id);
    const deadline = Date.now() + 30_000;
    let incidents: Awaited<ReturnType<typeof listIncidents>> = [];
    async function listIncidents() {
      return harness.database.db.selectFrom('media_incidents').selectAll().where('media_id', 'in', ids).execute();
    }
    while (Date.now() < deadline) {
      incidents = await listIncidents();
      if (incidents.length === 10 && incidents.every((incident) => incident.outcome === 'repaired')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(incidents).toHaveLength(10);
    const byMedia = new Map(incidents.map((incident) => [incident.media_id, incident]));
    for (const media of deleted) expect(byMedia.get(media.id)).toMatchObject({ store: 'primary', kind: 'missing', pass: 'head', outcome: 'repaired' });
    expect(overwritten.map((media) => byMedia.get(media.id)!.kind)).toEqual(['changed', 'size', 'changed', 'size', 'changed']);
    for (const incident of incidents) {
      expect(incident.last_verified_good_at).not.toBeNull();
      expect(incident.repaired_at).not.toBeNull();
    }
    expect(deleted.slice(0, 3).map((media) => byMedia.get(media.id)!.repaired_from)).toEqual(['mirror', 'mirror', 'mirror']);
    expect(deleted.slice(3).map((media) => byMedia.get(media.id)!.repaired_from)).toEqual(['spool', 'spool']);
    for (const media of rows) {
      expect(sha256Of(await readFrom(plainPrimary, testBucket, media.originalKey))).toBe(sha256Of(bytesById.get(media.id)!));
    }
    const metrics = (await worker.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/media_scrub_incidents_total\{kind="missing",store="primary"\} 5/);
    expect(metrics).toMatch(/media_scrub_checked_total\{store="primary",pass="head"\} (\d+)/);
    const checked = Number(/media_scrub_checked_total\{store="primary",pass="head"\} (\d+)/.exec(metrics)![1]);
    expect(checked).toBeGreaterThanOrEqual(rows.length);
  });

  it('the full pass finds bytes changed under unchanged size and metadata, which HEAD cannot see', async () => {
    const [media] = await uploadDocuments(1);
    await plainPrimary.send(new PutObjectCommand({ Bucket: testBucket, Key: media!.originalKey, Body: randomBytes(media!.sizeBytes), Metadata: { sha256: media!.sha256 } }));
    const head = await work.check('head');
    expect(head.incidents.filter((incident) => incident.mediaId === media!.id)).toEqual([]);
    const full = await work.check('full');
    expect(full.stores.map((store) => store.status)).toEqual(['checked', 'checked']);
    expect(full.checked).toBeGreaterThanOrEqual(2);
    expect(full.incidents.filter((incident) => incident.mediaId === media!.id)).toMatchObject([{ store: 'primary', kind: 'changed', outcome: 'repaired', repairedFrom: 'spool' }]);
    expect(sha256Of(await readFrom(plainPrimary, testBucket, media!.originalKey))).toBe(media!.sha256);
  });

  it('a wiped primary: signed reads go to the mirror meanwhile, and one pass restores everything', async () => {
    const rows = await uploadDocuments(4);
    const { signer, destroy } = createReadSigner(harness.config, createS3Client(primaryS3Settings(harness.config)));
    try {
      await primary.stop();
      fs.rmSync(primary.dataDir, { recursive: true, force: true });
      fs.mkdirSync(primary.dataDir);
      // While it is down: reads are signed for the mirror.
      const whileDown = await signer.signGet(rows[0]!.originalKey);
      expect(whileDown.url.startsWith(mirror.endpoint)).toBe(true);
      await primary.start(); // empty, its bucket created anew
      // Back but empty: the object is missing there, so the mirror still serves it.
      for (const media of rows) {
        const { url } = await signer.signGet(media.originalKey);
        const answer = await fetch(url);
        expect(answer.status).toBe(200);
        expect(sha256Of(Buffer.from(await answer.arrayBuffer()))).toBe(media.sha256);
      }
      removeSpoolCopy(rows[0]!.id);
      const report = await work.check('head', { windowMs: dayMs });
      expect(report.stores[0]).toMatchObject({ store: 'primary', status: 'checked' });
      const primaryIncidents = report.incidents.filter((incident) => incident.store === 'primary');
      expect(primaryIncidents.length).toBeGreaterThanOrEqual(rows.length);
      expect(primaryIncidents.every((incident) => incident.outcome === 'repaired')).toBe(true);
      const everything = await harness.database.db.selectFrom('media').select(['id', 'original_key', 'sha256']).where('owner_id', '=', harness.ownerId).where('status', '=', 'stored').execute();
      for (const media of everything) expect(sha256Of(await readFrom(plainPrimary, testBucket, media.original_key))).toBe(media.sha256);
      // Restored: reads are signed for the primary again (a fresh signer: the outage's 5 s skip is over).
      const fresh = createReadSigner(harness.config, createS3Client(primaryS3Settings(harness.config)));
      const after = await fresh.signer.signGet(rows[0]!.originalKey);
      fresh.destroy();
      expect(after.url.startsWith(primary.endpoint)).toBe(true);
    } finally {
      destroy();
    }
  });

  it('the mirror down during uploads: they are stored in the primary, and the catch-up copies them once it is back', async () => {
    await mirror.stop();
    const rows = await uploadDocuments(5);
    for (const media of rows) {
      expect(sha256Of(await readFrom(plainPrimary, testBucket, media.originalKey))).toBe(media.sha256);
      expect((await copiesOf(media.id)).map((copy) => copy.store)).toEqual(['primary']);
    }
    const whileDown = await work.catchUp();
    expect(whileDown.stores.find((store) => store.store === 'mirror')).toMatchObject({ status: 'unavailable', copied: 0 });
    await mirror.start();
    const caughtUp = await work.catchUp();
    expect(caughtUp.stores.find((store) => store.store === 'mirror')).toMatchObject({ status: 'checked', copied: 5, failed: 0 });
    for (const media of rows) {
      expect(sha256Of(await readFrom(plainMirror, mirrorBucket, media.originalKey))).toBe(media.sha256);
      expect((await copiesOf(media.id)).map((copy) => copy.store).sort()).toEqual(['mirror', 'primary']);
    }
    expect((await work.catchUp()).stores.find((store) => store.store === 'mirror')).toMatchObject({ examined: 0 });
  });

  it('an original gone from both stores and the spool is lost: never silent, the CLI exits 1 and lists it', async () => {
    const [media] = await uploadDocuments(1);
    await plainPrimary.send(new DeleteObjectCommand({ Bucket: testBucket, Key: media!.originalKey }));
    await plainMirror.send(new DeleteObjectCommand({ Bucket: mirrorBucket, Key: media!.originalKey }));
    removeSpoolCopy(media!.id);
    const lines: string[] = [];
    const cli = (...argv: string[]) => runScrubCli(argv, { ...process.env, ...harness.env }, { out: (line) => lines.push(line), logger: silentLogger });
    expect(await cli('--pass', 'head', '--window', '24')).toBe(1);
    expect(lines.join('\n')).toMatch(new RegExp(`incident #\\d+ primary missing ${media!.originalKey}: unrepairable`));
    expect(await harness.findMedia(media!.id)).toMatchObject({ status: 'lost', lostAt: expect.any(Date) });
    lines.length = 0;
    expect(await cli('--list-lost')).toBe(1);
    expect(lines.some((line) => line.startsWith(`lost ${media!.id}`))).toBe(true);
    lines.length = 0;
    // Nothing else is wrong now: a scrub of both passes exits 0.
    expect(await cli('--pass', 'both', '--window', '24')).toBe(0);
    expect(lines.at(-1)).toBe('found 0, repaired 0, unrepairable (lost) 0, left open 0');

    // Its owner uploads the same bytes again: the media comes back and is stored afresh.
    const revived = await reupload(bytesById.get(media!.id)!);
    expect(revived).toMatchObject({ id: media!.id, outcome: 'revived', status: 'spooled' });
    await harness.enqueueStore(media!.id);
    await harness.waitForMedia([media!.id], (row) => row.status === 'stored', 30_000);
    expect(sha256Of(await readFrom(plainPrimary, testBucket, media!.originalKey))).toBe(media!.sha256);
  });

  it('the CLI refuses bad flags with one line and exit 2, changing nothing', async () => {
    const { execFile } = await import('node:child_process');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, [path.join(import.meta.dirname, '../cli/scrub-cli.ts'), ...args], { env: { ...process.env, ...harness.env }, timeout: 30_000 }, (error, _stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
        );
      });
    const bad = await run(['--pass', 'deep']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['media:scrub: --pass must be one of head, full, both, catch-up, all, got "deep"']);
    expect((await run(['--window', 'soon'])).code).toBe(2);
  });

  it('purges deleted media after the retention window from both stores, never anything else; a re-upload after the purge is stored again', async () => {
    const [old, recent, kept] = await uploadDocuments(3);
    const [photoMedia] = await (async () => {
      const photo = await cameraPhoto(320, 240, { seed: 99 });
      const media = await harness.spoolUpload(photo, 'image/jpeg');
      bytesById.set(media.id, photo);
      await harness.enqueueStore(media.id);
      return harness.waitForMedia([media.id], (row) => row.variantsStatus === 'ready', 30_000);
    })();
    // The worker may still skip the mirror it saw down a moment ago: the catch-up (of stored media) fills it in.
    const caughtUp = await work.catchUp();
    expect(caughtUp.stores.find((store) => store.store === 'mirror'), JSON.stringify(caughtUp)).toMatchObject({ status: 'checked', failed: 0, noSource: 0 });
    const markDeleted = (id: string, at: Date) => harness.database.db.updateTable('media').set({ status: 'deleted', deleted_at: at, updated_at: at }).where('id', '=', id).execute();
    clock = new Date(Date.now() + 30 * dayMs);
    await markDeleted(old!.id, new Date(clock.getTime() - 8 * dayMs));
    await markDeleted(photoMedia!.id, new Date(clock.getTime() - 8 * dayMs));
    await markDeleted(recent!.id, new Date(clock.getTime() - 6 * dayMs));
    const photoKeys = [photoMedia!.originalKey, `variants/${photoMedia!.id}/w320.webp`, `variants/${photoMedia!.id}/w1280.webp`];

    const report = await work.purge();
    expect(report).toMatchObject({ status: 'done', failedDeletes: 0 });
    expect(report.purgedMedia).toBeGreaterThanOrEqual(2);
    for (const key of [old!.originalKey, ...photoKeys]) {
      expect(await existsIn(plainPrimary, testBucket, key)).toBe(false);
      expect(await existsIn(plainMirror, mirrorBucket, key)).toBe(false);
    }
    for (const media of [recent!, kept!]) {
      expect(await existsIn(plainPrimary, testBucket, media.originalKey)).toBe(true);
      expect(await existsIn(plainMirror, mirrorBucket, media.originalKey)).toBe(true);
    }
    expect(await harness.findMedia(old!.id)).toMatchObject({ status: 'deleted', purgedAt: clock });
    expect(await harness.findMedia(recent!.id)).toMatchObject({ status: 'deleted', purgedAt: null });
    expect(await harness.findMedia(kept!.id)).toMatchObject({ status: 'stored', purgedAt: null });
    expect(await copiesOf(old!.id)).toEqual([]);
    // A second run has nothing left to do.
    expect(await work.purge()).toMatchObject({ purgedMedia: 0, deletedObjects: 0 });

    // The owner uploads the purged photo again: stored afresh in both stores, previews made again.
    const revived = await reupload(bytesById.get(photoMedia!.id)!);
    expect(revived).toMatchObject({ id: photoMedia!.id, outcome: 'revived', status: 'spooled', variantsStatus: 'pending' });
    await harness.enqueueStore(photoMedia!.id);
    await harness.waitForMedia([photoMedia!.id], (row) => row.status === 'stored' && row.variantsStatus === 'ready', 30_000);
    // The mirror may have been written in the background or skipped (its gate): the catch-up settles it.
    await work.catchUp();
    for (const key of photoKeys) {
      expect(await existsIn(plainPrimary, testBucket, key)).toBe(true);
      expect(await existsIn(plainMirror, mirrorBucket, key)).toBe(true);
    }
    expect(sha256Of(await readFrom(plainPrimary, testBucket, photoMedia!.originalKey))).toBe(photoMedia!.sha256);
  });

  it('a store that lost most of what it held is no evidence of lost media: nothing is declared lost, the incidents stay open', async () => {
    clock = new Date();
    await mirror.stop();
    const rows = await uploadDocuments(20);
    for (const media of rows) removeSpoolCopy(media.id);
    await mirror.start();
    await primary.stop();
    fs.rmSync(primary.dataDir, { recursive: true, force: true });
    fs.mkdirSync(primary.dataDir);
    await primary.start();
    const report = await work.check('head', { windowMs: 40 * dayMs });
    const ours = report.incidents.filter((incident) => rows.some((media) => media.id === incident.mediaId));
    expect(ours).toHaveLength(20);
    expect(ours.every((incident) => incident.outcome === 'open' && incident.detail.startsWith('not declared lost'))).toBe(true);
    for (const media of rows) expect((await harness.findMedia(media.id)).status).toBe('stored');
    // What had a good copy elsewhere came back all the same.
    expect(report.incidents.filter((incident) => incident.outcome === 'repaired').length).toBeGreaterThan(0);
  });

  /** What intake does for a repeat upload: a fresh spool file, registerUpload, and our copy kept when the row must be stored again. */
  async function reupload(bytes: Buffer) {
    const unitOfWork = createUnitOfWork(harness.database);
    const media = createMediaService({
      reads: readsFrom(createRepositories(harness.database.db)),
      writes: { transaction: async (work) => (await unitOfWork.run((trx) => work(createRepositories(trx)))).result },
      clock: { now: () => new Date() },
    });
    const id = randomUUID();
    const actor = { accountId: harness.ownerId, role: 'customer' as const };
    const registered = await media.registerUpload(actor, { id, sha256: sha256Of(bytes), sizeBytes: bytes.length, contentType: bytes[0] === 0xff ? 'image/jpeg' : 'application/pdf' });
    if (registered.media.status === 'spooled') fs.writeFileSync(path.join(harness.spoolDir, 'objects', registered.media.id), bytes);
    return { ...registered.media, outcome: registered.outcome };
  }
});
