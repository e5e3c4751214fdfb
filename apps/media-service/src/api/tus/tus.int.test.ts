import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '@chucar/domain';
import { buildTestApp, openTestDatabase, serviceAuth, spoolListing, testImage, type MediaTestApp, type TestDatabase } from '../../testing/api-test-support.ts';

const tusHeaders = { 'tus-resumable': '1.0.0' };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('tus resumable uploads at /v1/uploads (real MariaDB, Redis and spool)', () => {
  let media: MediaTestApp;
  let db: TestDatabase;
  let port: number;
  beforeAll(async () => {
    media = await buildTestApp({ MEDIA_MAX_UPLOAD_BYTES: String(4 * 1024 * 1024) });
    db = openTestDatabase();
    await media.app.listen({ host: '127.0.0.1', port: 0 });
    port = (media.app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await media?.dispose();
    await db?.close();
  });

  const auth = (account: Account) => ({ ...tusHeaders, ...serviceAuth(media.config, account) });

  async function create(customer: Account, length: number): Promise<string> {
    const response = await media.app.inject({ method: 'POST', url: '/v1/uploads', headers: { ...auth(customer), 'upload-length': String(length), 'upload-metadata': `filename ${Buffer.from('../../x.jpg').toString('base64')}` } });
    expect(response.statusCode, response.body).toBe(201);
    const location = String(response.headers['location']);
    expect(location).toMatch(/^\/v1\/uploads\/[0-9a-f]+$/);
    return location;
  }

  const patch = (customer: Account, location: string, offset: number, bytes: Buffer) =>
    media.app.inject({ method: 'PATCH', url: location, headers: { ...auth(customer), 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, payload: bytes });

  const head = (account: Account, location: string) => media.app.inject({ method: 'HEAD', url: location, headers: auth(account) });

  /** Sends a PATCH over a real socket announcing every remaining byte, writes only `sent`, and hangs up. */
  async function interruptedPatch(customer: Account, location: string, offset: number, remaining: number, sent: Buffer): Promise<void> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const headers = { ...auth(customer), 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(remaining), host: '127.0.0.1' };
    socket.write(`PATCH ${location} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`);
    await new Promise<void>((resolve) => socket.write(sent, () => resolve()));
    // Let the server write what it received before the line drops.
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  it('creates, takes half, survives an interrupted PATCH, reports the offset, resumes and ends as a media row with the right SHA-256', async () => {
    const customer = await db.customer();
    const photo = Buffer.concat([await testImage('jpeg', undefined, { width: 1600, height: 1200 })]);
    const location = await create(customer, photo.length);
    const half = Math.floor(photo.length / 2);

    const first = await patch(customer, location, 0, photo.subarray(0, half));
    expect(first.statusCode, first.body).toBe(204);
    expect(first.headers['upload-offset']).toBe(String(half));

    const quarter = Math.floor(photo.length / 4);
    await interruptedPatch(customer, location, half, photo.length - half, photo.subarray(half, half + quarter));
    const probe = await head(customer, location);
    expect(probe.statusCode).toBe(200);
    const offset = Number(probe.headers['upload-offset']);
    expect(offset).toBeGreaterThan(half);
    expect(offset).toBeLessThanOrEqual(half + quarter);
    expect(probe.headers['upload-length']).toBe(String(photo.length));

    const last = await patch(customer, location, offset, photo.subarray(offset));
    expect(last.statusCode, last.body).toBe(202);
    const mediaId = String(last.headers['x-media-id']);
    expect(last.headers['x-media-location']).toBe(`/v1/media/${mediaId}`);
    expect(last.json()).toMatchObject({ id: mediaId, status: 'spooled', sizeBytes: photo.length, sha256: sha256(photo), contentType: 'image/jpeg' });
    expect(await db.mediaRowsOf(customer.id)).toEqual([expect.objectContaining({ id: mediaId, sha256: sha256(photo), size_bytes: photo.length, status: 'spooled' })]);
    expect((await spoolListing(media.config)).objects).toContain(mediaId);
  });

  it('takes a whole upload in the creating POST (creation-with-upload)', async () => {
    const customer = await db.customer();
    const photo = await testImage('png');
    const response = await media.app.inject({
      method: 'POST',
      url: '/v1/uploads',
      headers: { ...auth(customer), 'upload-length': String(photo.length), 'content-type': 'application/offset+octet-stream' },
      payload: photo,
    });
    expect(response.statusCode, response.body).toBe(202);
    expect(await db.mediaRowsOf(customer.id)).toEqual([expect.objectContaining({ id: response.headers['x-media-id'], sha256: sha256(photo) })]);
  });

  it('terminates an upload: DELETE removes it and its bytes', async () => {
    const customer = await db.customer();
    const photo = await testImage('webp');
    const location = await create(customer, photo.length);
    await patch(customer, location, 0, photo.subarray(0, 10));
    const id = location.split('/').pop()!;
    expect((await spoolListing(media.config)).tus).toContain(id);
    const deleted = await media.app.inject({ method: 'DELETE', url: location, headers: auth(customer) });
    expect(deleted.statusCode).toBe(204);
    expect((await head(customer, location)).statusCode).toBe(404);
    expect((await spoolListing(media.config)).tus.filter((name) => name.startsWith(id))).toEqual([]);
    expect(await db.mediaRowsOf(customer.id)).toEqual([]);
  });

  it('refuses a finished upload that is no photo or PDF, deletes it, and answers problem+json', async () => {
    const customer = await db.customer();
    const text = Buffer.from('not a photo at all, just words');
    const location = await create(customer, text.length);
    const before = await spoolListing(media.config);
    const response = await patch(customer, location, 0, text);
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'unsupported_media_type' });
    const id = location.split('/').pop()!;
    expect(await spoolListing(media.config)).toEqual({ incoming: [], objects: before.objects, tus: before.tus.filter((name) => !name.startsWith(id)) });
    expect(await db.mediaRowsOf(customer.id)).toEqual([]);
  });

  it('keeps each upload to its creator: another customer is told it does not exist', async () => {
    const [owner, stranger] = [await db.customer(), await db.customer()];
    const location = await create(owner, 100);
    expect((await head(stranger, location)).statusCode).toBe(404);
    expect((await patch(stranger, location, 0, Buffer.alloc(10))).statusCode).toBe(404);
    expect((await media.app.inject({ method: 'DELETE', url: location, headers: auth(stranger) })).statusCode).toBe(404);
    expect((await head(owner, location)).statusCode).toBe(200);
  });

  it('413 for an upload announced beyond the limit; 403 for a dealer; 401 without a service token', async () => {
    const customer = await db.customer();
    const tooLarge = await media.app.inject({ method: 'POST', url: '/v1/uploads', headers: { ...auth(customer), 'upload-length': String(5 * 1024 * 1024) } });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ code: 'upload_too_large' });
    const dealer = await db.customer('dealer');
    const forbidden = await media.app.inject({ method: 'POST', url: '/v1/uploads', headers: { ...auth(dealer), 'upload-length': '10' } });
    expect(forbidden.statusCode).toBe(403);
    const anonymous = await media.app.inject({ method: 'POST', url: '/v1/uploads', headers: { ...tusHeaders, 'upload-length': '10' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
  });
});
