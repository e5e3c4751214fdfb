import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '@chucar/domain';
import { buildTestApp, heicFixturePath, openTestDatabase, queuedStoreJobs, serviceAuth, spoolListing, testImage, testPdf, type MediaTestApp, type TestDatabase } from '../../testing/api-test-support.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('POST /v1/media (real MariaDB, Redis and spool)', () => {
  let media: MediaTestApp;
  let db: TestDatabase;
  beforeAll(async () => {
    media = await buildTestApp();
    db = openTestDatabase();
  });
  afterAll(async () => {
    await media?.dispose();
    await db?.close();
  });

  const upload = (customer: Account, payload: Buffer, contentType = 'application/octet-stream') =>
    media.app.inject({ method: 'POST', url: '/v1/media', headers: { ...serviceAuth(media.config, customer), 'content-type': contentType }, payload });

  describe.each([
    { name: 'JPEG', contentType: 'image/jpeg', bytes: () => testImage('jpeg') },
    { name: 'PNG', contentType: 'image/png', bytes: () => testImage('png') },
    { name: 'WebP', contentType: 'image/webp', bytes: () => testImage('webp') },
    { name: 'AVIF', contentType: 'image/avif', bytes: () => testImage('avif') },
    { name: 'HEIC (heif-enc fixture)', contentType: 'image/heic', bytes: () => readFile(heicFixturePath) },
    { name: 'PDF', contentType: 'application/pdf', bytes: async () => testPdf() },
  ])('a $name', ({ contentType, bytes }) => {
    it('is accepted: 202, spooled in objects/<id>, one row, one store job', async () => {
      const customer = await db.customer();
      const payload = await bytes();
      // The client's content type is not trusted: the sniffed one is recorded.
      const response = await upload(customer, payload, 'text/plain');
      expect(response.statusCode, response.body).toBe(202);
      const body = response.json();
      expect(body).toMatchObject({ status: 'spooled', sizeBytes: payload.length, sha256: sha256(payload), contentType, kind: contentType === 'application/pdf' ? 'document' : 'image' });
      expect(response.headers['location']).toBe(`/v1/media/${body.id}`);
      expect(await readFile(path.join(media.config.MEDIA_SPOOL_DIR, 'objects', body.id))).toEqual(payload);
      expect(await db.mediaRowsOf(customer.id)).toEqual([expect.objectContaining({ id: body.id, sha256: sha256(payload), size_bytes: payload.length, content_type: contentType, status: 'spooled' })]);
      expect(await queuedStoreJobs(media.config)).toContain(body.id);
      expect((await spoolListing(media.config)).incoming).toEqual([]);
    });
  });

  it('records the image size read from the header', async () => {
    const customer = await db.customer();
    const response = await upload(customer, await testImage('jpeg', undefined, { width: 120, height: 80 }));
    expect(response.statusCode).toBe(202);
    expect(await db.mediaRowsOf(customer.id)).toEqual([expect.objectContaining({ width: 120, height: 80 })]);
  });

  it('sniffs a raw body that came without any content type', async () => {
    const customer = await db.customer();
    const response = await media.app.inject({ method: 'POST', url: '/v1/media', headers: serviceAuth(media.config, customer), payload: await testImage('png') });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({ contentType: 'image/png' });
  });

  it('takes the one file part of a multipart/form-data body', async () => {
    const customer = await db.customer();
    const payload = await testImage('png');
    const boundary = 'chucar-boundary-1';
    const form = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\ntrade-in\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../etc/passwd.png"\r\nContent-Type: image/png\r\n\r\n`),
      payload,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await upload(customer, form, `multipart/form-data; boundary=${boundary}`);
    expect(response.statusCode, response.body).toBe(202);
    const { id } = response.json();
    // The key and the spool name come from the id, never from the filename.
    expect((await spoolListing(media.config)).objects).toContain(id);
    expect(await readFile(path.join(media.config.MEDIA_SPOOL_DIR, 'objects', id))).toEqual(payload);
  });

  it('answers the same bytes from the same owner with the existing media, and keeps one spool file', async () => {
    const customer = await db.customer();
    const payload = await testImage('jpeg');
    const first = await upload(customer, payload);
    const again = await upload(customer, payload);
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(await db.mediaRowsOf(customer.id)).toHaveLength(1);
    expect((await spoolListing(media.config)).objects.filter((name) => name === first.json().id)).toHaveLength(1);
  });

  it('resolves racing duplicates to one row and one spool file', async () => {
    const customer = await db.customer();
    const payload = await testImage('webp');
    const before = (await spoolListing(media.config)).objects;
    const responses = await Promise.all(Array.from({ length: 4 }, () => upload(customer, payload)));
    const ids = new Set(responses.map((response) => response.json().id));
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 200, 200, 202]);
    expect(ids.size).toBe(1);
    expect(await db.mediaRowsOf(customer.id)).toHaveLength(1);
    const added = (await spoolListing(media.config)).objects.filter((name) => !before.includes(name));
    expect(added).toEqual([...ids]);
  });

  it('lets another owner upload the same bytes as media of their own', async () => {
    const [first, second] = [await db.customer(), await db.customer()];
    const payload = await testImage('png');
    const a = await upload(first, payload);
    const b = await upload(second, payload);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(a.json().id).not.toBe(b.json().id);
  });

  it('refuses uploads by anyone but a customer before reading the body', async () => {
    const dealer = await db.customer('dealer');
    const response = await upload(dealer, await testImage('jpeg'));
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(await db.mediaRowsOf(dealer.id)).toEqual([]);
  });
});
