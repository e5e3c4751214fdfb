import { describe, expect, it } from 'vitest';
import { mirrorS3Settings, primaryS3Settings } from './s3-settings.ts';

const mirrorConfig = {
  MEDIA_MIRROR_BUCKET: 'chucar-media-mirror',
  MEDIA_MIRROR_ENDPOINT: 'http://127.0.0.1:9001',
  MEDIA_MIRROR_REGION: 'eu-west-1',
  MEDIA_MIRROR_ACCESS_KEY_ID: 'MIRROR',
  MEDIA_MIRROR_SECRET_ACCESS_KEY: 'mirror-secret',
  MEDIA_MIRROR_FORCE_PATH_STYLE: false,
  S3_TIMEOUT_MS: 7000,
};

describe('S3 settings for the kit client', () => {
  it('maps the primary store’s S3_* settings', () => {
    expect(
      primaryS3Settings({ S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: true, S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'PRIMARY', S3_SECRET_ACCESS_KEY: 'primary-secret', S3_TIMEOUT_MS: 30_000 }),
    ).toEqual({ region: 'us-east-1', forcePathStyle: true, endpoint: 'http://127.0.0.1:9000', accessKeyId: 'PRIMARY', secretAccessKey: 'primary-secret', timeoutMs: 30_000 });
  });

  it('maps the mirror’s own endpoint, region and keys with the shared timeout, or another endpoint for signing', () => {
    expect(mirrorS3Settings(mirrorConfig)).toEqual({ region: 'eu-west-1', forcePathStyle: false, endpoint: 'http://127.0.0.1:9001', accessKeyId: 'MIRROR', secretAccessKey: 'mirror-secret', timeoutMs: 7000 });
    expect(mirrorS3Settings(mirrorConfig, 'https://mirror.example.com')?.endpoint).toBe('https://mirror.example.com');
  });

  it('is null without a mirror bucket', () => {
    expect(mirrorS3Settings({ ...mirrorConfig, MEDIA_MIRROR_BUCKET: '' })).toBeNull();
  });
});
