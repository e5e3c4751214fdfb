import { describe, expect, it } from 'vitest';
import { createS3Client, type S3ClientSettings } from './s3-client.ts';
import { localDevelopmentSecrets } from '../config/local-development-secrets.ts';

const localS3Credentials = { accessKeyId: localDevelopmentSecrets.s3AccessKeyId, secretAccessKey: localDevelopmentSecrets.s3SecretAccessKey };

const local: S3ClientSettings = { region: 'us-east-1', forcePathStyle: true, endpoint: 'http://127.0.0.1:9000', ...localS3Credentials, timeoutMs: 30_000 };

describe('createS3Client', () => {
  it('uses the endpoint, path-style URLs and the given keys', async () => {
    const s3 = createS3Client(local);
    try {
      expect(await s3.config.region()).toBe('us-east-1');
      expect(s3.config.forcePathStyle).toBe(true);
      const endpoint = await s3.config.endpoint!();
      expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:9000');
      const credentials = await s3.config.credentials();
      expect(credentials).toMatchObject(localS3Credentials);
      expect(await s3.config.maxAttempts()).toBe(2);
      expect(await s3.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    } finally {
      s3.destroy();
    }
  });

  it('leaves the endpoint to AWS when none is set', async () => {
    const s3 = createS3Client({ ...local, endpoint: '', region: 'ap-northeast-2', forcePathStyle: false });
    try {
      expect(s3.config.endpoint).toBeUndefined();
      expect(await s3.config.region()).toBe('ap-northeast-2');
    } finally {
      s3.destroy();
    }
  });

  it('sends the SDK warnings to the given logger', () => {
    const warnings: string[] = [];
    const s3 = createS3Client(local, { warn: (_details, message) => warnings.push(message) });
    try {
      s3.config.logger.warn('a streaming request failed');
      s3.config.logger.error('an error');
      s3.config.logger.info('an info line');
      expect(warnings).toEqual(['S3 client warning', 'S3 client error']);
    } finally {
      s3.destroy();
    }
  });
});
