import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localS3Credentials } from '@chucar/platform/testing';
import { Upload } from '@aws-sdk/lib-storage';
import { Redis } from 'ioredis';
import { testStackConfig } from '../testing/stack-fixture.ts';

const config = testStackConfig();
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('local S3 server with the SDK defaults (CRC32 checksums, aws-chunked bodies)', () => {
  // No checksum settings on purpose: the client's defaults are what production code sends.
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${config.S3_PORT}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: localS3Credentials,
  });
  afterAll(() => s3.destroy());

  it('stores and returns an object byte for byte', async () => {
    const body = randomBytes(64 * 1024);
    const key = `foundation-test/${Date.now()}-put.bin`;
    await s3.send(new PutObjectCommand({ Bucket: config.S3_BUCKET, Key: key, Body: body, ContentType: 'application/octet-stream' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: config.S3_BUCKET, Key: key }));
    expect(head.ContentLength).toBe(body.length);
    const got = await s3.send(new GetObjectCommand({ Bucket: config.S3_BUCKET, Key: key }));
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(body));
    await s3.send(new DeleteObjectCommand({ Bucket: config.S3_BUCKET, Key: key }));
    await expect(s3.send(new HeadObjectCommand({ Bucket: config.S3_BUCKET, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('accepts a multipart upload into the mirror bucket too', async () => {
    const body = randomBytes(11 * 1024 * 1024); // three parts of at least 5 MiB
    const key = `foundation-test/${Date.now()}-multipart.bin`;
    await new Upload({ client: s3, params: { Bucket: config.S3_MIRROR_BUCKET, Key: key, Body: body }, partSize: 5 * 1024 * 1024 }).done();
    const got = await s3.send(new GetObjectCommand({ Bucket: config.S3_MIRROR_BUCKET, Key: key }));
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(body));
    await s3.send(new DeleteObjectCommand({ Bucket: config.S3_MIRROR_BUCKET, Key: key }));
  });
});

describe('local Redis', () => {
  const redis = new Redis({ host: '127.0.0.1', port: config.REDIS_PORT, connectTimeout: 2000, maxRetriesPerRequest: 1 });
  afterAll(() => redis.quit());

  it('keeps an append-only file and never evicts (BullMQ needs both)', async () => {
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
  });
});
