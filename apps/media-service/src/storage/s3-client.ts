import { S3Client } from '@aws-sdk/client-s3';
import type { MediaConfig } from '../config.ts';

/** One S3 client for the primary store; an empty S3_ENDPOINT means real AWS with the default credential chain. */
export function createS3Client(config: MediaConfig): S3Client {
  return new S3Client({
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    ...(config.S3_ACCESS_KEY_ID ? { credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY } } : {}),
    requestHandler: { requestTimeout: config.S3_TIMEOUT_MS, connectionTimeout: Math.min(config.S3_TIMEOUT_MS, 5000) },
    maxAttempts: 2,
  });
}
