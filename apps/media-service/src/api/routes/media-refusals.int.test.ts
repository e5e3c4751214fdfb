import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '@chucar/domain';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import { buildTestApp, heicFixturePath, openTestDatabase, queuedStoreJobs, serviceAuth, spoolListing, testImage, testPdf, type MediaTestApp, type TestDatabase } from '../../testing/api-test-support.ts';

/** A PNG whose header claims `width` x `height`: a few hundred bytes that would decode to gigabytes. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

const cut = (bytes: Buffer, share = 0.6) => bytes.subarray(0, Math.floor(bytes.length * share));

describe('POST /v1/media refusals leave nothing behind (real MariaDB, Redis and spool)', () => {
  let media: MediaTestApp;
  let db: TestDatabase;
  beforeAll(async () => {
    media = await buildTestApp({ MEDIA_MAX_UPLOAD_BYTES: String(256 * 1024) });
    db = openTestDatabase();
  });
  afterAll(async () => {
    await media?.dispose();
    await db?.close();
  });

  /** Uploads as a new customer and checks that no spool file, row or job appeared. */
  async function refused(payload: Buffer | Readable, contentType = 'application/octet-stream', target: MediaTestApp = media) {
    const customer = await db.customer();
    const spoolBefore = await spoolListing(target.config);
    const jobsBefore = await queuedStoreJobs(target.config);
    const response = await target.app.inject({ method: 'POST', url: '/v1/media', headers: { ...serviceAuth(target.config, customer), 'content-type': contentType }, payload });
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(await spoolListing(target.config)).toEqual({ ...spoolBefore, incoming: [] });
    expect(await db.mediaRowsOf(customer.id)).toEqual([]);
    expect(await queuedStoreJobs(target.config)).toEqual(jobsBefore);
    return { status: response.statusCode, code: response.json().code as string, headers: response.headers };
  }

  it('415 for a type it does not take, whatever the client claims', async () => {
    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(200, 1)]);
    expect(await refused(gif, 'image/jpeg')).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(await refused(Buffer.from('just some text, not a photo'), 'image/png')).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('413 beyond the size limit: announced, streamed without a length, or in a multipart part', async () => {
    const large = Buffer.concat([await testImage('jpeg'), Buffer.alloc(300 * 1024, 7)]);
    expect(await refused(large)).toMatchObject({ status: 413, code: 'upload_too_large' });
    expect(await refused(Readable.from([large.subarray(0, 100_000), large.subarray(100_000)]))).toMatchObject({ status: 413, code: 'upload_too_large' });
    const boundary = 'b0undary';
    const form = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n`), large, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    expect(await refused(Readable.from([form]), `multipart/form-data; boundary=${boundary}`)).toMatchObject({ status: 413, code: 'upload_too_large' });
  });

  it('422 for an empty upload', async () => {
    expect(await refused(Buffer.alloc(0))).toMatchObject({ status: 422, code: 'empty_upload' });
  });

  it.each([
    ['JPEG', () => testImage('jpeg', undefined, { width: 800, height: 600 })],
    ['PNG', () => testImage('png')],
    ['WebP', () => testImage('webp')],
    ['AVIF', () => testImage('avif')],
    ['HEIC', () => readFile(heicFixturePath)],
  ])('422 for a truncated %s', async (_name, bytes) => {
    expect(await refused(cut(await bytes()))).toMatchObject({ status: 422, code: 'corrupt_image' });
  });

  it('422 for a decompression bomb: a PNG header claiming 50000 x 50000 pixels', async () => {
    expect(await refused(pngClaiming(50_000, 50_000))).toMatchObject({ status: 422, code: 'image_too_large' });
  });

  it('422 for a corrupt image: the right magic bytes, then garbage', async () => {
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4000, 0x5a)]);
    expect(await refused(garbage)).toMatchObject({ status: 422, code: 'corrupt_image' });
  });

  it('422 for a PDF without its end marker', async () => {
    const pdf = testPdf();
    expect(await refused(pdf.subarray(0, pdf.lastIndexOf('%%EOF')))).toMatchObject({ status: 422, code: 'corrupt_document' });
  });

  it('400 for a multipart body with two files or none', async () => {
    const boundary = 'tw0files';
    const part = (name: string, bytes: Buffer) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.png"\r\n\r\n`), bytes, Buffer.from('\r\n')]);
    const twoFiles = Buffer.concat([part('a', await testImage('png')), part('b', await testImage('png')), Buffer.from(`--${boundary}--\r\n`)]);
    expect(await refused(twoFiles, `multipart/form-data; boundary=${boundary}`)).toMatchObject({ status: 400, code: 'one_file_expected' });
    const noFile = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`);
    expect(await refused(noFile, `multipart/form-data; boundary=${boundary}`)).toMatchObject({ status: 400, code: 'file_part_missing' });
  });

  it('keeps nothing of an upload whose client hangs up halfway', async () => {
    const customer = await db.customer();
    const address = await media.app.listen({ host: '127.0.0.1', port: 0 });
    const socket = net.connect(Number(new URL(address).port), '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const headers = { ...serviceAuth(media.config, customer), 'content-type': 'image/jpeg', 'content-length': '100000', host: '127.0.0.1' };
    socket.write(`POST /v1/media HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`);
    socket.write(Buffer.concat([await testImage('jpeg'), Buffer.alloc(20_000, 1)]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await spoolListing(media.config)).incoming).toHaveLength(1);
    socket.destroy();
    await expect.poll(async () => (await spoolListing(media.config)).incoming, { timeout: 5000 }).toEqual([]);
    expect(await db.mediaRowsOf(customer.id)).toEqual([]);
  });

  it('503 with Retry-After while the spool disk is nearly full', async () => {
    const full = await buildTestApp({ MEDIA_SPOOL_MIN_FREE_BYTES: String(Number.MAX_SAFE_INTEGER) });
    try {
      const answer = await refused(await testImage('jpeg'), 'image/jpeg', full);
      expect(answer).toMatchObject({ status: 503, code: 'spool_full' });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      const ready = await full.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { spool: { status: 'down', critical: true } } });
    } finally {
      await full.dispose();
    }
  });

  it('503 and nothing kept when the primary is unreachable', async () => {
    const noPrimary = await buildTestApp({ DB_PRIMARY_PORT: String(await unusedLoopbackPort()), DB_CONNECT_TIMEOUT_MS: '300' });
    try {
      const answer = await refused(await testImage('jpeg'), 'image/jpeg', noPrimary);
      expect(answer).toMatchObject({ status: 503, code: 'database_unavailable' });
      expect(answer.headers['retry-after']).toBeDefined();
    } finally {
      await noPrimary.dispose();
    }
  });
});

describe('POST /v1/media while Redis is down (an unused port)', () => {
  let media: MediaTestApp;
  let db: TestDatabase;
  let customer: Account;
  beforeAll(async () => {
    media = await buildTestApp({ REDIS_PORT: String(await unusedLoopbackPort()), REDIS_CONNECT_TIMEOUT_MS: '300' });
    db = openTestDatabase();
    customer = await db.customer();
  });
  afterAll(async () => {
    await media?.dispose();
    await db?.close();
  });

  it('still accepts: 202, the row stays spooled for the reconciler, the file is on the spool', async () => {
    const startedAt = performance.now();
    const response = await media.app.inject({ method: 'POST', url: '/v1/media', headers: { ...serviceAuth(media.config, customer), 'content-type': 'image/jpeg' }, payload: await testImage('jpeg') });
    expect(response.statusCode, response.body).toBe(202);
    // No wait on the queue: the producer fails fast.
    expect(performance.now() - startedAt).toBeLessThan(2000);
    const { id } = response.json();
    expect(await db.mediaRowsOf(customer.id)).toEqual([expect.objectContaining({ id, status: 'spooled' })]);
    expect((await spoolListing(media.config)).objects).toEqual([id]);
  });
});
