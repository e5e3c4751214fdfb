import { createHash } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, originalObjectKey, variantObjectKey, type Account, type Role } from '@chucar/domain';
import { createS3Client } from '@chucar/platform/s3';
import { primaryS3Settings } from '../../storage/s3-settings.ts';
import { buildTestApp, openTestDatabase, serviceAuth, testImage, type MediaTestApp, type TestDatabase } from '../../testing/api-test-support.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('GET and DELETE /v1/media/:id (real MariaDB and S3 server)', () => {
  let media: MediaTestApp;
  let db: TestDatabase;
  const keysToRemove: string[] = [];
  beforeAll(async () => {
    media = await buildTestApp({ MEDIA_SIGNED_URL_TTL_S: '120' });
    db = openTestDatabase();
  });
  afterAll(async () => {
    const s3 = createS3Client(primaryS3Settings(media.config));
    await Promise.all(keysToRemove.map((Key) => s3.send(new DeleteObjectCommand({ Bucket: media.config.S3_BUCKET, Key }))));
    s3.destroy();
    await media?.dispose();
    await db?.close();
  });

  async function uploaded(owner: Account): Promise<{ id: string; photo: Buffer }> {
    const photo = await testImage('jpeg');
    const response = await media.app.inject({ method: 'POST', url: '/v1/media', headers: { ...serviceAuth(media.config, owner), 'content-type': 'image/jpeg' }, payload: photo });
    expect(response.statusCode).toBe(202);
    return { id: response.json().id, photo };
  }

  /** What the worker does once S3 has the original and a preview: objects in the bucket, the row marked. */
  async function storedWithPreview(id: string, photo: Buffer): Promise<Buffer> {
    const s3 = createS3Client(primaryS3Settings(media.config));
    const preview = await testImage('webp', id, { width: 32, height: 24 });
    try {
      for (const [Key, Body] of [[originalObjectKey(id), photo], [variantObjectKey(id, 'w320'), preview]] as const) {
        await s3.send(new PutObjectCommand({ Bucket: media.config.S3_BUCKET, Key, Body }));
        keysToRemove.push(Key);
      }
    } finally {
      s3.destroy();
    }
    const rows = createRepositories(db.database.db).media;
    const now = new Date();
    await rows.markStored(id, now);
    await rows.recordVariant({ mediaId: id, name: 'w320', objectKey: variantObjectKey(id, 'w320'), contentType: 'image/webp', sizeBytes: preview.length, sha256: sha256(preview), width: 32, height: 24 }, now);
    return preview;
  }

  const view = (id: string, account: { id: number; role: Role }) => media.app.inject({ method: 'GET', url: `/v1/media/${id}`, headers: serviceAuth(media.config, account) });

  it('shows a spooled upload to its owner, with nothing to sign yet', async () => {
    const owner = await db.customer();
    const { id, photo } = await uploaded(owner);
    const response = await view(id, owner);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, ownerId: owner.id, status: 'spooled', kind: 'image', contentType: 'image/jpeg', sizeBytes: photo.length, sha256: sha256(photo), storedAt: null, variantsStatus: 'pending', original: null, variants: [] });
  });

  it('signs short-lived GET URLs that the S3 server honours: the original for the owner and admins, previews for analysts too', async () => {
    const owner = await db.customer();
    const { id, photo } = await uploaded(owner);
    const preview = await storedWithPreview(id, photo);
    const before = Date.now();

    const ownerView = (await view(id, owner)).json();
    expect(ownerView).toMatchObject({ status: 'stored', original: { url: expect.stringContaining(`originals/${id}`) }, variants: [{ name: 'w320', width: 32, height: 24 }] });
    const expiresInMs = new Date(ownerView.original.expiresAt).getTime() - before;
    expect(expiresInMs).toBeGreaterThan(110_000);
    expect(expiresInMs).toBeLessThanOrEqual(121_000);
    expect(Buffer.from(await (await fetch(ownerView.original.url, { signal: AbortSignal.timeout(5000) })).arrayBuffer())).toEqual(photo);
    expect(Buffer.from(await (await fetch(ownerView.variants[0].url, { signal: AbortSignal.timeout(5000) })).arrayBuffer())).toEqual(preview);
    // s3rver does not check V4 signatures (its code says so), so the URL's signing is checked here.
    const signed = new URL(ownerView.original.url).searchParams;
    expect({ algorithm: signed.get('X-Amz-Algorithm'), expires: signed.get('X-Amz-Expires'), signature: signed.get('X-Amz-Signature') }).toEqual({
      algorithm: 'AWS4-HMAC-SHA256',
      expires: '120',
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    expect((await view(id, { id: 999_999, role: 'admin' })).json()).toMatchObject({ original: { url: expect.any(String) } });
    expect((await view(id, { id: 999_998, role: 'analyst' })).json()).toMatchObject({ original: null, variants: [{ name: 'w320' }] });
  });

  it('answers 404 to another customer, and 400 to an id that is no media id', async () => {
    const [owner, stranger] = [await db.customer(), await db.customer()];
    const { id } = await uploaded(owner);
    expect((await view(id, stranger)).statusCode).toBe(404);
    expect((await media.app.inject({ method: 'GET', url: '/v1/media/not-a-uuid', headers: serviceAuth(media.config, owner) })).statusCode).toBe(400);
  });

  it('deletes for the owner only (soft: the row says deleted), after which the id is 404', async () => {
    const [owner, stranger] = [await db.customer(), await db.customer()];
    const { id } = await uploaded(owner);
    const remove = (account: Account) => media.app.inject({ method: 'DELETE', url: `/v1/media/${id}`, headers: serviceAuth(media.config, account) });
    expect((await remove(stranger)).statusCode).toBe(404);
    expect((await remove(owner)).statusCode).toBe(204);
    expect(await db.mediaRowsOf(owner.id)).toEqual([expect.objectContaining({ id, status: 'deleted' })]);
    expect((await view(id, owner)).statusCode).toBe(404);
    expect((await remove(owner)).statusCode).toBe(404);
  });
});
