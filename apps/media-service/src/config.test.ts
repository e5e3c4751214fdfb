import { describe, expect, it } from 'vitest';
import { localDevelopmentSecrets } from '@chucar/platform';
import { loadMediaConfig } from './config.ts';

describe('media config', () => {
  it('defaults to the local stack', () => {
    expect(loadMediaConfig({})).toMatchObject({ MEDIA_PORT: 3001, S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'chucar-media', REDIS_PORT: 6380 });
  });

  it('defaults to the local stack’s shared secrets and credentials', () => {
    expect(loadMediaConfig({})).toMatchObject({
      MEDIA_SERVICE_SECRET: localDevelopmentSecrets.mediaServiceSecret,
      JWT_SECRET: localDevelopmentSecrets.accessTokenSecret,
      S3_ACCESS_KEY_ID: localDevelopmentSecrets.s3AccessKeyId,
      S3_SECRET_ACCESS_KEY: localDevelopmentSecrets.s3SecretAccessKey,
      MEDIA_MIRROR_ACCESS_KEY_ID: localDevelopmentSecrets.s3AccessKeyId,
      MEDIA_MIRROR_SECRET_ACCESS_KEY: localDevelopmentSecrets.s3SecretAccessKey,
      DB_PASSWORD: localDevelopmentSecrets.appDatabasePassword,
    });
  });

  it('defaults the media limits to 20 MiB, 100 megapixels, 5-minute signed URLs and a week of spool', () => {
    expect(loadMediaConfig({})).toMatchObject({
      MEDIA_MAX_UPLOAD_BYTES: 20 * 1024 * 1024,
      MEDIA_MAX_PIXELS: 100_000_000,
      MEDIA_SIGNED_URL_TTL_S: 300,
      MEDIA_SPOOL_RETENTION_DAYS: 7,
      MEDIA_QUEUE_PREFIX: 'bull',
    });
  });

  it('an empty S3_ENDPOINT selects AWS itself rather than the local default', () => {
    expect(loadMediaConfig({ S3_ENDPOINT: '', S3_ACCESS_KEY_ID: '' })).toMatchObject({ S3_ENDPOINT: '', S3_ACCESS_KEY_ID: '' });
  });

  it('names every bad variable at once', () => {
    expect(() => loadMediaConfig({ MEDIA_PORT: '0', S3_FORCE_PATH_STYLE: 'sometimes' })).toThrow(/MEDIA_PORT must be a port number[\s\S]*S3_FORCE_PATH_STYLE must be true or false/);
  });

  it('requires a service secret of its own in production, and a long one anywhere', () => {
    expect(() => loadMediaConfig({ NODE_ENV: 'production' })).toThrow(/MEDIA_SERVICE_SECRET is required in production/);
    expect(() => loadMediaConfig({ MEDIA_SERVICE_SECRET: 'short' })).toThrow(/MEDIA_SERVICE_SECRET must be at least 32 characters/);
    expect(loadMediaConfig({ NODE_ENV: 'production', MEDIA_SERVICE_SECRET: 'x'.repeat(32) }).MEDIA_SERVICE_SECRET).toBe('x'.repeat(32));
  });

  it('probes the stores often enough that a refused store pages within 90 s', () => {
    // Two failed probes declare a store down; the alert then waits 60 s, and Prometheus scrapes and evaluates every 5 s.
    const { MEDIA_STORAGE_PROBE_INTERVAL_MS: intervalMs } = loadMediaConfig({});
    expect(2 * intervalMs + 60_000 + 5000 + 5000).toBeLessThanOrEqual(90_000);
  });

  it('refuses a queue prefix BullMQ would choke on', () => {
    expect(() => loadMediaConfig({ MEDIA_QUEUE_PREFIX: 'a:b' })).toThrow(/MEDIA_QUEUE_PREFIX/);
  });
});
