import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localS3Credentials } from '@chucar/platform/testing';
import { testStackConfig } from '../testing/stack-fixture.ts';

const config = testStackConfig();
const client = (port: number) => new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials });

describe('the local mirror S3 server', () => {
  const primary = client(config.S3_PORT);
  const mirror = client(config.S3_MIRROR_PORT);
  afterAll(() => {
    primary.destroy();
    mirror.destroy();
  });

  it('is a server of its own: its own port and data directory, the mirror bucket in it', async () => {
    const key = `stack-test/${Date.now()}-mirror.bin`;
    const body = randomBytes(4096);
    await mirror.send(new PutObjectCommand({ Bucket: config.S3_MIRROR_BUCKET, Key: key, Body: body }));
    const got = await mirror.send(new GetObjectCommand({ Bucket: config.S3_MIRROR_BUCKET, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    // The same bucket name on the primary server is another bucket, in another directory.
    await expect(primary.send(new HeadObjectCommand({ Bucket: config.S3_MIRROR_BUCKET, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });
    expect(fs.existsSync(path.join(config.stateDir, 's3-mirror', 'data', config.S3_MIRROR_BUCKET))).toBe(true);
    await mirror.send(new DeleteObjectCommand({ Bucket: config.S3_MIRROR_BUCKET, Key: key }));
  });
});
